package crypto

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"

	"supportbot/internal/securemem"
)

// BlindIndex computes keyed hashes of values for exact-match lookups on
// encrypted columns, e.g. finding a user by email without decrypting every
// row (DESIGN.md invariant 4). Its key must differ from the encryption
// keys, so neither can be used to attack the other. A BlindIndex is safe for
// concurrent use.
type BlindIndex struct {
	mu  sync.RWMutex
	key []byte // nil after Close
}

// NewBlindIndex returns a blind index keyed with a copy of key, which must
// be exactly 32 bytes. The caller may zero key afterwards.
func NewBlindIndex(key []byte) (*BlindIndex, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("crypto: blind index: key is %d bytes, want %d; %s", len(key), KeySize, GenerateHint)
	}
	return &BlindIndex{key: append(make([]byte, 0, KeySize), key...)}, nil
}

// Sum returns the lowercase hex HMAC-SHA256 of value in domain. The domain
// (e.g. "users.email") keeps indexes of different columns unrelated, so
// equal values in two columns cannot be matched against each other. The
// caller normalises value first (see NormalizeEmail), because lookups match
// exactly. Sum panics if called after Close: a wrong index would be stored
// and looked up silently.
func (x *BlindIndex) Sum(domain, value string) string {
	x.mu.RLock()
	if x.key == nil {
		x.mu.RUnlock()
		panic("crypto: BlindIndex.Sum called after Close")
	}
	m := hmac.New(sha256.New, x.key)
	x.mu.RUnlock()

	// The domain is length-prefixed so ("a", "bc") and ("ab", "c") differ.
	var prefix [4]byte
	binary.BigEndian.PutUint32(prefix[:], uint32(len(domain))) // #nosec G115 -- a domain is a short constant
	m.Write(prefix[:])
	m.Write([]byte(domain))
	m.Write([]byte(value))
	var sum [sha256.Size]byte
	return hex.EncodeToString(m.Sum(sum[:0]))
}

// Close zeroes the key. Later calls to Sum panic. Close is safe to call
// more than once.
func (x *BlindIndex) Close() error {
	x.mu.Lock()
	defer x.mu.Unlock()
	securemem.Zero(x.key)
	x.key = nil
	return nil
}

// NormalizeEmail returns the form of an email address used for its blind
// index: surrounding white space removed and lowercased, so "Ann@Shop.example "
// and "ann@shop.example" find the same user.
func NormalizeEmail(s string) string {
	return strings.ToLower(strings.TrimSpace(s))
}
