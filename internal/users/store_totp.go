package users

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"supportbot/internal/crypto"
)

// totpAAD binds a TOTP secret ciphertext to its user's row.
func totpAAD(id string) crypto.AAD {
	return crypto.AAD{Table: "users", Column: "totp_secret_enc", RowID: id}
}

// SetTOTPSecret stores a pending TOTP secret for enrolment; it takes effect
// when EnableTOTP confirms it. While TOTP is enabled it fails with
// ErrTOTPEnabled: the secret in use is never replaced silently, TOTP must be
// disabled first.
func (s *Store) SetTOTPSecret(ctx context.Context, id string, secret []byte) error {
	if len(secret) == 0 {
		return fmt.Errorf("users: set totp secret %q: secret is empty", id)
	}
	enc, err := s.keys.Encrypt(secret, totpAAD(id))
	if err != nil {
		return fmt.Errorf("users: set totp secret %q: %w", id, err)
	}
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	err = execOne(ctx, s.db.SQL(), `UPDATE users SET totp_secret_enc = $2, updated_at = $3
		WHERE id = $1 AND totp_enabled = FALSE`, id, enc, s.nowUS())
	if errors.Is(err, ErrNotFound) {
		var ok bool
		if ok, err = exists(ctx, s.db.SQL(), id); ok {
			err = ErrTOTPEnabled
		} else if err == nil {
			err = ErrNotFound
		}
	}
	if err != nil {
		return fmt.Errorf("users: set totp secret %q: %w", id, err)
	}
	return nil
}

// TOTPSecret returns the user's TOTP secret, pending or enabled, or
// ErrNotFound when there is none. The caller zeroes it after use
// (securemem.Zero; invariant 5).
func (s *Store) TOTPSecret(ctx context.Context, id string) ([]byte, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var enc string
	err := s.db.SQL().QueryRowContext(ctx, `SELECT totp_secret_enc FROM users WHERE id = $1`, id).Scan(&enc)
	if errors.Is(err, sql.ErrNoRows) || err == nil && enc == "" {
		err = ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("users: totp secret %q: %w", id, err)
	}
	secret, err := s.keys.Decrypt(enc, totpAAD(id))
	if err != nil {
		return nil, fmt.Errorf("users: totp secret %q: %w", id, err)
	}
	return secret, nil
}

// EnableTOTP turns on the pending secret after the user proved it with the
// code of time step step, which becomes the last used step (so that code
// cannot be replayed), and replaces the recovery codes with recoveryHashes
// (hashes of single-use codes, crypto.HashToken), in one transaction. It
// fails with ErrTOTPEnabled when already enabled, ErrNotFound when there is
// no pending secret and ErrReplay when step is not after the last used one.
func (s *Store) EnableTOTP(ctx context.Context, id string, step int64, recoveryHashes []string) error {
	seen := make(map[string]bool, len(recoveryHashes))
	for _, h := range recoveryHashes {
		if !isHash(h) || seen[h] {
			return fmt.Errorf("users: enable totp %q: recovery codes must be distinct hashes", id)
		}
		seen[h] = true
	}
	now := s.nowUS()
	err := s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		n, err := execN(ctx, tx, `UPDATE users SET totp_enabled = TRUE, totp_last_step = $2, updated_at = $3
			WHERE id = $1 AND totp_enabled = FALSE AND totp_secret_enc <> '' AND totp_last_step < $2`, id, step, now)
		if err != nil {
			return err
		}
		if n == 0 {
			return enableFailure(ctx, tx, id)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, id); err != nil {
			return err
		}
		for _, h := range recoveryHashes {
			if _, err := tx.ExecContext(ctx, `INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)`, id, h); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("users: enable totp %q: %w", id, err)
	}
	return nil
}

// enableFailure tells why EnableTOTP's compare-and-set changed nothing.
func enableFailure(ctx context.Context, tx *sql.Tx, id string) error {
	var enabled, hasSecret bool
	err := tx.QueryRowContext(ctx, `SELECT totp_enabled, totp_secret_enc <> '' FROM users WHERE id = $1`, id).Scan(&enabled, &hasSecret)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return ErrNotFound
	case err != nil:
		return err
	case enabled:
		return ErrTOTPEnabled
	case !hasSecret:
		return fmt.Errorf("no pending secret: %w", ErrNotFound)
	default:
		return ErrReplay
	}
}

// DisableTOTP removes the secret and the recovery codes, bumps the token
// generation and revokes every session, in one transaction (issue 3: a 2FA
// reset logs out everywhere). The last used step is kept, so a code from
// the old secret's last step cannot be replayed against a re-enrolment.
func (s *Store) DisableTOTP(ctx context.Context, id string) error {
	now := s.nowUS()
	err := s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		err := execOne(ctx, tx, `UPDATE users
			SET totp_secret_enc = '', totp_enabled = FALSE, token_generation = token_generation + 1, updated_at = $2
			WHERE id = $1`, id, now)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, id); err != nil {
			return err
		}
		_, err = revokeSessions(ctx, tx, id, now)
		return err
	})
	s.accessChanged(ctx)
	if err != nil {
		return fmt.Errorf("users: disable totp %q: %w", id, err)
	}
	return nil
}

// AdvanceTOTPStep records that the code of time step step was accepted. It
// succeeds only when step is later than the last accepted step — one
// compare-and-set statement, so of two logins presenting the same code, on
// any instances, exactly one succeeds — and fails with ErrReplay otherwise
// (issue 3: "a code already used is refused"; ASVS 4.0.3 2.8.4).
func (s *Store) AdvanceTOTPStep(ctx context.Context, id string, step int64) error {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	err := execOne(ctx, s.db.SQL(), `UPDATE users SET totp_last_step = $2 WHERE id = $1 AND totp_last_step < $2`, id, step)
	if errors.Is(err, ErrNotFound) {
		var ok bool
		if ok, err = exists(ctx, s.db.SQL(), id); ok {
			err = ErrReplay
		} else if err == nil {
			err = ErrNotFound
		}
	}
	if err != nil {
		return fmt.Errorf("users: advance totp step %q: %w", id, err)
	}
	return nil
}

// UseRecoveryCode spends the user's recovery code with hash codeHash. It is
// a compare-and-set on used_at, so a code works once even when presented
// concurrently; an unknown or already used code is ErrNotFound.
func (s *Store) UseRecoveryCode(ctx context.Context, id, codeHash string) error {
	if !isHash(codeHash) {
		return fmt.Errorf("users: use recovery code %q: not a hash", id)
	}
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	err := execOne(ctx, s.db.SQL(), `UPDATE recovery_codes SET used_at = $3
		WHERE user_id = $1 AND code_hash = $2 AND used_at = 0`, id, codeHash, s.nowUS())
	if err != nil {
		return fmt.Errorf("users: use recovery code %q: %w", id, err)
	}
	return nil
}

// RecoveryCodesLeft returns how many unused recovery codes the user has.
func (s *Store) RecoveryCodesLeft(ctx context.Context, id string) (int, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var n int
	err := s.db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM recovery_codes WHERE user_id = $1 AND used_at = 0`, id).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("users: recovery codes left %q: %w", id, err)
	}
	return n, nil
}
