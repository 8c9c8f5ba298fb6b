// Package users persists accounts, sessions (refresh-token families), the
// access-token denylist and TOTP recovery codes. It holds no policy: password
// rules, bcrypt, JWT and TOTP verification live in internal/auth, which calls
// this package. What users does is store what it is given with PII encrypted
// (DESIGN.md invariant 4), and make every state transition that security
// depends on atomic in SQL, on SQLite and PostgreSQL alike and across
// instances: the lockout counter, single-use TOTP steps and recovery codes,
// refresh-token rotation with reuse detection, and "log out everywhere".
package users

import (
	"errors"
	"time"
)

// Errors returned by Store. Test with errors.Is; they are wrapped with the
// operation and an id, never with PII, hashes or tokens.
var (
	// ErrNotFound means no such user, session, token, TOTP secret or unused
	// recovery code — or one that belongs to someone else, which is
	// deliberately not told apart (DESIGN.md invariant 2).
	ErrNotFound = errors.New("not found")
	// ErrEmailTaken means another account has the same normalised email.
	ErrEmailTaken = errors.New("email address already registered")
	// ErrReuse means a refresh token was presented after it had been
	// rotated: the whole family has been revoked. The error is a
	// *ReuseError naming the session and user to audit.
	ErrReuse = errors.New("refresh token reused")
	// ErrReplay means a TOTP time step was not later than the last one
	// accepted for the user: the code has been used already.
	ErrReplay = errors.New("one-time code already used")
	// ErrExpired means the session is revoked or past its absolute expiry,
	// or, for CreateSession, that the user changed (password, role,
	// disabled, log out everywhere) after the credentials were checked.
	ErrExpired = errors.New("session expired or revoked")
	// ErrTOTPEnabled means the operation needs TOTP to be off (a new secret
	// would silently replace the one in use), or it is already on.
	ErrTOTPEnabled = errors.New("two-factor authentication already enabled")
)

// ReuseError is returned by Rotate when a rotated refresh token comes back:
// a sign it was stolen (issue 3, "Tokens and sessions"; OWASP ASVS 4.0.3
// 3.5.2 and RFC 9700 4.14.2). The family has been revoked before the error
// is returned. errors.Is(err, ErrReuse) holds.
type ReuseError struct {
	SessionID string
	UserID    string
}

func (e *ReuseError) Error() string {
	return "users: rotate: " + ErrReuse.Error() + ": session " + e.SessionID + " of user " + e.UserID + " revoked"
}

// Is makes errors.Is(err, ErrReuse) true.
func (e *ReuseError) Is(target error) bool { return target == ErrReuse }

// Role is a user's role. Authorization policy lives in internal/auth; this
// package only refuses to store anything else.
type Role string

// The three roles (issue 3). The migration's CHECK constraint lists the same.
const (
	RoleCustomer Role = "customer"
	RoleSupport  Role = "support"
	RoleAdmin    Role = "admin"
)

// Valid reports whether r is one of the three roles.
func (r Role) Valid() bool {
	return r == RoleCustomer || r == RoleSupport || r == RoleAdmin
}

// User is an account with its PII decrypted. The TOTP secret is not part of
// it: read it with Store.TOTPSecret only when verifying a code.
type User struct {
	ID                string
	Role              Role
	Email             string
	Name              string
	Phone             string
	PasswordHash      string
	HasTOTPSecret     bool // a secret is stored, pending or enabled
	TOTPEnabled       bool
	TOTPLastStep      int64
	Disabled          bool
	FailedLogins      int
	LockedUntil       time.Time // zero when never locked
	PasswordChangedAt time.Time
	// TokenGeneration goes into every access token; an access token with an
	// older generation is refused. It starts at 1.
	TokenGeneration int64
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// Locked reports whether the account is locked out at now.
func (u User) Locked(now time.Time) bool { return u.LockedUntil.After(now) }

// NewUser is what Create stores. PasswordHash is the finished hash (bcrypt);
// this package never sees a password.
type NewUser struct {
	Role         Role
	Email        string
	Name         string
	Phone        string // "" for none
	PasswordHash string
}

// ListFilter selects and pages users for List, oldest first.
type ListFilter struct {
	Role   Role // "" for every role
	Limit  int  // 0 means DefaultListLimit; at most MaxListLimit
	Offset int
}

// Page sizes for List.
const (
	DefaultListLimit = 50
	MaxListLimit     = 200
)

// Session is one refresh-token family: created at login, rotated on each
// refresh, revoked as a whole by logout or reuse.
type Session struct {
	ID         string
	UserID     string
	IP         string
	UserAgent  string
	CreatedAt  time.Time
	LastUsedAt time.Time
	ExpiresAt  time.Time // absolute: rotation never extends it
	RevokedAt  time.Time // zero while not revoked
}

// Active reports whether refresh tokens of the session may be used at now.
func (s Session) Active(now time.Time) bool {
	return s.RevokedAt.IsZero() && now.Before(s.ExpiresAt)
}

// NewSession is what CreateSession stores.
type NewSession struct {
	UserID string
	// Generation is the user's TokenGeneration read when the credentials
	// were checked. When it has changed since (password change, disable,
	// role change, log out everywhere), no session is created: otherwise a
	// login racing a password change would outlive it.
	Generation int64
	// TokenHash is the hash of the first refresh token (crypto.HashToken).
	TokenHash string
	IP        string
	UserAgent string
	// TTL is REFRESH_TOKEN_TTL: the family expires TTL after creation,
	// however often it is rotated.
	TTL time.Duration
}
