package storage

import (
	"context"
	"embed"
	"fmt"
	"hash/fnv"
	"io/fs"
	"path"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"supportbot/internal/filelock"
)

// migrationsFS holds one folder per dialect. Migrations are forward-only
// (an Up section, no Down), each runs in one transaction, and a shipped file
// is never edited (DESIGN.md, "Style").
//
//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrationsFS embed.FS

// Migration is the state of one embedded migration.
type Migration struct {
	Version   int64
	Name      string // file name, e.g. "00001_audit_events.sql"
	Applied   bool
	AppliedAt time.Time // zero when not applied
}

// provider builds a goose Provider for d's dialect. It uses goose's Provider
// API, never its global state, so tests and several databases can coexist.
func (d *DB) provider(ctx context.Context) (*goose.Provider, error) {
	sub, err := fs.Sub(migrationsFS, path.Join("migrations", d.dialect))
	if err != nil {
		return nil, fmt.Errorf("storage: migrations: %w", err)
	}
	dialect := goose.DialectSQLite3
	opts := []goose.ProviderOption{goose.WithDisableGlobalRegistry(true)}
	if d.dialect == DialectPostgres {
		dialect = goose.DialectPostgres
		// Several instances may start at once; an advisory lock lets one
		// migrate while the others wait. SQLite takes a file lock in Migrate
		// instead (goose decides what is pending before any transaction).
		id, err := d.migrationLockID(ctx)
		if err != nil {
			return nil, err
		}
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(id), lock.WithLockTimeout(1, 300))
		if err != nil {
			return nil, fmt.Errorf("storage: migration lock: %w", err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(dialect, d.db, sub, opts...)
	if err != nil {
		return nil, fmt.Errorf("storage: migrations: %w", err)
	}
	return p, nil
}

// migrationLockID derives the advisory lock from the current schema: the
// lock is database-wide but the migrated tables live in one schema, so
// instances sharing a schema exclude each other while separate schemas (one
// per test) do not.
func (d *DB) migrationLockID(ctx context.Context) (int64, error) {
	qctx, cancel := d.Ctx(ctx)
	defer cancel()
	var schema string
	if err := d.db.QueryRowContext(qctx, "SELECT current_schema()").Scan(&schema); err != nil {
		return 0, fmt.Errorf("storage: current schema: %w", err)
	}
	h := fnv.New64a()
	_, _ = h.Write([]byte("supportbot-migrate:" + schema))
	return int64(h.Sum64() & 0x7fffffffffffffff), nil
}

// Migrate applies every pending migration, logging each one. Running it
// again is a no-op. It does not use the query timeout: a migration may take
// longer than any query should.
func (d *DB) Migrate(ctx context.Context) error {
	if d.path != "" {
		// Two processes migrating one SQLite file at once would both apply
		// the same pending migration; one waits here for the other.
		unlock, err := filelock.Lock(d.path + ".migrate.lock")
		if err != nil {
			return fmt.Errorf("storage: migrate: %w", err)
		}
		defer unlock()
	}
	p, err := d.provider(ctx)
	if err != nil {
		return err
	}
	results, err := p.Up(ctx)
	for _, r := range results {
		if r.Error == nil {
			d.logger.InfoContext(ctx, "migration applied",
				"event", "storage.migrated",
				"version", r.Source.Version,
				"name", path.Base(r.Source.Path),
				"duration", r.Duration)
		}
	}
	if err != nil {
		return fmt.Errorf("storage: migrate: %w", err)
	}
	return nil
}

// MigrationStatus lists every embedded migration in version order and
// whether it has been applied, for `supportbot migrate` and `doctor`.
func (d *DB) MigrationStatus(ctx context.Context) ([]Migration, error) {
	p, err := d.provider(ctx)
	if err != nil {
		return nil, err
	}
	st, err := p.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("storage: migration status: %w", err)
	}
	out := make([]Migration, 0, len(st))
	for _, s := range st {
		m := Migration{
			Version: s.Source.Version,
			Name:    path.Base(s.Source.Path),
			Applied: s.State == goose.StateApplied,
		}
		if m.Applied {
			m.AppliedAt = s.AppliedAt.UTC()
		}
		out = append(out, m)
	}
	return out, nil
}
