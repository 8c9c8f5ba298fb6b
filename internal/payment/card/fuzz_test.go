package card

import (
	"testing"
	"unicode/utf8"
)

// FuzzRedact checks what must hold for any text: no card number survives
// (no maximal run of 13 to 19 digits passing Luhn), a second Redact finds
// nothing, nothing changes when nothing was counted, and valid UTF-8 stays
// valid.
func FuzzRedact(f *testing.F) {
	for _, tc := range redactCases {
		f.Add(tc.in)
	}
	for _, s := range []string{
		"123-4111111111111111 cvv", "4111111111111111/12/25 exp", "exp 12/25-123 cvv",
		"cvv 123 4111 1111 1111 1111 12 / 25", "[card number removed]/12/25 exp", "x[security code removed].123 cvv",
		"123 cvv a b c d 456 cvc", "cvv cvc cvv 1 22 333 4444", "\xff cvv 123 \xfe", "exp.12/25",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, c := Redact(s)
		if c.Total() == 0 && out != s {
			t.Fatalf("changed without counting: %q -> %q", s, out)
		}
		if run, ok := luhnRun(out); ok {
			t.Fatalf("card number %q left in %q (from %q)", run, out, s)
		}
		if ContainsNumber(out) {
			t.Fatalf("ContainsNumber(%q) after Redact", out)
		}
		if again, c2 := Redact(out); again != out || c2.Total() != 0 {
			t.Fatalf("not idempotent: %q -> %q -> %q %+v", s, out, again, c2)
		}
		if utf8.ValidString(s) && !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 from %q: %q", s, out)
		}
		if n, k := RedactNumbers(s); (k > 0) != ContainsNumber(s) || k == 0 && n != s {
			t.Fatalf("RedactNumbers and ContainsNumber disagree on %q", s)
		}
	})
}

// luhnRun returns a maximal run of 13 to 19 ASCII digits in s that passes
// the Luhn check.
func luhnRun(s string) (string, bool) {
	for i := 0; i < len(s); {
		if !isDigit(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		if n := j - i; n >= MinNumberDigits && n <= MaxNumberDigits && Luhn(s[i:j]) {
			return s[i:j], true
		}
		i = j
	}
	return "", false
}
