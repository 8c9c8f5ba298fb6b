package audit

import (
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

func TestFormatTable(t *testing.T) {
	entries := []Entry{
		{ID: 1, Event: Event{
			Time: time.Date(2025, 1, 15, 14, 30, 22, 999, time.UTC), Level: LevelWarning,
			Type: "auth.login_failed", Actor: "customer42", IP: "192.168.1.1", Details: "3 attempts", Status: "locked",
		}},
		{ID: 2, Event: Event{
			// Not UTC: printed in UTC.
			Time: time.Date(2025, 1, 15, 15, 31, 0, 0, time.FixedZone("CET", 3600)), Level: LevelError,
			Type: "access.denied", Actor: "user456", IP: "10.0.0.5", Target: "order:12345", Status: "denied",
		}},
		{ID: 3, Event: Event{
			Time: time.Date(2025, 1, 15, 14, 32, 0, 0, time.UTC), Level: LevelInfo,
			Type: "config.changed", Target: "CORS_ALLOWED_ORIGINS", Details: "2 origins",
		}},
	}
	var b strings.Builder
	if err := FormatTable(&b, entries); err != nil {
		t.Fatal(err)
	}
	want := "Timestamp | Level | Event | User | IP | Details | Status\n" +
		"2025-01-15 14:30:22 | WARNING | auth.login_failed | customer42 | 192.168.1.1 | 3 attempts | locked\n" +
		"2025-01-15 14:31:00 | ERROR | access.denied | user456 | 10.0.0.5 | order:12345 | denied\n" +
		"2025-01-15 14:32:00 | INFO | config.changed | - | - | CORS_ALLOWED_ORIGINS: 2 origins | -\n"
	if b.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestFormatTableEscapesControlCharacters(t *testing.T) {
	entries := []Entry{{ID: 1, Event: Event{
		Time:    time.Date(2025, 1, 15, 14, 30, 22, 0, time.UTC),
		Level:   LevelInfo,
		Type:    "auth.login",
		Actor:   "eve\n2025-01-15 14:30:23 | INFO | auth.login | admin | 1.2.3.4 | - | success",
		IP:      "\x1b[2J\x1b[31m1.2.3.4",
		Details: "a|b\\c\r\t\u202egnp.exe\u2028\x7f\xff\u0085",
		Status:  "ok",
	}}}
	var b strings.Builder
	if err := FormatTable(&b, entries); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines, want header + 1: a field forged a line\n%s", len(lines), b.String())
	}
	line := lines[1]
	if n := strings.Count(line, " | "); n != 6 {
		t.Errorf("%d separators, want 6: a field forged a column: %s", n, line)
	}
	for _, want := range []string{
		`eve\n2025-01-15 14:30:23 \| INFO`, `\x1b[2J\x1b[31m1.2.3.4`,
		`a\|b\\c\r\t\u202egnp.exe\u2028\x7f\xff\u0085`,
	} {
		if !strings.Contains(line, want) {
			t.Errorf("line lacks %q:\n%s", want, line)
		}
	}
}

func FuzzEscapeField(f *testing.F) {
	for _, s := range []string{"", "plain", "a|b", "\x1b[31m", "\n\r\t", "\u202e", "\xff\xfe", `\|`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := escapeField(s)
		if !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 out of %q", s)
		}
		for i, r := range out {
			if unicode.IsControl(r) || unicode.In(r, unicode.Zl, unicode.Zp, unicode.Bidi_Control) {
				t.Fatalf("%q left %U unescaped", s, r)
			}
			if r == '|' && (i == 0 || out[i-1] != '\\') {
				t.Fatalf("%q left a bare separator: %q", s, out)
			}
		}
	})
}
