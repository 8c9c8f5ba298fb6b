package api

import (
	"time"

	"supportbot/internal/auth"
	"supportbot/internal/users"
)

// The views below are what the identity API shows of accounts and sessions.
// Each is built field by field from users.User or users.Session, never by
// encoding those types, so the password hash, the TOTP secret and step, the
// token generation and the lock counters of someone else can never slip
// into a response (DESIGN.md invariant 5).

// accountView is an account as its owner sees it (register, GET and
// PATCH /me).
type accountView struct {
	ID                string    `json:"id"`
	Role              auth.Role `json:"role"`
	Email             string    `json:"email"`
	Name              string    `json:"name"`
	Phone             string    `json:"phone"`
	TwoFactorEnabled  bool      `json:"two_factor_enabled"`
	TwoFactorPending  bool      `json:"two_factor_pending"` // enrolment begun, not confirmed
	CreatedAt         time.Time `json:"created_at"`
	PasswordChangedAt time.Time `json:"password_changed_at"`
}

func newAccountView(u users.User) accountView {
	return accountView{
		ID:                u.ID,
		Role:              auth.Role(u.Role),
		Email:             u.Email,
		Name:              u.Name,
		Phone:             u.Phone,
		TwoFactorEnabled:  u.TOTPEnabled,
		TwoFactorPending:  u.HasTOTPSecret && !u.TOTPEnabled,
		CreatedAt:         u.CreatedAt.UTC(),
		PasswordChangedAt: u.PasswordChangedAt.UTC(),
	}
}

// userView is an account as an admin sees it: the owner's view plus the
// state an admin acts on.
type userView struct {
	accountView
	Disabled     bool       `json:"disabled"`
	Locked       bool       `json:"locked"`
	LockedUntil  *time.Time `json:"locked_until,omitempty"` // while locked
	FailedLogins int        `json:"failed_logins"`
	UpdatedAt    time.Time  `json:"updated_at"`
}

func newUserView(u users.User, now time.Time) userView {
	v := userView{
		accountView:  newAccountView(u),
		Disabled:     u.Disabled,
		Locked:       u.Locked(now),
		FailedLogins: u.FailedLogins,
		UpdatedAt:    u.UpdatedAt.UTC(),
	}
	if v.Locked {
		until := u.LockedUntil.UTC()
		v.LockedUntil = &until
	}
	return v
}

// sessionView is one of the caller's sessions (issue 3, "created, last
// used, IP, user agent"). Current marks the session of the access token
// the request was made with.
type sessionView struct {
	ID         string    `json:"id"`
	CreatedAt  time.Time `json:"created_at"`
	LastUsedAt time.Time `json:"last_used_at"`
	ExpiresAt  time.Time `json:"expires_at"`
	IP         string    `json:"ip"`
	UserAgent  string    `json:"user_agent"`
	Current    bool      `json:"current"`
}

func newSessionView(s users.Session, current string) sessionView {
	return sessionView{
		ID:         s.ID,
		CreatedAt:  s.CreatedAt.UTC(),
		LastUsedAt: s.LastUsedAt.UTC(),
		ExpiresAt:  s.ExpiresAt.UTC(),
		IP:         s.IP,
		UserAgent:  s.UserAgent,
		Current:    current != "" && s.ID == current,
	}
}

// enrollmentView is a new TOTP secret, shown once: the base32 secret for
// manual entry, the otpauth:// URI and a PNG QR code of it.
type enrollmentView struct {
	Secret      string `json:"secret"`
	OTPAuthURI  string `json:"otpauth_uri"`
	QRPNGBase64 []byte `json:"qr_png_base64"` // encoding/json writes []byte as standard base64
}

// recoveryCodesView carries recovery codes, shown once.
type recoveryCodesView struct {
	RecoveryCodes []string `json:"recovery_codes"`
}
