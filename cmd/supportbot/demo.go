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
	// The demo is development mode: ENV defaults to development here when
	// neither the environment nor .env sets it, and serve refuses any other
	// mode. A .env saying ENV=production must win (found by review): the
	// demo would otherwise seed accounts into a production database.
	demoApp := *a
	if probe, err := config.Load(a.lookup, a.envFile); err == nil && probe.Env == "" {
		lookup := a.lookup
		demoApp.lookup = func(k string) (string, bool) {
			if k == "ENV" {
				return "development", true
			}
			return lookup(k)
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return demoApp.serve(ctx, true)
}

// seedDemo creates the demo shop on first start and prints its logins.
func (a *app) seedDemo(ctx context.Context, c *config.Config, sb *supportBot, accounts *users.Store, hasher *auth.Hasher) error {
	logins, err := demo.Seed(ctx, demo.Deps{Users: accounts, Hash: hasher.Hash, Orders: sb.orders, KB: sb.kb, Now: time.Now})
	if errors.Is(err, demo.ErrNotEmpty) {
		return fmt.Errorf("%w: use an empty DATA_DIR (or database) for the demo", err)
	}
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
	scheme := "http"
	if c.TLSEnabled() {
		scheme = "https"
	}
	fmt.Fprintf(a.stdout, "Open %s://%s/ or try the API and `supportbot chat`.\n\n", scheme, c.ListenAddr)
	return nil
}
