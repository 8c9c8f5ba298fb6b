package users

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"supportbot/internal/storage"
)

// ErrLastAdmin means a change would leave the instance without an enabled
// admin: the target is the only enabled admin, and demoting or disabling it
// would lock every operator out of user administration (issue 3, RBAC;
// OWASP ASVS 4.0.3 4.1.5, access control fails securely).
var ErrLastAdmin = errors.New("an instance must keep one enabled admin")

// keepOneAdmin refuses with ErrLastAdmin when user id is an enabled admin
// and no other enabled admin exists. It runs inside the transaction that
// demotes or disables id, before the change, so the check and the change are
// one atomic step on both databases:
//
//   - PostgreSQL: FOR UPDATE locks every enabled admin row until the
//     transaction ends. Two concurrent demotions of two admins queue on
//     the same rows (in id order, so they cannot deadlock); the second
//     re-reads them after the first commits, no longer sees the demoted
//     admin and is refused.
//   - SQLite: there is no FOR UPDATE (a syntax error there), and none is
//     needed: storage opens every transaction with BEGIN IMMEDIATE, which
//     takes the database's write lock at once, so writers are serialised
//     and the count cannot change before this transaction commits.
//
// That is the one place a dialect branch is needed; the rest of the SQL is
// shared.
func keepOneAdmin(ctx context.Context, db *storage.DB, tx *sql.Tx, id string) error {
	q := `SELECT id FROM users WHERE role = $1 AND disabled = FALSE ORDER BY id`
	if db.Dialect() == storage.DialectPostgres {
		q += ` FOR UPDATE`
	}
	rows, err := tx.QueryContext(ctx, q, string(RoleAdmin))
	if err != nil {
		return fmt.Errorf("lock admins: %w", err)
	}
	defer rows.Close()
	target, others := false, 0
	for rows.Next() {
		var adminID string
		if err := rows.Scan(&adminID); err != nil {
			return fmt.Errorf("lock admins: %w", err)
		}
		if adminID == id {
			target = true
		} else {
			others++
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("lock admins: %w", err)
	}
	if target && others == 0 {
		return ErrLastAdmin
	}
	return nil
}
