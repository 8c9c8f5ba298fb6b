package demo

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"supportbot/internal/audit"
	"supportbot/internal/auth"
	"supportbot/internal/auth/authtest"
	"supportbot/internal/crypto"
	"supportbot/internal/kb"
	"supportbot/internal/orders"
	"supportbot/internal/storage/storagetest"
	"supportbot/internal/users"
)

func TestSeedOnceIntoAnEmptyDatabaseOnly(t *testing.T) {
	db := storagetest.SQLite(t)
	kit := authtest.New(t, db, time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC), "demo test")
	keys, err := crypto.NewKeyring(bytes.Repeat([]byte{0x55}, crypto.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	ord := orders.NewService(db, keys, &audit.Memory{}, orders.Options{Clock: kit.Clock.Now})
	d := Deps{Users: kit.Store, Hash: kit.Hasher.Hash, Orders: ord, KB: kb.NewStore(db, &audit.Memory{}, kit.Clock.Now), Now: kit.Clock.Now}
	ctx := context.Background()

	logins, err := Seed(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	roles := map[string]int{}
	for _, l := range logins {
		roles[l.Role]++
		if err := auth.CheckPassword(l.Password, l.Email, l.Name); err != nil {
			t.Errorf("%s's password fails the policy: %v", l.Email, err)
		}
	}
	if roles["admin"] != 1 || roles["support"] < 1 || roles["customer"] < 2 {
		t.Errorf("roles %v", roles)
	}
	alice, err := kit.Store.GetByEmail(ctx, "alice@example.com")
	if err != nil {
		t.Fatal(err)
	}
	c := orders.Caller{Actor: auth.Actor{UserID: alice.ID, Role: auth.RoleCustomer}}
	for number, status := range map[string]orders.Status{"ORD001": orders.StatusShipped, "ORD002": orders.StatusProcessing,
		"ORD003": orders.StatusPending, "ORD004": orders.StatusDelivered} {
		o, err := ord.Get(ctx, c, number)
		if err != nil || o.Status != status {
			t.Errorf("%s = %s, %v; want %s (the second specification's sample orders)", number, o.Status, err, status)
		}
	}
	seen := map[orders.Status]bool{}
	for _, l := range []string{"alice@example.com", "bob@example.com", "carol@example.com"} {
		u, _ := kit.Store.GetByEmail(ctx, l)
		res, err := ord.List(ctx, orders.Caller{Actor: auth.Actor{UserID: u.ID, Role: auth.RoleCustomer}}, orders.Page{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range res.Orders {
			seen[o.Status] = true
		}
	}
	for _, s := range orders.Statuses() {
		if !seen[s] {
			t.Errorf("no demo order is %s", s)
		}
	}
	if _, err := Seed(ctx, d); !errors.Is(err, ErrSeeded) {
		t.Errorf("second seed = %v, want ErrSeeded", err)
	}

	// A database with someone else's accounts is never seeded.
	other := storagetest.SQLite(t)
	kit2 := authtest.New(t, other, time.Now(), "demo test 2")
	if _, err := kit2.Store.Create(ctx, users.NewUser{Role: users.RoleAdmin, Email: "owner@shop.example", Name: "Owner", PasswordHash: "$2a$04$abcdefghijklmnopqrstuuNSw1vS3OLUYJ1jX3TrZQZf1Q2bRGrtu"}); err != nil {
		t.Fatal(err)
	}
	d2 := Deps{Users: kit2.Store, Hash: kit2.Hasher.Hash, Orders: orders.NewService(other, keys, &audit.Memory{}, orders.Options{}), KB: kb.NewStore(other, nil, nil), Now: time.Now}
	if _, err := Seed(ctx, d2); !errors.Is(err, ErrNotEmpty) {
		t.Errorf("seed into a shop with accounts = %v, want ErrNotEmpty", err)
	}
}
