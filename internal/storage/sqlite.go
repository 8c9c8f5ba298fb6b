package storage

import (
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// sqliteParams are the connection settings every pooled connection gets; the
// modernc driver applies them on connect (see its driver.go).
//   - WAL: readers never block the writer, nor the writer readers.
//   - busy_timeout 5000 ms and BEGIN IMMEDIATE: a writer waits for the lock
//     instead of failing with SQLITE_BUSY, and a transaction never fails on
//     upgrading a read lock to a write lock half-way.
//   - foreign_keys: constraints are enforced as on PostgreSQL.
//   - synchronous NORMAL: durable across application crashes in WAL mode; a
//     power loss can lose the last commits but never corrupts the file.
//   - secure_delete: deleted content is overwritten with zeros, hardening
//     guide "Data Retention": "Implement secure deletion".
//   - trusted_schema off: SQL functions in the schema cannot run with the
//     application's authority (SQLite's own hardening advice).
//   - wal_autocheckpoint and journal_size_limit: SQLite's own checkpoint is
//     only the backstop of the background one (checkpoint.go).
func sqliteParams() url.Values {
	return url.Values{
		"_journal_mode": {"WAL"},
		"_busy_timeout": {"5000"},
		"_foreign_keys": {"1"},
		"_synchronous":  {"NORMAL"},
		"_txlock":       {"immediate"},
		"_pragma": {"secure_delete(1)", "trusted_schema(0)",
			fmt.Sprintf("wal_autocheckpoint(%d)", walBackstopPages), fmt.Sprintf("journal_size_limit(%d)", walSizeLimit)},
	}
}

// openSQLite prepares the directory and file with owner-only permissions
// (issue 2 §1: directory 0700, files 0600) and opens the pool.
func openSQLite(path string, opts Options) (*sql.DB, string, error) {
	if path == "" {
		if err := ensurePrivateDir(opts.DataDir, true); err != nil {
			return nil, "", err
		}
		path = filepath.Join(opts.DataDir, SQLiteFileName)
	} else if err := ensurePrivateDir(filepath.Dir(path), false); err != nil {
		return nil, "", err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, "", fmt.Errorf("storage: sqlite path: %w", err)
	}
	// Create the file ourselves so it never exists with umask permissions,
	// even for a moment; SQLite gives -wal and -shm the main file's mode.
	f, err := os.OpenFile(abs, os.O_RDWR|os.O_CREATE, 0o600) // #nosec G304 -- the path is the operator's DATABASE_URL or DATA_DIR
	if err != nil {
		return nil, "", fmt.Errorf("storage: create sqlite file: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, "", fmt.Errorf("storage: create sqlite file: %w", err)
	}
	if err := restrictSQLiteFiles(abs); err != nil {
		return nil, "", err
	}
	// A plain path (not a file: URI) with a query: the driver strips the
	// query and interprets the underscore keys; the path is used verbatim.
	db, err := sql.Open("sqlite", abs+"?"+sqliteParams().Encode())
	if err != nil {
		return nil, "", fmt.Errorf("storage: open sqlite: %w", err)
	}
	// WAL lets readers run in parallel; writers queue on the write lock.
	db.SetMaxOpenConns(opts.MaxOpenConns)
	db.SetMaxIdleConns(opts.MaxOpenConns)
	return db, abs, nil
}

// ensurePrivateDir creates dir with mode 0700. When own is set (supportbot's
// DataDir) an existing directory open to group or others is tightened; a
// parent named by the operator's own path is left alone.
func ensurePrivateDir(dir string, own bool) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("storage: create data directory: %w", err)
	}
	if !own {
		return nil
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("storage: data directory: %w", err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		if err := os.Chmod(dir, 0o700); err != nil { // #nosec G302 -- a directory needs x; 0700 is owner-only
			return fmt.Errorf("storage: restrict data directory: %w", err)
		}
	}
	return nil
}

// restrictSQLiteFiles sets the database file and, when present, its -wal and
// -shm files to 0600: they hold the same data.
func restrictSQLiteFiles(path string) error {
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Chmod(p, 0o600); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("storage: restrict sqlite file: %w", err)
		}
	}
	return nil
}
