package crypto

import (
	"crypto/hkdf"
	"crypto/sha256"
	"fmt"
)

// MinSecretBytes is the smallest secret DeriveKey accepts. Production's
// SECRET_KEY is at least 64 characters (first specification, "Set strong
// SECRET_KEY (64+ characters)").
const MinSecretBytes = 32

// DeriveKey derives an n-byte key for purpose from secret with HKDF-SHA256
// (RFC 5869, stdlib crypto/hkdf). Distinct purposes ("audit chain v1",
// "jwt signing v1", …) give independent keys, so one configured SECRET_KEY
// serves several uses without any two sharing a key (key separation,
// RFC 5869 section 3.2). n must be between 16 and 8160 bytes.
func DeriveKey(secret []byte, purpose string, n int) ([]byte, error) {
	switch {
	case len(secret) < MinSecretBytes:
		return nil, fmt.Errorf("crypto: derive key: secret is %d bytes, want at least %d", len(secret), MinSecretBytes)
	case purpose == "":
		return nil, fmt.Errorf("crypto: derive key: empty purpose")
	case n < 16 || n > 255*sha256.Size:
		return nil, fmt.Errorf("crypto: derive key: length %d, want 16 to %d", n, 255*sha256.Size)
	}
	key, err := hkdf.Key(sha256.New, secret, nil, "supportbot/"+purpose, n)
	if err != nil {
		return nil, fmt.Errorf("crypto: derive key: %w", err)
	}
	return key, nil
}
