package crypto

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
)

func TestEncryptDecryptRoundTrip(t *testing.T) {
	k := mustKeyring(t, testKey("current"))
	for _, plain := range []string{"", "a", "ann@shop.example", strings.Repeat("long chat text ", 1000), "ünïcode ✓"} {
		ct, err := k.EncryptString(plain, rowAAD)
		if err != nil {
			t.Fatal(err)
		}
		got, err := k.DecryptString(ct, rowAAD)
		if err != nil {
			t.Fatalf("decrypt %q: %v", plain, err)
		}
		if got != plain {
			t.Fatalf("round trip = %q, want %q", got, plain)
		}
	}
}

func TestCiphertextFormat(t *testing.T) {
	k := mustKeyring(t, testKey("current"))
	ct, err := k.EncryptString("ann@shop.example", rowAAD)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(ct, ".")
	if len(parts) != 3 || parts[0] != "v1" || parts[1] != k.CurrentKeyID() {
		t.Fatalf("ciphertext %q is not v1.<key id>.<payload>", ct)
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		t.Fatalf("payload is not base64url: %v", err)
	}
	if want := 12 + len("ann@shop.example") + 16; len(raw) != want {
		t.Fatalf("payload is %d bytes, want nonce+sealed = %d", len(raw), want)
	}
	if strings.Contains(ct, "ann") {
		t.Fatal("ciphertext contains plaintext")
	}
	if id, err := KeyIDOf(ct); err != nil || id != k.CurrentKeyID() {
		t.Fatalf("KeyIDOf = %q, %v", id, err)
	}
}

// TestDecryptStoredCiphertext pins the format: a value written by this
// version must decrypt in every later one.
func TestDecryptStoredCiphertext(t *testing.T) {
	const stored = "v1.63c60e15.bTWHmSdy_1iQxdXfhYVLsGUmWG7ZDqbtEu7giGj1cPfnTG6ZUz7xrLUvmnc"
	k := mustKeyring(t, testKey("current"))
	got, err := k.DecryptString(stored, rowAAD)
	if err != nil {
		t.Fatal(err)
	}
	if got != "ann@shop.example" {
		t.Fatalf("got %q", got)
	}
}

func TestKeyIDIsDerivedAndStable(t *testing.T) {
	a := mustKeyring(t, testKey("current"))
	b := mustKeyring(t, testKey("current"))
	c := mustKeyring(t, testKey("other"))
	if a.CurrentKeyID() != b.CurrentKeyID() {
		t.Fatal("same key, different ids")
	}
	if a.CurrentKeyID() == c.CurrentKeyID() {
		t.Fatal("different keys, same id")
	}
	if !isKeyID(a.CurrentKeyID()) {
		t.Fatalf("id %q is not 8 lowercase hex digits", a.CurrentKeyID())
	}
	if a.CurrentKeyID() != "63c60e15" {
		t.Fatalf("id derivation changed: %s", a.CurrentKeyID())
	}
}

func TestCopiedCiphertextFailsElsewhere(t *testing.T) {
	k := mustKeyring(t, testKey("current"))
	ct, err := k.EncryptString("ann@shop.example", rowAAD)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		aad  AAD
	}{
		{"another row", AAD{Table: "users", Column: "email", RowID: "43"}},
		{"another column", AAD{Table: "users", Column: "name", RowID: "42"}},
		{"another table", AAD{Table: "customers", Column: "email", RowID: "42"}},
		{"shifted boundary", AAD{Table: "users", Column: "emai", RowID: "l42"}},
		{"fields swapped", AAD{Table: "email", Column: "users", RowID: "42"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := k.Decrypt(ct, tc.aad)
			if !errors.Is(err, ErrDecrypt) {
				t.Fatalf("err = %v, want ErrDecrypt", err)
			}
		})
	}
}

func TestIncompleteAADIsRefused(t *testing.T) {
	k := mustKeyring(t, testKey("current"))
	for _, aad := range []AAD{{}, {Table: "users", Column: "email"}, {Table: "users", RowID: "1"}, {Column: "email", RowID: "1"}} {
		if _, err := k.Encrypt([]byte("x"), aad); err == nil {
			t.Errorf("Encrypt with %+v succeeded", aad)
		}
		if _, err := k.Decrypt("v1.00000000.AAAA", aad); err == nil {
			t.Errorf("Decrypt with %+v succeeded", aad)
		}
	}
}

func TestTamperingAnyByteFails(t *testing.T) {
	k := mustKeyring(t, testKey("current"))
	ct, err := k.EncryptString("ann@shop.example", rowAAD)
	if err != nil {
		t.Fatal(err)
	}
	prefix := ct[:strings.LastIndexByte(ct, '.')+1]
	raw, _ := base64.RawURLEncoding.DecodeString(ct[len(prefix):])
	for i := range raw {
		for _, bit := range []byte{0x01, 0x80} {
			bad := bytes.Clone(raw)
			bad[i] ^= bit
			tampered := prefix + base64.RawURLEncoding.EncodeToString(bad)
			if _, err := k.Decrypt(tampered, rowAAD); !errors.Is(err, ErrDecrypt) {
				t.Fatalf("flip bit %#x of byte %d: err = %v, want ErrDecrypt", bit, i, err)
			}
		}
	}
	// Every single-character change of the text form fails too.
	for i := range len(ct) {
		for _, c := range []byte{'A', 'f', '0', '.', '_'} {
			if ct[i] == c {
				continue
			}
			tampered := ct[:i] + string(c) + ct[i+1:]
			if _, err := k.Decrypt(tampered, rowAAD); err == nil {
				t.Fatalf("changed byte %d to %q and it still decrypts", i, c)
			}
		}
	}
	if _, err := k.Decrypt(ct[:len(ct)-1], rowAAD); !errors.Is(err, ErrDecrypt) {
		t.Fatalf("truncated: err = %v", err)
	}
}

func TestMalformedCiphertext(t *testing.T) {
	k := mustKeyring(t, testKey("current"))
	good, _ := k.EncryptString("x", rowAAD)
	id := k.CurrentKeyID()
	payload := good[strings.LastIndexByte(good, '.')+1:]
	for _, tc := range []struct{ name, ct string }{
		{"empty", ""},
		{"no dots", "v1"},
		{"wrong version", "v2." + id + "." + payload},
		{"uppercase key id", "v1." + strings.ToUpper(id) + "." + payload},
		{"short key id", "v1." + id[:7] + "." + payload},
		{"empty payload", "v1." + id + "."},
		{"padded payload", good + "=="},
		{"newline in payload", "v1." + id + "." + payload[:4] + "\n" + payload[4:]},
		{"standard alphabet", "v1." + id + "." + strings.NewReplacer("-", "+", "_", "/").Replace(payload) + "+"},
		{"extra part", good + ".x"},
		{"too short to hold a tag", "v1." + id + ".AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := k.Decrypt(tc.ct, rowAAD); !errors.Is(err, ErrDecrypt) {
				t.Fatalf("err = %v, want ErrDecrypt", err)
			}
		})
	}
}

func TestNoncesDiffer(t *testing.T) {
	k := mustKeyring(t, testKey("current"))
	seen := map[string]bool{}
	for range 1000 {
		ct, err := k.EncryptString("same value", rowAAD)
		if err != nil {
			t.Fatal(err)
		}
		nonce := ct[:len("v1.")+8+1+16] // 12 bytes = 16 base64 characters
		if seen[nonce] {
			t.Fatal("nonce repeated")
		}
		seen[nonce] = true
	}
}

func TestRotationOldKeysDecryptNewestEncrypts(t *testing.T) {
	oldKey, newKey := testKey("2024"), testKey("2025")
	before := mustKeyring(t, oldKey)
	ct, err := before.EncryptString("ann@shop.example", rowAAD)
	if err != nil {
		t.Fatal(err)
	}

	after := mustKeyring(t, newKey, oldKey)
	got, err := after.DecryptString(ct, rowAAD)
	if err != nil || got != "ann@shop.example" {
		t.Fatalf("old value after rotation = %q, %v", got, err)
	}
	fresh, err := after.EncryptString("ann@shop.example", rowAAD)
	if err != nil {
		t.Fatal(err)
	}
	if id, _ := KeyIDOf(fresh); id != after.CurrentKeyID() || id == before.CurrentKeyID() {
		t.Fatalf("new value sealed with key %s, want newest %s", id, after.CurrentKeyID())
	}
	if _, err := before.Decrypt(fresh, rowAAD); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("old keyring on new value: err = %v, want ErrUnknownKey", err)
	}
}

func TestUnknownKeyID(t *testing.T) {
	writer := mustKeyring(t, testKey("retired"))
	ct, _ := writer.EncryptString("x", rowAAD)
	reader := mustKeyring(t, testKey("current"))
	_, err := reader.Decrypt(ct, rowAAD)
	if !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("err = %v, want ErrUnknownKey", err)
	}
	if !strings.Contains(err.Error(), writer.CurrentKeyID()) {
		t.Fatalf("error %q does not name the missing key id", err)
	}
}

func TestNewKeyringRejectsBadKeys(t *testing.T) {
	good := testKey("good")
	for _, tc := range []struct {
		name    string
		current []byte
		old     [][]byte
	}{
		{"nil current", nil, nil},
		{"short current", good[:31], nil},
		{"long current", append(bytes.Clone(good), 0), nil},
		{"AES-128 size", good[:16], nil},
		{"short old", good, [][]byte{good[:24]}},
		{"duplicate key", good, [][]byte{bytes.Clone(good)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := NewKeyring(tc.current, tc.old...); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}

func TestKeyringCopiesKeys(t *testing.T) {
	key := testKey("current")
	k := mustKeyring(t, key)
	ct, _ := k.EncryptString("x", rowAAD)
	clear(key) // the caller zeroes its copy, as it should
	if got, err := k.DecryptString(ct, rowAAD); err != nil || got != "x" {
		t.Fatalf("keyring depends on the caller's slice: %q, %v", got, err)
	}
}

func TestErrorsNeverContainSecrets(t *testing.T) {
	key := testKey("current")
	k := mustKeyring(t, key)
	ct, _ := k.EncryptString("ann@shop.example", rowAAD)
	_, err1 := k.Decrypt(ct, AAD{Table: "users", Column: "email", RowID: "7"})
	_, err2 := NewKeyring(key[:31])
	_, err3 := ParseKey(EncodeKey(key)[:40])
	for _, err := range []error{err1, err2, err3} {
		msg := err.Error()
		for _, s := range []string{"ann@", EncodeKey(key)[:12], string(key[:8])} {
			if strings.Contains(msg, s) {
				t.Errorf("error %q contains secret material", msg)
			}
		}
	}
}

func TestKeyringAfterClose(t *testing.T) {
	k := mustKeyring(t, testKey("current"))
	ct, _ := k.EncryptString("x", rowAAD)
	if err := k.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := k.Encrypt([]byte("x"), rowAAD); !errors.Is(err, ErrClosed) {
		t.Fatalf("Encrypt after Close: %v", err)
	}
	if _, err := k.Decrypt(ct, rowAAD); !errors.Is(err, ErrClosed) {
		t.Fatalf("Decrypt after Close: %v", err)
	}
	if k.CurrentKeyID() != "" {
		t.Fatal("CurrentKeyID after Close")
	}
	if err := k.Close(); err != nil {
		t.Fatal("second Close:", err)
	}
}

func TestConcurrentUse(t *testing.T) {
	k := mustKeyring(t, testKey("current"), testKey("old"))
	x := mustBlindIndex(t, testKey("index"))
	done := make(chan error)
	for g := range 4 {
		go func() {
			aad := AAD{Table: "users", Column: "email", RowID: string(rune('a' + g))}
			for range 200 {
				ct, err := k.EncryptString("ann@shop.example", aad)
				if err == nil {
					_, err = k.DecryptString(ct, aad)
				}
				if err != nil {
					done <- err
					return
				}
				_ = x.Sum("users.email", "ann@shop.example")
			}
			done <- nil
		}()
	}
	for range 4 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}
