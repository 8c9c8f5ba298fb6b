// Package authtest builds the identity machinery tests need: a user store
// with fixed test keys, a fast bcrypt pool and a token issuer, all on one
// manual clock. It is for tests only: the keys are constants and the bcrypt
// cost is below what production accepts.
package authtest

import (
	"bytes"
	"crypto/sha256"
	"testing"
	"time"

	"supportbot/internal/auth"
	"supportbot/internal/clock"
	"supportbot/internal/crypto"
	"supportbot/internal/storage"
	"supportbot/internal/users"
)

// Token issuer and audience used by the kit, the same names serve uses.
const (
	Issuer   = "supportbot"
	Audience = "supportbot-api"
)

// Kit is the machinery behind an auth.Service in tests.
type Kit struct {
	Clock  *clock.Manual
	Store  *users.Store
	Hasher *auth.Hasher
	Tokens *auth.Tokens
	// Secret is the SECRET_KEY material the tokens are signed from, so tests
	// can forge tokens with it or with something else.
	Secret []byte
}

// New builds a Kit on db with the clock at start; label seeds the signing
// secret so different suites sign differently. The hasher is closed when
// the test ends.
func New(t testing.TB, db *storage.DB, start time.Time, label string) *Kit {
	t.Helper()
	clk := clock.NewManual(start)
	keys, err := crypto.NewKeyring(bytes.Repeat([]byte{0x11}, crypto.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	index, err := crypto.NewBlindIndex(bytes.Repeat([]byte{0x22}, crypto.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	// Cost 4 keeps suites fast; production refuses less than 12.
	hasher, err := auth.NewHasherWith(auth.HasherConfig{Cost: 4, AllowLowCost: true, Workers: 2, Queue: 64})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = hasher.Close() })
	sum := sha256.Sum256([]byte(label))
	secret := append(sum[:], sum[:]...)
	tokens, err := auth.NewTokens(auth.TokensConfig{
		Current: bytes.Clone(secret), Issuer: Issuer, Audience: Audience,
		AccessTTL: 15 * time.Minute, Leeway: 30 * time.Second, Clock: clk.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	return &Kit{Clock: clk, Store: users.NewStore(db, keys, index, clk.Now), Hasher: hasher, Tokens: tokens, Secret: secret}
}
