package users_test

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"supportbot/internal/storage"
	"supportbot/internal/storage/storagetest"
	"supportbot/internal/users"
)

// accessFixture is a SQLite fixture whose Store reads access_changes only
// when it changes something itself, unless a test says otherwise.
func accessFixture(t *testing.T) *fixture {
	t.Helper()
	f := newFixture(t, storagetest.SQLite(t))
	users.SetAccessPollEvery(f.store, time.Hour)
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
// the Store would not read access_changes again for an hour: a remembered
// state never outlives a change made through the Store.
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
// 00009 log it, and the Store applies it within its poll period.
func TestRememberedAccessStateSeesChangesFromOutside(t *testing.T) {
	f := newFixture(t, storagetest.SQLite(t))
	users.SetAccessPollEvery(f.store, 20*time.Millisecond)
	ctx := context.Background()
	other, err := storage.Open(ctx, storage.Options{URL: f.db.Path()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = other.Close() })
	outside := newFixture(t, other).store // another process's Store
	exec := func(q string, args ...any) func() error {
		return func() error { _, err := other.SQL().ExecContext(ctx, q, args...); return err }
	}
	u := f.createUser("ann@shop.example")
	tests := []struct {
		name   string
		change func() error
		seen   func(users.AccessState) bool
	}{
		{"disabled by another Store", func() error { return outside.SetDisabled(ctx, u.ID, true) },
			func(st users.AccessState) bool { return st.Disabled }},
		{"enabled by hand", exec(`UPDATE users SET disabled = FALSE WHERE id = $1`, u.ID),
			func(st users.AccessState) bool { return !st.Disabled }},
		{"role changed by hand", exec(`UPDATE users SET role = 'support' WHERE id = $1`, u.ID),
			func(st users.AccessState) bool { return st.Role == users.RoleSupport }},
		{"generation bumped by another Store", func() error { return outside.BumpGeneration(ctx, u.ID) },
			func(st users.AccessState) bool { return st.TokenGeneration == u.TokenGeneration+1 }},
		{"token revoked by hand", exec(`INSERT INTO revoked_tokens (jti, expires_at) VALUES ('jti-a', 0)`),
			func(st users.AccessState) bool { return st.Revoked }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.t = t
			f.remembered(u.ID, "jti-a")
			if err := tt.change(); err != nil {
				t.Fatal(err)
			}
			for deadline := time.Now().Add(5 * time.Second); !tt.seen(f.state(u.ID, "jti-a")); {
				if time.Now().After(deadline) {
					t.Fatalf("the change was not seen: %+v", f.state(u.ID, "jti-a"))
				}
				time.Sleep(5 * time.Millisecond)
			}
		})
	}
	t.Run("deleted by hand", func(t *testing.T) {
		f.t = t
		v := f.createUser("vic@shop.example")
		f.remembered(v.ID, "jti-v")
		if err := exec(`DELETE FROM users WHERE id = $1`, v.ID)(); err != nil {
			t.Fatal(err)
		}
		for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
			if _, err := f.store.AccessStateOf(ctx, v.ID, "jti-v"); err != nil {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("a deleted user still has an access state")
			}
		}
	})
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
	f := newFixture(t, storagetest.SQLite(t))
	users.SetAccessPollEvery(f.store, time.Nanosecond)
	ctx := context.Background()
	exec := func(q string) {
		if _, err := f.db.SQL().ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	u := f.createUser("ann@shop.example")
	f.state(u.ID, "jti-a")
	if !users.AccessRemembered(f.store, u.ID, "jti-a") {
		t.Fatal("not remembered")
	}
	exec(`ALTER TABLE access_changes RENAME TO access_changes_away`)
	exec(`UPDATE users SET disabled = TRUE WHERE id = '` + u.ID + `'`) // logged to the renamed table
	if st := f.state(u.ID, "jti-a"); !st.Disabled {
		t.Fatalf("answered from memory while changes could not be read: %+v", st)
	}
	if users.AccessRemembered(f.store, u.ID, "jti-a") {
		t.Fatal("still remembered after a failed read of the changes")
	}
	exec(`ALTER TABLE access_changes_away RENAME TO access_changes`)
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
