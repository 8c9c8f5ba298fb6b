package crypto

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sync/atomic"

	"supportbot/internal/securemem"
)

// keyIDLabel is the HMAC message from which a key's id is derived. The id
// is a one-way function of the key, so it can be stored beside every
// ciphertext and logged without revealing anything about the key.
const keyIDLabel = "supportbot key id v1"

// keyIDLen is the length of a key id: hex of 4 bytes.
const keyIDLen = 8

// Errors returned by the keyring. Test with errors.Is.
var (
	// ErrUnknownKey means the ciphertext names a key id that is not in the
	// keyring: the key that wrote it was removed from configuration.
	ErrUnknownKey = errors.New("unknown key id")
	// ErrDecrypt means the ciphertext is malformed, was altered, or is bound
	// to another table, column or row. The causes are deliberately not told
	// apart: AES-GCM cannot, and a decryption oracle would help an attacker
	// (ASVS 4.0.3 6.2.1).
	ErrDecrypt = errors.New("ciphertext is malformed, altered or bound to other data")
	// ErrClosed means the keyring or blind index was used after Close.
	ErrClosed = errors.New("key material has been closed")
)

// Keyring holds the field-encryption keys: the current key, which encrypts,
// and older keys, which still decrypt values written before a rotation
// (first specification, "Rotate keys regularly"; ASVS 4.0.3 6.2.4).
// A Keyring is safe for concurrent use.
//
// Each key is turned into an AES-256-GCM cipher once, in NewKeyring, and the
// raw key bytes are zeroed right after: the expanded AES key schedule inside
// the cipher is the only copy left, and Close drops it. (Go offers no way to
// zero that schedule from outside crypto/aes; rebuilding the cipher per call
// instead would scatter many more unzeroed copies across the heap.)
type Keyring struct {
	state atomic.Pointer[keyringState]
}

type keyringState struct {
	current *ringKey
	byID    map[string]*ringKey
}

type ringKey struct {
	id   string
	aead cipher.AEAD // AES-256-GCM with a random 96-bit nonce per Seal
}

// NewKeyring returns a keyring whose current key is current and which also
// decrypts with every key in old. Every key must be exactly 32 bytes; two
// keys with the same id (the same key twice) are refused. The caller's
// slices are not kept and may be zeroed afterwards.
func NewKeyring(current []byte, old ...[]byte) (*Keyring, error) {
	st := &keyringState{byID: make(map[string]*ringKey, 1+len(old))}
	for i, key := range append([][]byte{current}, old...) {
		rk, err := newRingKey(key)
		if err != nil {
			return nil, fmt.Errorf("crypto: keyring: key %d: %w", i, err)
		}
		if _, dup := st.byID[rk.id]; dup {
			return nil, fmt.Errorf("crypto: keyring: key %d: duplicate of key id %s", i, rk.id)
		}
		st.byID[rk.id] = rk
		if i == 0 {
			st.current = rk
		}
	}
	k := &Keyring{}
	k.state.Store(st)
	return k, nil
}

func newRingKey(key []byte) (*ringKey, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("%d bytes, want %d; %s", len(key), KeySize, GenerateHint)
	}
	buf := make([]byte, KeySize) // our own copy, zeroed below
	defer securemem.Zero(buf)
	copy(buf, key)

	block, err := aes.NewCipher(buf)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCMWithRandomNonce(block)
	if err != nil {
		return nil, err
	}
	return &ringKey{id: keyID(buf), aead: aead}, nil
}

// keyID derives the public id of key: hex of the first 4 bytes of
// HMAC-SHA256(key, keyIDLabel).
func keyID(key []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(keyIDLabel))
	var sum [sha256.Size]byte
	return hex.EncodeToString(m.Sum(sum[:0])[:keyIDLen/2])
}

// CurrentKeyID returns the id of the key that encrypts, or "" after Close.
// A stored value whose KeyIDOf differs is due for re-encryption.
func (k *Keyring) CurrentKeyID() string {
	st := k.state.Load()
	if st == nil {
		return ""
	}
	return st.current.id
}

// Close forgets every key. Later calls fail with ErrClosed; calls already
// running finish normally. Close is safe to call more than once.
func (k *Keyring) Close() error {
	st := k.state.Swap(nil)
	if st == nil {
		return nil
	}
	clear(st.byID)
	st.current = nil
	return nil
}
