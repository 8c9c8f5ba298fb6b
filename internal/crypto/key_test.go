package crypto

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
)

func TestParseKey(t *testing.T) {
	key := testKey("config")
	counting := make([]byte, 32)
	for i := range counting {
		counting[i] = byte(i)
	}
	sixEqual := bytes.Clone(key)
	copy(sixEqual[10:], []byte{7, 7, 7, 7, 7, 7})
	fiveEqual := bytes.Clone(key)
	copy(fiveEqual[10:], []byte{7, 7, 7, 7, 7})
	fiveEqual[15] = 9
	fiveEqual[9] = 1

	for _, tc := range []struct {
		name    string
		in      string
		ok      bool
		weakKey bool
	}{
		{"standard padded", base64.StdEncoding.EncodeToString(key), true, false},
		{"standard unpadded", base64.RawStdEncoding.EncodeToString(key), true, false},
		{"url padded", base64.URLEncoding.EncodeToString(key), true, false},
		{"url unpadded", base64.RawURLEncoding.EncodeToString(key), true, false},
		{"trailing newline from a key file", EncodeKey(key) + "\n", true, false},
		{"five equal bytes is still plausible", EncodeKey(fiveEqual), true, false},
		{"empty", "", false, false},
		{"short (16 bytes)", EncodeKey(key[:16]), false, false},
		{"short (31 bytes)", EncodeKey(key[:31]), false, false},
		{"long (33 bytes)", EncodeKey(append(bytes.Clone(key), 1)), false, false},
		{"long (64 bytes)", EncodeKey(append(bytes.Clone(key), key...)), false, false},
		{"all zeros", EncodeKey(make([]byte, 32)), false, true},
		{"AAAA… (zeros in base64)", strings.Repeat("A", 43) + "=", false, true},
		{"one byte repeated", EncodeKey(bytes.Repeat([]byte{0x42}, 32)), false, true},
		{"counting bytes", EncodeKey(counting), false, true},
		{"six equal bytes", EncodeKey(sixEqual), false, true},
		{"few distinct values", EncodeKey(bytes.Repeat([]byte("abcdefgh"), 4)), false, true},
		{"not base64", "this is not a key!!", false, false},
		{"hex instead of base64", strings.Repeat("ab", 32), false, false},
		{"placeholder", "change-me", false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseKey(tc.in)
			if tc.ok {
				if err != nil {
					t.Fatalf("ParseKey: %v", err)
				}
				if len(got) != KeySize {
					t.Fatalf("got %d bytes", len(got))
				}
				return
			}
			if err == nil {
				t.Fatal("accepted")
			}
			if errors.Is(err, ErrWeakKey) != tc.weakKey {
				t.Fatalf("errors.Is(err, ErrWeakKey) = %v, want %v (%v)", !tc.weakKey, tc.weakKey, err)
			}
			if !strings.Contains(err.Error(), "openssl rand -base64 32") {
				t.Fatalf("error %q does not say how to generate a key", err)
			}
		})
	}
}

func TestGenerateKeyParsesBack(t *testing.T) {
	seen := map[string]bool{}
	for range 200 {
		key, err := GenerateKey()
		if err != nil {
			t.Fatal(err)
		}
		enc := EncodeKey(key)
		if seen[enc] {
			t.Fatal("GenerateKey repeated a key")
		}
		seen[enc] = true
		back, err := ParseKey(enc)
		if err != nil {
			t.Fatalf("ParseKey(EncodeKey(GenerateKey())): %v", err)
		}
		if !bytes.Equal(back, key) {
			t.Fatal("round trip changed the key")
		}
	}
}
