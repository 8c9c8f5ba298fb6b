package logging

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzSingleLine logs an arbitrary string as message, key, value, group name,
// error text and inside maps, slices and structs, in both formats, and
// checks the output is exactly one line with no control character a
// terminal or log viewer would act on.
func FuzzSingleLine(f *testing.F) {
	for _, s := range []string{
		"", "hello", "a\nb", "a\r\nb", "\x00\x1b[2J", "\u2028", "\u0085", "\xc2", "\xe2\x80",
		"4111 1111 1111 1111", "x\n2025-01-15 14:30:22 | INFO | Login | admin | 1.2.3.4 | - | ok",
		"\xff\xfe", "password", "k=v \"q\"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		type fields struct {
			S   string
			M   map[string]any
			Err error
		}
		composite := fields{S: s, M: map[string]any{s: []string{s}, "n": orderNote(s)}, Err: errors.New(s)}
		for _, format := range []string{"json", "text"} {
			for _, log := range []func(*slog.Logger){
				func(l *slog.Logger) {
					l.With(s, s).WithGroup(s).Info(s, s, s, "v", s, slog.Group(s, "e", errors.New(s)))
				},
				// Not under WithGroup(s): when s is a sensitive word, that
				// would redact the composite values whole.
				func(l *slog.Logger) {
					l.Info(s, "m", map[string]string{s: s}, "l", []string{s, s}, "st", composite, "p", &composite)
				},
			} {
				var buf bytes.Buffer
				log(New(&buf, format, slog.LevelInfo))
				checkSingleLine(t, format, buf.String())
			}
		}
	})
}

// checkSingleLine fails unless out is exactly one line with no control
// character a terminal or log viewer would act on.
func checkSingleLine(t *testing.T, format, out string) {
	t.Helper()
	if !strings.HasSuffix(out, "\n") || strings.Count(out, "\n") != 1 {
		t.Fatalf("%s: not a single line: %q", format, out)
	}
	body := out[:len(out)-1]
	for i, r := range body {
		if r < 0x20 || r == 0x7f || (0x80 <= r && r <= 0x9f) || r == '\u2028' || r == '\u2029' {
			if r == utf8.RuneError {
				continue
			}
			t.Fatalf("%s: control character %U at %d in %q", format, r, i, out)
		}
	}
}
