package auth_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"supportbot/internal/audit"
	"supportbot/internal/auth"
	"supportbot/internal/storage"
	"supportbot/internal/storage/storagetest"
	"supportbot/internal/users"
)

func TestAdminCreateStaff(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db, require2FA)
		ctx := context.Background()
		admin := f.principal(f.session(f.staff(users.RoleAdmin, "admin@example.com").Email))

		p := pw(testPassword)
		sam, err := f.svc.CreateStaff(ctx, admin, auth.NewStaff{Role: auth.RoleSupport, Email: "sam@example.com", Name: "Sam", Password: p}, f.meta())
		if err != nil {
			t.Fatal(err)
		}
		if sam.Role != users.RoleSupport || sam.Email != "sam@example.com" || string(p) == testPassword {
			t.Errorf("created %+v (password zeroed: %v)", sam, string(p) != testPassword)
		}
		if ev := f.audit.of(auth.EventAdminUserCreated); len(ev) != 1 || ev[0].Actor != admin.UserID || ev[0].Target != "user:"+sam.ID || ev[0].Details != "role=support" {
			t.Errorf("admin.user_created = %+v", ev)
		}
		// The new staff member enrols at the first login.
		if res, err := f.login("sam@example.com", testPassword); err != nil || !res.EnrollmentRequired {
			t.Errorf("staff first login = %+v, %v", res, err)
		}

		for name, tc := range map[string]struct {
			in   auth.NewStaff
			want func(error) bool
		}{
			"weak password": {auth.NewStaff{Role: auth.RoleAdmin, Email: "x@example.com", Name: "X", Password: pw("short")}, func(err error) bool {
				var pe *auth.PasswordError
				return errors.As(err, &pe)
			}},
			"customer role": {auth.NewStaff{Role: auth.RoleCustomer, Email: "x@example.com", Name: "X", Password: pw(testPassword)}, fieldErr("role")},
			"no role":       {auth.NewStaff{Email: "x@example.com", Name: "X", Password: pw(testPassword)}, fieldErr("role")},
			"taken":         {auth.NewStaff{Role: auth.RoleAdmin, Email: "SAM@example.com", Name: "X", Password: pw(testPassword)}, func(err error) bool { return errors.Is(err, auth.ErrEmailTaken) }},
		} {
			t.Run(name, func(t *testing.T) {
				if _, err := f.svc.CreateStaff(ctx, admin, tc.in, f.meta()); !tc.want(err) {
					t.Errorf("err = %v", err)
				}
			})
		}
	})
}

// Customers and support staff are refused every admin method with
// ErrForbidden, audited as access.denied.
func TestAdminMethodsForbiddenToOthers(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		alice := f.customer("alice@example.com")
		f.staff(users.RoleSupport, "sam@example.com")
		yes := true
		admin := auth.RoleAdmin
		for _, email := range []string{"alice@example.com", "sam@example.com"} {
			p := f.principal(f.session(email))
			before := len(f.audit.of(auth.EventAccessDenied))
			_, err := f.svc.CreateStaff(ctx, p, auth.NewStaff{Role: auth.RoleAdmin, Email: "evil@example.com", Name: "E", Password: pw(testPassword)}, f.meta())
			wantErr(t, err, auth.ErrForbidden)
			_, err = f.svc.UpdateUser(ctx, p, p.UserID, auth.UserUpdate{Role: &admin}, f.meta())
			wantErr(t, err, auth.ErrForbidden)
			_, err = f.svc.UpdateUser(ctx, p, alice.ID, auth.UserUpdate{Disabled: &yes}, f.meta())
			wantErr(t, err, auth.ErrForbidden)
			_, err = f.svc.ListUsers(ctx, p, users.ListFilter{}, f.meta())
			wantErr(t, err, auth.ErrForbidden)
			_, err = f.svc.GetUser(ctx, p, alice.ID, f.meta())
			wantErr(t, err, auth.ErrForbidden)
			denied := f.audit.of(auth.EventAccessDenied)[before:]
			if len(denied) != 5 || denied[0].Actor != p.UserID || denied[0].Level != audit.LevelWarning {
				t.Errorf("%s: access.denied = %+v", email, denied)
			}
		}
		if u := f.user(alice.ID); u.Role != users.RoleCustomer || u.Disabled {
			t.Errorf("alice changed: %+v", u)
		}
		if n, _ := f.store.Count(ctx); n != 2 {
			t.Errorf("%d accounts, want 2", n)
		}
		// The zero Principal is nobody.
		_, err := f.svc.ListUsers(ctx, auth.Principal{}, users.ListFilter{}, f.meta())
		wantErr(t, err, auth.ErrForbidden)
	})
}

func TestAdminUpdateUser(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		admin := f.principal(f.session(f.staff(users.RoleAdmin, "admin@example.com").Email))
		sam := f.customer("sam@example.com")
		yes, no := true, false
		support, adminRole, bogus := auth.RoleSupport, auth.RoleAdmin, auth.Role("root")

		last := func(typ string) audit.Event {
			t.Helper()
			ev := f.audit.of(typ)
			if len(ev) == 0 {
				t.Fatalf("no %s event", typ)
			}
			return ev[len(ev)-1]
		}

		// Role change: audited, the old token dies.
		pair := f.session("sam@example.com")
		u, err := f.svc.UpdateUser(ctx, admin, sam.ID, auth.UserUpdate{Role: &support}, f.meta())
		if err != nil || u.Role != users.RoleSupport {
			t.Fatalf("promote: %+v, %v", u, err)
		}
		if e := last(auth.EventAdminRoleChanged); e.Actor != admin.UserID || e.Target != "user:"+sam.ID || e.Details != "from=customer to=support" {
			t.Errorf("admin.role_changed = %+v", e)
		}
		_, err = f.svc.Authenticate(ctx, pair.AccessToken)
		wantErr(t, err, auth.ErrInvalidToken)
		if p := f.principal(f.session("sam@example.com")); p.Role != auth.RoleSupport {
			t.Errorf("role after promotion = %s", p.Role)
		}

		// Disable and enable.
		if u, err = f.svc.UpdateUser(ctx, admin, sam.ID, auth.UserUpdate{Disabled: &yes}, f.meta()); err != nil || !u.Disabled {
			t.Fatalf("disable: %+v, %v", u, err)
		}
		last(auth.EventAdminUserDisabled)
		if _, err := f.login("sam@example.com", testPassword); err != auth.ErrInvalidCredentials {
			t.Errorf("login while disabled: %v", err)
		}
		if u, err = f.svc.UpdateUser(ctx, admin, sam.ID, auth.UserUpdate{Disabled: &no}, f.meta()); err != nil || u.Disabled {
			t.Fatalf("enable: %+v, %v", u, err)
		}
		last(auth.EventAdminUserEnabled)
		f.session("sam@example.com")

		// Reset 2FA.
		secret, _, _, err := f.svc.BeginEnrollment(ctx, sam.ID)
		if err != nil {
			t.Fatal(err)
		}
		f.secrets[sam.ID] = secret
		if _, err := f.svc.ConfirmEnrollment(ctx, sam.ID, f.code(sam.ID), f.meta()); err != nil {
			t.Fatal(err)
		}
		if u, err = f.svc.UpdateUser(ctx, admin, sam.ID, auth.UserUpdate{Reset2FA: true}, f.meta()); err != nil || u.TOTPEnabled || u.HasTOTPSecret {
			t.Fatalf("reset 2fa: %+v, %v", u, err)
		}
		if e := last(auth.EventAdminTwoFactorReset); e.Level != audit.LevelWarning {
			t.Errorf("admin.2fa_reset = %+v", e)
		}

		// Self-demotion, self-disabling and resetting one's own 2FA are
		// refused; a no-op on oneself is fine.
		for name, up := range map[string]auth.UserUpdate{
			"demote":  {Role: &support},
			"disable": {Disabled: &yes},
			"2fa":     {Reset2FA: true},
		} {
			if _, err := f.svc.UpdateUser(ctx, admin, admin.UserID, up, f.meta()); err != auth.ErrSelfChange {
				t.Errorf("self %s: %v", name, err)
			}
		}
		if _, err := f.svc.UpdateUser(ctx, admin, admin.UserID, auth.UserUpdate{Role: &adminRole, Disabled: &no}, f.meta()); err != nil {
			t.Errorf("no-op on self: %v", err)
		}
		if u := f.user(admin.UserID); u.Role != users.RoleAdmin || u.Disabled {
			t.Errorf("admin changed: %+v", u)
		}
		// Another admin can be demoted, though.
		other, err := f.svc.CreateStaff(ctx, admin, auth.NewStaff{Role: auth.RoleAdmin, Email: "ops@example.com", Name: "Ops", Password: pw(testPassword)}, f.meta())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.UpdateUser(ctx, admin, other.ID, auth.UserUpdate{Role: &support}, f.meta()); err != nil {
			t.Errorf("demote another admin: %v", err)
		}

		_, err = f.svc.UpdateUser(ctx, admin, sam.ID, auth.UserUpdate{Role: &bogus}, f.meta())
		if !fieldErr("role")(err) {
			t.Errorf("bogus role: %v", err)
		}
		for _, id := range []string{"", "no-such-user", strings.Repeat("x", 500)} {
			_, err = f.svc.UpdateUser(ctx, admin, id, auth.UserUpdate{Unlock: true}, f.meta())
			wantErr(t, err, auth.ErrNotFound)
		}

		list, err := f.svc.ListUsers(ctx, admin, users.ListFilter{Role: users.RoleSupport}, f.meta())
		if err != nil || len(list) != 2 {
			t.Errorf("support users = %d, %v", len(list), err)
		}
		if got, err := f.svc.GetUser(ctx, admin, sam.ID, f.meta()); err != nil || got.ID != sam.ID {
			t.Errorf("GetUser = %+v, %v", got, err)
		}
		f.noSecretsInAudit(testPassword, "sam@example.com", secret)
	})
}

// An admin's principal is only as good as the account behind it: once A
// has demoted B, B's still-valid access token can no longer act as an
// admin, so B cannot demote A in return (the review's zero-admin
// reproduction). A disabled admin's principal is refused alike.
func TestDemotedAdminsPrincipalCannotAct(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		ada := f.principal(f.session(f.staff(users.RoleAdmin, "ada@example.com").Email))
		bea := f.principal(f.session(f.staff(users.RoleAdmin, "bea@example.com").Email))
		cat := f.principal(f.session(f.staff(users.RoleAdmin, "cat@example.com").Email))
		alice := f.customer("alice@example.com")
		customer, yes := auth.RoleCustomer, true

		if _, err := f.svc.UpdateUser(ctx, ada, bea.UserID, auth.UserUpdate{Role: &customer}, f.meta()); err != nil {
			t.Fatalf("demote Bea: %v", err)
		}
		if _, err := f.svc.UpdateUser(ctx, ada, cat.UserID, auth.UserUpdate{Disabled: &yes}, f.meta()); err != nil {
			t.Fatalf("disable Cat: %v", err)
		}
		for name, stale := range map[string]auth.Principal{"demoted": bea, "disabled": cat} {
			t.Run(name, func(t *testing.T) {
				before := len(f.audit.of(auth.EventAccessDenied))
				_, err := f.svc.UpdateUser(ctx, stale, ada.UserID, auth.UserUpdate{Role: &customer}, f.meta())
				wantErr(t, err, auth.ErrInvalidToken)
				_, err = f.svc.UpdateUser(ctx, stale, ada.UserID, auth.UserUpdate{Disabled: &yes}, f.meta())
				wantErr(t, err, auth.ErrInvalidToken)
				_, err = f.svc.CreateStaff(ctx, stale, auth.NewStaff{Role: auth.RoleAdmin, Email: "evil@example.com", Name: "E", Password: pw(testPassword)}, f.meta())
				wantErr(t, err, auth.ErrInvalidToken)
				_, err = f.svc.ListUsers(ctx, stale, users.ListFilter{}, f.meta())
				wantErr(t, err, auth.ErrInvalidToken)
				_, err = f.svc.GetUser(ctx, stale, alice.ID, f.meta())
				wantErr(t, err, auth.ErrInvalidToken)
				denied := f.audit.of(auth.EventAccessDenied)[before:]
				if len(denied) != 5 || denied[0].Actor != stale.UserID || !strings.Contains(denied[0].Details, "reason=stale_principal") {
					t.Errorf("access.denied = %+v", denied)
				}
			})
		}
		if u := f.user(ada.UserID); u.Role != users.RoleAdmin || u.Disabled {
			t.Fatalf("Ada changed: %+v", u)
		}
		if _, err := f.store.GetByEmail(ctx, "evil@example.com"); !errors.Is(err, users.ErrNotFound) {
			t.Fatalf("a stale admin created an account: %v", err)
		}
		// Ada still acts.
		if _, err := f.svc.ListUsers(ctx, ada, users.ListFilter{}, f.meta()); err != nil {
			t.Fatalf("Ada lists users: %v", err)
		}
	})
}

// Two signed-in admins demote (or disable) each other at the same moment,
// as concurrent PATCH /api/v1/admin/users/{id} requests do. Both pass the
// reload of the acting admin; the store lets exactly one change through.
// The other is refused with ErrLastAdmin (which is also ErrForbidden), or
// with ErrInvalidToken when its reload already saw the demotion.
func TestConcurrentMutualDemotionKeepsOneAdmin(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		customer, yes := auth.RoleCustomer, true
		for round := range 4 {
			ada := f.principal(f.session(f.staff(users.RoleAdmin, fmt.Sprintf("ada%d@example.com", round)).Email))
			bea := f.principal(f.session(f.staff(users.RoleAdmin, fmt.Sprintf("bea%d@example.com", round)).Email))
			up := auth.UserUpdate{Role: &customer}
			if round%2 == 1 {
				up = auth.UserUpdate{Disabled: &yes}
			}
			errs := make([]error, 2)
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i, pair := range [][2]auth.Principal{{ada, bea}, {bea, ada}} {
				m := f.meta() // the fixture's counter is not for goroutines
				wg.Go(func() {
					<-start
					_, errs[i] = f.svc.UpdateUser(ctx, pair[0], pair[1].UserID, up, m)
				})
			}
			close(start)
			wg.Wait()
			ok, refused := 0, 0
			for _, err := range errs {
				switch {
				case err == nil:
					ok++
				case errors.Is(err, auth.ErrLastAdmin) && errors.Is(err, auth.ErrForbidden) && errors.Is(err, users.ErrLastAdmin),
					errors.Is(err, auth.ErrInvalidToken):
					refused++
				default:
					t.Errorf("round %d: unexpected error %v", round, err)
				}
			}
			if ok != 1 || refused != 1 {
				t.Fatalf("round %d: %d succeeded, %d refused (%v); want 1 and 1", round, ok, refused, errs)
			}
			list, err := f.store.List(ctx, users.ListFilter{Role: users.RoleAdmin})
			if err != nil {
				t.Fatal(err)
			}
			enabled := 0
			for _, u := range list {
				if !u.Disabled {
					enabled++
				}
			}
			if enabled != 1 {
				t.Fatalf("round %d: %d enabled admins, want 1", round, enabled)
			}
			// Leave no admin for the next round but the two it creates.
			for _, u := range list {
				if _, err := db.SQL().ExecContext(ctx, `UPDATE users SET role = 'support' WHERE id = $1`, u.ID); err != nil {
					t.Fatal(err)
				}
			}
		}
	})
}

// The store's refusal reaches the caller as ErrLastAdmin, audited: another
// request has demoted Ada (locking the admin rows) but not yet committed
// when Ada's own demotion of Bea arrives. Ada's reload still sees her as
// admin; the store waits for the other transaction, then sees Bea as the
// last admin and refuses. On PostgreSQL the test waits until Ada's change
// is blocked on the lock, so the outcome is exact; SQLite offers no such
// view, and Ada's reload may instead already see the commit
// (ErrInvalidToken), which refuses her as well.
func TestUpdateUserLastAdminRefusal(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		ada := f.principal(f.session(f.staff(users.RoleAdmin, "ada@example.com").Email))
		bea := f.staff(users.RoleAdmin, "bea@example.com")
		support := auth.RoleSupport

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
		if _, err := tx.ExecContext(ctx, `UPDATE users SET role = 'support', token_generation = token_generation + 1 WHERE id = $1`, ada.UserID); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		m := f.meta()
		go func() {
			_, err := f.svc.UpdateUser(ctx, ada, bea.ID, auth.UserUpdate{Role: &support}, m)
			done <- err
		}()
		exact := waitForAdminLock(t, db, done)
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		err = <-done
		switch {
		case errors.Is(err, auth.ErrLastAdmin):
			if !errors.Is(err, auth.ErrForbidden) {
				t.Errorf("ErrLastAdmin does not match ErrForbidden: %v", err)
			}
			denied := f.audit.of(auth.EventAccessDenied)
			if len(denied) == 0 || !strings.Contains(denied[len(denied)-1].Details, "reason=last_admin") || denied[len(denied)-1].Target != "user:"+bea.ID {
				t.Errorf("access.denied = %+v", denied)
			}
		case !exact && errors.Is(err, auth.ErrInvalidToken):
		default:
			t.Fatalf("err = %v, want ErrLastAdmin", err)
		}
		if u := f.user(bea.ID); u.Role != users.RoleAdmin || u.Disabled {
			t.Fatalf("the last admin was changed: %+v", u)
		}
		if ev := f.audit.of(auth.EventAdminRoleChanged); len(ev) != 0 {
			t.Errorf("a refused change was audited as made: %+v", ev)
		}
	})
}

// waitForAdminLock returns true once a PostgreSQL backend waits for a row
// lock while locking the admin rows, and fails if done reports first. On
// SQLite it returns false at once: nothing shows a writer waiting there.
func waitForAdminLock(t *testing.T, db *storage.DB, done <-chan error) bool {
	t.Helper()
	if db.Dialect() != storage.DialectPostgres {
		return false
	}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			t.Fatalf("finished (%v) without waiting for the other demotion", err)
		default:
		}
		var n int
		err := db.SQL().QueryRowContext(context.Background(), `SELECT count(*) FROM pg_stat_activity
			WHERE wait_event_type = 'Lock' AND query LIKE 'SELECT id FROM users WHERE role%'`).Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			return true
		}
	}
	t.Fatal("the change never waited for the admin rows")
	return false
}
