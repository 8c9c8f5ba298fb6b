package crypto

import (
	"encoding/hex"
	"testing"
)

func TestDeriveKey(t *testing.T) {
	secret := testKey("secret")
	audit, err := DeriveKey(secret, "audit chain v1", 32)
	if err != nil {
		t.Fatal(err)
	}
	// Known answer computed independently: HKDF-SHA256(secret, salt=nil,
	// info="supportbot/audit chain v1", L=32).
	if got := hex.EncodeToString(audit); got != "e45fb6a6ce6b54a7cbcf2a313c73f7bc00cfcf63733a65598bc08c49c47825f3" {
		t.Fatalf("derivation changed: %s", got)
	}
	jwt, err := DeriveKey(secret, "jwt signing v1", 32)
	if err != nil {
		t.Fatal(err)
	}
	if hex.EncodeToString(jwt) == hex.EncodeToString(audit) {
		t.Fatal("different purposes gave the same key")
	}
	again, _ := DeriveKey(secret, "audit chain v1", 32)
	if hex.EncodeToString(again) != hex.EncodeToString(audit) {
		t.Fatal("derivation is not deterministic")
	}
	long, err := DeriveKey(secret, "x", 64)
	if err != nil || len(long) != 64 {
		t.Fatalf("64-byte key: %d bytes, %v", len(long), err)
	}
}

func TestDeriveKeyRefusesBadInput(t *testing.T) {
	secret := testKey("secret")
	for _, tc := range []struct {
		name    string
		secret  []byte
		purpose string
		n       int
	}{
		{"short secret", secret[:31], "p", 32},
		{"empty purpose", secret, "", 32},
		{"tiny key", secret, "p", 8},
		{"too long", secret, "p", 255*32 + 1},
	} {
		if _, err := DeriveKey(tc.secret, tc.purpose, tc.n); err == nil {
			t.Errorf("%s: accepted", tc.name)
		}
	}
}
