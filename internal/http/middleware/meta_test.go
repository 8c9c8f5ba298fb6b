package middleware

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestUserAgent(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Mozilla/5.0 (X11; Linux x86_64)", "Mozilla/5.0 (X11; Linux x86_64)"},
		{"evil\r\nX-Injected: 1", "evil??X-Injected: 1"},
		{"bidi\u202eoverride", "bidi?override"},
		{"bad \xff byte", "bad ? byte"},
		{strings.Repeat("a", 300), strings.Repeat("a", maxUserAgentBytes)},
		{strings.Repeat("a", 255) + "é", strings.Repeat("a", 255)}, // never half a rune
	}
	for _, tt := range tests {
		if got := userAgent(tt.in); got != tt.want {
			t.Errorf("userAgent(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzUserAgent(f *testing.F) {
	for _, s := range []string{"", "Mozilla/5.0", "a\x00b", "\xff\xfe", strings.Repeat("日本", 100)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := userAgent(in)
		if len(out) > maxUserAgentBytes || !utf8.ValidString(out) {
			t.Fatalf("userAgent(%q) = %q: too long or invalid UTF-8", in, out)
		}
		for _, r := range out {
			if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
				t.Fatalf("userAgent(%q) = %q keeps %U", in, out, r)
			}
		}
	})
}
