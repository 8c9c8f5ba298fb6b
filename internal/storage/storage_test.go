package storage_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"supportbot/internal/storage"
	"supportbot/internal/storage/storagetest"
)

func TestPlaceholdersBindByNumberOnBothDatabases(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		sqlDB := db.SQL()
		if _, err := sqlDB.ExecContext(ctx, `CREATE TABLE placeholder_probe (a TEXT NOT NULL, b BIGINT NOT NULL)`); err != nil {
			t.Fatal(err)
		}
		// Out of order: $2 comes first in the text.
		if _, err := sqlDB.ExecContext(ctx, `INSERT INTO placeholder_probe (a, b) VALUES ($2, $1)`, int64(7), "seven"); err != nil {
			t.Fatal(err)
		}
		if _, err := sqlDB.ExecContext(ctx, `INSERT INTO placeholder_probe (a, b) VALUES ($1, $2)`, "eight", int64(8)); err != nil {
			t.Fatal(err)
		}
		// Repeated: $1 twice must be the same argument.
		var n int64
		err := sqlDB.QueryRowContext(ctx,
			`SELECT count(*) FROM placeholder_probe WHERE (a = $1 AND b = $2) OR (a = $1 AND b = $3)`,
			"seven", int64(7), int64(8)).Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Fatalf("count = %d, want 1", n)
		}
		var a string
		var b int64
		if err := sqlDB.QueryRowContext(ctx, `SELECT a, b FROM placeholder_probe WHERE b = $1`, int64(8)).Scan(&a, &b); err != nil {
			t.Fatal(err)
		}
		if a != "eight" || b != 8 {
			t.Fatalf("got (%q, %d), want (eight, 8)", a, b)
		}
	})
}

func TestInTx(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		if _, err := db.SQL().ExecContext(ctx, `CREATE TABLE tx_probe (v TEXT NOT NULL)`); err != nil {
			t.Fatal(err)
		}
		count := func() int {
			t.Helper()
			var n int
			if err := db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM tx_probe`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		insert := func(ctx context.Context, tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO tx_probe (v) VALUES ($1)`, "x")
			return err
		}

		t.Run("error rolls back and is returned", func(t *testing.T) {
			boom := errors.New("boom")
			err := db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
				if err := insert(ctx, tx); err != nil {
					return err
				}
				return boom
			})
			if !errors.Is(err, boom) {
				t.Fatalf("InTx = %v, want boom", err)
			}
			if n := count(); n != 0 {
				t.Fatalf("%d rows after rollback, want 0", n)
			}
		})
		t.Run("panic rolls back and propagates", func(t *testing.T) {
			func() {
				defer func() {
					if recover() == nil {
						t.Fatal("panic swallowed")
					}
				}()
				_ = db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
					if err := insert(ctx, tx); err != nil {
						return err
					}
					panic("boom")
				})
			}()
			if n := count(); n != 0 {
				t.Fatalf("%d rows after panic, want 0", n)
			}
		})
		t.Run("nil commits", func(t *testing.T) {
			if err := db.InTx(ctx, insert); err != nil {
				t.Fatal(err)
			}
			if n := count(); n != 1 {
				t.Fatalf("%d rows after commit, want 1", n)
			}
		})
	})
}

func TestMigrateIsIdempotent(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		// storagetest already migrated once.
		if err := db.Migrate(ctx); err != nil {
			t.Fatalf("second Migrate: %v", err)
		}
		st, err := db.MigrationStatus(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(st) == 0 || st[0].Name != "00001_audit_events.sql" || st[0].Version != 1 {
			t.Fatalf("status = %+v, want 00001_audit_events.sql first", st)
		}
		for _, m := range st {
			if !m.Applied || m.AppliedAt.IsZero() {
				t.Errorf("migration %s not applied: %+v", m.Name, m)
			}
		}
		var n int
		if err := db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM audit_events`).Scan(&n); err != nil {
			t.Fatalf("audit_events missing: %v", err)
		}
	})
}

func TestCtxAppliesQueryTimeout(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx, cancel := db.Ctx(context.Background())
		defer cancel()
		if _, ok := ctx.Deadline(); !ok {
			t.Fatal("Ctx set no deadline")
		}
		if err := db.Ping(context.Background()); err != nil {
			t.Fatal(err)
		}
	})
}

// Several processes starting at once on a fresh SQLite file must not apply
// the same migration twice (found by review: "table audit_events already
// exists"). Separate handles stand in for separate processes.
func TestConcurrentSQLiteMigrationsSerialise(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	const n = 4
	dbs := make([]*storage.DB, n)
	for i := range dbs {
		db, err := storage.Open(ctx, storage.Options{DataDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs[i] = db
	}
	errs := make(chan error, n)
	for _, db := range dbs {
		go func() { errs <- db.Migrate(ctx) }()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Errorf("concurrent Migrate: %v", err)
		}
	}
}
