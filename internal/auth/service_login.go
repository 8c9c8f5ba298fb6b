package auth

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"supportbot/internal/audit"
	"supportbot/internal/securemem"
	"supportbot/internal/users"
)

// RegisterInput is a customer's self-registration.
type RegisterInput struct {
	Email    string
	Name     string
	Phone    string // optional
	Password []byte // zeroed by Register
}

// Register creates a customer account when REGISTRATION_OPEN is on; staff
// accounts are created by an admin (CreateStaff) or the command line. The
// password must pass CheckPassword (a *PasswordError lists every broken
// rule) and is hashed in the bounded pool (ErrBusy: answer 503).
//
// Account enumeration. Without email verification there is no way to answer
// "registered" for an address that already has an account without leaving
// its rightful owner puzzled, so an existing address is refused with
// ErrEmailTaken. What keeps that from being a cheap oracle: registration
// spends the same per-IP budget as login (key "login:ip:<ip>",
// LOGIN_MAX_ATTEMPTS per LOGIN_WINDOW), so probing addresses here is exactly
// as slow as probing them at login, and the password is hashed before the
// address is checked, so a taken address answers no faster than a free one
// (OWASP Authentication Cheat Sheet, "Account creation"; ASVS 4.0.3 2.2.1).
// When email verification arrives, this should answer the same for both
// and send the owner a notice instead.
func (s *Service) Register(ctx context.Context, in RegisterInput, m Meta) (users.User, error) {
	defer securemem.Zero(in.Password)
	if !s.cfg.RegistrationOpen {
		return users.User{}, ErrRegistrationClosed
	}
	if err := s.allow(ctx, "login:ip:"+ipKey(m.IP), "auth:register", m); err != nil {
		return users.User{}, err
	}
	email, name, phone := strings.TrimSpace(in.Email), strings.TrimSpace(in.Name), strings.TrimSpace(in.Phone)
	for _, err := range []error{checkEmail(email), checkName(name), checkPhone(phone)} {
		if err != nil {
			return users.User{}, err
		}
	}
	if err := CheckPassword(string(in.Password), email, name); err != nil {
		return users.User{}, err
	}
	hash, err := s.hasher.Hash(ctx, in.Password)
	if err != nil {
		return users.User{}, fmt.Errorf("auth: register: %w", err)
	}
	u, err := s.users.Create(ctx, users.NewUser{Role: users.RoleCustomer, Email: email, Name: name, Phone: phone, PasswordHash: hash})
	if errors.Is(err, users.ErrEmailTaken) {
		s.record(ctx, m, audit.Event{Type: EventRegisterFailed, Level: audit.LevelInfo, Details: "reason=email_taken", Status: "failure"})
		return users.User{}, ErrEmailTaken
	}
	if err != nil {
		return users.User{}, fmt.Errorf("auth: register: %w", err)
	}
	s.record(ctx, m, audit.Event{Type: EventRegistered, Level: audit.LevelInfo, Actor: u.ID, Target: userTarget(u.ID), Details: "role=customer", Status: "success"})
	return u, nil
}

// LoginResult is the outcome of a correct password: either a session
// (Tokens) or, when a second factor is owed, a challenge for CompleteMFA.
type LoginResult struct {
	Tokens *TokenPair // nil when MFARequired
	// MFARequired: present Challenge with a TOTP or recovery code to
	// CompleteMFA (issue 3, "login answers mfa_required with a short-lived
	// challenge token instead of a session").
	MFARequired bool
	// EnrollmentRequired: the user (staff under REQUIRE_2FA_FOR_STAFF) has
	// no TOTP yet: CheckChallenge and BeginEnrollment show the QR code, and
	// the first code given to CompleteMFA confirms it.
	EnrollmentRequired bool
	Challenge          string
	ChallengeExpiresAt time.Time
}

// Login checks an email and password. The order of the steps is the
// protection (issue 3, "Brute-force protection"):
//
//  1. The per-IP limit is checked first: over it, *RateLimitedError with no
//     database read and no bcrypt work at all.
//  2. An unknown email costs one bcrypt comparison against the dummy hash.
//  3. A locked or disabled account costs the same dummy comparison and
//     answers the same ErrInvalidCredentials as a wrong password, so
//     neither the response nor its timing tells the lock apart. The
//     password is not even compared: a correct one during a lock proves
//     nothing to the caller.
//  4. A wrong password counts against the account's lockout (whatever IP it
//     comes from) and answers ErrInvalidCredentials.
//  5. A correct password: the account is read again, and a lock that
//     another attempt set while this one was hashing still refuses it — so
//     guesses run in parallel cannot outrun the lockout.
//
// Then either a session is created (CreateSession with the token
// generation read before the comparison: a password change racing this
// login wins) or, for users who owe a second factor, a challenge is issued.
// For them the failure count is not reset until CompleteMFA succeeds, so
// alternating a correct password with guessed codes still locks the
// account. password is zeroed. ErrBusy means the bcrypt pool is full
// (answer 503 with Retry-After).
func (s *Service) Login(ctx context.Context, email string, password []byte, m Meta) (LoginResult, error) {
	defer securemem.Zero(password)
	if err := s.allow(ctx, "login:ip:"+ipKey(m.IP), "auth:login", m); err != nil {
		return LoginResult{}, err
	}
	u, err := s.users.GetByEmail(ctx, strings.TrimSpace(email))
	switch {
	case errors.Is(err, users.ErrNotFound):
		// Nothing identifying goes into the trail for an unknown
		// account: the address may be a customer's typo of their own.
		return LoginResult{}, s.refuseLogin(ctx, users.User{}, password, "unknown_account", m)
	case err != nil:
		return LoginResult{}, fmt.Errorf("auth: login: %w", err)
	case u.Locked(s.clock()):
		return LoginResult{}, s.refuseLogin(ctx, u, password, "locked", m)
	case u.Disabled:
		return LoginResult{}, s.refuseLogin(ctx, u, password, "disabled", m)
	}

	err = s.hasher.Compare(ctx, u.PasswordHash, password)
	if errors.Is(err, ErrPasswordMismatch) {
		s.countFailure(ctx, u, EventLoginFailed, "wrong_password", m)
		return LoginResult{}, ErrInvalidCredentials
	}
	if err != nil {
		return LoginResult{}, fmt.Errorf("auth: login: %w", err)
	}

	now, err := s.users.Get(ctx, u.ID)
	if err != nil {
		return LoginResult{}, fmt.Errorf("auth: login: %w", err)
	}
	switch {
	case now.Locked(s.clock()):
		s.refused(ctx, EventLoginFailed, u, "locked", m)
		return LoginResult{}, ErrInvalidCredentials
	case now.Disabled || now.TokenGeneration != u.TokenGeneration:
		// Disabled, or the password, role or 2FA changed while hashing.
		s.refused(ctx, EventLoginFailed, u, "account_changed", m)
		return LoginResult{}, ErrInvalidCredentials
	}

	if s.mfaRequired(u) {
		tok, c, err := s.tokens.IssueChallenge(Claims{
			Subject: u.ID, Role: Role(u.Role), Generation: u.TokenGeneration, AMR: []string{AMRPassword},
		})
		if err != nil {
			return LoginResult{}, fmt.Errorf("auth: login: %w", err)
		}
		s.record(ctx, m, audit.Event{
			Type: EventMFARequired, Level: audit.LevelInfo, Target: userTarget(u.ID), Status: "pending",
			Details: "enrollment_required=" + strconv.FormatBool(!u.TOTPEnabled),
		})
		return LoginResult{MFARequired: true, EnrollmentRequired: !u.TOTPEnabled, Challenge: tok, ChallengeExpiresAt: c.ExpiresAt}, nil
	}

	if err := s.users.RecordLoginSuccess(ctx, u.ID); err != nil {
		return LoginResult{}, fmt.Errorf("auth: login: %w", err)
	}
	pair, err := s.startSession(ctx, u, u.TokenGeneration, []string{AMRPassword}, m)
	if errors.Is(err, users.ErrExpired) {
		s.refused(ctx, EventLoginFailed, u, "account_changed", m)
		return LoginResult{}, ErrInvalidCredentials
	}
	if err != nil {
		return LoginResult{}, fmt.Errorf("auth: login: %w", err)
	}
	s.record(ctx, m, audit.Event{
		Type: EventLoginSucceeded, Level: audit.LevelInfo, Actor: u.ID, Target: sessionTarget(pair.SessionID),
		Details: "amr=" + AMRPassword, Status: "success",
	})
	return LoginResult{Tokens: &pair}, nil
}

// refuseLogin spends one dummy comparison — the cost of checking a real
// password — audits reason and answers ErrInvalidCredentials (or ErrBusy
// when the pool is full, which depends on load, not on the account).
func (s *Service) refuseLogin(ctx context.Context, u users.User, password []byte, reason string, m Meta) error {
	if err := s.hasher.CompareDummy(ctx, password); !errors.Is(err, ErrPasswordMismatch) {
		return fmt.Errorf("auth: login: %w", err)
	}
	s.refused(ctx, EventLoginFailed, u, reason, m)
	return ErrInvalidCredentials
}

// startSession creates a refresh family for u at generation gen (the one
// read when the credentials were checked) and mints its first access token.
// users.ErrExpired means u changed since the check.
func (s *Service) startSession(ctx context.Context, u users.User, gen int64, amr []string, m Meta) (TokenPair, error) {
	refresh, hash, err := NewRefreshToken()
	if err != nil {
		return TokenPair{}, err
	}
	ss, err := s.users.CreateSession(ctx, users.NewSession{
		UserID: u.ID, Generation: gen, TokenHash: hash, IP: m.IP, UserAgent: m.UserAgent, TTL: s.cfg.RefreshTTL,
	})
	if err != nil {
		return TokenPair{}, err
	}
	access, c, err := s.tokens.IssueAccess(Claims{Subject: u.ID, Role: Role(u.Role), Generation: gen, AMR: amr, SessionID: ss.ID})
	if err != nil {
		// Do not leave a family behind that nobody holds an access token for.
		_ = s.users.RevokeSession(context.WithoutCancel(ctx), u.ID, ss.ID)
		return TokenPair{}, err
	}
	return TokenPair{
		AccessToken: access, AccessExpiresAt: c.ExpiresAt,
		RefreshToken: refresh, RefreshExpiresAt: ss.ExpiresAt, SessionID: ss.ID,
	}, nil
}

// PendingLogin is a login that passed the password step and owes a second
// factor, as read from its challenge token.
type PendingLogin struct {
	UserID             string
	Role               Role
	EnrollmentRequired bool // no TOTP yet: enrol with BeginEnrollment
	ExpiresAt          time.Time
}

// CheckChallenge verifies a challenge token without spending it, for the
// enrolment step of a staff member who must set up TOTP before their first
// session: the handler calls CheckChallenge, then BeginEnrollment with the
// returned UserID, and the user finishes with CompleteMFA. Any problem is
// ErrInvalidToken.
func (s *Service) CheckChallenge(ctx context.Context, challenge string) (PendingLogin, error) {
	c, u, err := s.pendingLogin(ctx, challenge)
	if err != nil {
		return PendingLogin{}, err
	}
	return PendingLogin{UserID: u.ID, Role: Role(u.Role), EnrollmentRequired: !u.TOTPEnabled, ExpiresAt: c.ExpiresAt}, nil
}

// pendingLogin verifies a challenge and loads its user: the token is
// genuine and unexpired, not spent, and the user still exists, is enabled,
// has the same role and is at the same token generation as when the
// password was checked (so a password change or 2FA reset kills pending
// challenges too).
func (s *Service) pendingLogin(ctx context.Context, challenge string) (Claims, users.User, error) {
	c, err := s.tokens.VerifyChallenge(challenge)
	if err != nil {
		return Claims{}, users.User{}, err
	}
	revoked, err := s.users.IsAccessTokenRevoked(ctx, c.ID)
	if err != nil {
		return Claims{}, users.User{}, fmt.Errorf("auth: challenge: %w", err)
	}
	if revoked {
		return Claims{}, users.User{}, fmt.Errorf("auth: challenge already used: %w", ErrInvalidToken)
	}
	u, err := s.users.Get(ctx, c.Subject)
	if errors.Is(err, users.ErrNotFound) {
		return Claims{}, users.User{}, fmt.Errorf("auth: challenge: no such user: %w", ErrInvalidToken)
	}
	if err != nil {
		return Claims{}, users.User{}, fmt.Errorf("auth: challenge: %w", err)
	}
	if u.Disabled || u.TokenGeneration != c.Generation || Role(u.Role) != c.Role {
		return Claims{}, users.User{}, fmt.Errorf("auth: challenge: user changed: %w", ErrInvalidToken)
	}
	return c, u, nil
}

// MFAResult is a completed two-factor login. RecoveryCodes is set only when
// the code confirmed a first enrolment: show them once, they are stored
// only hashed.
type MFAResult struct {
	Tokens        TokenPair
	RecoveryCodes []string
}

// CompleteMFA finishes a login that answered MFARequired. code is a
// six-digit TOTP code or a recovery code; for a staff member enrolling at
// login it is the first code of the pending secret, which turns TOTP on and
// returns the recovery codes with the session.
//
// The per-IP limit (key "mfa:ip:<ip>", the login limit) is checked first.
// The challenge must verify and not be spent; a wrong or replayed code
// counts against the account's lockout like a wrong password (so guessing
// codes locks the account after LOCKOUT_THRESHOLD tries, and a locked
// account's challenge is refused) and answers an error matching
// ErrInvalidOTP. A TOTP code's step is spent by compare-and-set, so a code
// works once even when presented concurrently (ErrOTPReplayed); a recovery
// code likewise. On success the challenge is put on the denylist until it
// expires, so it cannot open a second session. Checking the denylist and
// adding to it are two statements, not one; two sessions from one challenge
// would need two different valid second factors presented at the same
// instant, which could open two sessions through two challenges anyway.
func (s *Service) CompleteMFA(ctx context.Context, challenge, code string, m Meta) (MFAResult, error) {
	if err := s.allow(ctx, "mfa:ip:"+ipKey(m.IP), "auth:mfa", m); err != nil {
		return MFAResult{}, err
	}
	c, u, err := s.pendingLogin(ctx, challenge)
	if err != nil {
		return MFAResult{}, err
	}
	if u.Locked(s.clock()) {
		s.refused(ctx, EventMFAFailed, u, "locked", m)
		return MFAResult{}, fmt.Errorf("auth: complete mfa: account locked: %w", ErrInvalidOTP)
	}

	var (
		res    MFAResult
		amr    = []string{AMRPassword, AMROTP, AMRMFA}
		method = "totp"
	)
	switch {
	case u.TOTPEnabled && isTOTPCode(code):
		err = s.spendTOTP(ctx, u, code)
	case u.TOTPEnabled:
		amr, method = []string{AMRPassword, AMRMFA}, "recovery_code"
		err = s.spendRecoveryCode(ctx, u, code, m)
	case u.HasTOTPSecret:
		method = "totp_enrollment"
		res.RecoveryCodes, err = s.enableTOTP(ctx, u, code)
	default:
		return MFAResult{}, ErrEnrollmentNotStarted
	}
	if errors.Is(err, ErrInvalidOTP) {
		reason := "wrong_" + method
		if errors.Is(err, ErrOTPReplayed) {
			reason = "replayed_totp"
		}
		s.countFailure(ctx, u, EventMFAFailed, reason, m)
		return MFAResult{}, fmt.Errorf("auth: complete mfa: %w", err)
	}
	if err != nil {
		return MFAResult{}, fmt.Errorf("auth: complete mfa: %w", err)
	}
	if res.RecoveryCodes != nil {
		s.record(ctx, m, audit.Event{Type: EventMFAEnabled, Level: audit.LevelInfo, Actor: u.ID, Target: userTarget(u.ID), Details: "at login", Status: "success"})
	}

	if err := s.users.RevokeAccessToken(ctx, c.ID, denyUntil(c)); err != nil {
		return MFAResult{}, fmt.Errorf("auth: complete mfa: spend challenge: %w", err)
	}
	if err := s.users.RecordLoginSuccess(ctx, u.ID); err != nil {
		return MFAResult{}, fmt.Errorf("auth: complete mfa: %w", err)
	}
	res.Tokens, err = s.startSession(ctx, u, c.Generation, amr, m)
	if errors.Is(err, users.ErrExpired) {
		return MFAResult{}, fmt.Errorf("auth: complete mfa: user changed: %w", ErrInvalidToken)
	}
	if err != nil {
		return MFAResult{}, fmt.Errorf("auth: complete mfa: %w", err)
	}
	s.record(ctx, m, audit.Event{
		Type: EventLoginSucceeded, Level: audit.LevelInfo, Actor: u.ID, Target: sessionTarget(res.Tokens.SessionID),
		Details: "amr=" + strings.Join(amr, ",") + " method=" + method, Status: "success",
	})
	return res, nil
}

// Refresh rotates a refresh token (issue 3, "rotated on every use") and
// mints a new access token from the user as read in the rotation's
// transaction. Every refusal is ErrInvalidToken. A token presented after it
// was rotated revokes its whole family (the store does that) and is audited
// as auth.refresh_reuse at CRITICAL: one of the two holders stole it
// (RFC 9700 4.14.2; ASVS 4.0.3 3.5.2).
//
// The session does not remember how its login was authenticated, so the
// new access token's amr is ["pwd"] plus "mfa" when the user has TOTP
// enabled. That can only overstate a session that enrolled TOTP after its
// login, and enrolling proved possession of the authenticator from that
// very session. A staff member who owes a second factor but has no TOTP
// (REQUIRE_2FA_FOR_STAFF switched on after their login) gets no new token.
func (s *Service) Refresh(ctx context.Context, refreshToken string, m Meta) (TokenPair, error) {
	if refreshToken == "" || len(refreshToken) > maxRefreshTokenBytes {
		return TokenPair{}, fmt.Errorf("auth: refresh: malformed token: %w", ErrInvalidToken)
	}
	next, nextHash, err := NewRefreshToken()
	if err != nil {
		return TokenPair{}, fmt.Errorf("auth: refresh: %w", err)
	}
	ss, u, err := s.users.Rotate(ctx, HashRefreshToken(refreshToken), nextHash)
	var reuse *users.ReuseError
	switch {
	case errors.As(err, &reuse):
		s.record(ctx, m, audit.Event{
			Type: EventRefreshReuse, Level: audit.LevelCritical, Actor: reuse.UserID, Target: sessionTarget(reuse.SessionID),
			Details: "rotated refresh token presented again; session revoked", Status: "revoked",
		})
		return TokenPair{}, fmt.Errorf("auth: refresh: %w: %w", ErrInvalidToken, err)
	case errors.Is(err, users.ErrNotFound), errors.Is(err, users.ErrExpired):
		return TokenPair{}, fmt.Errorf("auth: refresh: %w: %w", ErrInvalidToken, err)
	case err != nil:
		return TokenPair{}, fmt.Errorf("auth: refresh: %w", err)
	}
	if u.Disabled || (s.cfg.Require2FAForStaff && isStaff(u.Role) && !u.TOTPEnabled) {
		_ = s.users.RevokeSession(context.WithoutCancel(ctx), u.ID, ss.ID)
		return TokenPair{}, fmt.Errorf("auth: refresh: user may not hold a session: %w", ErrInvalidToken)
	}
	amr := []string{AMRPassword}
	if u.TOTPEnabled {
		amr = append(amr, AMRMFA)
	}
	access, c, err := s.tokens.IssueAccess(Claims{Subject: u.ID, Role: Role(u.Role), Generation: u.TokenGeneration, AMR: amr, SessionID: ss.ID})
	if err != nil {
		return TokenPair{}, fmt.Errorf("auth: refresh: %w", err)
	}
	return TokenPair{
		AccessToken: access, AccessExpiresAt: c.ExpiresAt,
		RefreshToken: next, RefreshExpiresAt: ss.ExpiresAt, SessionID: ss.ID,
	}, nil
}

// Authenticate turns an access token into a Principal. Beyond VerifyAccess
// (signature, algorithm, kid, iss, aud, typ, exp, nbf), the token is
// refused with ErrInvalidToken when its jti is on the denylist (logout),
// when its user is gone or disabled, when the role changed, or when the
// user's token generation moved on (password change, disable, role change,
// 2FA reset, log out everywhere). Under REQUIRE_2FA_FOR_STAFF a staff token
// without a second factor is refused too, e.g. one issued before the option
// was switched on. It costs one query (the denylist and the user), which
// on SQLite is usually answered from memory (users.Store.AccessStateOf).
func (s *Service) Authenticate(ctx context.Context, accessToken string) (Principal, error) {
	c, err := s.tokens.VerifyAccess(accessToken)
	if err != nil {
		return Principal{}, err
	}
	// One query for the deny list and the user's current state, without
	// decrypting anything: this runs on every authenticated request.
	u, err := s.users.AccessStateOf(ctx, c.Subject, c.ID)
	if errors.Is(err, users.ErrNotFound) {
		return Principal{}, fmt.Errorf("auth: authenticate: no such user: %w", ErrInvalidToken)
	}
	if err != nil {
		return Principal{}, fmt.Errorf("auth: authenticate: %w", err)
	}
	switch {
	case u.Revoked:
		return Principal{}, fmt.Errorf("auth: authenticate: token revoked: %w", ErrInvalidToken)
	case u.Disabled:
		return Principal{}, fmt.Errorf("auth: authenticate: user disabled: %w", ErrInvalidToken)
	case Role(u.Role) != c.Role:
		return Principal{}, fmt.Errorf("auth: authenticate: role changed: %w", ErrInvalidToken)
	case u.TokenGeneration != c.Generation:
		return Principal{}, fmt.Errorf("auth: authenticate: generation %d, token has %d: %w", u.TokenGeneration, c.Generation, ErrInvalidToken)
	case s.cfg.Require2FAForStaff && isStaff(u.Role) && !c.MFA():
		return Principal{}, fmt.Errorf("auth: authenticate: staff token without second factor: %w", ErrInvalidToken)
	}
	return Principal{UserID: c.Subject, Role: Role(u.Role), Claims: c}, nil
}

// Logout ends the caller's session: the family of refreshToken (when given)
// is revoked, and the access token's jti is denied until it expires
// (issue 3, "Logout revokes the refresh family and denies the access
// token's jti"). The session the access token was issued for (its sid
// claim) is revoked too, so a client that does not present its refresh
// token still ends its session rather than leaving it alive.
//
// A refresh token that belongs to another user is revoked all the same and
// audited as auth.logout_foreign_token: holding it is full power over its
// session (it could be rotated), so revoking it grants nothing, and a token
// that reached the wrong hands is better dead. An unknown refresh token is
// ignored; logging out twice is not an error.
func (s *Service) Logout(ctx context.Context, p Principal, refreshToken string, m Meta) error {
	if p.UserID == "" || p.Claims.ID == "" {
		return fmt.Errorf("auth: logout: no principal: %w", ErrInvalidToken)
	}
	target := ""
	if refreshToken != "" && len(refreshToken) <= maxRefreshTokenBytes {
		ss, err := s.users.RevokeSessionByToken(ctx, HashRefreshToken(refreshToken))
		switch {
		case errors.Is(err, users.ErrNotFound):
		case err != nil:
			return fmt.Errorf("auth: logout: %w", err)
		case ss.UserID != p.UserID:
			s.record(ctx, m, audit.Event{
				Type: EventLogoutForeignToken, Level: audit.LevelWarning, Actor: p.UserID, Target: sessionTarget(ss.ID),
				Details: "refresh token of another user presented at logout; session revoked", Status: "revoked",
			})
		default:
			target = sessionTarget(ss.ID)
		}
	}
	if sid := p.Claims.SessionID; sid != "" && len(sid) <= maxIDBytes && target != sessionTarget(sid) {
		// The store checks the owner in the same statement; a session
		// revoked already (by the refresh token above) is ErrNotFound.
		err := s.users.RevokeSession(ctx, p.UserID, sid)
		switch {
		case errors.Is(err, users.ErrNotFound):
		case err != nil:
			return fmt.Errorf("auth: logout: %w", err)
		case target == "":
			target = sessionTarget(sid)
		}
	}
	if err := s.users.RevokeAccessToken(ctx, p.Claims.ID, denyUntil(p.Claims)); err != nil {
		return fmt.Errorf("auth: logout: %w", err)
	}
	s.record(ctx, m, audit.Event{Type: EventLogout, Level: audit.LevelInfo, Actor: p.UserID, Target: target, Status: "success"})
	return nil
}

// LogoutEverywhere revokes every session of the caller and, by bumping the
// token generation, every access token issued so far, this one included.
func (s *Service) LogoutEverywhere(ctx context.Context, p Principal, m Meta) error {
	if err := s.authorize(ctx, p, ActionSessionsManage, Resource{}, "", m); err != nil {
		return err
	}
	if err := s.users.BumpGeneration(ctx, p.UserID); err != nil {
		return fmt.Errorf("auth: log out everywhere: %w", err)
	}
	s.record(ctx, m, audit.Event{Type: EventLogoutEverywhere, Level: audit.LevelInfo, Actor: p.UserID, Target: userTarget(p.UserID), Status: "success"})
	return nil
}

// isTOTPCode reports whether code has the shape of a TOTP code (six ASCII
// digits); anything else is tried as a recovery code.
func isTOTPCode(code string) bool {
	return len(code) == TOTPDigits && strings.Trim(code, "0123456789") == ""
}

// denyUntil is how long a revoked token's jti stays on the denylist: until
// verification refuses the token by itself, which is up to MaxLeeway after
// its expiry.
func denyUntil(c Claims) time.Time { return c.ExpiresAt.Add(MaxLeeway) }
