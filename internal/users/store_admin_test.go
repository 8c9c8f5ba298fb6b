package users_test

import (
	"context"
	"fmt"
	"testing"

	"supportbot/internal/storage"
	"supportbot/internal/storage/storagetest"
	"supportbot/internal/users"
)

// enabledAdmins counts the enabled admins as the database holds them.
func enabledAdmins(t *testing.T, db *storage.DB) int {
	t.Helper()
	var n int
	err := db.SQL().QueryRowContext(context.Background(),
		`SELECT count(*) FROM users WHERE role = 'admin' AND disabled = FALSE`).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestLastEnabledAdminIsKept(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		ada := f.createWithRole("ada@shop.example", users.RoleAdmin)
		// A disabled admin is no admin anyone can sign in as.
		gone := f.createWithRole("gone@shop.example", users.RoleAdmin)
		if err := f.store.SetDisabled(ctx, gone.ID, true); err != nil {
			t.Fatal(err)
		}

		wantErr(t, f.store.SetDisabled(ctx, ada.ID, true), users.ErrLastAdmin)
		wantErr(t, f.store.SetRole(ctx, ada.ID, users.RoleSupport), users.ErrLastAdmin)
		wantErr(t, f.store.SetRole(ctx, ada.ID, users.RoleCustomer), users.ErrLastAdmin)
		if u := f.get(ada.ID); u.Role != users.RoleAdmin || u.Disabled || u.TokenGeneration != ada.TokenGeneration {
			t.Fatalf("refused change still changed the admin: %+v", u)
		}
		// Keeping the role is no demotion; changes to non-admins and to the
		// disabled admin are not guarded.
		if err := f.store.SetRole(ctx, ada.ID, users.RoleAdmin); err != nil {
			t.Errorf("SetRole(admin) on the last admin: %v", err)
		}
		if err := f.store.SetRole(ctx, gone.ID, users.RoleCustomer); err != nil {
			t.Errorf("demoting a disabled admin: %v", err)
		}
		cust := f.createUser("cat@shop.example")
		if err := f.store.SetDisabled(ctx, cust.ID, true); err != nil {
			t.Errorf("disabling a customer: %v", err)
		}

		// With a second enabled admin, either may go, but not both.
		bea := f.createWithRole("bea@shop.example", users.RoleAdmin)
		if err := f.store.SetRole(ctx, ada.ID, users.RoleSupport); err != nil {
			t.Fatalf("demoting one of two admins: %v", err)
		}
		wantErr(t, f.store.SetDisabled(ctx, bea.ID, true), users.ErrLastAdmin)
		if err := f.store.SetRole(ctx, ada.ID, users.RoleAdmin); err != nil {
			t.Fatal(err)
		}
		if err := f.store.SetDisabled(ctx, bea.ID, true); err != nil {
			t.Fatalf("disabling one of two admins: %v", err)
		}
		if n := enabledAdmins(t, db); n != 1 {
			t.Fatalf("%d enabled admins, want 1", n)
		}
		noLeak(t, f.store.SetDisabled(ctx, ada.ID, true), "ada@shop.example")
	})
}

// TestConcurrentMutualDemotionKeepsOneAdmin: two admins demote or disable
// each other at the same moment, as two signed-in admins can over HTTP.
// Exactly one change wins; the other is refused with ErrLastAdmin.
func TestConcurrentMutualDemotionKeepsOneAdmin(t *testing.T) {
	changes := []struct {
		name string
		do   func(s *users.Store, id string) error
	}{
		{"demote", func(s *users.Store, id string) error { return s.SetRole(context.Background(), id, users.RoleCustomer) }},
		{"disable", func(s *users.Store, id string) error { return s.SetDisabled(context.Background(), id, true) }},
	}
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		round := 0
		for _, first := range changes {
			for _, second := range changes {
				t.Run(first.name+" vs "+second.name, func(t *testing.T) {
					for range 5 {
						round++
						f.exec(`UPDATE users SET role = 'customer' WHERE role = 'admin'`)
						a := f.createWithRole(fmt.Sprintf("a%d@shop.example", round), users.RoleAdmin)
						b := f.createWithRole(fmt.Sprintf("b%d@shop.example", round), users.RoleAdmin)
						errs := concurrently(2, func(i int) error {
							if i == 0 {
								return first.do(f.store, b.ID)
							}
							return second.do(f.store, a.ID)
						})
						if ok, refused := countErrs(t, errs, users.ErrLastAdmin); ok != 1 || refused != 1 {
							t.Fatalf("%d succeeded, %d refused (%v); want 1 and 1", ok, refused, errs)
						}
						if n := enabledAdmins(t, db); n != 1 {
							t.Fatalf("%d enabled admins left, want 1", n)
						}
					}
				})
			}
		}
	})
}

// TestLastAdminGuardWaitsForConcurrentDemotion pins the interleaving the
// goroutine test can only hope for: another instance has demoted admin B
// in a transaction that holds the admin rows but has not committed when
// the demotion of admin A arrives. The second must wait, see B gone and
// refuse.
func TestLastAdminGuardWaitsForConcurrentDemotion(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		a := f.createWithRole("a@shop.example", users.RoleAdmin)
		b := f.createWithRole("b@shop.example", users.RoleAdmin)
		tx, err := db.SQL().BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = tx.Rollback() }()
		lock := `SELECT id FROM users WHERE role = 'admin' AND disabled = FALSE ORDER BY id`
		if db.Dialect() == storage.DialectPostgres {
			lock += ` FOR UPDATE`
		}
		rows, err := tx.QueryContext(ctx, lock)
		if err != nil {
			t.Fatal(err)
		}
		_ = rows.Close()
		if _, err := tx.ExecContext(ctx, `UPDATE users SET role = 'customer', token_generation = token_generation + 1 WHERE id = $1`, b.ID); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- f.store.SetRole(ctx, a.ID, users.RoleCustomer) }()
		waitForLockWait(t, db, "SELECT id FROM users WHERE role", done)
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		wantErr(t, <-done, users.ErrLastAdmin)
		if u := f.get(a.ID); u.Role != users.RoleAdmin || u.Disabled {
			t.Fatalf("the last admin was changed: %+v", u)
		}
	})
}

func TestIsEnabledSupport(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		sam := f.createWithRole("sam@shop.example", users.RoleSupport)
		off := f.createWithRole("off@shop.example", users.RoleSupport)
		if err := f.store.SetDisabled(ctx, off.ID, true); err != nil {
			t.Fatal(err)
		}
		ada := f.createWithRole("ada@shop.example", users.RoleAdmin)
		cus := f.createWithRole("cus@shop.example", users.RoleCustomer)
		for id, want := range map[string]bool{sam.ID: true, off.ID: false, ada.ID: false, cus.ID: false, "0123456789abcdef0123456789abcdef": false} {
			if got, err := f.store.IsEnabledSupport(ctx, id); err != nil || got != want {
				t.Errorf("IsEnabledSupport(%s) = %t, %v; want %t", id, got, err, want)
			}
		}
	})
}
