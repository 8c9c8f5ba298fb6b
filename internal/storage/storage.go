// Package storage opens the database (SQLite by default, PostgreSQL for
// several instances), applies the embedded migrations and offers the few
// helpers every store package shares: a per-query timeout and a transaction
// wrapper. Packages own their tables and their SQL; only this package opens
// the database (DESIGN.md, "Layout").
//
// One SQL text serves both databases: queries use $1, $2, … placeholders,
// which pgx binds natively and modernc.org/sqlite binds by ordinal ($N is
// argument N). Times are stored as INTEGER/BIGINT unix microseconds UTC rather
// than TEXT or TIMESTAMPTZ, so the same text, the same Go type (int64) and the
// same bytes (for hashing, see internal/audit) work on both.
package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Dialect names returned by DB.Dialect.
const (
	DialectSQLite   = "sqlite"
	DialectPostgres = "postgres"
)

// Defaults applied when an Options field is zero.
const (
	DefaultMaxOpenConns = 10
	DefaultQueryTimeout = 5 * time.Second
	DefaultDataDir      = "data"
	// SQLiteFileName is the database file created in DataDir when URL names
	// no file.
	SQLiteFileName = "supportbot.db"
)

// Options configures Open.
type Options struct {
	// URL is DATABASE_URL. Empty, "sqlite:PATH", "file:PATH" (an optional
	// "//" after the colon is dropped, so "sqlite:///var/lib/x.db" is
	// absolute) or a plain path select SQLite; "postgres://" or
	// "postgresql://" select PostgreSQL. An SQLite URL may not carry query
	// parameters: supportbot sets the pragmas itself.
	URL string
	// MaxOpenConns bounds the connection pool; 0 means DefaultMaxOpenConns.
	MaxOpenConns int
	// QueryTimeout bounds each query made through Ctx and each InTx
	// transaction; 0 means DefaultQueryTimeout.
	QueryTimeout time.Duration
	// Production makes Open refuse a remote PostgreSQL without TLS
	// (invariant 7, production fails closed).
	Production bool
	// DataDir holds the default SQLite file; "" means DefaultDataDir. It is
	// created with mode 0700.
	DataDir string
	// Logger receives migration progress; nil discards it.
	Logger *slog.Logger
}

// DB is an open database. It is safe for concurrent use.
type DB struct {
	db           *sql.DB
	dialect      string
	path         string // SQLite file, "" for PostgreSQL
	queryTimeout time.Duration
	logger       *slog.Logger
	// writes is the one-slot lock InTx takes on SQLite (lockWrites); nil
	// on PostgreSQL.
	writes chan struct{}
	ckpt   *checkpointer // SQLite only
}

// Open opens and pings the database that opts.URL names. Errors never contain
// the password of the URL.
func Open(ctx context.Context, opts Options) (*DB, error) {
	target, err := parseURL(opts.URL)
	if err != nil {
		return nil, err
	}
	if opts.MaxOpenConns <= 0 {
		opts.MaxOpenConns = DefaultMaxOpenConns
	}
	if opts.QueryTimeout <= 0 {
		opts.QueryTimeout = DefaultQueryTimeout
	}
	if opts.DataDir == "" {
		opts.DataDir = DefaultDataDir
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	d := &DB{dialect: target.dialect, queryTimeout: opts.QueryTimeout, logger: logger}
	switch target.dialect {
	case DialectSQLite:
		d.db, d.path, err = openSQLite(target.path, opts)
	default:
		d.db, err = openPostgres(opts)
	}
	if err != nil {
		return nil, err
	}
	if err := d.Ping(ctx); err != nil {
		_ = d.db.Close()
		return nil, err
	}
	if d.dialect == DialectSQLite {
		// journal_mode=WAL on the first connection creates -wal and -shm.
		if err := restrictSQLiteFiles(d.path); err != nil {
			_ = d.db.Close()
			return nil, err
		}
		d.writes = make(chan struct{}, 1)
		d.startCheckpointer(checkpointEvery)
	}
	return d, nil
}

// Dialect returns DialectSQLite or DialectPostgres. Branch on it only where
// one SQL text is impossible, and say why there.
func (d *DB) Dialect() string { return d.dialect }

// SQL returns the pool for packages that own tables. Use $N placeholders and
// Ctx or InTx for timeouts.
func (d *DB) SQL() *sql.DB { return d.db }

// Path returns the SQLite database file, or "" for PostgreSQL.
func (d *DB) Path() string { return d.path }

// Ctx returns ctx bounded by the query timeout. Always call cancel.
func (d *DB) Ctx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, d.queryTimeout)
}

// Ping checks that the database answers within the query timeout.
func (d *DB) Ping(ctx context.Context) error {
	ctx, cancel := d.Ctx(ctx)
	defer cancel()
	if err := d.db.PingContext(ctx); err != nil {
		return fmt.Errorf("storage: ping %s: %w", d.dialect, err)
	}
	return nil
}

// Close stops the background checkpoint and closes the pool; on SQLite the
// last connection checkpoints the WAL.
func (d *DB) Close() error {
	d.stopCheckpointer()
	if err := d.db.Close(); err != nil {
		return fmt.Errorf("storage: close: %w", err)
	}
	return nil
}

// InTx runs fn in one transaction bounded by the query timeout: fn's ctx
// carries that bound, so fn must use it for every statement. It commits when
// fn returns nil and rolls back when fn returns an error or panics. Nothing is
// retried: on SQLite, transactions of this process wait for each other in
// lockWrites, and for other processes' through busy_timeout and BEGIN
// IMMEDIATE. fn must not call InTx: on SQLite the inner call would wait for
// the outer one until the timeout.
func (d *DB) InTx(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) (err error) {
	ctx, cancel := d.Ctx(ctx)
	defer cancel()
	if err := d.lockWrites(ctx); err != nil {
		return err
	}
	defer d.unlockWrites()
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("storage: begin: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
	}()
	if err := fn(ctx, tx); err != nil {
		if rbErr := tx.Rollback(); rbErr != nil && !errors.Is(rbErr, sql.ErrTxDone) {
			return errors.Join(err, fmt.Errorf("storage: rollback: %w", rbErr))
		}
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("storage: commit: %w", err)
	}
	return nil
}
