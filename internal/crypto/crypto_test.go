package crypto

import (
	"crypto/sha256"
	"testing"
)

// testKey returns a fixed, random-looking 32-byte key named by label.
func testKey(label string) []byte {
	sum := sha256.Sum256([]byte("supportbot test key: " + label))
	return sum[:]
}

func mustKeyring(t testing.TB, current []byte, old ...[]byte) *Keyring {
	t.Helper()
	k, err := NewKeyring(current, old...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = k.Close() })
	return k
}

var rowAAD = AAD{Table: "users", Column: "email", RowID: "42"}
