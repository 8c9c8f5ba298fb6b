package crypto

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
)

// Token sizes accepted by RandomToken. 16 bytes is 128 bits of entropy, the
// floor for session and reset tokens (ASVS 4.0.3 3.2.2 asks for at least
// 64; we keep a margin).
const (
	MinTokenBytes = 16
	MaxTokenBytes = 1024
)

// RandomToken returns nbytes from crypto/rand encoded as unpadded base64url,
// safe in URLs, headers and cookies (ASVS 4.0.3 6.3.1).
func RandomToken(nbytes int) (string, error) {
	if nbytes < MinTokenBytes || nbytes > MaxTokenBytes {
		return "", fmt.Errorf("crypto: random token: %d bytes, want %d to %d", nbytes, MinTokenBytes, MaxTokenBytes)
	}
	b := make([]byte, nbytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("crypto: random token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// HashToken returns the lowercase hex SHA-256 of token. Tokens and recovery
// codes are stored only in this form (DESIGN.md invariant 5), so a database
// leak does not hand out working tokens. A fast unsalted hash is right here
// because tokens are high-entropy random strings, not passwords.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Equal reports whether a and b are equal in time that depends only on
// their lengths, not their contents, so comparing a secret against user
// input leaks nothing through timing (CWE-208). Compare
// equal-length values such as two HashToken outputs.
func Equal(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
