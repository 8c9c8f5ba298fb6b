package auth_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"supportbot/internal/auth/authtest"
	"supportbot/internal/clock"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"supportbot/internal/audit"
	"supportbot/internal/auth"
	"supportbot/internal/ratelimit"
	"supportbot/internal/storage"
	"supportbot/internal/storage/storagetest"
	"supportbot/internal/users"
)

// testPassword passes the password policy; every test account uses it
// unless a test says otherwise.
const testPassword = "Blue-Kettle-42-Sings"

// auditLog is audit.Memory with a filter by event type.
type auditLog struct{ audit.Memory }

func (l *auditLog) all() []audit.Event { return l.Events() }

// of returns the events of type typ, oldest first.
func (l *auditLog) of(typ string) []audit.Event {
	var out []audit.Event
	for _, e := range l.all() {
		if e.Type == typ {
			out = append(out, e)
		}
	}
	return out
}

type fixture struct {
	t       *testing.T
	clock   *clock.Manual
	store   *users.Store
	hasher  *auth.Hasher
	tokens  *auth.Tokens
	audit   *auditLog
	svc     *auth.Service
	secrets map[string]string // TOTP secrets by user id, for computing codes
	ipN     int
}

// newFixture builds a Service on db with the defaults,
// registration open and 2FA for staff off unless cfg says otherwise.
func newFixture(t *testing.T, db *storage.DB, cfg ...func(*auth.ServiceConfig)) *fixture {
	t.Helper()
	kit := authtest.New(t, db, time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC), "supportbot service test secret")
	f := &fixture{
		t: t, clock: kit.Clock, store: kit.Store, hasher: kit.Hasher, tokens: kit.Tokens,
		audit: &auditLog{}, secrets: map[string]string{},
	}
	c := auth.ServiceConfig{RegistrationOpen: true}
	for _, fn := range cfg {
		fn(&c)
	}
	f.svc = f.service(c)
	return f
}

// service returns another Service with configuration c on the fixture's
// store, tokens, clock and audit log, and a limiter of its own.
func (f *fixture) service(c auth.ServiceConfig) *auth.Service {
	f.t.Helper()
	svc, err := auth.NewService(c, auth.ServiceDeps{
		Users: f.store, Hasher: f.hasher, Tokens: f.tokens, Limiter: ratelimit.NewMemory(f.clock.Now, 0), Audit: f.audit, Clock: f.clock.Now,
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return svc
}

func require2FA(c *auth.ServiceConfig) { c.Require2FAForStaff = true }

// meta returns request metadata from an IP no earlier call used, so the
// per-IP limit stays out of tests about something else.
func (f *fixture) meta() auth.Meta {
	f.ipN++
	return f.metaFrom(fmt.Sprintf("10.%d.%d.%d", f.ipN>>16&255, f.ipN>>8&255, f.ipN&255))
}

func (f *fixture) metaFrom(ip string) auth.Meta {
	return auth.Meta{IP: ip, UserAgent: "test-agent/1.0", RequestID: "req-" + ip}
}

func pw(s string) []byte { return []byte(s) }

// customer registers a customer through the service.
func (f *fixture) customer(email string) users.User {
	f.t.Helper()
	name, _, _ := strings.Cut(email, "@")
	u, err := f.svc.Register(context.Background(), auth.RegisterInput{Email: email, Name: "Name " + name, Password: pw(testPassword)}, f.meta())
	if err != nil {
		f.t.Fatalf("Register %s: %v", email, err)
	}
	return u
}

// staff creates a support or admin account directly in the store, as the
// command line does for the first admin.
func (f *fixture) staff(role users.Role, email string) users.User {
	f.t.Helper()
	hash, err := f.hasher.Hash(context.Background(), pw(testPassword))
	if err != nil {
		f.t.Fatal(err)
	}
	u, err := f.store.Create(context.Background(), users.NewUser{Role: role, Email: email, Name: "Staff " + email, PasswordHash: hash})
	if err != nil {
		f.t.Fatal(err)
	}
	return u
}

func (f *fixture) login(email, password string) (auth.LoginResult, error) {
	return f.svc.Login(context.Background(), email, pw(password), f.meta())
}

// session logs in with testPassword and returns the tokens, completing
// (and if need be enrolling) TOTP along the way.
func (f *fixture) session(email string) auth.TokenPair {
	f.t.Helper()
	ctx := context.Background()
	res, err := f.login(email, testPassword)
	if err != nil {
		f.t.Fatalf("Login %s: %v", email, err)
	}
	if !res.MFARequired {
		return *res.Tokens
	}
	pending, err := f.svc.CheckChallenge(ctx, res.Challenge)
	if err != nil {
		f.t.Fatal(err)
	}
	if res.EnrollmentRequired {
		secret, _, _, err := f.svc.BeginEnrollment(ctx, pending.UserID)
		if err != nil {
			f.t.Fatal(err)
		}
		f.secrets[pending.UserID] = secret
	}
	f.clock.Advance(auth.TOTPPeriod * time.Second) // a step no earlier login used
	mr, err := f.svc.CompleteMFA(ctx, res.Challenge, f.code(pending.UserID), f.meta())
	if err != nil {
		f.t.Fatalf("CompleteMFA %s: %v", email, err)
	}
	return mr.Tokens
}

// principal authenticates an access token and fails the test if it is
// refused.
func (f *fixture) principal(p auth.TokenPair) auth.Principal {
	f.t.Helper()
	pr, err := f.svc.Authenticate(context.Background(), p.AccessToken)
	if err != nil {
		f.t.Fatalf("Authenticate: %v", err)
	}
	return pr
}

// code computes the current TOTP code of the user's secret, as an
// authenticator app would.
func (f *fixture) code(userID string) string {
	f.t.Helper()
	secret, ok := f.secrets[userID]
	if !ok {
		f.t.Fatalf("no TOTP secret recorded for %s", userID)
	}
	c, err := totp.GenerateCodeCustom(secret, f.clock.Now(), totp.ValidateOpts{Period: auth.TOTPPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

func (f *fixture) user(id string) users.User {
	f.t.Helper()
	u, err := f.store.Get(context.Background(), id)
	if err != nil {
		f.t.Fatal(err)
	}
	return u
}

// noSecretsInAudit fails when any audit event contains one of the values
// (passwords, tokens, codes, emails, names: DESIGN.md invariant 5).
func (f *fixture) noSecretsInAudit(values ...string) {
	f.t.Helper()
	for _, e := range f.audit.all() {
		text := strings.Join([]string{e.Type, e.Actor, e.IP, e.RequestID, e.Target, e.Details, e.Status}, "|")
		for _, v := range values {
			if v != "" && strings.Contains(text, v) {
				f.t.Errorf("audit event %s contains a secret or PII value: %q", e.Type, text)
			}
		}
	}
}

func wantErr(t *testing.T, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("err = %v, want %v", err, target)
	}
}

func TestNewServiceChecksItsInput(t *testing.T) {
	f := newFixture(t, storagetest.SQLite(t))
	good := auth.ServiceDeps{Users: f.store, Hasher: f.hasher, Tokens: f.tokens, Limiter: ratelimit.NewMemory(f.clock.Now, 0), Audit: f.audit, Clock: f.clock.Now}

	svc, err := auth.NewService(auth.ServiceConfig{}, good)
	if err != nil {
		t.Fatal(err)
	}
	got := svc.Config()
	want := auth.ServiceConfig{LoginMaxAttempts: 5, LoginWindow: 15 * time.Minute, LockoutThreshold: 5, LockoutDuration: 15 * time.Minute, RefreshTTL: 7 * 24 * time.Hour, TOTPIssuer: "supportbot"}
	if got != want {
		t.Errorf("defaults = %+v, want %+v", got, want)
	}

	for name, tc := range map[string]struct {
		cfg  auth.ServiceConfig
		deps func(d *auth.ServiceDeps)
	}{
		"negative attempts":     {cfg: auth.ServiceConfig{LoginMaxAttempts: -1}},
		"negative lock":         {cfg: auth.ServiceConfig{LockoutDuration: -time.Second}},
		"tiny refresh lifetime": {cfg: auth.ServiceConfig{RefreshTTL: time.Second}},
		"issuer with colon":     {cfg: auth.ServiceConfig{TOTPIssuer: "shop:evil"}},
		"no store":              {deps: func(d *auth.ServiceDeps) { d.Users = nil }},
		"no hasher":             {deps: func(d *auth.ServiceDeps) { d.Hasher = nil }},
		"no tokens":             {deps: func(d *auth.ServiceDeps) { d.Tokens = nil }},
		"no limiter":            {deps: func(d *auth.ServiceDeps) { d.Limiter = nil }},
		"no audit":              {deps: func(d *auth.ServiceDeps) { d.Audit = nil }},
		"no clock":              {deps: func(d *auth.ServiceDeps) { d.Clock = nil }},
	} {
		t.Run(name, func(t *testing.T) {
			d := good
			if tc.deps != nil {
				tc.deps(&d)
			}
			if _, err := auth.NewService(tc.cfg, d); err == nil {
				t.Error("NewService accepted it")
			}
		})
	}
}
