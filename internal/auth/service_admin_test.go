package auth_test

import (
	"context"
	"errors"
	"strings"
	"testing"

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
