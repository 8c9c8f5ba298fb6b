package auth

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"supportbot/internal/audit"
	"supportbot/internal/ratelimit"
	"supportbot/internal/users"
)

// Service defaults: the values of issue 3's options when ServiceConfig
// leaves them zero.
const (
	DefaultLoginMaxAttempts = 5                  // LOGIN_MAX_ATTEMPTS
	DefaultLoginWindow      = 15 * time.Minute   // LOGIN_WINDOW
	DefaultLockoutThreshold = 5                  // LOCKOUT_THRESHOLD
	DefaultLockoutDuration  = 15 * time.Minute   // LOCKOUT_DURATION
	DefaultRefreshTTL       = 7 * 24 * time.Hour // REFRESH_TOKEN_TTL
	DefaultTOTPIssuer       = "supportbot"
)

// maxRefreshTokenBytes bounds a presented refresh token before it is hashed
// and looked up; ours are 43 characters.
const maxRefreshTokenBytes = 256

// ServiceConfig holds the options of the authentication flows. A zero
// number or duration means the default above; the two switches have no
// default here because the config table owns them (REGISTRATION_OPEN is on
// by default, REQUIRE_2FA_FOR_STAFF on in production).
type ServiceConfig struct {
	// LoginMaxAttempts attempts per LoginWindow per client IP (or IPv6 /64)
	// for login, registration and the MFA step (issue 3, "Per client IP").
	LoginMaxAttempts int
	LoginWindow      time.Duration
	// LockoutThreshold consecutive failures lock an account for
	// LockoutDuration, whatever IPs they come from (issue 3, "Per account").
	LockoutThreshold int
	LockoutDuration  time.Duration
	// RefreshTTL is the absolute lifetime of a session (refresh family).
	RefreshTTL time.Duration
	// RegistrationOpen lets customers register themselves.
	RegistrationOpen bool
	// Require2FAForStaff makes support and admin users complete TOTP at
	// every login and enrol before they get a session.
	Require2FAForStaff bool
	// TOTPIssuer names the shop in authenticator apps; no ':' allowed.
	TOTPIssuer string
}

// ServiceDeps are the Service's collaborators, all required. Clock must be
// the same clock the Store, the Tokens and the Limiter read, so lock expiry,
// token lifetimes and limits agree (DESIGN.md invariant 9).
type ServiceDeps struct {
	Users   *users.Store
	Hasher  *Hasher
	Tokens  *Tokens
	Limiter ratelimit.Limiter
	Audit   audit.Recorder
	Clock   func() time.Time
}

// Service runs the authentication and account flows of issue 3 on top of
// the storage-free primitives of this package and the users store. It holds
// no HTTP: handlers decode a request, call one method and encode its result
// or error. It is safe for concurrent use.
//
// Every method that takes a password zeroes it before returning (DESIGN.md
// invariant 5). Audit events carry ids, never passwords, tokens, codes or
// PII; the reason for a refusal is kept in the audit trail, while the caller
// only ever sees the generic error.
type Service struct {
	cfg     ServiceConfig
	users   *users.Store
	hasher  *Hasher
	tokens  *Tokens
	limiter ratelimit.Limiter
	audit   audit.Recorder
	clock   func() time.Time

	attempts ratelimit.Limit // per IP (login, register, MFA) and per user (re-authentication)
	auditCap ratelimit.Limit // one rate-limit audit event per window and key
}

// NewService checks cfg and deps and returns a Service.
func NewService(cfg ServiceConfig, deps ServiceDeps) (*Service, error) {
	setDefault(&cfg.LoginMaxAttempts, DefaultLoginMaxAttempts)
	setDefault(&cfg.LoginWindow, DefaultLoginWindow)
	setDefault(&cfg.LockoutThreshold, DefaultLockoutThreshold)
	setDefault(&cfg.LockoutDuration, DefaultLockoutDuration)
	setDefault(&cfg.RefreshTTL, DefaultRefreshTTL)
	setDefault(&cfg.TOTPIssuer, DefaultTOTPIssuer)
	switch {
	case cfg.LoginMaxAttempts < 1 || cfg.LoginWindow <= 0:
		return nil, fmt.Errorf("auth: service: login limit %d per %s, want positive values", cfg.LoginMaxAttempts, cfg.LoginWindow)
	case cfg.LockoutThreshold < 1 || cfg.LockoutDuration < time.Second:
		return nil, fmt.Errorf("auth: service: lockout after %d for %s, want at least 1 for 1s", cfg.LockoutThreshold, cfg.LockoutDuration)
	case cfg.RefreshTTL < time.Minute:
		return nil, fmt.Errorf("auth: service: refresh token lifetime %s, want at least 1m", cfg.RefreshTTL)
	case strings.Contains(cfg.TOTPIssuer, ":"):
		return nil, errors.New("auth: service: TOTPIssuer must not contain ':'")
	case deps.Users == nil || deps.Hasher == nil || deps.Tokens == nil || deps.Limiter == nil || deps.Audit == nil || deps.Clock == nil:
		return nil, errors.New("auth: service: Users, Hasher, Tokens, Limiter, Audit and Clock are all required")
	}
	return &Service{
		cfg:      cfg,
		users:    deps.Users,
		hasher:   deps.Hasher,
		tokens:   deps.Tokens,
		limiter:  deps.Limiter,
		audit:    deps.Audit,
		clock:    deps.Clock,
		attempts: ratelimit.Limit{Rate: cfg.LoginMaxAttempts, Period: cfg.LoginWindow, Burst: cfg.LoginMaxAttempts},
		auditCap: ratelimit.Limit{Rate: 1, Period: cfg.LoginWindow, Burst: 1},
	}, nil
}

func setDefault[T comparable](v *T, def T) {
	var zero T
	if *v == zero {
		*v = def
	}
}

// Config returns the configuration in effect, defaults filled in.
func (s *Service) Config() ServiceConfig { return s.cfg }

// Meta describes the request a flow runs for. IP is the client address as
// resolved by the HTTP layer (forwarded headers only from trusted proxies);
// it keys the per-IP limits and goes into sessions and audit events with the
// user agent and request ID.
type Meta struct {
	IP        string
	UserAgent string
	RequestID string
}

// TokenPair is what a completed login or a refresh hands to the client.
type TokenPair struct {
	AccessToken      string
	AccessExpiresAt  time.Time
	RefreshToken     string
	RefreshExpiresAt time.Time // the session's absolute expiry: rotation never extends it
	SessionID        string
}

// Principal is an authenticated caller, as established by Authenticate from
// an access token. User is the account as loaded for this request; it holds
// the password hash, so handlers must encode chosen fields, never User
// itself.
type Principal struct {
	UserID string
	Role   Role
	Claims Claims
}

// Actor returns the principal as Authorize sees it.
func (p Principal) Actor() Actor { return Actor{UserID: p.UserID, Role: p.Role} }

var (
	// ErrInvalidCredentials is the one answer to a failed login, whatever
	// the reason kept in the audit trail: unknown email, wrong password,
	// locked or disabled account. It is returned unwrapped, so every failed
	// login yields the identical error value and so the identical response
	// (OWASP Authentication Cheat Sheet, "Authentication and Error
	// Messages"; ASVS 4.0.3 2.2.1; issue 3, "the response never says
	// 'locked' … differently from a wrong password").
	ErrInvalidCredentials = errors.New("auth: invalid email or password")
	// ErrRegistrationClosed means REGISTRATION_OPEN is off.
	ErrRegistrationClosed = errors.New("auth: registration is closed")
	// ErrRateLimited is matched by every *RateLimitedError.
	ErrRateLimited = errors.New("auth: too many attempts")
	// ErrReauthFailed means the current password or TOTP code given to
	// confirm a sensitive change (password, email, 2FA) is wrong, or the
	// account is locked. It counts as a failed login.
	ErrReauthFailed = errors.New("auth: the current password or code is wrong")
	// ErrEnrollmentNotStarted means a TOTP code was given to confirm an
	// enrolment that BeginEnrollment has not started.
	ErrEnrollmentNotStarted = errors.New("auth: two-factor enrolment has not been started")
	// ErrMFANotEnabled means there is no two-factor authentication to disable.
	ErrMFANotEnabled = errors.New("auth: two-factor authentication is not enabled")
	// ErrSelfChange means an admin tried to demote or disable their own
	// account, or reset their own 2FA through user administration. It is
	// refused so an instance never loses its last admin by accident, and
	// so an admin's own second factor changes only through the /me flow,
	// which asks for the current password.
	ErrSelfChange = errors.New("auth: admins cannot demote or disable their own account or reset their own 2FA; ask another admin")

	// ErrEmailTaken is users.ErrEmailTaken, so handlers need only this
	// package's errors.
	ErrEmailTaken = users.ErrEmailTaken
	// ErrMFAEnabled is users.ErrTOTPEnabled: enrolment was asked for while
	// TOTP is on (disable it first).
	ErrMFAEnabled = users.ErrTOTPEnabled
)

// RateLimitedError refuses an attempt over the per-IP (or per-user) limit
// before any work is done. RetryAfter fills the Retry-After header.
type RateLimitedError struct {
	RetryAfter time.Duration
}

// Error says how long to wait; it names no key, IP or account.
func (e *RateLimitedError) Error() string {
	return "auth: too many attempts; retry after " + e.RetryAfter.String()
}

// Is makes errors.Is(err, ErrRateLimited) true.
func (e *RateLimitedError) Is(target error) bool { return target == ErrRateLimited }

// FieldError is invalid input in one field of a request, with a message
// meant for the user. It never contains the value.
type FieldError struct {
	Field   string
	Message string
}

// Error names the field and the problem.
func (e *FieldError) Error() string { return "auth: " + e.Field + ": " + e.Message }

// RuleNotCurrent is the password rule broken by a new password equal to the
// current one.
const RuleNotCurrent PasswordRule = "not_current"

// Audit event types recorded by the Service. Handlers and the alerting rules
// refer to them by these names.
const (
	EventRegistered          = "auth.registered"
	EventRegisterFailed      = "auth.register_failed"
	EventLoginSucceeded      = "auth.login_succeeded"
	EventLoginFailed         = "auth.login_failed"
	EventMFARequired         = "auth.mfa_required"
	EventMFAFailed           = "auth.mfa_failed"
	EventMFAEnabled          = "auth.mfa_enabled"
	EventMFADisabled         = "auth.mfa_disabled"
	EventRecoveryCodeUsed    = "auth.recovery_code_used"
	EventLocked              = "auth.locked"
	EventRefreshReuse        = "auth.refresh_reuse"
	EventLogout              = "auth.logout"
	EventLogoutEverywhere    = "auth.logout_everywhere"
	EventLogoutForeignToken  = "auth.logout_foreign_token" // #nosec G101 -- an event name, not a credential
	EventReauthFailed        = "auth.reauth_failed"
	EventPasswordChanged     = "auth.password_changed"
	EventEmailChanged        = "auth.email_changed"
	EventProfileUpdated      = "auth.profile_updated"
	EventSessionRevoked      = "auth.session_revoked"
	EventRateLimited         = "ratelimit.exceeded"
	EventAccessDenied        = "access.denied"
	EventAdminUserCreated    = "admin.user_created"
	EventAdminRoleChanged    = "admin.role_changed"
	EventAdminUserDisabled   = "admin.user_disabled"
	EventAdminUserEnabled    = "admin.user_enabled"
	EventAdminUserUnlocked   = "admin.user_unlocked"
	EventAdminTwoFactorReset = "admin.2fa_reset"
)

// record appends a security event stamped with the service clock and the
// request's IP and ID. It runs on a context that outlives a client that
// hangs up: an attacker must not keep an attempt out of the trail by
// disconnecting. A failure to record is not the caller's failure: the audit
// store logs the event at ERROR itself when it cannot store it.
func (s *Service) record(ctx context.Context, m Meta, e audit.Event) {
	e.Time = s.clock().UTC()
	e.IP = m.IP
	e.RequestID = m.RequestID
	_ = s.audit.Record(context.WithoutCancel(ctx), e)
}

// allow spends one attempt of key's budget. Over the limit it returns a
// *RateLimitedError and records a ratelimit.exceeded event at most once per
// window for the key, so a flood cannot flood the audit trail. A limiter
// that fails refuses the attempt: brute-force protection fails closed
// (ASVS 4.0.3 1.4.1 / 4.1.5).
func (s *Service) allow(ctx context.Context, key, target string, m Meta) error {
	d, err := s.limiter.Allow(ctx, key, s.attempts)
	if err != nil {
		return fmt.Errorf("auth: rate limiter: %w", err)
	}
	if d.Allowed {
		return nil
	}
	if a, err := s.limiter.Allow(ctx, "audit:"+key, s.auditCap); err != nil || a.Allowed {
		s.record(ctx, m, audit.Event{
			Type: EventRateLimited, Level: audit.LevelWarning, Target: target, Status: "denied",
			Details: "limit " + strconv.Itoa(s.attempts.Rate) + " per " + s.attempts.Period.String(),
		})
	}
	return &RateLimitedError{RetryAfter: d.RetryAfter}
}

// ipKey names the limiter bucket of a client: an IPv4 address (IPv4-mapped
// IPv6 counts as IPv4), the /64 of an IPv6 address — one subscriber usually
// holds a whole /64 and must not get 2^64 budgets — and "unknown" for an
// address the HTTP layer could not determine, which shares one bucket rather
// than escaping the limit.
func ipKey(ip string) string {
	a, err := netip.ParseAddr(strings.TrimSpace(ip))
	if err != nil {
		ap, err := netip.ParseAddrPort(strings.TrimSpace(ip))
		if err != nil {
			return "unknown"
		}
		a = ap.Addr()
	}
	a = a.Unmap().WithZone("")
	if a.Is4() {
		return a.String()
	}
	p, err := a.Prefix(64)
	if err != nil {
		return "unknown"
	}
	return p.String()
}

func userTarget(id string) string    { return "user:" + id }
func sessionTarget(id string) string { return "session:" + id }

// isStaff reports whether role is support or admin.
func isStaff(r users.Role) bool { return r == users.RoleSupport || r == users.RoleAdmin }

// mfaRequired reports whether u must give a second factor at login: staff
// under REQUIRE_2FA_FOR_STAFF, and anyone who has enabled TOTP.
func (s *Service) mfaRequired(u users.User) bool {
	return u.TOTPEnabled || (s.cfg.Require2FAForStaff && isStaff(u.Role))
}

// countFailure records a failed credential check of u (password, TOTP or
// recovery code) against the per-account lockout, and audits it as evType
// with reason, plus auth.locked when this failure locked the account. The
// store's compare-and-set counts concurrent failures from any instance
// exactly once; it runs even when the client has gone.
func (s *Service) countFailure(ctx context.Context, u users.User, evType, reason string, m Meta) {
	n, until, err := s.users.RecordLoginFailure(context.WithoutCancel(ctx), u.ID, s.cfg.LockoutThreshold, s.cfg.LockoutDuration)
	details := "reason=" + reason
	switch {
	case err != nil:
		details += " failures=unknown"
	case n == 0 && !until.IsZero():
		details += " (account locked meanwhile)"
	default:
		details += " failures=" + strconv.Itoa(n)
	}
	s.record(ctx, m, audit.Event{Type: evType, Level: audit.LevelWarning, Target: userTarget(u.ID), Details: details, Status: "failure"})
	if err == nil && n == s.cfg.LockoutThreshold && !until.IsZero() {
		s.record(ctx, m, audit.Event{
			Type: EventLocked, Level: audit.LevelWarning, Target: userTarget(u.ID), Status: "locked",
			Details: "after " + strconv.Itoa(n) + " consecutive failures, until " + until.UTC().Format(time.RFC3339),
		})
	}
}

// refused audits a refusal that does not count against the lockout.
func (s *Service) refused(ctx context.Context, evType string, u users.User, reason string, m Meta) {
	target := ""
	if u.ID != "" {
		target = userTarget(u.ID)
	}
	s.record(ctx, m, audit.Event{Type: evType, Level: audit.LevelWarning, Target: target, Details: "reason=" + reason, Status: "failure"})
}

// authorize checks actor against the policy and audits a refusal as
// access.denied (issue 3, "audited as access.denied").
func (s *Service) authorize(ctx context.Context, p Principal, action Action, r Resource, target string, m Meta) error {
	err := Authorize(p.Actor(), action, r)
	if err != nil {
		s.record(ctx, m, audit.Event{
			Type: EventAccessDenied, Level: audit.LevelWarning, Actor: p.UserID, Target: target,
			Details: "action=" + string(action), Status: "denied",
		})
	}
	return err
}

// Input limits of the fields the Service stores. The JSON Schemas of the
// API say the same; the Service checks again because it is also called from
// the command line and the UI.
const (
	maxEmailBytes = 254 // RFC 5321's path limit
	maxNameRunes  = 100
	maxPhoneRunes = 32
)

// checkEmail does the structural check an address needs before it becomes a
// login name: one '@' with something either side, no spaces or control
// characters, at most 254 bytes. Whether the mailbox exists is not known.
func checkEmail(email string) error {
	bad := func(msg string) error { return &FieldError{Field: "email", Message: msg} }
	if email == "" {
		return bad("Email address is required.")
	}
	if len(email) > maxEmailBytes || !utf8.ValidString(email) {
		return bad("Email address must be valid text of at most 254 bytes.")
	}
	local, domain, ok := strings.Cut(email, "@")
	if !ok || local == "" || domain == "" || strings.Contains(domain, "@") || !strings.Contains(domain, ".") ||
		strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") {
		return bad("Email address must look like name@example.com.")
	}
	for _, r := range email {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return bad("Email address must not contain spaces or control characters.")
		}
	}
	return nil
}

func checkName(name string) error {
	if name == "" {
		return &FieldError{Field: "name", Message: "Name is required."}
	}
	return checkText("name", "Name", name, maxNameRunes)
}

func checkPhone(phone string) error {
	if phone == "" {
		return nil
	}
	if err := checkText("phone", "Phone number", phone, maxPhoneRunes); err != nil {
		return err
	}
	digits := 0
	for _, r := range phone {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune("+-() .", r):
		default:
			return &FieldError{Field: "phone", Message: "Phone number may contain only digits, spaces and + - ( ) ."}
		}
	}
	if digits < 3 {
		return &FieldError{Field: "phone", Message: "Phone number needs at least 3 digits."}
	}
	return nil
}

func checkText(field, label, v string, maxRunes int) error {
	if !utf8.ValidString(v) || utf8.RuneCountInString(v) > maxRunes {
		return &FieldError{Field: field, Message: label + " must be valid text of at most " + strconv.Itoa(maxRunes) + " characters."}
	}
	for _, r := range v {
		if unicode.IsControl(r) {
			return &FieldError{Field: field, Message: label + " must not contain control characters."}
		}
	}
	return nil
}
