package users

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"supportbot/internal/storage"
)

// Stored lengths of the request metadata kept with a session. They are shown
// to the user, never trusted; the cap keeps a huge User-Agent header from
// growing the table.
const (
	maxIP        = 64
	maxUserAgent = 512
	maxJTI       = 128
)

// sessionColumns is the column list scanSession reads.
const sessionColumns = `id, user_id, created_at, last_used_at, expires_at, revoked_at, ip, user_agent_enc`

func (s *Store) scanSession(row storage.Scanner) (Session, error) {
	var (
		ss                              Session
		created, used, expires, revoked int64
		uaEnc                           string
	)
	err := row.Scan(&ss.ID, &ss.UserID, &created, &used, &expires, &revoked, &ss.IP, &uaEnc)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return Session{}, ErrNotFound
		}
		return Session{}, err
	}
	ss.CreatedAt, ss.LastUsedAt = storage.Time(created), storage.Time(used)
	ss.ExpiresAt, ss.RevokedAt = storage.Time(expires), storage.Time(revoked)
	if ss.UserAgent, err = s.unseal("sessions", "user_agent_enc", ss.ID, uaEnc); err != nil {
		return Session{}, err
	}
	return ss, nil
}

// CreateSession starts a refresh-token family at login with its first token.
// It fails with ErrExpired when the user is disabled or their token
// generation is no longer ns.Generation, and with ErrNotFound when there is
// no such user.
func (s *Store) CreateSession(ctx context.Context, ns NewSession) (Session, error) {
	if !isHash(ns.TokenHash) {
		return Session{}, errors.New("users: create session: token is not a hash")
	}
	if ns.Generation < 1 || ns.TTL.Microseconds() < 1 {
		return Session{}, errors.New("users: create session: generation and TTL must be positive")
	}
	id := storage.NewID()
	now := s.nowUS()
	ua := truncate(ns.UserAgent, maxUserAgent)
	uaEnc, err := s.seal("sessions", "user_agent_enc", id, ua)
	if err != nil {
		return Session{}, fmt.Errorf("users: create session: %w", err)
	}
	ss := Session{
		ID: id, UserID: ns.UserID, IP: truncate(ns.IP, maxIP), UserAgent: ua,
		CreatedAt: storage.Time(now), LastUsedAt: storage.Time(now), ExpiresAt: storage.Time(now + ns.TTL.Microseconds()),
	}
	err = s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		// A no-op update that matches only while the user is enabled and
		// still at the generation the credentials were checked against. It
		// takes the user row's lock on PostgreSQL: a concurrent password
		// change (or disable, …) either committed first, and nothing
		// matches, or waits for this session to exist and then revokes it.
		// On SQLite the IMMEDIATE transaction serialises the two anyway.
		n, err := execN(ctx, tx, `UPDATE users SET token_generation = token_generation
			WHERE id = $1 AND token_generation = $2 AND disabled = FALSE`, ns.UserID, ns.Generation)
		if err != nil {
			return err
		}
		if n == 0 {
			ok, err := exists(ctx, tx, ns.UserID)
			if err != nil {
				return err
			}
			if ok {
				return ErrExpired
			}
			return ErrNotFound
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO sessions
			(id, user_id, created_at, last_used_at, expires_at, ip, user_agent_enc)
			VALUES ($1, $2, $3, $3, $4, $5, $6)`,
			id, ns.UserID, now, now+ns.TTL.Microseconds(), ss.IP, uaEnc)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO refresh_tokens (token_hash, session_id, created_at) VALUES ($1, $2, $3)`,
			ns.TokenHash, id, now)
		return err
	})
	if err != nil {
		return Session{}, fmt.Errorf("users: create session for %q: %w", ns.UserID, err)
	}
	return ss, nil
}

// Rotate exchanges the refresh token hashed oldHash for newHash in one
// transaction (issue 3: "rotated on every use") and returns the session and
// its user as of the rotation, from which the caller mints the access token.
//
//   - unknown token: ErrNotFound;
//   - a token already rotated: its family is revoked (committed) and a
//     *ReuseError is returned, also when the family was revoked before, so
//     every replay is audited;
//   - session revoked or past its absolute expiry: ErrExpired;
//   - otherwise oldHash is marked used, newHash added, last_used_at set.
//
// Of two concurrent rotations of one token exactly one succeeds and the
// other gets ErrReuse, on either database.
func (s *Store) Rotate(ctx context.Context, oldHash, newHash string) (Session, User, error) {
	if !isHash(oldHash) || !isHash(newHash) || oldHash == newHash {
		return Session{}, User{}, errors.New("users: rotate: tokens must be two distinct hashes")
	}
	now := s.nowUS()
	var (
		reuse *ReuseError
		ss    Session
		u     User
	)
	err := s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var sessionID, userID string
		var usedAt int64
		err := tx.QueryRowContext(ctx, `SELECT t.session_id, t.used_at, s.user_id
			FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id
			WHERE t.token_hash = $1`, oldHash).Scan(&sessionID, &usedAt, &userID)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		claimed := false
		if usedAt == 0 {
			// Claim the token by compare-and-set. On PostgreSQL a concurrent
			// rotation of the same token waits here for the row lock and
			// then, finding used_at set, matches nothing: it is the reuse.
			n, err := execN(ctx, tx, `UPDATE refresh_tokens SET used_at = $2 WHERE token_hash = $1 AND used_at = 0`, oldHash, now)
			if err != nil {
				return err
			}
			claimed = n == 1
		}
		if !claimed {
			if _, err := tx.ExecContext(ctx, `UPDATE sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at = 0`, sessionID, now); err != nil {
				return err
			}
			reuse = &ReuseError{SessionID: sessionID, UserID: userID}
			return nil // commit the revocation; the error is returned below
		}
		// Touch the session only while it is active. This takes its row
		// lock, so a concurrent revocation either committed first (nothing
		// matches: ErrExpired, and rolling back un-claims the token) or
		// waits and then revokes the family with the new token in it.
		ss, err = s.scanSession(tx.QueryRowContext(ctx, `UPDATE sessions SET last_used_at = $2
			WHERE id = $1 AND revoked_at = 0 AND expires_at > $2
			RETURNING `+sessionColumns, sessionID, now))
		if errors.Is(err, ErrNotFound) {
			return ErrExpired
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO refresh_tokens (token_hash, session_id, created_at) VALUES ($1, $2, $3)`,
			newHash, sessionID, now); err != nil {
			return err
		}
		// Read the user after locking the session: a generation bump that
		// commits later also revokes this family, so an access token minted
		// from this generation can never outlive "log out everywhere".
		u, err = s.scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, userID))
		return err
	})
	if err != nil {
		return Session{}, User{}, fmt.Errorf("users: rotate: %w", err)
	}
	if reuse != nil {
		return Session{}, User{}, reuse
	}
	return ss, u, nil
}

// ListSessions returns the user's active sessions, most recently used first.
func (s *Store) ListSessions(ctx context.Context, userID string) ([]Session, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	rows, err := s.db.SQL().QueryContext(ctx, `SELECT `+sessionColumns+` FROM sessions
		WHERE user_id = $1 AND revoked_at = 0 AND expires_at > $2
		ORDER BY last_used_at DESC, id`, userID, s.nowUS())
	if err != nil {
		return nil, fmt.Errorf("users: list sessions of %q: %w", userID, err)
	}
	defer rows.Close()
	var out []Session
	for rows.Next() {
		ss, err := s.scanSession(rows)
		if err != nil {
			return nil, fmt.Errorf("users: list sessions of %q: %w", userID, err)
		}
		out = append(out, ss)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("users: list sessions of %q: %w", userID, err)
	}
	return out, nil
}

// RevokeSession revokes one of the user's own sessions. Another user's
// session, an unknown one or one already revoked is ErrNotFound, alike
// (DESIGN.md invariant 2).
func (s *Store) RevokeSession(ctx context.Context, userID, sessionID string) error {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	err := execOne(ctx, s.db.SQL(), `UPDATE sessions SET revoked_at = $3
		WHERE id = $2 AND user_id = $1 AND revoked_at = 0`, userID, sessionID, s.nowUS())
	if err != nil {
		return fmt.Errorf("users: revoke session %q of %q: %w", sessionID, userID, err)
	}
	return nil
}

// RevokeAllSessions revokes every active session of the user and returns how
// many there were. Access tokens already issued stay valid until they
// expire; BumpGeneration cuts those off too.
func (s *Store) RevokeAllSessions(ctx context.Context, userID string) (int, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	n, err := revokeSessions(ctx, s.db.SQL(), userID, s.nowUS())
	if err != nil {
		return 0, fmt.Errorf("users: revoke all sessions of %q: %w", userID, err)
	}
	return int(n), nil
}

// RevokeSessionByToken is logout: it revokes the family of the refresh
// token hashed tokenHash and returns the session (for the audit event). A
// family revoked already is returned as it is; an unknown token is
// ErrNotFound.
func (s *Store) RevokeSessionByToken(ctx context.Context, tokenHash string) (Session, error) {
	if !isHash(tokenHash) {
		return Session{}, errors.New("users: revoke session by token: not a hash")
	}
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	ss, err := s.scanSession(s.db.SQL().QueryRowContext(ctx, `UPDATE sessions
		SET revoked_at = CASE WHEN revoked_at = 0 THEN $2 ELSE revoked_at END
		WHERE id = (SELECT session_id FROM refresh_tokens WHERE token_hash = $1)
		RETURNING `+sessionColumns, tokenHash, s.nowUS()))
	if err != nil {
		return Session{}, fmt.Errorf("users: revoke session by token: %w", err)
	}
	return ss, nil
}

// RevokeAccessToken puts an access token's jti on the denylist until
// expiresAt, its own expiry, after which PurgeExpired drops it (issue 3:
// "Logout … denies the access token's jti until it expires"). Revoking a
// jti twice is not an error.
func (s *Store) RevokeAccessToken(ctx context.Context, jti string, expiresAt time.Time) error {
	if jti == "" || len(jti) > maxJTI {
		return errors.New("users: revoke access token: invalid jti")
	}
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	_, err := s.db.SQL().ExecContext(ctx, `INSERT INTO revoked_tokens (jti, expires_at) VALUES ($1, $2)
		ON CONFLICT (jti) DO NOTHING`, jti, expiresAt.UnixMicro())
	s.accessChanged(ctx)
	if err != nil {
		return fmt.Errorf("users: revoke access token: %w", err)
	}
	return nil
}

// IsAccessTokenRevoked reports whether jti is on the denylist.
func (s *Store) IsAccessTokenRevoked(ctx context.Context, jti string) (bool, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var one int
	err := s.db.SQL().QueryRowContext(ctx, `SELECT 1 FROM revoked_tokens WHERE jti = $1`, jti).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("users: is access token revoked: %w", err)
	}
	return true, nil
}

// PurgeExpired deletes denylist entries whose tokens have expired and
// sessions past their absolute expiry with all their refresh tokens (a
// token of an expired family can no longer be used, so reuse detection
// loses nothing). It returns how many of each it deleted.
func (s *Store) PurgeExpired(ctx context.Context) (tokens, sessions int64, err error) {
	now := s.nowUS()
	err = s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if tokens, err = execN(ctx, tx, `DELETE FROM revoked_tokens WHERE expires_at <= $1`, now); err != nil {
			return err
		}
		// refresh_tokens go with their session: ON DELETE CASCADE.
		sessions, err = execN(ctx, tx, `DELETE FROM sessions WHERE expires_at <= $1`, now)
		return err
	})
	if err != nil {
		return 0, 0, fmt.Errorf("users: purge expired: %w", err)
	}
	return tokens, sessions, nil
}

// AccessState is what checking an access token needs to know about its
// user, read without decrypting anything.
type AccessState struct {
	Role            Role
	Disabled        bool
	TokenGeneration int64
	// Revoked means the token's jti is on the deny list (logged out).
	Revoked bool
}

// AccessStateOf reads the user's role, disabled flag and token generation,
// and whether jti is denied, in one prepared query. It runs on every
// authenticated request, so it decrypts no PII (Get would decrypt the
// email, name and phone for nothing). A missing user is ErrNotFound. On
// SQLite the answer usually comes from memory (access_cache.go).
func (s *Store) AccessStateOf(ctx context.Context, userID, jti string) (AccessState, error) {
	if s.access == nil {
		return s.readAccessState(ctx, userID, jti)
	}
	st, hit, remember, gen := s.access.lookup(ctx, s, userID, jti)
	if hit {
		return st, nil
	}
	st, err := s.readAccessState(ctx, userID, jti)
	if err == nil && remember {
		s.access.remember(userID, jti, st, gen)
	}
	return st, err
}

// readAccessState is AccessStateOf's query.
func (s *Store) readAccessState(ctx context.Context, userID, jti string) (AccessState, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	stmt, err := s.accessStatement(ctx)
	if err != nil {
		return AccessState{}, fmt.Errorf("users: access state: %w", err)
	}
	var (
		st   AccessState
		role string
	)
	err = stmt.QueryRowContext(ctx, userID, jti).Scan(&role, &st.Disabled, &st.TokenGeneration, &st.Revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return AccessState{}, fmt.Errorf("users: access state of %q: %w", userID, ErrNotFound)
	}
	if err != nil {
		return AccessState{}, fmt.Errorf("users: access state of %q: %w", userID, err)
	}
	st.Role = Role(role)
	return st, nil
}

const accessStateQuery = `SELECT role, disabled, token_generation, EXISTS (SELECT 1 FROM revoked_tokens WHERE jti = $2) FROM users WHERE id = $1`

// accessStatement returns AccessStateOf's statement, prepared once. A
// failed preparation (the database briefly away) is not kept: the next
// call tries again, within its own deadline (found by review).
func (s *Store) accessStatement(ctx context.Context) (*sql.Stmt, error) {
	if st := s.accessStmt.Load(); st != nil {
		return st, nil
	}
	st, err := s.db.SQL().PrepareContext(ctx, accessStateQuery)
	if err != nil {
		return nil, err
	}
	if !s.accessStmt.CompareAndSwap(nil, st) {
		_ = st.Close() // another caller prepared it first
		return s.accessStmt.Load(), nil
	}
	return st, nil
}
