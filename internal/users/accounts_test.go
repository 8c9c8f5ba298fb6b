package users_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"supportbot/internal/crypto"
	"supportbot/internal/storage"
	"supportbot/internal/storage/storagetest"
	"supportbot/internal/users"
)

func TestCreateAndGet(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		created, err := f.store.Create(ctx, users.NewUser{
			Role: users.RoleSupport, Email: "  Ann.Example@Shop.Example ", Name: "Ann Example",
			Phone: "+44 20 7946 0000", PasswordHash: "$2a$12$abcdefghijklmnopqrstuv",
		})
		if err != nil {
			t.Fatal(err)
		}
		now := f.clock.Now()
		want := users.User{
			ID: created.ID, Role: users.RoleSupport, Email: "Ann.Example@Shop.Example", Name: "Ann Example",
			Phone: "+44 20 7946 0000", PasswordHash: "$2a$12$abcdefghijklmnopqrstuv",
			PasswordChangedAt: now, TokenGeneration: 1, CreatedAt: now, UpdatedAt: now,
		}
		if !reflect.DeepEqual(created, want) {
			t.Fatalf("Create = %+v\nwant     %+v", created, want)
		}
		if len(created.ID) != 32 {
			t.Errorf("id %q is not 128 bits in hex", created.ID)
		}
		if got := f.get(created.ID); !reflect.DeepEqual(got, want) {
			t.Fatalf("Get = %+v\nwant  %+v", got, want)
		}
		for _, email := range []string{"ann.example@shop.example", "ANN.EXAMPLE@SHOP.EXAMPLE", "\tAnn.Example@shop.example\n"} {
			got, err := f.store.GetByEmail(ctx, email)
			if err != nil || !reflect.DeepEqual(got, want) {
				t.Fatalf("GetByEmail(%q) = %+v, %v", email, got, err)
			}
		}
		_, err = f.store.Get(ctx, "0123456789abcdef0123456789abcdef")
		wantErr(t, err, users.ErrNotFound)
		_, err = f.store.GetByEmail(ctx, "nobody@shop.example")
		wantErr(t, err, users.ErrNotFound)
		noLeak(t, err, "nobody")
		if n, err := f.store.Count(ctx); err != nil || n != 1 {
			t.Fatalf("Count = %d, %v; want 1", n, err)
		}
		if created.Locked(now) {
			t.Error("new user is locked")
		}
	})
}

func TestCreateRejectsInvalidInput(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		valid := users.NewUser{Role: users.RoleCustomer, Email: "a@shop.example", Name: "A", PasswordHash: "h"}
		tests := []struct {
			name   string
			change func(*users.NewUser)
		}{
			{"unknown role", func(u *users.NewUser) { u.Role = "root" }},
			{"empty role", func(u *users.NewUser) { u.Role = "" }},
			{"blank email", func(u *users.NewUser) { u.Email = "  " }},
			{"no password hash", func(u *users.NewUser) { u.PasswordHash = "" }},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				nu := valid
				tt.change(&nu)
				if _, err := f.store.Create(context.Background(), nu); err == nil {
					t.Fatal("Create succeeded")
				}
			})
		}
		if n, _ := f.store.Count(context.Background()); n != 0 {
			t.Fatalf("%d users stored", n)
		}
	})
}

func TestDuplicateEmailIsTaken(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		f.createUser("ann@shop.example")
		bob := f.createUser("bob@shop.example")

		t.Run("create with another case", func(t *testing.T) {
			_, err := f.store.Create(ctx, users.NewUser{Role: users.RoleAdmin, Email: " ANN@Shop.example", Name: "Impostor", PasswordHash: "h"})
			wantErr(t, err, users.ErrEmailTaken)
			noLeak(t, err, "ann@shop.example")
		})
		t.Run("change email to a taken one", func(t *testing.T) {
			err := f.store.SetEmail(ctx, bob.ID, "Ann@SHOP.example")
			wantErr(t, err, users.ErrEmailTaken)
			noLeak(t, err, "ann@shop.example")
			if got := f.get(bob.ID); got.Email != "bob@shop.example" {
				t.Fatalf("email changed to %q", got.Email)
			}
		})
		t.Run("concurrent registrations of one address", func(t *testing.T) {
			errs := concurrently(8, func(i int) error {
				_, err := f.store.Create(ctx, users.NewUser{Role: users.RoleCustomer, Email: "race@shop.example", Name: fmt.Sprint(i), PasswordHash: "h"})
				return err
			})
			if ok, taken := countErrs(t, errs, users.ErrEmailTaken); ok != 1 || taken != 7 {
				t.Fatalf("%d created, %d taken; want 1 and 7", ok, taken)
			}
		})
		if n, _ := f.store.Count(ctx); n != 3 {
			t.Fatalf("Count = %d, want 3", n)
		}
	})
}

// rawRows renders every value of every row of table as text, to search for
// clear-text PII the way someone holding a copy of the database would.
func rawRows(t *testing.T, db *storage.DB, table string) string {
	t.Helper()
	// table is a test constant.
	rows, err := db.SQL().QueryContext(context.Background(), "SELECT * FROM "+table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for i, v := range vals {
			if bs, ok := v.([]byte); ok {
				v = string(bs)
			}
			fmt.Fprintf(&b, "%s=%v\n", cols[i], v)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.ToLower(b.String())
}

func TestPIIIsNotStoredInClear(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		u, err := f.store.Create(ctx, users.NewUser{
			Role: users.RoleCustomer, Email: "Zelda.Quartermain@Shop.Example", Name: "Zelda Quartermain",
			Phone: "+44 20 7946 0991", PasswordHash: "h",
		})
		if err != nil {
			t.Fatal(err)
		}
		secret := []byte("JBSWY3DPEHPK3PXPTOTPSECRET")
		if err := f.store.SetTOTPSecret(ctx, u.ID, secret); err != nil {
			t.Fatal(err)
		}
		const agent = "QuartermainBrowser/9.9 (Zelda's laptop)"
		if _, err := f.store.CreateSession(ctx, users.NewSession{
			UserID: u.ID, Generation: 1, TokenHash: newHash(t), IP: "198.51.100.4", UserAgent: agent, TTL: time.Hour,
		}); err != nil {
			t.Fatal(err)
		}
		raw := rawRows(t, db, "users") + rawRows(t, db, "sessions")
		for _, pii := range []string{"zelda", "quartermain", "shop.example", "7946", "0991", string(secret), "laptop"} {
			if strings.Contains(raw, strings.ToLower(pii)) {
				t.Errorf("%q stored in clear:\n%s", pii, raw)
			}
		}
		for _, col := range []string{"email_enc=v1.", "name_enc=v1.", "phone_enc=v1.", "totp_secret_enc=v1.", "user_agent_enc=v1."} {
			if !strings.Contains(raw, col) {
				t.Errorf("%s… not found: not encrypted with the keyring?", col)
			}
		}
	})
}

func TestCiphertextMovedToAnotherRowFailsToDecrypt(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		ann := f.createUser("ann@shop.example")
		bob := f.createUser("bob@shop.example")
		// Column names are test constants; values are parameters.
		for _, col := range []string{"email_enc", "name_enc", "phone_enc"} {
			t.Run(col, func(t *testing.T) {
				var annVal, bobVal string
				if err := db.SQL().QueryRowContext(ctx, "SELECT "+col+" FROM users WHERE id = $1", ann.ID).Scan(&annVal); err != nil {
					t.Fatal(err)
				}
				if err := db.SQL().QueryRowContext(ctx, "SELECT "+col+" FROM users WHERE id = $1", bob.ID).Scan(&bobVal); err != nil {
					t.Fatal(err)
				}
				f.exec("UPDATE users SET "+col+" = $1 WHERE id = $2", annVal, bob.ID)
				defer f.exec("UPDATE users SET "+col+" = $1 WHERE id = $2", bobVal, bob.ID)

				got, err := f.store.Get(ctx, bob.ID)
				wantErr(t, err, crypto.ErrDecrypt)
				noLeak(t, err, ann.Email, ann.Name, ann.Phone)
				if got != (users.User{}) {
					t.Fatalf("Get returned %+v with its error", got)
				}
				if _, err := f.store.List(ctx, users.ListFilter{}); err == nil {
					t.Fatal("List decrypted a moved ciphertext")
				}
			})
		}
		t.Run("totp_secret_enc", func(t *testing.T) {
			if err := f.store.SetTOTPSecret(ctx, ann.ID, []byte("ann's secret")); err != nil {
				t.Fatal(err)
			}
			f.exec(`UPDATE users SET totp_secret_enc = (SELECT totp_secret_enc FROM users WHERE id = $1) WHERE id = $2`, ann.ID, bob.ID)
			_, err := f.store.TOTPSecret(ctx, bob.ID)
			wantErr(t, err, crypto.ErrDecrypt)
		})
		t.Run("user_agent_enc", func(t *testing.T) {
			annSession, _ := f.login(ann)
			f.login(bob)
			f.exec(`UPDATE sessions SET user_agent_enc = (SELECT user_agent_enc FROM sessions WHERE id = $1) WHERE user_id = $2`, annSession.ID, bob.ID)
			_, err := f.store.ListSessions(ctx, bob.ID)
			wantErr(t, err, crypto.ErrDecrypt)
		})
		t.Run("blind index moved to another row", func(t *testing.T) {
			// Whoever can write the table points the index of an address
			// they control at Bob's row: logging in as that address must
			// not reach Bob's account.
			f.exec(`UPDATE users SET email_bidx = $1 WHERE id = $2`, f.index.Sum("users.email", "mallory@evil.example"), bob.ID)
			u, err := f.store.GetByEmail(ctx, "mallory@evil.example")
			if err == nil || u.ID != "" {
				t.Fatalf("GetByEmail = %+v, %v; want an error", u, err)
			}
		})
	})
}

func TestListAndCount(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		var all []users.User
		for i, role := range []users.Role{users.RoleCustomer, users.RoleAdmin, users.RoleCustomer, users.RoleSupport, users.RoleCustomer} {
			all = append(all, f.createWithRole(fmt.Sprintf("u%d@shop.example", i), role))
			f.clock.Advance(time.Minute)
		}
		ids := func(us []users.User) []string {
			var out []string
			for _, u := range us {
				out = append(out, u.ID)
			}
			return out
		}
		tests := []struct {
			name   string
			filter users.ListFilter
			want   []users.User
		}{
			{"everyone, oldest first", users.ListFilter{}, all},
			{"one role", users.ListFilter{Role: users.RoleCustomer}, []users.User{all[0], all[2], all[4]}},
			{"a page", users.ListFilter{Limit: 2, Offset: 2}, all[2:4]},
			{"past the end", users.ListFilter{Offset: 10}, nil},
			{"limit above the maximum is capped", users.ListFilter{Limit: 10_000}, all},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := f.store.List(ctx, tt.filter)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(ids(got), ids(tt.want)) {
					t.Fatalf("List = %v, want %v", ids(got), ids(tt.want))
				}
				if len(got) > 0 && got[0].Email == "" {
					t.Fatal("List did not decrypt")
				}
			})
		}
		if _, err := f.store.List(ctx, users.ListFilter{Role: "root"}); err == nil {
			t.Fatal("List with an unknown role succeeded")
		}
		if n, err := f.store.Count(ctx); err != nil || n != 5 {
			t.Fatalf("Count = %d, %v; want 5", n, err)
		}
	})
}

func TestUpdateProfileAndEmail(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		ann := f.createUser("ann@shop.example")
		f.clock.Advance(time.Minute)

		name := "Ann Other"
		if err := f.store.UpdateProfile(ctx, ann.ID, &name, nil); err != nil {
			t.Fatal(err)
		}
		got := f.get(ann.ID)
		if got.Name != name || got.Phone != ann.Phone || !got.UpdatedAt.Equal(f.clock.Now()) {
			t.Fatalf("after name change: %+v", got)
		}
		empty := ""
		if err := f.store.UpdateProfile(ctx, ann.ID, nil, &empty); err != nil {
			t.Fatal(err)
		}
		if got := f.get(ann.ID); got.Name != name || got.Phone != "" {
			t.Fatalf("after clearing the phone: %+v", got)
		}
		wantErr(t, f.store.UpdateProfile(ctx, "missing", &name, nil), users.ErrNotFound)

		if err := f.store.SetEmail(ctx, ann.ID, " Ann.New@Shop.Example"); err != nil {
			t.Fatal(err)
		}
		if u, err := f.store.GetByEmail(ctx, "ann.new@shop.example"); err != nil || u.ID != ann.ID || u.Email != "Ann.New@Shop.Example" {
			t.Fatalf("GetByEmail(new) = %+v, %v", u, err)
		}
		_, err := f.store.GetByEmail(ctx, "ann@shop.example")
		wantErr(t, err, users.ErrNotFound)
		wantErr(t, f.store.SetEmail(ctx, "missing", "x@shop.example"), users.ErrNotFound)
		// The old address is free again.
		f.createUser("ann@shop.example")
	})
}

func TestChangesThatLogOutEverywhere(t *testing.T) {
	tests := []struct {
		name   string
		change func(s *users.Store, id string) error
		check  func(t *testing.T, before, after users.User, now time.Time)
	}{
		{"password change", func(s *users.Store, id string) error {
			return s.SetPassword(context.Background(), id, "$2a$12$new")
		}, func(t *testing.T, before, after users.User, now time.Time) {
			if after.PasswordHash != "$2a$12$new" || !after.PasswordChangedAt.Equal(now) || after.PasswordChangedAt.Equal(before.PasswordChangedAt) {
				t.Errorf("password not changed: %+v", after)
			}
		}},
		{"role change", func(s *users.Store, id string) error {
			return s.SetRole(context.Background(), id, users.RoleAdmin)
		}, func(t *testing.T, _, after users.User, _ time.Time) {
			if after.Role != users.RoleAdmin {
				t.Errorf("role = %s", after.Role)
			}
		}},
		{"disable", func(s *users.Store, id string) error {
			return s.SetDisabled(context.Background(), id, true)
		}, func(t *testing.T, _, after users.User, _ time.Time) {
			if !after.Disabled {
				t.Error("not disabled")
			}
		}},
		{"2FA reset", func(s *users.Store, id string) error {
			return s.DisableTOTP(context.Background(), id)
		}, func(t *testing.T, _, after users.User, _ time.Time) {
			if after.TOTPEnabled || after.HasTOTPSecret {
				t.Errorf("TOTP still on: %+v", after)
			}
		}},
		{"log out everywhere", func(s *users.Store, id string) error {
			return s.BumpGeneration(context.Background(), id)
		}, func(*testing.T, users.User, users.User, time.Time) {}},
	}
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				u := f.createUser(fmt.Sprintf("u%d@shop.example", i))
				bystander := f.createUser(fmt.Sprintf("b%d@shop.example", i))
				_, tok := f.login(u)
				f.login(u)
				f.login(bystander)
				f.clock.Advance(time.Minute)

				if err := tt.change(f.store, u.ID); err != nil {
					t.Fatal(err)
				}
				after := f.get(u.ID)
				if after.TokenGeneration != u.TokenGeneration+1 {
					t.Errorf("generation %d, want %d", after.TokenGeneration, u.TokenGeneration+1)
				}
				tt.check(t, u, after, f.clock.Now())
				if ss := f.sessions(u.ID); len(ss) != 0 {
					t.Errorf("%d sessions still active", len(ss))
				}
				_, _, err := f.store.Rotate(ctx, tok, newHash(t))
				wantErr(t, err, users.ErrExpired)
				// A login whose password check read the old generation
				// does not get a session.
				_, err = f.store.CreateSession(ctx, users.NewSession{UserID: u.ID, Generation: u.TokenGeneration, TokenHash: newHash(t), TTL: time.Hour})
				wantErr(t, err, users.ErrExpired)
				if ss := f.sessions(bystander.ID); len(ss) != 1 {
					t.Errorf("bystander has %d sessions, want 1", len(ss))
				}
				wantErr(t, tt.change(f.store, "missing"), users.ErrNotFound)
			})
		}
	})
}

func TestDisabledUserGetsNoSessionAndEnableKeepsGeneration(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		u := f.createUser("ann@shop.example")
		if err := f.store.SetDisabled(ctx, u.ID, true); err != nil {
			t.Fatal(err)
		}
		disabled := f.get(u.ID)
		// Even at the current generation: disabled means no session.
		_, err := f.store.CreateSession(ctx, users.NewSession{UserID: u.ID, Generation: disabled.TokenGeneration, TokenHash: newHash(t), TTL: time.Hour})
		wantErr(t, err, users.ErrExpired)

		if err := f.store.SetDisabled(ctx, u.ID, false); err != nil {
			t.Fatal(err)
		}
		enabled := f.get(u.ID)
		if enabled.Disabled || enabled.TokenGeneration != disabled.TokenGeneration {
			t.Fatalf("after enabling: %+v", enabled)
		}
		f.login(enabled)
		wantErr(t, f.store.SetDisabled(ctx, "missing", false), users.ErrNotFound)
		if err := f.store.SetRole(ctx, u.ID, "root"); err == nil {
			t.Fatal("SetRole accepted an unknown role")
		}
		if err := f.store.SetPassword(ctx, u.ID, ""); err == nil {
			t.Fatal("SetPassword accepted an empty hash")
		}
	})
}
