package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"text/tabwriter"
	"time"

	"supportbot/internal/auth"
	"supportbot/internal/config"
	"supportbot/internal/demo"
	"supportbot/internal/users"
)

func runDemo(a *app, args []string) int {
	fs := newFlagSet(a, "demo", "Run the server in development mode with a demo shop: customers, staff, an admin, orders in every status and the knowledge base. The logins are printed once, when the shop is created.")
	if err := fs.Parse(args); err != nil {
		return flagExit(err)
	}
	// The demo is development mode: ENV defaults to development here, and
	// serve refuses any other mode.
	lookup := a.lookup
	demoApp := *a
	demoApp.lookup = func(k string) (string, bool) {
		v, ok := lookup(k)
		if k == "ENV" && !ok {
			return "development", true
		}
		return v, ok
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return demoApp.serve(ctx, true)
}

// seedDemo creates the demo shop on first start and prints its logins.
func (a *app) seedDemo(ctx context.Context, c *config.Config, sb *supportBot, accounts *users.Store, hasher *auth.Hasher) error {
	logins, err := demo.Seed(ctx, demo.Deps{Users: accounts, Hash: hasher.Hash, Orders: sb.orders, KB: sb.kb, Now: time.Now})
	if errors.Is(err, demo.ErrSeeded) {
		fmt.Fprintf(a.stdout, "Demo shop already set up in %s; its logins were printed when it was created.\n", c.DataDir)
		fmt.Fprintln(a.stdout, "Forgot them? Set a new password with: supportbot user add … or start from an empty DATA_DIR.")
		return nil
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "Demo shop created. These logins are shown only now:\n\n")
	tw := tabwriter.NewWriter(a.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ROLE\tEMAIL\tPASSWORD")
	for _, l := range logins {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", l.Role, l.Email, l.Password)
	}
	_ = tw.Flush()
	fmt.Fprintf(a.stdout, "\nAlice owns ORD001 (shipped), ORD002 (processing), ORD003 (pending), ORD004 (delivered) and more; Bob owns ORD010-ORD012.\n")
	fmt.Fprintf(a.stdout, "Open http://%s/ or try the API and `supportbot chat`.\n\n", c.ListenAddr)
	return nil
}
