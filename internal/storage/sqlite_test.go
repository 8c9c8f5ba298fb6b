package storage_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"supportbot/internal/storage"
)

func openSQLite(t *testing.T, opts storage.Options) *storage.DB {
	t.Helper()
	db, err := storage.Open(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func mode(t *testing.T, path string) os.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

func TestSQLiteFilesAreOwnerOnly(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	db := openSQLite(t, storage.Options{DataDir: dir})
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := mode(t, dir); got != 0o700 {
		t.Errorf("data directory mode %o, want 700", got)
	}
	want := filepath.Join(dir, storage.SQLiteFileName)
	if db.Path() != want {
		t.Fatalf("Path = %q, want %q", db.Path(), want)
	}
	for _, p := range []string{want, want + "-wal", want + "-shm"} {
		if got := mode(t, p); got != 0o600 {
			t.Errorf("%s mode %o, want 600", filepath.Base(p), got)
		}
	}
}

func TestSQLiteTightensLooseDataDirAndFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, storage.SQLiteFileName)
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(file, 0o644); err != nil { // in case of a strict umask
		t.Fatal(err)
	}
	openSQLite(t, storage.Options{DataDir: dir})
	if got := mode(t, dir); got != 0o700 {
		t.Errorf("data directory mode %o, want 700", got)
	}
	if got := mode(t, file); got != 0o600 {
		t.Errorf("database file mode %o, want 600", got)
	}
}

func TestSQLiteURLForms(t *testing.T) {
	dir := t.TempDir()
	tests := []struct{ name, url, want string }{
		{"sqlite: with absolute path", "sqlite://" + filepath.Join(dir, "a.db"), filepath.Join(dir, "a.db")},
		{"file: with absolute path", "file:" + filepath.Join(dir, "b.db"), filepath.Join(dir, "b.db")},
		{"plain path in a new directory", filepath.Join(dir, "sub", "c.db"), filepath.Join(dir, "sub", "c.db")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := openSQLite(t, storage.Options{URL: tt.url})
			if db.Dialect() != storage.DialectSQLite || db.Path() != tt.want {
				t.Fatalf("got %s %q, want sqlite %q", db.Dialect(), db.Path(), tt.want)
			}
			if got := mode(t, tt.want); got != 0o600 {
				t.Errorf("mode %o, want 600", got)
			}
		})
	}
}

func TestSQLitePragmasInEffect(t *testing.T) {
	db := openSQLite(t, storage.Options{DataDir: t.TempDir(), MaxOpenConns: 3})
	ctx := context.Background()
	// Hold every pooled connection at once so each one is checked.
	var conns []*sql.Conn
	for range 3 {
		c, err := db.SQL().Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	want := map[string]string{
		"journal_mode":   "wal",
		"busy_timeout":   "5000",
		"foreign_keys":   "1",
		"synchronous":    "1", // NORMAL
		"secure_delete":  "1",
		"trusted_schema": "0",
		// The backstop of the background checkpoint (checkpoint.go).
		"wal_autocheckpoint": "8192",
		"journal_size_limit": "67108864",
	}
	for i, c := range conns {
		for pragma, w := range want {
			var got string
			// PRAGMA names cannot be parameters; these are constants.
			if err := c.QueryRowContext(ctx, "PRAGMA "+pragma).Scan(&got); err != nil {
				t.Fatalf("conn %d PRAGMA %s: %v", i, pragma, err)
			}
			if got != w {
				t.Errorf("conn %d PRAGMA %s = %s, want %s", i, pragma, got, w)
			}
		}
	}
	for _, c := range conns {
		_ = c.Close()
	}
}

func TestSQLiteTransactionsBeginImmediate(t *testing.T) {
	// With BEGIN IMMEDIATE a transaction holds the write lock from BEGIN, so
	// two transactions never both read and then fight over the upgrade to
	// writing. Observe it from a raw connection without a busy timeout:
	// while our transaction is open, even before its first statement, that
	// connection's write fails at once with SQLITE_BUSY.
	db := openSQLite(t, storage.Options{DataDir: t.TempDir()})
	ctx := context.Background()
	if _, err := db.SQL().ExecContext(ctx, `CREATE TABLE lock_probe (v INTEGER)`); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", db.Path()+"?_busy_timeout=0")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()

	tx, err := db.SQL().BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = raw.ExecContext(ctx, `INSERT INTO lock_probe (v) VALUES (1)`)
	if err == nil || !strings.Contains(err.Error(), "SQLITE_BUSY") && !strings.Contains(err.Error(), "locked") {
		t.Fatalf("write during an open transaction = %v, want SQLITE_BUSY", err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.ExecContext(ctx, `INSERT INTO lock_probe (v) VALUES (1)`); err != nil {
		t.Fatalf("write after rollback: %v", err)
	}
}

func TestSQLiteConcurrentWritersDoNotHitBusy(t *testing.T) {
	db := openSQLite(t, storage.Options{DataDir: t.TempDir(), MaxOpenConns: 8})
	ctx := context.Background()
	if _, err := db.SQL().ExecContext(ctx, `CREATE TABLE busy_probe (w INTEGER NOT NULL, i INTEGER NOT NULL, v INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	const writers, each = 8, 40
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				var err error
				if i%2 == 0 {
					// Read then write in one transaction: the pattern that
					// fails with SQLITE_BUSY under deferred transactions.
					err = db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
						var n int64
						if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM busy_probe`).Scan(&n); err != nil {
							return err
						}
						_, err := tx.ExecContext(ctx, `INSERT INTO busy_probe (w, i, v) VALUES ($1, $2, $3)`, w, i, n)
						return err
					})
				} else {
					_, err = db.SQL().ExecContext(ctx, `INSERT INTO busy_probe (w, i, v) VALUES ($1, $2, 0)`, w, i)
				}
				if err != nil {
					errs <- fmt.Errorf("writer %d op %d: %w", w, i, err)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	var n int
	if err := db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM busy_probe`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != writers*each {
		t.Fatalf("%d rows, want %d", n, writers*each)
	}
}

// The chat's group commit runs its statements without the transaction's
// deadline (conversations.Store.writeBatch), because the SQLite driver
// starts a goroutine to watch every statement's context that can end. The
// deadline still ends the transaction: once it passes, database/sql
// refuses the commit and rolls the transaction back, so nothing commits.
// (What it no longer does is interrupt a statement already running.)
func TestADeadlineEndsTheTransactionWhenItsStatementsIgnoreIt(t *testing.T) {
	db := openSQLite(t, storage.Options{DataDir: t.TempDir()})
	ctx := context.Background()
	if _, err := db.SQL().ExecContext(ctx, `CREATE TABLE deadline_probe (v INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	err := db.InTx(short, func(ctx context.Context, tx *sql.Tx) error {
		quiet := context.WithoutCancel(ctx)
		if _, err := tx.ExecContext(quiet, `INSERT INTO deadline_probe (v) VALUES (1)`); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
		case <-time.After(5 * time.Second):
			return errors.New("the transaction's context never ended")
		}
		_, err := tx.ExecContext(quiet, `INSERT INTO deadline_probe (v) VALUES (2)`)
		return err
	})
	if !errors.Is(err, sql.ErrTxDone) && !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("InTx past its deadline = %v, want the transaction ended", err)
	}
	var n int
	if err := db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM deadline_probe`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d rows committed (%v), want none", n, err)
	}
}
