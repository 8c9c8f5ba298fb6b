// Package storagetest runs a test on every supported database, so each store
// package has one suite for SQLite and PostgreSQL (DESIGN.md, "Tests").
//
//	func TestThing(t *testing.T) {
//		storagetest.Each(t, func(t *testing.T, db *storage.DB) {
//			// db is fresh and migrated
//		})
//	}
//
// SQLite always runs, in t.TempDir(). PostgreSQL runs when
// SUPPORTBOT_TEST_POSTGRES_URL is set, each test in a schema of its own that
// is dropped afterwards, so packages tested in parallel never collide.
package storagetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"supportbot/internal/storage"
)

// PostgresURLEnv names the variable holding the PostgreSQL test URL, e.g.
// postgres://postgres@127.0.0.1:5432/test?sslmode=disable.
const PostgresURLEnv = "SUPPORTBOT_TEST_POSTGRES_URL"

// queryTimeout is generous: tests run under -race on busy CI machines.
const queryTimeout = 30 * time.Second

// Each runs fn as subtest "sqlite" and, when PostgresURLEnv is set, as
// subtest "postgres" (skipped with a message otherwise), each on a fresh,
// migrated database closed at cleanup.
func Each(t *testing.T, fn func(t *testing.T, db *storage.DB)) {
	t.Helper()
	t.Run(storage.DialectSQLite, func(t *testing.T) {
		fn(t, SQLite(t))
	})
	t.Run(storage.DialectPostgres, func(t *testing.T) {
		fn(t, Postgres(t))
	})
}

// SQLite returns a fresh, migrated SQLite database in tb.TempDir().
func SQLite(tb testing.TB) *storage.DB {
	tb.Helper()
	return open(tb, storage.Options{DataDir: filepath.Join(tb.TempDir(), "data")})
}

// Postgres returns a fresh, migrated PostgreSQL database confined to a new
// schema, or skips tb when PostgresURLEnv is unset.
func Postgres(tb testing.TB) *storage.DB {
	tb.Helper()
	base := os.Getenv(PostgresURLEnv)
	if base == "" {
		tb.Skipf("PostgreSQL tests skipped: set %s (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable)", PostgresURLEnv)
	}
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("storagetest: %s is not a URL", PostgresURLEnv)
	}
	schema := "sbtest_" + randomHex(8)

	cfg, err := pgx.ParseConfig(base)
	if err != nil {
		tb.Fatalf("storagetest: %s: %v", PostgresURLEnv, err)
	}
	admin := stdlib.OpenDB(*cfg)
	tb.Cleanup(func() { _ = admin.Close() })
	ident := pgx.Identifier{schema}.Sanitize()
	// Identifiers cannot be parameters; schema is our own random hex,
	// quoted anyway.
	if err := adminExec(admin, "CREATE SCHEMA "+ident); err != nil {
		tb.Fatalf("storagetest: %v", err)
	}
	tb.Cleanup(func() {
		if err := adminExec(admin, "DROP SCHEMA "+ident+" CASCADE"); err != nil {
			tb.Errorf("storagetest: %v", err)
		}
	})

	// pgx sends unknown URL parameters as runtime parameters, so every
	// pooled connection starts with this search_path.
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return open(tb, storage.Options{URL: u.String()})
}

func open(tb testing.TB, opts storage.Options) *storage.DB {
	tb.Helper()
	opts.QueryTimeout = queryTimeout
	ctx := context.Background()
	db, err := storage.Open(ctx, opts)
	if err != nil {
		tb.Fatalf("storagetest: open: %v", err)
	}
	// Registered after the schema drop, so it runs before it.
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Errorf("storagetest: %v", err)
		}
	})
	if err := db.Migrate(ctx); err != nil {
		tb.Fatalf("storagetest: %v", err)
	}
	return db
}

func adminExec(db *sql.DB, stmt string) error {
	ctx, cancel := context.WithTimeout(context.Background(), queryTimeout)
	defer cancel()
	if _, err := db.ExecContext(ctx, stmt); err != nil {
		return fmt.Errorf("%s: %w", stmt, err)
	}
	return nil
}

// randomHex returns 2n lowercase hex digits: PostgreSQL folds unquoted
// identifiers such as the search_path value to lower case.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails (crypto/rand, Go 1.24+)
	return hex.EncodeToString(b)
}
