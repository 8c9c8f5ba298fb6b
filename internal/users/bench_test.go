package users_test

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"testing"

	"supportbot/internal/storage/storagetest"
)

// BenchmarkGetByEmail measures a login's user lookup on SQLite: blind
// index, one indexed row, three decryptions.
func BenchmarkGetByEmail(b *testing.B) {
	f := newFixture(b, storagetest.SQLite(b))
	for i := range 1000 {
		f.createUser(fmt.Sprintf("user%d@shop.example", i))
	}
	ctx := context.Background()
	i := 0
	for b.Loop() {
		if _, err := f.store.GetByEmail(ctx, fmt.Sprintf("user%d@shop.example", i%1000)); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkRotate measures one refresh on SQLite: a write transaction that
// claims the token, touches the session, adds the new token and reads the
// user.
func BenchmarkRotate(b *testing.B) {
	f := newFixture(b, storagetest.SQLite(b))
	u := f.createUser("ann@shop.example")
	_, cur := f.login(u)
	ctx := context.Background()
	var n uint64
	for b.Loop() {
		n++
		var buf [8]byte
		binary.BigEndian.PutUint64(buf[:], n)
		sum := sha256.Sum256(buf[:])
		next := hex.EncodeToString(sum[:])
		if _, _, err := f.store.Rotate(ctx, cur, next); err != nil {
			b.Fatal(err)
		}
		cur = next
	}
}
