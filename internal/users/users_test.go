package users_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"supportbot/internal/clock"
	"sync"
	"testing"
	"time"

	"supportbot/internal/crypto"
	"supportbot/internal/storage"
	"supportbot/internal/users"
)

var (
	encKey   = bytes.Repeat([]byte{0x11}, crypto.KeySize)
	indexKey = bytes.Repeat([]byte{0x22}, crypto.KeySize)
)

type fixture struct {
	t     testing.TB
	db    *storage.DB
	store *users.Store
	index *crypto.BlindIndex
	clock *clock.Manual
}

func newFixture(t testing.TB, db *storage.DB) *fixture {
	t.Helper()
	keys, err := crypto.NewKeyring(encKey)
	if err != nil {
		t.Fatal(err)
	}
	index, err := crypto.NewBlindIndex(indexKey)
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewManual(time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC))
	return &fixture{t: t, db: db, store: users.NewStore(db, keys, index, clk.Now), index: index, clock: clk}
}

// createUser adds a customer named after the local part of email.
func (f *fixture) createUser(email string) users.User {
	f.t.Helper()
	return f.createWithRole(email, users.RoleCustomer)
}

func (f *fixture) createWithRole(email string, role users.Role) users.User {
	f.t.Helper()
	name, _, _ := strings.Cut(email, "@")
	u, err := f.store.Create(context.Background(), users.NewUser{
		Role: role, Email: email, Name: "Name of " + name, Phone: "+44 20 7946 0" + name[:1], PasswordHash: "$2a$12$hash.of." + name,
	})
	if err != nil {
		f.t.Fatalf("Create %s: %v", email, err)
	}
	return u
}

func (f *fixture) get(id string) users.User {
	f.t.Helper()
	u, err := f.store.Get(context.Background(), id)
	if err != nil {
		f.t.Fatalf("Get: %v", err)
	}
	return u
}

// login starts a session for u with a fresh refresh token and returns the
// session and that token's hash.
func (f *fixture) login(u users.User) (users.Session, string) {
	f.t.Helper()
	h := newHash(f.t)
	ss, err := f.store.CreateSession(context.Background(), users.NewSession{
		UserID: u.ID, Generation: u.TokenGeneration, TokenHash: h,
		IP: "203.0.113.7", UserAgent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0", TTL: 7 * 24 * time.Hour,
	})
	if err != nil {
		f.t.Fatalf("CreateSession: %v", err)
	}
	return ss, h
}

func (f *fixture) sessions(userID string) []users.Session {
	f.t.Helper()
	ss, err := f.store.ListSessions(context.Background(), userID)
	if err != nil {
		f.t.Fatalf("ListSessions: %v", err)
	}
	return ss
}

func (f *fixture) exec(query string, args ...any) {
	f.t.Helper()
	if _, err := f.db.SQL().ExecContext(context.Background(), query, args...); err != nil {
		f.t.Fatalf("%s: %v", query, err)
	}
}

// newHash returns the hash of a fresh refresh token, as auth stores it.
func newHash(t testing.TB) string {
	t.Helper()
	tok, err := crypto.RandomToken(32)
	if err != nil {
		t.Fatal(err)
	}
	return crypto.HashToken(tok)
}

func wantErr(t testing.TB, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("error = %v, want %v", err, target)
	}
}

// noLeak fails when err's text holds any of secrets (invariant 5: no PII,
// hashes or tokens in error messages, which end up in logs).
func noLeak(t testing.TB, err error, secrets ...string) {
	t.Helper()
	if err == nil {
		return
	}
	msg := strings.ToLower(err.Error())
	for _, s := range secrets {
		if s != "" && strings.Contains(msg, strings.ToLower(s)) {
			t.Errorf("error %q reveals %q", err, s)
		}
	}
}

// concurrently runs fn n times at once and returns the errors in call order.
func concurrently(n int, fn func(i int) error) []error {
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = fn(i)
		})
	}
	close(start)
	wg.Wait()
	return errs
}

// countErrs counts nil errors and errors matching target; any other error
// fails the test.
func countErrs(t testing.TB, errs []error, target error) (ok, matched int) {
	t.Helper()
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, target):
			matched++
		default:
			t.Errorf("unexpected error: %v", err)
		}
	}
	return ok, matched
}
