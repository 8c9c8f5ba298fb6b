package payment

import (
	"errors"
	"testing"
)

func TestCheckMethod(t *testing.T) {
	if err := CheckMethod(MethodManual); err != nil {
		t.Fatalf("manual: %v", err)
	}
	if err := CheckMethod(MethodAutomatedCard); err != ErrAutomatedCardDisabled {
		t.Fatalf("automated_card: %v", err)
	}
	for _, m := range []Method{"", "Manual", "card", "stripe", "automated_card "} {
		if err := CheckMethod(m); !errors.Is(err, ErrAutomatedCardDisabled) {
			t.Errorf("%q: %v", m, err)
		}
	}
}

func TestCheckLink(t *testing.T) {
	for _, ok := range []string{"", "https://pay.example.com/shop", "https://pay.example.com/p?shop=1"} {
		if err := checkLink(ok); err != nil {
			t.Errorf("%q refused: %v", ok, err)
		}
	}
	for _, bad := range []string{"http://pay.example.com", "https://", "javascript:alert(1)", "//pay.example.com",
		"https://user:pw@pay.example.com", "https://pay.example.com/\nx", "pay.example.com"} {
		if err := checkLink(bad); err != ErrInvalidLink {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestSuffix(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		s := suffix()
		if len(s) != 6 {
			t.Fatalf("suffix %q", s)
		}
		for _, c := range []byte(s) {
			if c == 'I' || c == 'L' || c == 'O' || c == 'U' || !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z') {
				t.Fatalf("suffix %q has %q", s, c)
			}
		}
		seen[s] = true
	}
	if len(seen) < 990 {
		t.Fatalf("only %d distinct suffixes in 1000", len(seen))
	}
}
