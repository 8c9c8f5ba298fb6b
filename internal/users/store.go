package users

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"supportbot/internal/crypto"
	"supportbot/internal/storage"
)

// emailDomain is the blind-index domain of users.email_bidx. Changing it
// would orphan every stored index.
const emailDomain = "users.email"

// Store persists accounts, sessions, the access-token denylist and recovery
// codes. It is safe for concurrent use, also by several instances sharing
// one PostgreSQL: every check-then-change is one compare-and-set statement
// or one transaction that holds the row it changes.
type Store struct {
	db    *storage.DB
	keys  *crypto.Keyring
	index *crypto.BlindIndex
	clock func() time.Time

	// The statement of AccessStateOf, prepared on first use.
	accessStmt atomic.Pointer[sql.Stmt]
	// access remembers AccessStateOf's answers, on SQLite only.
	access *accessCache
}

// NewStore returns a Store on db that encrypts PII with keys and looks
// emails up through index. A nil clock means time.Now (invariant 9: tests
// inject one).
func NewStore(db *storage.DB, keys *crypto.Keyring, index *crypto.BlindIndex, clock func() time.Time) *Store {
	if clock == nil {
		clock = time.Now
	}
	s := &Store{db: db, keys: keys, index: index, clock: clock}
	if db.Dialect() == storage.DialectSQLite {
		s.access = newAccessCache()
	}
	return s
}

// nowUS returns the clock in unix microseconds, the stored form of time.
func (s *Store) nowUS() int64 { return s.clock().UnixMicro() }

// seal encrypts a PII value bound to its table, column and row, so a
// ciphertext copied elsewhere fails to decrypt (invariant 4). An empty value
// is stored as "" (an absent phone number or user agent).
func (s *Store) seal(table, column, rowID, value string) (string, error) {
	if value == "" {
		return "", nil
	}
	enc, err := s.keys.EncryptString(value, crypto.AAD{Table: table, Column: column, RowID: rowID})
	if err != nil {
		return "", fmt.Errorf("encrypt %s.%s: %w", table, column, err)
	}
	return enc, nil
}

// unseal reverses seal. A ciphertext that is altered, moved from another
// row or sealed by an unknown key is an error, never garbage.
func (s *Store) unseal(table, column, rowID, enc string) (string, error) {
	if enc == "" {
		return "", nil
	}
	v, err := s.keys.DecryptString(enc, crypto.AAD{Table: table, Column: column, RowID: rowID})
	if err != nil {
		return "", fmt.Errorf("decrypt %s.%s: %w", table, column, err)
	}
	return v, nil
}

// emailIndex returns the blind index under which email is stored and looked up.
func (s *Store) emailIndex(email string) string {
	return s.index.Sum(emailDomain, crypto.NormalizeEmail(email))
}

// isEmailTaken reports whether err is the unique violation of
// users.email_bidx. Each driver reports it its own way; both are pinned by
// the duplicate-email tests, so a driver upgrade that changes them fails
// there. Other unique violations (a colliding random id) stay errors.
func isEmailTaken(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23505" && pgErr.ConstraintName == "users_email_bidx_unique"
	}
	var liteErr *sqlite.Error
	if errors.As(err, &liteErr) {
		// SQLite names the columns, not the constraint.
		return liteErr.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE && strings.Contains(liteErr.Error(), "users.email_bidx")
	}
	return false
}

// isHash reports whether h looks like a SHA-256 or HMAC-SHA256 digest in
// lowercase hex (crypto.HashToken). Refresh tokens and recovery codes are
// stored only hashed (invariant 5); refusing anything else keeps a caller's
// slip from storing a raw token.
func isHash(h string) bool {
	if len(h) != 64 {
		return false
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// truncate cuts s to at most n bytes on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// execOne runs a statement that must change exactly one row; none is
// ErrNotFound.
func execOne(ctx context.Context, ex execer, query string, args ...any) error {
	n, err := execN(ctx, ex, query, args...)
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

func execN(ctx context.Context, ex execer, query string, args ...any) (int64, error) {
	res, err := ex.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// exists reports whether user id exists; compare-and-set statements that
// changed nothing use it to tell "no such user" from "condition not met".
func exists(ctx context.Context, q querier, id string) (bool, error) {
	var one int
	err := q.QueryRowContext(ctx, `SELECT 1 FROM users WHERE id = $1`, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// userColumns is the column list scanUser reads. The TOTP secret is left
// out: it is decrypted only by TOTPSecret.
const userColumns = `id, role, email_enc, email_bidx, name_enc, phone_enc, password_hash,
	totp_secret_enc <> '', totp_enabled, totp_last_step, disabled, failed_logins, locked_until,
	password_changed_at, token_generation, created_at, updated_at`

// scanUser reads a row of userColumns and decrypts its PII. It also checks
// that the blind index belongs to the decrypted email: the email ciphertext
// is bound to its row, so this binds the index too, and an index moved to
// another row is detected instead of logging someone into the wrong account.
func (s *Store) scanUser(row storage.Scanner) (User, error) {
	var (
		u                                    User
		role, emailEnc, bidx, nameEnc, phEnc string
		lockedUntil, pwChanged, created, up  int64
	)
	err := row.Scan(&u.ID, &role, &emailEnc, &bidx, &nameEnc, &phEnc, &u.PasswordHash,
		&u.HasTOTPSecret, &u.TOTPEnabled, &u.TOTPLastStep, &u.Disabled, &u.FailedLogins, &lockedUntil,
		&pwChanged, &u.TokenGeneration, &created, &up)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return User{}, ErrNotFound
		}
		return User{}, err
	}
	u.Role = Role(role)
	u.LockedUntil = storage.Time(lockedUntil)
	u.PasswordChangedAt = storage.Time(pwChanged)
	u.CreatedAt = storage.Time(created)
	u.UpdatedAt = storage.Time(up)
	if u.Email, err = s.unseal("users", "email_enc", u.ID, emailEnc); err != nil {
		return User{}, err
	}
	if !crypto.Equal(s.emailIndex(u.Email), bidx) {
		return User{}, errors.New("email blind index does not belong to the stored email")
	}
	if u.Name, err = s.unseal("users", "name_enc", u.ID, nameEnc); err != nil {
		return User{}, err
	}
	if u.Phone, err = s.unseal("users", "phone_enc", u.ID, phEnc); err != nil {
		return User{}, err
	}
	return u, nil
}

// Create stores a new account and returns it. The email is kept as given
// (trimmed) for display and indexed in its normalised form, so addresses
// differing only in case are the same account: ErrEmailTaken.
func (s *Store) Create(ctx context.Context, nu NewUser) (User, error) {
	if !nu.Role.Valid() {
		return User{}, errors.New("users: create: invalid role")
	}
	email := strings.TrimSpace(nu.Email)
	if email == "" {
		return User{}, errors.New("users: create: email is required")
	}
	if nu.PasswordHash == "" {
		return User{}, errors.New("users: create: password hash is required")
	}
	id := storage.NewID()
	now := s.nowUS()
	emailEnc, err := s.seal("users", "email_enc", id, email)
	if err != nil {
		return User{}, fmt.Errorf("users: create: %w", err)
	}
	nameEnc, err := s.seal("users", "name_enc", id, nu.Name)
	if err != nil {
		return User{}, fmt.Errorf("users: create: %w", err)
	}
	phoneEnc, err := s.seal("users", "phone_enc", id, nu.Phone)
	if err != nil {
		return User{}, fmt.Errorf("users: create: %w", err)
	}
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	_, err = s.db.SQL().ExecContext(ctx, `INSERT INTO users
		(id, role, email_enc, email_bidx, name_enc, phone_enc, password_hash, password_changed_at, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $8)`,
		id, string(nu.Role), emailEnc, s.emailIndex(email), nameEnc, phoneEnc, nu.PasswordHash, now)
	if isEmailTaken(err) {
		return User{}, fmt.Errorf("users: create: %w", ErrEmailTaken)
	}
	if err != nil {
		return User{}, fmt.Errorf("users: create: %w", err)
	}
	t := storage.Time(now)
	return User{
		ID: id, Role: nu.Role, Email: email, Name: nu.Name, Phone: nu.Phone,
		PasswordHash: nu.PasswordHash, PasswordChangedAt: t, TokenGeneration: 1,
		CreatedAt: t, UpdatedAt: t,
	}, nil
}

// Get returns the user with id, or ErrNotFound.
func (s *Store) Get(ctx context.Context, id string) (User, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	u, err := s.scanUser(s.db.SQL().QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
	if err != nil {
		return User{}, fmt.Errorf("users: get %q: %w", id, err)
	}
	return u, nil
}

// GetByEmail returns the user whose normalised email equals email's, found
// through the blind index without decrypting any other row, or ErrNotFound.
func (s *Store) GetByEmail(ctx context.Context, email string) (User, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	u, err := s.scanUser(s.db.SQL().QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE email_bidx = $1`, s.emailIndex(email)))
	if err != nil {
		// The address itself is PII: it stays out of the error.
		return User{}, fmt.Errorf("users: get by email: %w", err)
	}
	return u, nil
}

// List returns a page of users, oldest first, optionally of one role.
func (s *Store) List(ctx context.Context, f ListFilter) ([]User, error) {
	if f.Role != "" && !f.Role.Valid() {
		return nil, errors.New("users: list: invalid role")
	}
	limit := f.Limit
	if limit <= 0 {
		limit = DefaultListLimit
	}
	limit = min(limit, MaxListLimit)
	offset := max(f.Offset, 0)
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	rows, err := s.db.SQL().QueryContext(ctx, `SELECT `+userColumns+` FROM users
		WHERE ($1 = '' OR role = $1) ORDER BY created_at, id LIMIT $2 OFFSET $3`,
		string(f.Role), limit, offset)
	if err != nil {
		return nil, fmt.Errorf("users: list: %w", err)
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := s.scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("users: list: %w", err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("users: list: %w", err)
	}
	return out, nil
}

// Count returns the number of accounts.
func (s *Store) Count(ctx context.Context) (int, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var n int
	if err := s.db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&n); err != nil {
		return 0, fmt.Errorf("users: count: %w", err)
	}
	return n, nil
}

// UpdateProfile replaces the name and/or phone number; a nil pointer leaves
// that field unchanged, a pointer to "" clears the phone number.
func (s *Store) UpdateProfile(ctx context.Context, id string, name, phone *string) error {
	// nil binds as SQL NULL, which COALESCE turns into "keep the old value".
	var nameArg, phoneArg any
	if name != nil {
		enc, err := s.seal("users", "name_enc", id, *name)
		if err != nil {
			return fmt.Errorf("users: update profile %q: %w", id, err)
		}
		nameArg = enc
	}
	if phone != nil {
		enc, err := s.seal("users", "phone_enc", id, *phone)
		if err != nil {
			return fmt.Errorf("users: update profile %q: %w", id, err)
		}
		phoneArg = enc
	}
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	err := execOne(ctx, s.db.SQL(), `UPDATE users
		SET name_enc = COALESCE($2, name_enc), phone_enc = COALESCE($3, phone_enc), updated_at = $4
		WHERE id = $1`, id, nameArg, phoneArg, s.nowUS())
	if err != nil {
		return fmt.Errorf("users: update profile %q: %w", id, err)
	}
	return nil
}

// SetEmail changes the account's email address, or fails with
// ErrEmailTaken when another account has it.
func (s *Store) SetEmail(ctx context.Context, id, email string) error {
	email = strings.TrimSpace(email)
	if email == "" {
		return fmt.Errorf("users: set email %q: email is required", id)
	}
	enc, err := s.seal("users", "email_enc", id, email)
	if err != nil {
		return fmt.Errorf("users: set email %q: %w", id, err)
	}
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	err = execOne(ctx, s.db.SQL(), `UPDATE users SET email_enc = $2, email_bidx = $3, updated_at = $4 WHERE id = $1`,
		id, enc, s.emailIndex(email), s.nowUS())
	if isEmailTaken(err) {
		err = ErrEmailTaken
	}
	if err != nil {
		return fmt.Errorf("users: set email %q: %w", id, err)
	}
	return nil
}

// revokeSessions revokes every active session of userID in tx, returning
// how many. It is the refresh half of "log out everywhere": access tokens
// are cut off by the token generation bumped in the same transaction.
func revokeSessions(ctx context.Context, tx execer, userID string, now int64) (int64, error) {
	n, err := execN(ctx, tx, `UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at = 0`, userID, now)
	if err != nil {
		return 0, fmt.Errorf("revoke sessions: %w", err)
	}
	return n, nil
}

// logOutEverywhere runs update, which must change user id's row and bump its
// token_generation, and revokes the user's sessions in the same
// transaction. Every change that bumps the generation goes through here, so
// the rule is simple: a new generation means every old access token and
// every refresh family is dead (issue 3, "Tokens and sessions").
func (s *Store) logOutEverywhere(ctx context.Context, op, id, update string, args ...any) error {
	return s.logOutEverywhereIf(ctx, op, id, nil, update, args...)
}

// logOutEverywhereIf is logOutEverywhere with a check run first in the same
// transaction; an error from check aborts the change.
func (s *Store) logOutEverywhereIf(ctx context.Context, op, id string, check func(ctx context.Context, tx *sql.Tx) error, update string, args ...any) error {
	now := s.nowUS()
	err := s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if check != nil {
			if err := check(ctx, tx); err != nil {
				return err
			}
		}
		if err := execOne(ctx, tx, update, append([]any{id, now}, args...)...); err != nil {
			return err
		}
		_, err := revokeSessions(ctx, tx, id, now)
		return err
	})
	s.accessChanged(ctx)
	if err != nil {
		return fmt.Errorf("users: %s %q: %w", op, id, err)
	}
	return nil
}

// SetPassword stores a new password hash, sets password_changed_at, bumps
// the token generation and revokes every session, in one transaction.
func (s *Store) SetPassword(ctx context.Context, id, passwordHash string) error {
	if passwordHash == "" {
		return fmt.Errorf("users: set password %q: password hash is required", id)
	}
	return s.logOutEverywhere(ctx, "set password", id, `UPDATE users
		SET password_hash = $3, password_changed_at = $2, token_generation = token_generation + 1, updated_at = $2
		WHERE id = $1`, passwordHash)
}

// SetRole changes the role, bumps the token generation and revokes every
// session: tokens carry the role, and a user promoted to staff must log in
// again to meet staff rules such as REQUIRE_2FA_FOR_STAFF. Moving the last
// enabled admin to another role fails with ErrLastAdmin, atomically with
// the change (keepOneAdmin).
func (s *Store) SetRole(ctx context.Context, id string, role Role) error {
	if !role.Valid() {
		return fmt.Errorf("users: set role %q: invalid role", id)
	}
	var check func(ctx context.Context, tx *sql.Tx) error
	if role != RoleAdmin {
		check = func(ctx context.Context, tx *sql.Tx) error { return keepOneAdmin(ctx, s.db, tx, id) }
	}
	return s.logOutEverywhereIf(ctx, "set role", id, check, `UPDATE users
		SET role = $3, token_generation = token_generation + 1, updated_at = $2
		WHERE id = $1`, string(role))
}

// IsEnabledSupport reports whether id is an enabled support account: who
// orders may be assigned to. It reads the role and the flag alone, nothing
// that needs decrypting; an unknown id is false, not an error.
func (s *Store) IsEnabledSupport(ctx context.Context, id string) (bool, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var (
		role     string
		disabled bool
	)
	err := s.db.SQL().QueryRowContext(ctx, `SELECT role, disabled FROM users WHERE id = $1`, id).Scan(&role, &disabled)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("users: role of %q: %w", id, err)
	}
	return Role(role) == RoleSupport && !disabled, nil
}

// SetDisabled disables or re-enables the account. Disabling bumps the token
// generation and revokes every session in the same transaction; enabling
// changes nothing else. Disabling the last enabled admin fails with
// ErrLastAdmin, atomically with the change (keepOneAdmin).
func (s *Store) SetDisabled(ctx context.Context, id string, disabled bool) error {
	if disabled {
		check := func(ctx context.Context, tx *sql.Tx) error { return keepOneAdmin(ctx, s.db, tx, id) }
		return s.logOutEverywhereIf(ctx, "disable", id, check, `UPDATE users
			SET disabled = TRUE, token_generation = token_generation + 1, updated_at = $2
			WHERE id = $1`)
	}
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	err := execOne(ctx, s.db.SQL(), `UPDATE users SET disabled = FALSE, updated_at = $2 WHERE id = $1`, id, s.nowUS())
	s.accessChanged(ctx)
	if err != nil {
		return fmt.Errorf("users: enable %q: %w", id, err)
	}
	return nil
}

// BumpGeneration is "log out everywhere": every access token issued so far
// stops verifying and every session is revoked.
func (s *Store) BumpGeneration(ctx context.Context, id string) error {
	return s.logOutEverywhere(ctx, "bump generation", id, `UPDATE users
		SET token_generation = token_generation + 1, updated_at = $2
		WHERE id = $1`)
}

// RecordLoginFailure counts a failed login for user id. When the count
// reaches threshold the account is locked until now+lockFor and the count
// starts again from zero (issue 3, "Per account"). It is one compare-and-set
// statement, so concurrent failures from any number of instances are each
// counted once and lock the account once; failures while the account is
// locked are not counted and do not extend the lock.
//
// failures is the consecutive failures counted including this one — equal to
// threshold exactly when this call locked the account — or 0 when the
// account was already locked. lockedUntil is non-zero when the account is
// locked after the call.
func (s *Store) RecordLoginFailure(ctx context.Context, id string, threshold int, lockFor time.Duration) (failures int, lockedUntil time.Time, err error) {
	if threshold < 1 || lockFor.Microseconds() < 1 {
		return 0, time.Time{}, fmt.Errorf("users: record login failure %q: threshold and lock duration must be positive", id)
	}
	now := s.nowUS()
	until := now + lockFor.Microseconds()
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var locked int64
	// SET expressions read the row as it was before the update, on both
	// databases. On PostgreSQL a concurrent update of the row makes this one
	// wait and then re-evaluate WHERE and SET against the committed row, so
	// no increment is lost.
	err = s.db.SQL().QueryRowContext(ctx, `UPDATE users SET
			failed_logins = CASE WHEN failed_logins + 1 >= $2 THEN 0 ELSE failed_logins + 1 END,
			locked_until = CASE WHEN failed_logins + 1 >= $2 THEN $3 ELSE locked_until END,
			updated_at = $4
		WHERE id = $1 AND locked_until <= $4
		RETURNING failed_logins, locked_until`, id, threshold, until, now).Scan(&failures, &locked)
	switch {
	case err == nil && locked > now:
		// Only this call can have set a lock in the future: WHERE admitted
		// the row because it was not locked.
		return threshold, storage.Time(locked), nil
	case err == nil:
		return failures, time.Time{}, nil
	case !errors.Is(err, sql.ErrNoRows):
		return 0, time.Time{}, fmt.Errorf("users: record login failure %q: %w", id, err)
	}
	// No row changed: no such user, or locked already.
	err = s.db.SQL().QueryRowContext(ctx, `SELECT locked_until FROM users WHERE id = $1`, id).Scan(&locked)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("users: record login failure %q: %w", id, err)
	}
	return 0, storage.Time(locked), nil
}

// RecordLoginSuccess resets the failure count. It does not lift a lock: a
// login cannot succeed while locked, and a success racing a locking failure
// must not undo the lock.
func (s *Store) RecordLoginSuccess(ctx context.Context, id string) error {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	if err := execOne(ctx, s.db.SQL(), `UPDATE users SET failed_logins = 0 WHERE id = $1`, id); err != nil {
		return fmt.Errorf("users: record login success %q: %w", id, err)
	}
	return nil
}

// Unlock lifts a lockout and resets the failure count (an admin's action).
func (s *Store) Unlock(ctx context.Context, id string) error {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	err := execOne(ctx, s.db.SQL(), `UPDATE users SET failed_logins = 0, locked_until = 0, updated_at = $2 WHERE id = $1`, id, s.nowUS())
	if err != nil {
		return fmt.Errorf("users: unlock %q: %w", id, err)
	}
	return nil
}
