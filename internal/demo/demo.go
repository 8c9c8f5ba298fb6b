// Package demo seeds the demo shop behind `supportbot demo` (issue 4,
// "Commands"): customers, support staff and an admin with random
// passwords, orders in every status — including the second specification's
// samples ORD001 shipped, ORD002 processing, ORD003 pending and ORD004
// delivered — and the knowledge base. It is for development only; the
// command refuses to run in production.
package demo

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"time"

	"supportbot/internal/kb"
	"supportbot/internal/orders"
	"supportbot/internal/users"
)

// Login is one demo account, with its password as generated at seeding.
type Login struct {
	Role, Email, Name, Password string
}

// Deps are the stores the demo is written through.
type Deps struct {
	Users  *users.Store
	Hash   func(ctx context.Context, password []byte) (string, error)
	Orders *orders.Service
	KB     *kb.Store
	Now    func() time.Time
}

var (
	// ErrSeeded means the demo shop exists already; its logins were
	// printed when it was created.
	ErrSeeded = errors.New("demo: the demo shop is already seeded")
	// ErrNotEmpty means the database has accounts that are not the demo
	// shop's: the demo never adds its accounts to a real shop.
	ErrNotEmpty = errors.New("demo: the database already has accounts")
)

type person struct {
	role        users.Role
	email, name string
}

var people = []person{
	{users.RoleAdmin, "admin@northwind.example", "Ada Admin"},
	{users.RoleSupport, "sam@northwind.example", "Sam Support"},
	{users.RoleSupport, "sofia@northwind.example", "Sofia Support"},
	{users.RoleCustomer, "alice@example.com", "Alice Customer"},
	{users.RoleCustomer, "bob@example.com", "Bob Customer"},
	{users.RoleCustomer, "carol@example.com", "Carol Customer"},
}

// Seed creates the demo shop and returns the logins, or ErrSeeded when its
// admin exists already (nothing is changed then).
func Seed(ctx context.Context, d Deps) ([]Login, error) {
	if _, err := d.Users.GetByEmail(ctx, people[0].email); err == nil {
		return nil, ErrSeeded
	} else if !errors.Is(err, users.ErrNotFound) {
		return nil, fmt.Errorf("demo: %w", err)
	}
	if existing, err := d.Users.List(ctx, users.ListFilter{Limit: 1}); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	} else if len(existing) > 0 {
		return nil, ErrNotEmpty
	}
	ids := map[string]string{}
	var logins []Login
	for _, p := range people {
		pw := password()
		hash, err := d.Hash(ctx, []byte(pw))
		if err != nil {
			return nil, fmt.Errorf("demo: hash: %w", err)
		}
		u, err := d.Users.Create(ctx, users.NewUser{Role: p.role, Email: p.email, Name: p.name, PasswordHash: hash})
		if err != nil {
			return nil, fmt.Errorf("demo: create %s: %w", p.email, err)
		}
		ids[p.email] = u.ID
		logins = append(logins, Login{Role: string(p.role), Email: p.email, Name: p.name, Password: pw})
	}
	now := d.Now()
	for _, o := range shopOrders(now) {
		o.CustomerID = ids[o.CustomerID]
		if o.AssigneeID != "" {
			o.AssigneeID = ids[o.AssigneeID]
		}
		if _, err := d.Orders.Create(ctx, o); err != nil {
			return nil, fmt.Errorf("demo: %w", err)
		}
	}
	entries, err := kb.DemoEntries()
	if err != nil {
		return nil, err
	}
	if _, err := d.KB.SeedIfEmpty(ctx, kb.Editor{UserID: ids[people[0].email]}, entries); err != nil {
		return nil, err
	}
	return logins, nil
}

// password returns a random password that meets the password rules: 16
// base32 characters from crypto/rand (80 bits) between fixed characters
// that supply the lower-case letter, digit and symbol the rules ask for.
func password() string { return "Nw-" + rand.Text()[:16] + "a7!" }

func day(now time.Time, days int) time.Time { return now.Add(time.Duration(days) * 24 * time.Hour) }

// shopOrders are the demo orders; CustomerID and AssigneeID hold emails,
// replaced by ids when seeding.
func shopOrders(now time.Time) []orders.Order {
	const alice, bob, carol, sam, sofia = "alice@example.com", "bob@example.com", "carol@example.com", "sam@northwind.example", "sofia@northwind.example"
	item := func(sku, name string, qty int, cents int64) orders.Item {
		return orders.Item{SKU: sku, Name: name, Quantity: qty, PriceCents: cents}
	}
	addr := "Keizersgracht 123, 1015 CJ Amsterdam, NL"
	return []orders.Order{
		// The second specification's sample orders, all Alice's.
		{Number: "ORD001", CustomerID: alice, AssigneeID: sam, Status: orders.StatusShipped, Currency: "EUR", ShippingAddress: addr,
			Items:   []orders.Item{item("MUG-01", "Stoneware mug", 2, 1450), item("TEA-07", "Green tea, 100 g", 1, 890)},
			Carrier: "PostNL", TrackingNumber: "3SNWG0123456789", CreatedAt: day(now, -4), ShippedAt: day(now, -2)},
		{Number: "ORD002", CustomerID: alice, Status: orders.StatusProcessing, Currency: "EUR", ShippingAddress: addr,
			Items: []orders.Item{item("LAMP-3", "Linen table lamp", 1, 5900)}, CreatedAt: day(now, -1)},
		{Number: "ORD003", CustomerID: alice, Status: orders.StatusPending, Currency: "EUR", ShippingAddress: addr,
			Items: []orders.Item{item("THROW-2", "Wool throw", 1, 7900), item("CUSH-4", "Cushion cover", 2, 1900)}, CreatedAt: day(now, 0)},
		{Number: "ORD004", CustomerID: alice, AssigneeID: sam, Status: orders.StatusDelivered, Currency: "EUR", ShippingAddress: addr,
			Items: []orders.Item{item("BOWL-5", "Ceramic bowl set", 1, 3400)}, Carrier: "DHL", TrackingNumber: "JD014600006281",
			CreatedAt: day(now, -12), ShippedAt: day(now, -10), DeliveredAt: day(now, -8)},
		{Number: "ORD005", CustomerID: alice, Status: orders.StatusDelivered, Currency: "EUR", ShippingAddress: addr,
			Items: []orders.Item{item("VASE-1", "Glass vase", 1, 2600)}, Carrier: "DHL", TrackingNumber: "JD014600001111",
			CreatedAt: day(now, -50), ShippedAt: day(now, -48), DeliveredAt: day(now, -45)},
		{Number: "ORD006", CustomerID: alice, Status: orders.StatusCancelled, Currency: "EUR", ShippingAddress: addr,
			Items: []orders.Item{item("CAND-9", "Soy candle", 3, 1200)}, CreatedAt: day(now, -20), CancelledAt: day(now, -19)},
		{Number: "ORD-2024-0001", CustomerID: alice, Status: orders.StatusRefunded, Currency: "EUR", ShippingAddress: addr,
			Items: []orders.Item{item("RUG-2", "Cotton rug", 1, 8900)}, CreatedAt: day(now, -300), ShippedAt: day(now, -298),
			DeliveredAt: day(now, -295), ReturnRequestedAt: day(now, -290)},
		{Number: "100234", CustomerID: alice, Status: orders.StatusShipped, Currency: "EUR", ShippingAddress: addr,
			Items: []orders.Item{item("TOWEL-6", "Bath towel", 4, 1500)}, Carrier: "UPS", TrackingNumber: "1Z999AA10123456784",
			CreatedAt: day(now, -3), ShippedAt: day(now, -1)},

		// Bob's and Carol's, so another customer's number can be tried.
		{Number: "ORD010", CustomerID: bob, AssigneeID: sofia, Status: orders.StatusShipped, Currency: "EUR", ShippingAddress: "Rue de Rivoli 1, 75001 Paris, FR",
			Items: []orders.Item{item("CHAIR-1", "Oak chair", 2, 14900)}, Carrier: "Colissimo", TrackingNumber: "6A12345678901", CreatedAt: day(now, -3), ShippedAt: day(now, -1)},
		{Number: "ORD011", CustomerID: bob, Status: orders.StatusReturnRequested, Currency: "EUR", ShippingAddress: "Rue de Rivoli 1, 75001 Paris, FR",
			Items: []orders.Item{item("MIRROR-2", "Round mirror", 1, 6900)}, CreatedAt: day(now, -15), ShippedAt: day(now, -13), DeliveredAt: day(now, -10), ReturnRequestedAt: day(now, -2)},
		{Number: "ORD012", CustomerID: bob, AssigneeID: sam, Status: orders.StatusReturned, Currency: "EUR", ShippingAddress: "Rue de Rivoli 1, 75001 Paris, FR",
			Items: []orders.Item{item("CLOCK-1", "Wall clock", 1, 4500)}, CreatedAt: day(now, -30), ShippedAt: day(now, -28), DeliveredAt: day(now, -25), ReturnRequestedAt: day(now, -20)},
		{Number: "ORD020", CustomerID: carol, Status: orders.StatusPending, Currency: "EUR", ShippingAddress: "Unter den Linden 5, 10117 Berlin, DE",
			Items: []orders.Item{item("PLANT-3", "Ceramic planter", 2, 2200)}, CreatedAt: day(now, 0)},
		{Number: "ORD021", CustomerID: carol, AssigneeID: sofia, Status: orders.StatusDelivered, Currency: "EUR", ShippingAddress: "Unter den Linden 5, 10117 Berlin, DE",
			Items: []orders.Item{item("SHELF-1", "Wall shelf", 1, 3900)}, CreatedAt: day(now, -9), ShippedAt: day(now, -7), DeliveredAt: day(now, -5)},
	}
}
