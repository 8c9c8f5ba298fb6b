package main

import (
	"context"
	"fmt"
)

func runMigrate(a *app, args []string) int {
	fs := newFlagSet(a, "migrate", "Apply pending database migrations (forward only, one transaction each) and print their status.")
	if err := fs.Parse(args); err != nil {
		return flagExit(err)
	}
	c, ok := a.validConfig(true)
	if !ok {
		return 1
	}
	ctx := context.Background()
	db, ok := a.openDB(ctx, c, a.logger(c))
	if !ok {
		return 1
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		fmt.Fprintf(a.stderr, "supportbot migrate: %v\n", err)
		return 1
	}
	status, err := db.MigrationStatus(ctx)
	if err != nil {
		fmt.Fprintf(a.stderr, "supportbot migrate: %v\n", err)
		return 1
	}
	for _, m := range status {
		state := "pending"
		if m.Applied {
			state = "applied " + m.AppliedAt.Format("2006-01-02 15:04:05 UTC")
		}
		fmt.Fprintf(a.stdout, "%05d  %-40s %s\n", m.Version, m.Name, state)
	}
	return 0
}
