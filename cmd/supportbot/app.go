package main

import (
	"context"
	"fmt"
	"log/slog"

	"supportbot/internal/config"
	"supportbot/internal/crypto"
	"supportbot/internal/logging"
	"supportbot/internal/storage"
)

// loadConfig reads the configuration; in development it fills missing
// secrets from (and, with createDevSecrets, generates them into) DATA_DIR.
// Problems are printed naming each option.
func (a *app) loadConfig(createDevSecrets bool) (*config.Config, bool) {
	c, err := config.Load(a.lookup, a.envFile)
	if err != nil {
		fmt.Fprintf(a.stderr, "supportbot: invalid configuration:\n%s\n", lines(err.Error()))
		fmt.Fprintln(a.stderr, "See docs/CONFIGURATION.md for every option.")
		return nil, false
	}
	if err := c.EnsureDevSecrets(createDevSecrets); err != nil {
		fmt.Fprintf(a.stderr, "supportbot: %v\n", err)
		return nil, false
	}
	return c, true
}

// validConfig loads and validates the configuration, refusing an unsafe
// production one with the options to fix and how to run locally instead
// (DESIGN.md invariant 7).
func (a *app) validConfig(createDevSecrets bool) (*config.Config, bool) {
	c, ok := a.loadConfig(createDevSecrets)
	if !ok {
		return nil, false
	}
	if err := c.Validate(); err != nil {
		a.refuse(c, err.Error())
		return nil, false
	}
	return c, true
}

// refuse explains why the configuration cannot be used.
func (a *app) refuse(c *config.Config, problems string) {
	if c.Development {
		fmt.Fprintf(a.stderr, "supportbot: invalid configuration:\n%s\n", lines(problems))
		return
	}
	mode := fmt.Sprintf("ENV=%q", c.Env)
	if c.Env == "" {
		mode = "ENV is unset"
	}
	fmt.Fprintf(a.stderr, "supportbot: refusing to start: %s, so this is production, and production needs:\n%s\n", mode, lines(problems))
	fmt.Fprintln(a.stderr, "Set these in the environment, a .env file (mode 0600) or NAME_FILE files; see docs/CONFIGURATION.md.")
	fmt.Fprintln(a.stderr, "To run locally instead: ENV=development supportbot serve")
}

// openDB opens the configured database (embedded SQLite by default).
func (a *app) openDB(ctx context.Context, c *config.Config, logger *slog.Logger) (*storage.DB, bool) {
	db, err := storage.Open(ctx, storage.Options{
		URL:          c.DatabaseURL,
		MaxOpenConns: c.DBMaxOpenConns,
		QueryTimeout: c.DBQueryTimeout,
		Production:   !c.Development,
		DataDir:      c.DataDir,
		Logger:       logger,
	})
	if err != nil {
		fmt.Fprintf(a.stderr, "supportbot: opening the database: %v\n", err)
		return nil, false
	}
	return db, true
}

// logger builds the redacting slog logger the configuration asks for.
func (a *app) logger(c *config.Config) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(c.LogLevel)) // validated by config
	return logging.New(a.stderr, c.LogFormat, level)
}

// auditChainKey derives the key of the audit hash chain from SECRET_KEY,
// so one master secret yields separate keys per purpose.
func auditChainKey(c *config.Config) ([]byte, error) {
	return crypto.DeriveKey([]byte(c.SecretKey), "supportbot audit chain v1", 32)
}
