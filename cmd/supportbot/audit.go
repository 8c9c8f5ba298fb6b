package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"supportbot/internal/audit"
	"supportbot/internal/config"
	"supportbot/internal/storage"
)

func runAudit(a *app, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" {
		fmt.Fprintln(a.stderr, "Usage: supportbot audit verify|tail [options]")
		fmt.Fprintln(a.stderr, "\n  verify  walk the hash chain; name the first altered, inserted or deleted row (exit 1)")
		fmt.Fprintln(a.stderr, "  tail    print recent security events")
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	switch args[0] {
	case "verify":
		return runAuditVerify(a, args[1:])
	case "tail":
		return runAuditTail(a, args[1:])
	}
	fmt.Fprintf(a.stderr, "supportbot audit: unknown subcommand %q (verify or tail)\n", args[0])
	return 2
}

// openAudit opens the database and the audit store keyed from SECRET_KEY.
func (a *app) openAudit(ctx context.Context, c *config.Config) (*storage.DB, *audit.Store, bool) {
	key, err := auditChainKey(c)
	if err != nil {
		fmt.Fprintf(a.stderr, "supportbot audit: %v\n", err)
		return nil, nil, false
	}
	logger := a.logger(c)
	db, ok := a.openDB(ctx, c, logger)
	if !ok {
		return nil, nil, false
	}
	if err := db.Migrate(ctx); err != nil {
		fmt.Fprintf(a.stderr, "supportbot audit: %v\n", errors.Join(err, db.Close()))
		return nil, nil, false
	}
	return db, audit.NewStore(db, key, logger, time.Now), true
}

func runAuditVerify(a *app, args []string) int {
	fs := newFlagSet(a, "audit verify", "Walk the audit trail's hash chain and name the first altered, inserted or deleted row (exit 1).")
	if err := fs.Parse(args); err != nil {
		return flagExit(err)
	}
	c, ok := a.validConfig(false)
	if !ok {
		return 1
	}
	ctx := context.Background()
	db, store, ok := a.openAudit(ctx, c)
	if !ok {
		return 1
	}
	defer db.Close()
	res, err := store.Verify(ctx)
	if err != nil {
		fmt.Fprintf(a.stderr, "supportbot audit verify: %v\n", err)
		return 1
	}
	if !res.OK {
		fmt.Fprintf(a.stdout, "audit chain BROKEN at row %d: %s (%d rows checked)\n", res.FirstBadID, res.Reason, res.Checked)
		return 1
	}
	fmt.Fprintf(a.stdout, "audit chain intact: %d events verified\n", res.Checked)
	if res.LastID > 0 {
		fmt.Fprintf(a.stdout, "newest row %d, hash %s (keep this anchor outside the database to detect deletion of the newest rows)\n", res.LastID, res.LastHash)
	}
	return 0
}

func runAuditTail(a *app, args []string) int {
	fs := newFlagSet(a, "audit tail", "Print recent security events, oldest first: Timestamp | Level | Event | User | IP | Details | Status.")
	n := fs.Int("n", audit.DefaultTail, fmt.Sprintf("number of events (at most %d)", audit.MaxTail))
	typ := fs.String("type", "", "only this event type, e.g. auth.login_failed")
	user := fs.String("user", "", "only events by this user id")
	level := fs.String("level", "", "only this level: INFO, WARNING, ERROR or CRITICAL")
	since := fs.Duration("since", 0, "only events newer than this, e.g. 24h")
	if err := fs.Parse(args); err != nil {
		return flagExit(err)
	}
	f := audit.Filter{Type: *typ, Actor: *user, Level: audit.Level(strings.ToUpper(*level))}
	switch f.Level {
	case "", audit.LevelInfo, audit.LevelWarning, audit.LevelError, audit.LevelCritical:
	default:
		fmt.Fprintf(a.stderr, "supportbot audit tail: -level must be INFO, WARNING, ERROR or CRITICAL\n")
		return 2
	}
	if *since < 0 {
		fmt.Fprintf(a.stderr, "supportbot audit tail: -since must be positive\n")
		return 2
	}
	if *since > 0 {
		f.Since = time.Now().Add(-*since)
	}
	c, ok := a.validConfig(false)
	if !ok {
		return 1
	}
	ctx := context.Background()
	db, store, ok := a.openAudit(ctx, c)
	if !ok {
		return 1
	}
	defer db.Close()
	entries, err := store.Tail(ctx, *n, f)
	if err != nil {
		fmt.Fprintf(a.stderr, "supportbot audit tail: %v\n", err)
		return 1
	}
	if err := audit.FormatTable(a.stdout, entries); err != nil {
		fmt.Fprintf(a.stderr, "supportbot audit tail: %v\n", err)
		return 1
	}
	return 0
}
