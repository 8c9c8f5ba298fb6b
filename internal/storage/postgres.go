package storage

import (
	"database/sql"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// openPostgres checks TLS in production, then opens a pgx-backed pool. The
// pool is built from the parsed config, so what was checked is what connects.
func openPostgres(opts Options) (*sql.DB, error) {
	if opts.Production {
		if err := CheckRemoteTLS(opts.URL); err != nil {
			return nil, err
		}
	}
	cfg, err := pgx.ParseConfig(opts.URL)
	if err != nil {
		// pgconn redacts the password in its parse errors.
		return nil, fmt.Errorf("storage: DATABASE_URL: %w", err)
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(opts.MaxOpenConns)
	db.SetMaxIdleConns(opts.MaxOpenConns)
	// Recycle connections so a failover or a rotated server certificate is
	// picked up without a restart.
	db.SetConnMaxLifetime(30 * time.Minute)
	db.SetConnMaxIdleTime(5 * time.Minute)
	return db, nil
}
