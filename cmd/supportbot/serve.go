package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"supportbot/internal/audit"
	"supportbot/internal/config"
	"supportbot/internal/crypto"
	"supportbot/internal/doctor"
	"supportbot/internal/ratelimit"
	"supportbot/internal/securemem"
	"supportbot/internal/server"
	"supportbot/internal/storage"
	"supportbot/internal/users"
)

// rateLimitKeys bounds the in-memory limiter's table so a flood of distinct
// client IPs cannot exhaust memory.
const rateLimitKeys = 100_000

// serverGCPercent is the garbage collector's target for the server unless
// the operator set GOGC (then it is theirs, and set is false). At Go's
// default of 100 the collector took about 7% of the server's CPU in
// bench/chat.sh, whose live heap is small; 200 gave about 10% more chat
// turns a second for about 14 MB more resident memory (57 -> 71 MB against
// issue 4's budget of 100 MB; bench/README.md).
func serverGCPercent(getenv func(string) string) (percent int, set bool) {
	if getenv("GOGC") != "" {
		return 0, false
	}
	return 200, true
}

func runServe(a *app, args []string) int {
	fs := newFlagSet(a, "serve", "Run the HTTP(S) server. Migrates the database first; stops gracefully on SIGINT/SIGTERM.")
	if err := fs.Parse(args); err != nil {
		return flagExit(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return a.serve(ctx, false)
}

// serve runs the server until ctx ends; with demo it first seeds the demo
// shop (development only). Split from runServe so tests can stop it
// without signals.
func (a *app) serve(ctx context.Context, demo bool) int {
	c, ok := a.validConfig(true)
	if !ok {
		return 1
	}
	if p, set := serverGCPercent(os.Getenv); set {
		debug.SetGCPercent(p)
	}
	if demo && !c.Development {
		fmt.Fprintf(a.stderr, "supportbot demo: refusing to seed demo accounts outside development (ENV=%q); unset ENV or set ENV=development\n", c.Env)
		return 1
	}
	if demo && storage.IsPostgresURL(c.DatabaseURL) {
		// A shared database is a real shop's: the demo never touches one,
		// not even to migrate it before finding it has accounts.
		fmt.Fprintln(a.stderr, "supportbot demo: the demo runs on the embedded SQLite database; unset DATABASE_URL")
		return 1
	}
	// Production refuses to start on any FAIL of the checklist (issue 2 §7).
	if !c.Development {
		report := doctor.Check(c, doctor.Extra{DatabaseTLS: storage.CheckRemoteTLS})
		if fails := report.Failures(); len(fails) > 0 {
			var b []byte
			for _, f := range fails {
				b = fmt.Appendf(b, "%s: %s — fix: %s\n", f.Item, f.Detail, f.Fix)
			}
			a.refuse(c, string(b))
			return 1
		}
	}
	logger := a.logger(c)
	srv, closeAll, ok := a.assemble(ctx, c, logger, demo)
	if !ok {
		return 1
	}
	defer closeAll()
	if err := srv.Run(ctx); err != nil {
		logger.Error("server stopped", "event", "server.failed", "error", err)
		return 1
	}
	logger.Info("server stopped", "event", "server.stopped")
	return 0
}

// assemble opens and migrates the database, builds everything the server
// needs (with demo, seeding the demo shop first) and records the
// configuration in force. closeAll releases what it opened, in reverse
// order; on failure assemble has printed why and released everything. It
// is split from serve so that the in-process benchmark of a chat turn
// (serve_bench_test.go) runs the very wiring the server runs.
func (a *app) assemble(ctx context.Context, c *config.Config, logger *slog.Logger, demo bool) (
	srv *server.Server, closeAll func(), ok bool) {
	db, ok := a.openDB(ctx, c, logger)
	if !ok {
		return nil, nil, false
	}
	closers := []func(){func() { _ = db.Close() }} // nothing to do about a close error on the way out
	closeAll = func() {
		for i := len(closers) - 1; i >= 0; i-- {
			closers[i]()
		}
	}
	fail := func() (*server.Server, func(), bool) {
		closeAll()
		return nil, nil, false
	}
	if err := db.Migrate(ctx); err != nil {
		fmt.Fprintf(a.stderr, "supportbot: %v\n", err)
		return fail()
	}

	keys, err := openKeys(c)
	if err != nil {
		fmt.Fprintf(a.stderr, "supportbot: %v\n", err)
		return fail()
	}
	closers = append(closers, keys.close) // zeroes every key (internal/securemem)

	recorder := audit.NewStore(db, keys.auditChain, logger, time.Now)
	// One limiter for the API limits and the login limits, so a client's
	// budget is counted once however it is spent.
	limiter := ratelimit.NewMemory(time.Now, rateLimitKeys)
	accounts := users.NewStore(db, keys.fields, keys.blind, time.Now)
	ident, err := newIdentity(c, keys, accounts, limiter, recorder, time.Now)
	if err != nil {
		fmt.Fprintf(a.stderr, "supportbot: %v\n", err)
		return fail()
	}
	closers = append(closers, ident.close)
	go ident.purgeLoop(ctx, time.Hour, logger)

	sb, err := newSupportBot(c, db, keys, accounts, recorder, time.Now)
	if err == nil && demo {
		err = a.seedDemo(ctx, c, sb, accounts, ident.hasher)
	}
	if err == nil {
		err = sb.loadKB(ctx)
	}
	if err != nil {
		fmt.Fprintf(a.stderr, "supportbot: %v\n", err)
		return fail()
	}
	go sb.watchKB(ctx, logger)

	// The admin dashboard shows the checklist `supportbot doctor` prints,
	// on this server's own database and audit trail.
	checkup := func(ctx context.Context) doctor.Report {
		dbResult, chainResult := checkDatabase(ctx, db, recorder.Verify)
		return checklist(c, dbResult, chainResult)
	}
	srv, err = server.New(serverOptions(c), server.Deps{
		Logger:  logger,
		DB:      db,
		Audit:   recorder,
		Limiter: limiter,
		Auth:    ident.service,

		Chat:      sb.chat,
		ChatLimit: chatLimit(c),
		KB:        sb.kb,
		KBChanged: sb.kbChanged,
		Orders:    sb.orders,
		Payments:  sb.payments,

		FAQ:             sb.brain,
		AuditLog:        recorder,
		Activity:        sb.chat,
		Doctor:          checkup,
		MaxMessageChars: c.MaxMessageChars,
	})
	if err != nil {
		fmt.Fprintf(a.stderr, "supportbot: %v\n", err)
		return fail()
	}
	mode := "production"
	if c.Development {
		mode = "development"
	}
	// Configuration in force at start is a security event (hardening guide,
	// "Configuration changes").
	if err := recorder.Record(ctx, audit.Event{Type: "server.started", Level: audit.LevelInfo,
		Details: fmt.Sprintf("mode=%s database=%s strict_csp=%t tls=%t", mode, db.Dialect(), c.StrictCSP(), c.TLSEnabled()),
		Status:  "success"}); err != nil {
		fmt.Fprintf(a.stderr, "supportbot: %v\n", err)
		return fail()
	}
	return srv, closeAll, true
}

func serverOptions(c *config.Config) server.Options {
	limit := c.RateLimitPerMinute
	if limit == 0 {
		limit = -1 // RATE_LIMIT_PER_MINUTE=0 means off; server reads 0 as its default
	}
	return server.Options{
		Addr:               c.ListenAddr,
		TLSCertFile:        c.TLSCertFile,
		TLSKeyFile:         c.TLSKeyFile,
		TLSMinVersion:      c.TLSMinVersion,
		HTTPRedirectAddr:   c.HTTPRedirectAddr,
		TrustedProxies:     c.TrustedProxies,
		CORSAllowedOrigins: c.CORSAllowedOrigins,
		StrictCSP:          c.StrictCSP(),
		MaxBodyBytes:       c.MaxBodyBytes,
		RequestTimeout:     c.RequestTimeout,
		RateLimitPerMinute: limit,
		ShutdownTimeout:    c.ShutdownTimeout,
		// Cookies without Secure and __Host- only where browsers would
		// otherwise drop them: development over plain HTTP.
		DevCookies:         c.Development && !c.TLSEnabled() && len(c.TrustedProxies) == 0,
		Require2FAForStaff: c.StaffNeed2FA(),
	}
}

// keys holds the key material of a running server.
type keys struct {
	fields     *crypto.Keyring
	blind      *crypto.BlindIndex
	auditChain []byte
}

// openKeys parses the configured keys. They are built now, not when the
// first feature needs them, so a bad key stops the start rather than a
// request later.
func openKeys(c *config.Config) (*keys, error) {
	current, err := crypto.ParseKey(c.EncryptionKey)
	if err != nil {
		return nil, fmt.Errorf("ENCRYPTION_KEY: %w", err)
	}
	var old [][]byte
	for _, s := range c.EncryptionOldKeys {
		k, err := crypto.ParseKey(s)
		if err != nil {
			return nil, fmt.Errorf("ENCRYPTION_OLD_KEYS: %w", err)
		}
		old = append(old, k)
	}
	k := &keys{}
	if k.fields, err = crypto.NewKeyring(current, old...); err != nil {
		return nil, fmt.Errorf("ENCRYPTION_KEY: %w", err)
	}
	securemem.Zero(current)
	for _, o := range old {
		securemem.Zero(o)
	}
	blind, err := crypto.ParseKey(c.BlindIndexKey)
	if err != nil {
		k.close()
		return nil, fmt.Errorf("BLIND_INDEX_KEY: %w", err)
	}
	k.blind, err = crypto.NewBlindIndex(blind)
	securemem.Zero(blind)
	if err != nil {
		k.close()
		return nil, fmt.Errorf("BLIND_INDEX_KEY: %w", err)
	}
	if k.auditChain, err = auditChainKey(c); err != nil {
		k.close()
		return nil, err
	}
	return k, nil
}

func (k *keys) close() {
	// Close only reports use after close; there is nothing to handle here.
	if k.fields != nil {
		_ = k.fields.Close()
	}
	if k.blind != nil {
		_ = k.blind.Close()
	}
	securemem.Zero(k.auditChain)
}
