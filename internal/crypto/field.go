package crypto

import (
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"math"
	"strings"

	"supportbot/internal/securemem"
)

// ciphertextVersion starts every ciphertext so the format can change later
// without guessing.
const ciphertextVersion = "v1"

// sealedMin is the smallest decoded payload: a 12-byte nonce and a 16-byte
// GCM tag around an empty plaintext.
const sealedMin = 12 + 16

// b64 is the payload encoding. Strict refuses non-canonical encodings, so
// exactly one string decodes to a given payload.
var b64 = base64.RawURLEncoding.Strict()

// AAD names where an encrypted value lives. It is bound to the ciphertext as
// GCM associated data, so a value copied to another table, column or row —
// by an attacker with database access or by a bug — fails to decrypt
// (DESIGN.md invariant 4). All three fields are required.
type AAD struct {
	Table  string
	Column string
	RowID  string
}

func (a AAD) validate() error {
	for _, f := range [...]struct{ name, v string }{
		{"table", a.Table}, {"column", a.Column}, {"row id", a.RowID},
	} {
		if f.v == "" {
			return fmt.Errorf("associated data: %s is empty", f.name)
		}
		if uint64(len(f.v)) > math.MaxUint32 {
			return fmt.Errorf("associated data: %s is too long", f.name)
		}
	}
	return nil
}

// encode appends the associated data for a value sealed under keyID. Each
// part is length-prefixed (4 bytes, big endian), so no two different
// (version, key id, table, column, row) tuples encode alike — "ab"+"c" and
// "a"+"bc" differ.
func (a AAD) encode(dst []byte, keyID string) []byte {
	for _, s := range [...]string{ciphertextVersion, keyID, a.Table, a.Column, a.RowID} {
		dst = binary.BigEndian.AppendUint32(dst, uint32(len(s))) // #nosec G115 -- checked in validate
		dst = append(dst, s...)
	}
	return dst
}

// Encrypt seals plaintext with the current key under AES-256-GCM and a fresh
// random 96-bit nonce, bound to aad. The result is
// "v1.<key id>.<base64url(nonce||ciphertext||tag)>", safe to store as TEXT.
// With random nonces one key may seal about 2^32 values before rotation
// (NIST SP 800-38D, 8.3).
func (k *Keyring) Encrypt(plaintext []byte, aad AAD) (string, error) {
	st := k.state.Load()
	if st == nil {
		return "", fmt.Errorf("crypto: encrypt: %w", ErrClosed)
	}
	if err := aad.validate(); err != nil {
		return "", fmt.Errorf("crypto: encrypt: %w", err)
	}
	key := st.current
	var adBuf [96]byte
	// The nil nonce is required by NewGCMWithRandomNonce, whose Seal draws a
	// fresh random 96-bit nonce and prepends it.
	sealed := key.aead.Seal(nil, nil, plaintext, aad.encode(adBuf[:0], key.id)) // #nosec G407 -- nonce is random, see above

	out := make([]byte, 0, len(ciphertextVersion)+1+keyIDLen+1+b64.EncodedLen(len(sealed)))
	out = append(out, ciphertextVersion...)
	out = append(out, '.')
	out = append(out, key.id...)
	out = append(out, '.')
	return string(b64.AppendEncode(out, sealed)), nil
}

// Decrypt opens a ciphertext made by Encrypt with the key it names, checking
// that it belongs to aad. It fails with ErrUnknownKey when that key is not
// in the keyring and with ErrDecrypt for anything malformed, altered or
// copied from elsewhere. The caller should zero the plaintext
// (securemem.Zero) once done with it. Errors never contain key material or
// plaintext.
func (k *Keyring) Decrypt(ciphertext string, aad AAD) ([]byte, error) {
	st := k.state.Load()
	if st == nil {
		return nil, fmt.Errorf("crypto: decrypt: %w", ErrClosed)
	}
	if err := aad.validate(); err != nil {
		return nil, fmt.Errorf("crypto: decrypt: %w", err)
	}
	id, payload, err := splitCiphertext(ciphertext)
	if err != nil {
		return nil, fmt.Errorf("crypto: decrypt: %w", err)
	}
	key := st.byID[id]
	if key == nil {
		return nil, fmt.Errorf("crypto: decrypt: %w %s (is the key that wrote it missing from the keyring?)", ErrUnknownKey, id)
	}
	sealed, err := b64.DecodeString(payload)
	if err != nil || len(sealed) < sealedMin {
		return nil, fmt.Errorf("crypto: decrypt: %w", ErrDecrypt)
	}
	var adBuf [96]byte
	plaintext, err := key.aead.Open(nil, nil, sealed, aad.encode(adBuf[:0], key.id))
	if err != nil {
		return nil, fmt.Errorf("crypto: decrypt: %w", ErrDecrypt)
	}
	return plaintext, nil
}

// EncryptString is Encrypt for a string value.
func (k *Keyring) EncryptString(plaintext string, aad AAD) (string, error) {
	b := []byte(plaintext)
	defer securemem.Zero(b)
	return k.Encrypt(b, aad)
}

// DecryptString is Decrypt returning a string. The intermediate bytes are
// zeroed; the string itself cannot be, so prefer Decrypt for secrets.
func (k *Keyring) DecryptString(ciphertext string, aad AAD) (string, error) {
	b, err := k.Decrypt(ciphertext, aad)
	if err != nil {
		return "", err
	}
	defer securemem.Zero(b)
	return string(b), nil
}

// KeyIDOf returns the id of the key that sealed ciphertext, without
// decrypting it; a rotation job re-encrypts values whose id is not the
// keyring's CurrentKeyID.
func KeyIDOf(ciphertext string) (string, error) {
	id, _, err := splitCiphertext(ciphertext)
	if err != nil {
		return "", fmt.Errorf("crypto: key id: %w", err)
	}
	return id, nil
}

var errFormat = fmt.Errorf("%w (not v1.<key id>.<base64url>)", ErrDecrypt)

// splitCiphertext checks the text form exactly: version, an 8-character
// lowercase hex key id, and a payload of the base64url alphabet only (the
// decoder would otherwise skip CR and LF, letting two strings decrypt alike).
func splitCiphertext(s string) (id, payload string, err error) {
	version, rest, ok := strings.Cut(s, ".")
	if !ok || version != ciphertextVersion {
		return "", "", errFormat
	}
	id, payload, ok = strings.Cut(rest, ".")
	if !ok || !isKeyID(id) || payload == "" {
		return "", "", errFormat
	}
	for i := 0; i < len(payload); i++ {
		if !isBase64URL(payload[i]) {
			return "", "", errFormat
		}
	}
	return id, payload, nil
}

func isKeyID(s string) bool {
	if len(s) != keyIDLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

func isBase64URL(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}
