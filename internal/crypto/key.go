package crypto

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"supportbot/internal/securemem"
)

// KeySize is the size in bytes of every key in this package: AES-256 keys
// and HMAC-SHA256 blind-index keys.
const KeySize = 32

// GenerateHint tells an operator how to make a valid key; every key error
// ends with it.
const GenerateHint = "generate one with: openssl rand -base64 32"

// ErrWeakKey reports a key that decodes to 32 bytes but does not look
// random (a repeated byte, a counting sequence, a placeholder).
var ErrWeakKey = errors.New("crypto: key is not random")

// Plausibility thresholds. A uniformly random 32-byte key has about 30
// distinct byte values; fewer than 16 happens with negligible probability.
// Six bytes in arithmetic progression (five equal steps, which includes six
// equal bytes) occur in a random key with probability about 27/256^4, below
// one in a hundred million, so real keys are not refused.
const (
	minDistinctBytes = 16
	maxRunBytes      = 5 // longest arithmetic run allowed; 6 is refused
)

// ParseKey decodes a 32-byte key given in standard or URL-safe base64, with
// or without padding, as `openssl rand -base64 32` prints it. Surrounding
// white space (a trailing newline in a key file) is ignored. Keys that do
// not look random are refused: a human-chosen or placeholder key defeats
// AES-256 (hardening guide, "JWT-based authentication with strong secret
// keys"; issue 2: the field-encryption key must be 32 random bytes).
// Errors never contain the key.
func ParseKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	key, ok := decodeBase64(s)
	if !ok {
		return nil, fmt.Errorf("crypto: key is not valid base64; %s", GenerateHint)
	}
	if len(key) != KeySize {
		n := len(key)
		securemem.Zero(key)
		return nil, fmt.Errorf("crypto: key must decode to %d bytes, got %d; %s", KeySize, n, GenerateHint)
	}
	if err := checkRandomLooking(key); err != nil {
		securemem.Zero(key)
		return nil, err
	}
	return key, nil
}

// decodeBase64 tries the four base64 alphabets/padding styles in turn. The
// failed attempts' partial output is zeroed.
func decodeBase64(s string) ([]byte, bool) {
	if s == "" {
		return nil, false
	}
	for _, enc := range []*base64.Encoding{
		base64.StdEncoding, base64.RawStdEncoding,
		base64.URLEncoding, base64.RawURLEncoding,
	} {
		b, err := enc.DecodeString(s)
		if err == nil {
			return b, true
		}
		securemem.Zero(b)
	}
	return nil, false
}

// checkRandomLooking refuses keys with too few distinct byte values or a
// long arithmetic run (0x00 0x00 …, 0x01 0x02 0x03 …, "AAAA…").
func checkRandomLooking(key []byte) error {
	var seen [256]bool
	distinct := 0
	for _, c := range key {
		if !seen[c] {
			seen[c] = true
			distinct++
		}
	}
	if distinct < minDistinctBytes {
		return fmt.Errorf("%w: only %d distinct byte values; %s", ErrWeakKey, distinct, GenerateHint)
	}
	run := 2 // bytes in the current arithmetic run (any two bytes form one)
	for i := 2; i < len(key); i++ {
		if key[i]-key[i-1] == key[i-1]-key[i-2] {
			run++
		} else {
			run = 2
		}
		if run > maxRunBytes {
			return fmt.Errorf("%w: it contains a repeated or counting run of bytes; %s", ErrWeakKey, GenerateHint)
		}
	}
	return nil
}

// GenerateKey returns a new random 32-byte key from crypto/rand
// (ASVS 4.0.3 6.3.1). The result always passes ParseKey's checks.
func GenerateKey() ([]byte, error) {
	key := make([]byte, KeySize)
	// A random key fails the plausibility check with probability far below
	// 1e-8; drawing again keeps GenerateKey and ParseKey consistent.
	for range 8 {
		if _, err := rand.Read(key); err != nil {
			return nil, fmt.Errorf("crypto: generate key: %w", err)
		}
		if checkRandomLooking(key) == nil {
			return key, nil
		}
	}
	securemem.Zero(key)
	return nil, errors.New("crypto: generate key: random source is not random")
}

// EncodeKey returns key in standard padded base64, the form ParseKey reads
// and `openssl rand -base64 32` prints.
func EncodeKey(key []byte) string {
	return base64.StdEncoding.EncodeToString(key)
}
