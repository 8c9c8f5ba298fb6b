package users_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"supportbot/internal/storage"
	"supportbot/internal/storage/storagetest"
	"supportbot/internal/users"
)

// accessFixture is a SQLite fixture whose Store times its reads of
// access_changes by the fixture's manual clock: it reads them again only
// when the test advances the clock by AccessPollEvery, or when it changes
// something itself.
func accessFixture(t *testing.T) *fixture {
	t.Helper()
	f := newFixture(t, storagetest.SQLite(t))
	users.SetAccessClock(f.store, f.clock.Now)
	return f
}

// state is AccessStateOf that fails the test on an error.
func (f *fixture) state(userID, jti string) users.AccessState {
	f.t.Helper()
	st, err := f.store.AccessStateOf(context.Background(), userID, jti)
	if err != nil {
		f.t.Fatalf("AccessStateOf: %v", err)
	}
	return st
}

// remembered reads the state twice and fails unless the second answer
// came from memory.
func (f *fixture) remembered(userID, jti string) users.AccessState {
	f.t.Helper()
	st := f.state(userID, jti)
	if !users.AccessRemembered(f.store, userID, jti) {
		f.t.Fatalf("%s's token %s is not remembered", userID, jti)
	}
	if again := f.state(userID, jti); again != st {
		f.t.Fatalf("remembered %+v, read %+v", again, st)
	}
	return st
}

// Each change this Store makes counts for the very next request, although
// the clock that would make it read access_changes again stands still: a
// remembered state never outlives a change made through the Store.
func TestRememberedAccessStateForgetsOwnChangesAtOnce(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		setup  func(f *fixture, id string)
		change func(f *fixture, id string) error
		want   func(before, after users.AccessState) bool
	}{
		{"password change", nil, func(f *fixture, id string) error { return f.store.SetPassword(ctx, id, "$2a$12$new") },
			func(b, a users.AccessState) bool { return a.TokenGeneration == b.TokenGeneration+1 }},
		{"role change", nil, func(f *fixture, id string) error { return f.store.SetRole(ctx, id, users.RoleSupport) },
			func(b, a users.AccessState) bool {
				return a.Role == users.RoleSupport && a.TokenGeneration == b.TokenGeneration+1
			}},
		{"disable", nil, func(f *fixture, id string) error { return f.store.SetDisabled(ctx, id, true) },
			func(_, a users.AccessState) bool { return a.Disabled }},
		{"enable", func(f *fixture, id string) {
			if err := f.store.SetDisabled(ctx, id, true); err != nil {
				f.t.Fatal(err)
			}
		}, func(f *fixture, id string) error { return f.store.SetDisabled(ctx, id, false) },
			func(_, a users.AccessState) bool { return !a.Disabled }},
		{"2FA reset", nil, func(f *fixture, id string) error { return f.store.DisableTOTP(ctx, id) },
			func(b, a users.AccessState) bool { return a.TokenGeneration == b.TokenGeneration+1 }},
		{"log out everywhere", nil, func(f *fixture, id string) error { return f.store.BumpGeneration(ctx, id) },
			func(b, a users.AccessState) bool { return a.TokenGeneration == b.TokenGeneration+1 }},
		{"log out (token revoked)", nil, func(f *fixture, _ string) error {
			return f.store.RevokeAccessToken(ctx, "jti-a", f.clock.Now().Add(time.Hour))
		}, func(_, a users.AccessState) bool { return a.Revoked }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := accessFixture(t)
			u := f.createUser("ann@shop.example")
			bystander := f.createUser("bob@shop.example")
			if tt.setup != nil {
				tt.setup(f, u.ID)
			}
			before := f.remembered(u.ID, "jti-a")
			other := f.remembered(bystander.ID, "jti-b")
			if err := tt.change(f, u.ID); err != nil {
				t.Fatal(err)
			}
			if after := f.state(u.ID, "jti-a"); !tt.want(before, after) {
				t.Fatalf("after the change: %+v (before %+v)", after, before)
			}
			// Someone else's change leaves the bystander remembered.
			if !users.AccessRemembered(f.store, bystander.ID, "jti-b") || f.state(bystander.ID, "jti-b") != other {
				t.Error("the bystander was forgotten or changed")
			}
		})
	}
}

// A terminal command, another server process or anyone with the file
// changes the database behind this Store's back; the triggers of migration
// 00009 log it, and the Store applies it once its last read of the log is
// AccessPollEvery old.
func TestRememberedAccessStateSeesChangesFromOutside(t *testing.T) {
	f := accessFixture(t)
	ctx := context.Background()
	other, err := storage.Open(ctx, storage.Options{URL: f.db.Path()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = other.Close() })
	outside := newFixture(t, other).store // another process's Store
	exec := func(qs ...string) func(id string) error {
		return func(id string) error {
			c, err := other.SQL().Conn(ctx) // one connection: TEMP tables are its own
			if err != nil {
				return err
			}
			defer c.Close()
			for _, q := range qs {
				if _, err := c.ExecContext(ctx, q, id); err != nil {
					return err
				}
			}
			return nil
		}
	}
	tests := []struct {
		name   string
		change func(id string) error
		seen   func(before, after users.AccessState) bool
	}{
		{"disabled by another Store", func(id string) error { return outside.SetDisabled(ctx, id, true) },
			func(_, a users.AccessState) bool { return a.Disabled }},
		{"enabled by hand", exec(`UPDATE users SET disabled = FALSE WHERE id = $1`),
			func(_, a users.AccessState) bool { return !a.Disabled }},
		{"role changed by hand", exec(`UPDATE users SET role = 'support' WHERE id = $1`),
			func(_, a users.AccessState) bool { return a.Role == users.RoleSupport }},
		{"generation bumped by another Store", func(id string) error { return outside.BumpGeneration(ctx, id) },
			func(b, a users.AccessState) bool { return a.TokenGeneration == b.TokenGeneration+1 }},
		{"replaced by hand, disabled", exec(
			`CREATE TEMP TABLE user_copy AS SELECT * FROM users WHERE id = $1`,
			`UPDATE user_copy SET disabled = TRUE, token_generation = token_generation + 1 WHERE id = $1`,
			`INSERT OR REPLACE INTO users SELECT * FROM user_copy WHERE id = $1`,
			`DROP TABLE user_copy`,
		), func(b, a users.AccessState) bool { return a.Disabled && a.TokenGeneration == b.TokenGeneration+1 }},
		// Last: a revoked jti is not remembered again.
		{"token revoked by hand", func(string) error {
			_, err := other.SQL().ExecContext(ctx, `INSERT INTO revoked_tokens (jti, expires_at) VALUES ('jti-a', 0)`)
			return err
		}, func(_, a users.AccessState) bool { return a.Revoked }},
	}
	u := f.createUser("ann@shop.example")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.t = t
			before := f.remembered(u.ID, "jti-a")
			if err := tt.change(u.ID); err != nil {
				t.Fatal(err)
			}
			f.clock.Advance(users.AccessPollEvery)
			if after := f.state(u.ID, "jti-a"); !tt.seen(before, after) {
				t.Fatalf("the change was not seen: %+v (before %+v)", after, before)
			}
		})
	}
	t.Run("deleted by hand", func(t *testing.T) {
		f.t = t
		v := f.createUser("vic@shop.example")
		f.remembered(v.ID, "jti-v")
		if err := exec(`DELETE FROM users WHERE id = $1`)(v.ID); err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(users.AccessPollEvery)
		if st, err := f.store.AccessStateOf(ctx, v.ID, "jti-v"); !errors.Is(err, users.ErrNotFound) {
			t.Fatalf("a deleted user's access state: %+v, %v", st, err)
		}
	})
}

// Another process pruned access_changes past rows this Store had not read:
// it cannot tell what changed, so it forgets everything.
func TestRowsPrunedUnreadForgetEverything(t *testing.T) {
	f := accessFixture(t)
	ctx := context.Background()
	u := f.createUser("ann@shop.example")
	f.remembered(u.ID, "jti-a")
	exec := func(q string, args ...any) {
		if _, err := f.db.SQL().ExecContext(ctx, q, args...); err != nil {
			t.Fatal(err)
		}
	}
	exec(`UPDATE users SET disabled = TRUE WHERE id = $1`, u.ID)
	for range users.AccessChangesKept + 1 { // someone else's changes
		exec(`INSERT INTO access_changes (user_id) VALUES ('someone-else')`)
	}
	exec(`DELETE FROM access_changes WHERE seq <= (SELECT MAX(seq) FROM access_changes) - $1`, users.AccessChangesKept)
	f.clock.Advance(users.AccessPollEvery)
	if st := f.state(u.ID, "jti-a"); !st.Disabled {
		t.Fatalf("a change pruned before it was read was missed: %+v", st)
	}
}

// While a read of access_changes takes long, answers keep coming from
// memory only until the last read is twice AccessPollEvery old; after
// that a request waits for the read.
func TestASlowReadOfChangesBoundsWhatMemoryAnswers(t *testing.T) {
	f := accessFixture(t)
	ctx := context.Background()
	u := f.createUser("ann@shop.example")
	f.remembered(u.ID, "jti-a")
	if _, err := f.db.SQL().ExecContext(ctx, `UPDATE users SET disabled = TRUE WHERE id = $1`, u.ID); err != nil {
		t.Fatal(err)
	}
	release := users.HoldAccessPoll(f.store)
	f.clock.Advance(users.AccessPollEvery)
	if st := f.state(u.ID, "jti-a"); st.Disabled {
		t.Fatalf("within twice the period the remembered state is expected: %+v", st)
	}
	f.clock.Advance(users.AccessPollEvery)
	got := make(chan users.AccessState, 1)
	go func() {
		st, _ := f.store.AccessStateOf(ctx, u.ID, "jti-a")
		got <- st
	}()
	select {
	case st := <-got:
		t.Fatalf("answered while the changes could not be read: %+v", st)
	case <-time.After(50 * time.Millisecond):
	}
	release()
	if st := <-got; !st.Disabled {
		t.Fatalf("after the read: %+v", st)
	}
}

// A request that gives up while it reads access_changes for everyone does
// not make the Store forget everything.
func TestACancelledRequestDoesNotEmptyTheMemory(t *testing.T) {
	f := accessFixture(t)
	u := f.createUser("ann@shop.example")
	f.remembered(u.ID, "jti-a")
	f.clock.Advance(users.AccessPollEvery)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _ = f.store.AccessStateOf(ctx, u.ID, "jti-a")
	if !users.AccessRemembered(f.store, u.ID, "jti-a") {
		t.Fatal("a cancelled request emptied the memory")
	}
}

// The same jti under two users (two tokens signed with it) is remembered
// under one of them only, so revoking it counts for both.
func TestOneJTIUnderTwoUsers(t *testing.T) {
	f := accessFixture(t)
	ctx := context.Background()
	a, b := f.createUser("ann@shop.example"), f.createUser("bob@shop.example")
	f.state(a.ID, "jti-x")
	f.state(b.ID, "jti-x")
	if err := f.store.RevokeAccessToken(ctx, "jti-x", f.clock.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{a.ID, b.ID} {
		if st := f.state(id, "jti-x"); !st.Revoked {
			t.Errorf("%s: revoked jti answered %+v", id, st)
		}
	}
}

// Requests that read the state while it changes: once the change has
// returned, no request that starts afterwards may see the old state,
// whichever of them raced it.
func TestNoRequestAfterAChangeSeesTheOldState(t *testing.T) {
	f := accessFixture(t)
	ctx := context.Background()
	for round := range 20 {
		u := f.createUser(fmt.Sprintf("u%d@shop.example", round))
		var (
			changed atomic.Bool
			stale   atomic.Int64
			wg      sync.WaitGroup
			stop    = make(chan struct{})
		)
		for w := range 4 {
			wg.Go(func() {
				jti := fmt.Sprintf("jti-%d", w%2) // two tokens, each shared by two readers
				for {
					select {
					case <-stop:
						return
					default:
					}
					after := changed.Load()
					st, err := f.store.AccessStateOf(ctx, u.ID, jti)
					if err != nil {
						t.Error(err)
						return
					}
					if after && !st.Disabled {
						stale.Add(1)
					}
				}
			})
		}
		time.Sleep(time.Millisecond)
		if err := f.store.SetDisabled(ctx, u.ID, true); err != nil {
			t.Fatal(err)
		}
		changed.Store(true)
		time.Sleep(2 * time.Millisecond)
		close(stop)
		wg.Wait()
		if n := stale.Load(); n > 0 {
			t.Fatalf("round %d: %d requests after the change saw the user enabled", round, n)
		}
	}
}

// When access_changes cannot be read, nothing is answered from memory
// until it can: every request asks the database.
func TestAccessStateIsReadAgainWhenChangesCannotBe(t *testing.T) {
	f := accessFixture(t)
	ctx := context.Background()
	exec := func(q string, args ...any) {
		if _, err := f.db.SQL().ExecContext(ctx, q, args...); err != nil {
			t.Fatal(err)
		}
	}
	u := f.createUser("ann@shop.example")
	f.state(u.ID, "jti-a")
	if !users.AccessRemembered(f.store, u.ID, "jti-a") {
		t.Fatal("not remembered")
	}
	exec(`ALTER TABLE access_changes RENAME TO access_changes_away`)
	exec(`UPDATE users SET disabled = TRUE WHERE id = $1`, u.ID) // logged to the renamed table
	f.clock.Advance(users.AccessPollEvery)
	if st := f.state(u.ID, "jti-a"); !st.Disabled {
		t.Fatalf("answered from memory while changes could not be read: %+v", st)
	}
	if users.AccessRemembered(f.store, u.ID, "jti-a") {
		t.Fatal("still remembered after a failed read of the changes")
	}
	exec(`ALTER TABLE access_changes_away RENAME TO access_changes`)
	f.clock.Advance(users.AccessPollEvery)
	f.state(u.ID, "jti-a") // the first read afterwards only finds its place
	f.remembered(u.ID, "jti-a")
}

func TestRememberedAccessStatesStayBounded(t *testing.T) {
	f := accessFixture(t)
	ctx := context.Background()
	u := f.createUser("ann@shop.example")
	for i := range 3 * users.MaxAccessJTIs {
		f.state(u.ID, fmt.Sprintf("jti-%d", i))
	}
	if _, tokens := users.AccessCacheSize(f.store); tokens > users.MaxAccessJTIs || tokens == 0 {
		t.Fatalf("%d tokens remembered for one user, want 1..%d", tokens, users.MaxAccessJTIs)
	}
	// Users beyond the bound: AccessStateOf of unknown ids is ErrNotFound
	// and never remembered, so insert real rows cheaply by hand.
	err := f.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		for i := range users.MaxAccessUsers + 100 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO users (id, role, email_enc, email_bidx, name_enc, password_hash, created_at, updated_at, password_changed_at)
				SELECT $1, role, email_enc, $2, name_enc, password_hash, created_at, updated_at, password_changed_at FROM users WHERE id = $3`,
				fmt.Sprintf("%032x", i), fmt.Sprintf("bidx-%d", i), u.ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := range users.MaxAccessUsers + 100 {
		f.state(fmt.Sprintf("%032x", i), "jti")
	}
	if n, _ := users.AccessCacheSize(f.store); n > users.MaxAccessUsers || n < users.MaxAccessUsers/2 {
		t.Fatalf("%d users remembered, want at most %d (and most of them)", n, users.MaxAccessUsers)
	}
}
