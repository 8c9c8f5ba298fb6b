package crypto

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// storedCiphertexts were made once by Encrypt with testKey("current") and,
// for the last one, testKey("old"), all for rowAAD.
var storedCiphertexts = []struct{ ct, plain string }{
	{"v1.63c60e15.P8BcphAi1uMsfk0f0c60gWl1vuafMDgMKf9OAg", ""},
	{"v1.63c60e15.MyVQdYxpPHh3G_3kk1UiJRMaPi_TT-ofDFfEdpB67DM_4C5XUmSom_EOkmU", "ann@shop.example"},
	{"v1.63c60e15.-qZ5ILjU__VHiCDVQhaQovx-vNMxOusDvWI43qYjYQBvvL1HfKtd_rrVcb4psMLmbw3FpXOaPi2z9ukykZJSyBk-uNvsKYnepxLFKB2xw3N3SmK19wfGHfgLcSWvO6z5PJQsRN9uDcAvvJI0vaz610_Mz30FW-YNXHkwgfzp7rE", strings.Repeat("x", 100)},
	{"v1.618d0a5f.UzgVoM6SFmpUoBdVDjBAxclPsGMSfY0DYa0AwTYSqPAnSgDRCnot19DaVwg", "ann@shop.example"},
}

// FuzzDecrypt feeds arbitrary strings to Decrypt: it must never panic, must
// fail with ErrDecrypt or ErrUnknownKey, and may succeed only for a string
// Encrypt produced for exactly this AAD.
func FuzzDecrypt(f *testing.F) {
	// The genuine ciphertexts are constants: the fuzzing engine runs the
	// target in worker processes, so values encrypted here at random would
	// differ from one process to the next.
	genuine := map[string]string{}
	for _, g := range storedCiphertexts {
		genuine[g.ct] = g.plain
		f.Add(g.ct)
	}
	k := mustKeyring(f, testKey("current"), testKey("old"))
	f.Add("")
	f.Add("v1.")
	f.Add("v1.00000000.")
	f.Add("v1.00000000.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
	f.Add("v1." + k.CurrentKeyID() + ".AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
	f.Add("v1.zzzzzzzz.====")

	f.Fuzz(func(t *testing.T, ct string) {
		plain, err := k.Decrypt(ct, rowAAD)
		if err != nil {
			if !errors.Is(err, ErrDecrypt) && !errors.Is(err, ErrUnknownKey) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			if plain != nil {
				t.Fatal("plaintext returned with an error")
			}
			return
		}
		want, ok := genuine[ct]
		if !ok {
			t.Fatalf("decrypted a string Encrypt never produced: %q", ct)
		}
		if !bytes.Equal(plain, []byte(want)) {
			t.Fatalf("decrypted to %q, want %q", plain, want)
		}
		if _, err := k.Decrypt(ct, AAD{Table: "users", Column: "email", RowID: "other"}); err == nil {
			t.Fatal("genuine ciphertext decrypts under another row")
		}
	})
}

// FuzzParseKey feeds arbitrary strings to ParseKey: it must never panic,
// and anything it accepts must be 32 bytes that pass the randomness checks
// and come back from EncodeKey unchanged.
func FuzzParseKey(f *testing.F) {
	f.Add(EncodeKey(testKey("a")))
	f.Add(strings.Repeat("A", 43) + "=")
	f.Add("")
	f.Add("not base64 at all")
	f.Add(" " + EncodeKey(testKey("b")) + "\n")
	f.Fuzz(func(t *testing.T, s string) {
		key, err := ParseKey(s)
		if err != nil {
			if key != nil {
				t.Fatal("key returned with an error")
			}
			if strings.Contains(err.Error(), strings.TrimSpace(s)) && len(strings.TrimSpace(s)) > 8 {
				t.Fatalf("error %q echoes the input", err)
			}
			return
		}
		if len(key) != KeySize {
			t.Fatalf("accepted %d bytes", len(key))
		}
		if err := checkRandomLooking(key); err != nil {
			t.Fatalf("accepted a weak key: %v", err)
		}
		back, err := ParseKey(EncodeKey(key))
		if err != nil || !bytes.Equal(back, key) {
			t.Fatalf("EncodeKey round trip: %v", err)
		}
	})
}
