package crypto

import (
	"encoding/base64"
	"testing"
)

func TestRandomToken(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		tok, err := RandomToken(32)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := base64.RawURLEncoding.DecodeString(tok)
		if err != nil || len(raw) != 32 {
			t.Fatalf("token %q is not 32 bytes of base64url: %v", tok, err)
		}
		if seen[tok] {
			t.Fatal("token repeated")
		}
		seen[tok] = true
	}
}

func TestRandomTokenRefusesWeakOrHugeSizes(t *testing.T) {
	for _, n := range []int{-1, 0, 8, 15, MaxTokenBytes + 1} {
		if _, err := RandomToken(n); err == nil {
			t.Errorf("RandomToken(%d) succeeded", n)
		}
	}
	if _, err := RandomToken(MinTokenBytes); err != nil {
		t.Errorf("RandomToken(%d): %v", MinTokenBytes, err)
	}
}

func TestHashToken(t *testing.T) {
	// SHA-256("abc") from FIPS 180-2, appendix B.1.
	if got := HashToken("abc"); got != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Fatalf("HashToken = %s", got)
	}
	if HashToken("a") == HashToken("b") {
		t.Fatal("different tokens, same hash")
	}
}

func TestEqual(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"", "", true},
		{"abc", "abc", true},
		{"abc", "abd", false},
		{"abc", "ab", false},
		{"", "a", false},
		{HashToken("t"), HashToken("t"), true},
	} {
		if got := Equal(tc.a, tc.b); got != tc.want {
			t.Errorf("Equal(%q, %q) = %v", tc.a, tc.b, got)
		}
	}
}
