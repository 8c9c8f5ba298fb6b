package users_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"supportbot/internal/storage"
	"supportbot/internal/storage/storagetest"
	"supportbot/internal/users"
)

const refreshTTL = 7 * 24 * time.Hour

func TestRefreshRotation(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		u := f.createUser("ann@shop.example")
		start := f.clock.Now()
		ss, t0 := f.login(u)
		want := users.Session{
			ID: ss.ID, UserID: u.ID, IP: "203.0.113.7", UserAgent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0",
			CreatedAt: start, LastUsedAt: start, ExpiresAt: start.Add(refreshTTL),
		}
		if ss != want {
			t.Fatalf("CreateSession = %+v\nwant            %+v", ss, want)
		}
		if !ss.Active(start) || ss.Active(ss.ExpiresAt) {
			t.Fatal("Active is wrong at the edges")
		}
		if got := f.sessions(u.ID); len(got) != 1 || got[0] != want {
			t.Fatalf("ListSessions = %+v", got)
		}

		f.clock.Advance(time.Hour)
		t1 := newHash(t)
		rotated, ru, err := f.store.Rotate(ctx, t0, t1)
		if err != nil {
			t.Fatal(err)
		}
		want.LastUsedAt = f.clock.Now()
		if rotated != want {
			t.Fatalf("Rotate session = %+v\nwant             %+v", rotated, want)
		}
		if ru.ID != u.ID || ru.Role != u.Role || ru.TokenGeneration != u.TokenGeneration || ru.Email != u.Email {
			t.Fatalf("Rotate user = %+v", ru)
		}

		// Rotation never extends the absolute lifetime.
		f.clock.Advance(refreshTTL - time.Hour - time.Second)
		t2 := newHash(t)
		if _, _, err := f.store.Rotate(ctx, t1, t2); err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(time.Second)
		_, _, err = f.store.Rotate(ctx, t2, newHash(t))
		wantErr(t, err, users.ErrExpired)
		noLeak(t, err, t2)
		// An expired family's unused token stays unused: it is not reuse.
		_, _, err = f.store.Rotate(ctx, t2, newHash(t))
		wantErr(t, err, users.ErrExpired)
		if got := f.sessions(u.ID); len(got) != 0 {
			t.Fatalf("expired session listed: %+v", got)
		}

		unknown := newHash(t)
		_, _, err = f.store.Rotate(ctx, unknown, newHash(t))
		wantErr(t, err, users.ErrNotFound)
		noLeak(t, err, unknown)

		for name, pair := range map[string][2]string{
			"raw token":    {"dGhpcyBpcyBhIHJhdyByZWZyZXNoIHRva2VuIG5vdCBhIGhhc2g", newHash(t)},
			"same hash":    {t2, t2},
			"empty new":    {t2, ""},
			"upper hex":    {"ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789", newHash(t)},
			"short digest": {t2[:40], newHash(t)},
		} {
			if _, _, err := f.store.Rotate(ctx, pair[0], pair[1]); err == nil || errors.Is(err, users.ErrNotFound) {
				t.Errorf("%s: Rotate = %v, want an input error", name, err)
			}
		}
	})
}

func TestRefreshReuseRevokesFamily(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		u := f.createUser("ann@shop.example")
		ss, t0 := f.login(u)
		_, other := f.login(u) // another device: its own family

		t1 := newHash(t)
		if _, _, err := f.store.Rotate(ctx, t0, t1); err != nil {
			t.Fatal(err)
		}
		// A thief replays the token the legitimate client already rotated.
		_, _, err := f.store.Rotate(ctx, t0, newHash(t))
		wantErr(t, err, users.ErrReuse)
		var reuse *users.ReuseError
		if !errors.As(err, &reuse) || reuse.SessionID != ss.ID || reuse.UserID != u.ID {
			t.Fatalf("error %v does not name session %s of user %s", err, ss.ID, u.ID)
		}
		noLeak(t, err, t0, u.Email)

		// The legitimate holder's next refresh fails: the family is gone.
		_, _, err = f.store.Rotate(ctx, t1, newHash(t))
		wantErr(t, err, users.ErrExpired)
		// Every further replay is reported again, for the audit trail.
		_, _, err = f.store.Rotate(ctx, t0, newHash(t))
		wantErr(t, err, users.ErrReuse)

		got := f.sessions(u.ID)
		if len(got) != 1 || got[0].ID == ss.ID {
			t.Fatalf("sessions after reuse: %+v", got)
		}
		if _, _, err := f.store.Rotate(ctx, other, newHash(t)); err != nil {
			t.Fatalf("the other family was touched: %v", err)
		}
	})
}

func TestConcurrentRotationOfOneToken(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		u := f.createUser("ann@shop.example")
		for _, racers := range []int{2, 2, 2, 2, 2, 8} {
			_, tok := f.login(u)
			next := make([]string, racers)
			for i := range next {
				next[i] = newHash(t)
			}
			errs := concurrently(racers, func(i int) error {
				_, _, err := f.store.Rotate(ctx, tok, next[i])
				return err
			})
			ok, reused := countErrs(t, errs, users.ErrReuse)
			if ok != 1 || reused != racers-1 {
				t.Fatalf("%d racers: %d rotated, %d reuse; want exactly 1 and %d", racers, ok, reused, racers-1)
			}
			// The reuse revoked the family, the winner's new token with it.
			for i, err := range errs {
				if err == nil {
					_, _, err := f.store.Rotate(ctx, next[i], newHash(t))
					wantErr(t, err, users.ErrExpired)
				}
			}
		}
	})
}

func TestCreateSessionInput(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		u := f.createUser("ann@shop.example")
		valid := users.NewSession{UserID: u.ID, Generation: 1, TokenHash: newHash(t), TTL: time.Hour}
		tests := []struct {
			name   string
			change func(*users.NewSession)
			target error
		}{
			{"unknown user", func(s *users.NewSession) { s.UserID = "missing" }, users.ErrNotFound},
			{"raw token", func(s *users.NewSession) { s.TokenHash = "raw-refresh-token" }, nil},
			{"no generation", func(s *users.NewSession) { s.Generation = 0 }, nil},
			{"no TTL", func(s *users.NewSession) { s.TTL = 0 }, nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				ns := valid
				tt.change(&ns)
				_, err := f.store.CreateSession(ctx, ns)
				if err == nil || tt.target != nil && !errors.Is(err, tt.target) {
					t.Fatalf("CreateSession = %v, want %v", err, tt.target)
				}
			})
		}
		// Request metadata is capped, on a rune boundary.
		long := valid
		long.UserAgent = strings.Repeat("a", 511) + strings.Repeat("é", 100)
		long.IP = "2001:db8::1%" + strings.Repeat("z", 100)
		ss, err := f.store.CreateSession(ctx, long)
		if err != nil {
			t.Fatal(err)
		}
		if len(ss.UserAgent) != 511 || !utf8.ValidString(ss.UserAgent) || len(ss.IP) != 64 {
			t.Fatalf("user agent %d bytes, ip %d bytes", len(ss.UserAgent), len(ss.IP))
		}
		if got := f.sessions(u.ID); len(got) != 1 || got[0].UserAgent != ss.UserAgent {
			t.Fatal("stored user agent differs from the returned one")
		}
	})
}

func TestSessionsListAndRevoke(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		ann := f.createUser("ann@shop.example")
		bob := f.createUser("bob@shop.example")
		first, firstTok := f.login(ann)
		f.clock.Advance(time.Minute)
		second, _ := f.login(ann)
		bobs, _ := f.login(bob)

		f.clock.Advance(time.Minute)
		if _, _, err := f.store.Rotate(ctx, firstTok, newHash(t)); err != nil {
			t.Fatal(err)
		}
		got := f.sessions(ann.ID)
		if len(got) != 2 || got[0].ID != first.ID || got[1].ID != second.ID {
			t.Fatalf("ListSessions = %+v, want most recently used first", got)
		}

		// Ann cannot revoke Bob's session, and cannot tell it exists.
		wantErr(t, f.store.RevokeSession(ctx, ann.ID, bobs.ID), users.ErrNotFound)
		wantErr(t, f.store.RevokeSession(ctx, ann.ID, "0123456789abcdef0123456789abcdef"), users.ErrNotFound)
		if got := f.sessions(bob.ID); len(got) != 1 {
			t.Fatal("Bob's session was revoked by Ann")
		}

		if err := f.store.RevokeSession(ctx, ann.ID, second.ID); err != nil {
			t.Fatal(err)
		}
		wantErr(t, f.store.RevokeSession(ctx, ann.ID, second.ID), users.ErrNotFound)
		if got := f.sessions(ann.ID); len(got) != 1 || got[0].ID != first.ID {
			t.Fatalf("after revoking one: %+v", got)
		}

		f.login(ann)
		if n, err := f.store.RevokeAllSessions(ctx, ann.ID); err != nil || n != 2 {
			t.Fatalf("RevokeAllSessions = %d, %v; want 2", n, err)
		}
		if got := f.sessions(ann.ID); len(got) != 0 {
			t.Fatalf("after revoking all: %+v", got)
		}
		if got := f.sessions(bob.ID); len(got) != 1 {
			t.Fatal("RevokeAllSessions reached another user")
		}
	})
}

func TestLogoutByToken(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		u := f.createUser("ann@shop.example")
		ss, t0 := f.login(u)
		t1 := newHash(t)
		if _, _, err := f.store.Rotate(ctx, t0, t1); err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(time.Minute)
		out, err := f.store.RevokeSessionByToken(ctx, t1)
		if err != nil {
			t.Fatal(err)
		}
		if out.ID != ss.ID || out.UserID != u.ID || !out.RevokedAt.Equal(f.clock.Now()) || out.UserAgent != ss.UserAgent {
			t.Fatalf("RevokeSessionByToken = %+v", out)
		}
		_, _, err = f.store.Rotate(ctx, t1, newHash(t))
		wantErr(t, err, users.ErrExpired)

		// Logging out twice, or with an older token of the family, is fine
		// and keeps the first revocation time.
		f.clock.Advance(time.Minute)
		again, err := f.store.RevokeSessionByToken(ctx, t0)
		if err != nil || !again.RevokedAt.Equal(out.RevokedAt) {
			t.Fatalf("second logout = %+v, %v", again, err)
		}
		unknown := newHash(t)
		_, err = f.store.RevokeSessionByToken(ctx, unknown)
		wantErr(t, err, users.ErrNotFound)
		noLeak(t, err, unknown)
	})
}

func TestAccessTokenDenylistAndPurge(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		revoked := func(jti string) bool {
			t.Helper()
			ok, err := f.store.IsAccessTokenRevoked(ctx, jti)
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		purge := func(wantTokens, wantSessions int64) {
			t.Helper()
			tokens, sessions, err := f.store.PurgeExpired(ctx)
			if err != nil || tokens != wantTokens || sessions != wantSessions {
				t.Fatalf("PurgeExpired = %d, %d, %v; want %d, %d", tokens, sessions, err, wantTokens, wantSessions)
			}
		}
		now := f.clock.Now()
		if revoked("jti-1") {
			t.Fatal("unknown jti reported revoked")
		}
		for range 2 { // twice: idempotent
			if err := f.store.RevokeAccessToken(ctx, "jti-1", now.Add(15*time.Minute)); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.store.RevokeAccessToken(ctx, "jti-2", now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if !revoked("jti-1") || !revoked("jti-2") || revoked("jti-3") {
			t.Fatal("denylist lookup wrong")
		}
		if err := f.store.RevokeAccessToken(ctx, "", now); err == nil {
			t.Fatal("empty jti accepted")
		}

		u := f.createUser("ann@shop.example")
		_, short := f.login(u) // expires with refreshTTL
		if _, err := f.store.CreateSession(ctx, users.NewSession{UserID: u.ID, Generation: 1, TokenHash: newHash(t), TTL: 30 * time.Minute}); err != nil {
			t.Fatal(err)
		}

		purge(0, 0)
		f.clock.Advance(15 * time.Minute)
		purge(1, 0) // jti-1 expires exactly now
		if revoked("jti-1") || !revoked("jti-2") {
			t.Fatal("purge removed the wrong entries")
		}
		f.clock.Advance(15 * time.Minute)
		purge(0, 1)
		f.clock.Advance(refreshTTL)
		purge(1, 1)
		var n int
		if err := db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM refresh_tokens`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("%d refresh tokens left (%v), want 0", n, err)
		}
		_, _, err := f.store.Rotate(ctx, short, newHash(t))
		wantErr(t, err, users.ErrNotFound)
	})
}

// TestSessionCannotOutliveConcurrentLogOut: another instance is half-way
// through "log out everywhere" for a user — its transaction has bumped the
// generation and revoked the sessions but not committed — when a login or a
// refresh for that user arrives. Whatever the interleaving, no session may
// survive the log-out, and the refresh must not hand out the old generation.
func TestSessionCannotOutliveConcurrentLogOut(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		tests := []struct {
			name    string
			waitsOn string // the statement that must wait for the log-out
			run     func(u users.User, tok string) error
		}{
			{"login", "UPDATE users SET token_generation = token_generation", func(u users.User, _ string) error {
				_, err := f.store.CreateSession(ctx, users.NewSession{UserID: u.ID, Generation: u.TokenGeneration, TokenHash: newHash(t), TTL: time.Hour})
				return err
			}},
			{"refresh", "UPDATE sessions SET last_used_at", func(_ users.User, tok string) error {
				_, _, err := f.store.Rotate(ctx, tok, newHash(t))
				return err
			}},
		}
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				u := f.createUser(fmt.Sprintf("race%d@shop.example", i))
				_, tok := f.login(u)
				tx, err := db.SQL().BeginTx(ctx, nil)
				if err != nil {
					t.Fatal(err)
				}
				defer func() { _ = tx.Rollback() }()
				// What BumpGeneration does, left uncommitted.
				for _, q := range []string{
					`UPDATE users SET token_generation = token_generation + 1 WHERE id = $1`,
					`UPDATE sessions SET revoked_at = 1 WHERE user_id = $1 AND revoked_at = 0`,
				} {
					if _, err := tx.ExecContext(ctx, q, u.ID); err != nil {
						t.Fatal(err)
					}
				}
				done := make(chan error, 1)
				go func() { done <- tt.run(u, tok) }()
				waitForLockWait(t, db, tt.waitsOn, done)
				if err := tx.Commit(); err != nil {
					t.Fatal(err)
				}
				wantErr(t, <-done, users.ErrExpired)
				if ss := f.sessions(u.ID); len(ss) != 0 {
					t.Fatalf("%d sessions outlived the log-out", len(ss))
				}
			})
		}
	})
}

// waitForLockWait returns once a PostgreSQL backend running a statement that
// starts with prefix waits for a row lock, and fails if done reports first:
// the statement ran without waiting for the transaction holding the lock.
// It polls the server's own view of lock waits rather than sleeping. On
// SQLite there is nothing to observe: the open IMMEDIATE transaction holds
// the database's write lock, so the store's transaction cannot begin until
// it commits.
func waitForLockWait(t *testing.T, db *storage.DB, prefix string, done <-chan error) {
	t.Helper()
	if db.Dialect() != storage.DialectPostgres {
		return
	}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			t.Fatalf("finished (%v) without waiting for the log-out to commit", err)
		default:
		}
		var n int
		err := db.SQL().QueryRowContext(context.Background(), `SELECT count(*) FROM pg_stat_activity
			WHERE wait_event_type = 'Lock' AND query LIKE $1`, prefix+"%").Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			return
		}
	}
	t.Fatal("the statement never waited for the lock")
}

func TestAccessStateOf(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		u := f.createUser("ann@shop.example")
		st, err := f.store.AccessStateOf(ctx, u.ID, "jti-1")
		if err != nil || st.Role != u.Role || st.Disabled || st.TokenGeneration != u.TokenGeneration || st.Revoked {
			t.Fatalf("AccessStateOf = %+v, %v", st, err)
		}
		if err := f.store.RevokeAccessToken(ctx, "jti-1", f.clock.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if st, err := f.store.AccessStateOf(ctx, u.ID, "jti-1"); err != nil || !st.Revoked {
			t.Errorf("after revocation: %+v, %v", st, err)
		}
		if st, err := f.store.AccessStateOf(ctx, u.ID, "jti-2"); err != nil || st.Revoked {
			t.Errorf("another token: %+v, %v", st, err)
		}
		if _, err := f.store.AccessStateOf(ctx, "0123456789abcdef0123456789abcdef", "jti-1"); !errors.Is(err, users.ErrNotFound) {
			t.Errorf("missing user: %v", err)
		}
	})
}

// A failed preparation is retried, not kept: the database coming back must
// bring authentication back without a restart (found by review).
func TestAccessStateRecoversAfterAFailedPrepare(t *testing.T) {
	db := storagetest.SQLite(t)
	f := newFixture(t, db)
	ctx := context.Background()
	u := f.createUser("ann@shop.example")
	exec := func(q string) {
		if _, err := db.SQL().ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	exec(`ALTER TABLE revoked_tokens RENAME TO revoked_tokens_away`)
	if _, err := f.store.AccessStateOf(ctx, u.ID, "jti"); err == nil {
		t.Fatal("AccessStateOf worked without its table")
	}
	exec(`ALTER TABLE revoked_tokens_away RENAME TO revoked_tokens`)
	if _, err := f.store.AccessStateOf(ctx, u.ID, "jti"); err != nil {
		t.Fatalf("AccessStateOf after the table came back: %v", err)
	}
}
