package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"supportbot/internal/audit"
	"supportbot/internal/auth"
	"supportbot/internal/auth/authtest"
	"supportbot/internal/bot"
	"supportbot/internal/clock"
	"supportbot/internal/conversations"
	"supportbot/internal/crypto"
	"supportbot/internal/doctor"
	"supportbot/internal/kb"
	"supportbot/internal/orders"
	"supportbot/internal/ratelimit"
	"supportbot/internal/server"
	"supportbot/internal/storage"
	"supportbot/internal/storage/storagetest"
	"supportbot/internal/users"
)

// The identity tests run the real router with a real auth.Service on a
// real (SQLite) store, a real in-memory limiter and a low-cost hasher,
// sharing one settable clock, so every flow is exercised end to end
// without sleeping (DESIGN.md invariant 9).

// testPassword passes the password policy; every test account has it.
const testPassword = "Blue-Kettle-42-Sings"

// idSetup lets a test change the server options and the service
// configuration before the fixture is built.
type idSetup struct {
	opts server.Options
	cfg  auth.ServiceConfig
	// chatLimit is the per-user limit on chat messages
	// (CHAT_RATE_LIMIT_PER_MINUTE); the default is high enough to stay out
	// of the way of everything but the test of that limit.
	chatLimit ratelimit.Limit
}

type idFixture struct {
	t      *testing.T
	srv    *server.Server
	h      http.Handler
	clock  *clock.Manual
	store  *users.Store
	hasher *auth.Hasher
	tokens *auth.Tokens
	svc    *auth.Service
	audit  *audit.Memory // every event, for assertions
	trail  *audit.Store  // the same events, hash-chained, for the audit viewer
	log    *syncBuffer
	secret []byte // the SECRET_KEY the tokens are derived from

	ipN      int
	totp     map[string]string   // TOTP secrets by user id
	recovery map[string][]string // unused recovery codes by user id

	// The support bot of issue 4, wired as cmd/supportbot's newSupportBot
	// does, on the fixture's database, clock and audit recorder.
	db     *storage.DB
	keys   *crypto.Keyring
	convs  *conversations.Store
	chat   *conversations.Service
	kb     *kb.Store
	orders *orders.Service
	bot    *lazyBrain
	orderN int
}

// newIdentityFixture builds the server as serve does: server.New with
// Deps.Auth, DevCookies off (production cookies), strict CSP, the API rate
// limit high enough to stay out of the way of the login limits under test.
func newIdentityFixture(t *testing.T, change func(*idSetup)) *idFixture {
	t.Helper()
	s := &idSetup{
		opts: server.Options{
			StrictCSP:          true,
			TrustedProxies:     []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")},
			CORSAllowedOrigins: []string{"https://shop.example"},
			RateLimitPerMinute: 100_000,
		},
		cfg:       auth.ServiceConfig{RegistrationOpen: true},
		chatLimit: ratelimit.PerMinute(100_000),
	}
	if change != nil {
		change(s)
	}
	s.opts.Require2FAForStaff = s.cfg.Require2FAForStaff // serve passes the same value to both

	db := storagetest.SQLite(t)
	kit := authtest.New(t, db, time.Date(2026, 3, 14, 9, 26, 0, 0, time.UTC), "supportbot identity test secret")
	clk, hasher, tokens := kit.Clock, kit.Hasher, kit.Tokens
	var err error
	f := &idFixture{
		t: t, clock: clk, store: kit.Store, hasher: hasher, tokens: tokens,
		audit: &audit.Memory{}, log: &syncBuffer{}, secret: kit.Secret,
		totp: map[string]string{}, recovery: map[string][]string{},
	}
	// Events go to memory, for assertions, and to the hash-chained store,
	// for the audit viewer and the failed-login chart, as serve records them.
	f.trail = audit.NewStore(db, []byte(strings.Repeat("audit-chain-key-", 3)), slog.New(slog.DiscardHandler), clk.Now)
	rec := teeRecorder{f.audit, f.trail}
	f.svc, err = auth.NewService(s.cfg, auth.ServiceDeps{
		Users: f.store, Hasher: hasher, Tokens: tokens, Limiter: ratelimit.NewMemory(clk.Now, 0), Audit: rec, Clock: clk.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	f.supportBot(db)
	f.srv, err = server.New(s.opts, server.Deps{
		Logger:  slog.New(slog.NewJSONHandler(f.log, &slog.HandlerOptions{Level: slog.LevelDebug})),
		DB:      db,
		Audit:   rec,
		Limiter: ratelimit.NewMemory(clk.Now, 0),
		Clock:   clk.Now,
		Auth:    f.svc,

		Chat:      f.chat,
		ChatLimit: s.chatLimit,
		KB:        f.kb,
		KBChanged: f.bot.reload,
		Orders:    f.orders,

		FAQ:             f.bot,
		AuditLog:        f.trail,
		Activity:        f.chat,
		Doctor:          func(context.Context) doctor.Report { return testDoctor },
		MaxMessageChars: maxMessageChars,
	})
	if err != nil {
		t.Fatalf("server.New: %v", err)
	}
	f.h = f.srv.Handler()
	return f
}

// nextIP returns a client address no earlier request of the fixture used,
// so the per-IP login limit stays out of tests about something else.
func (f *idFixture) nextIP() string {
	f.ipN++
	return fmt.Sprintf("198.18.%d.%d", f.ipN>>8&255, f.ipN&255)
}

// reqOpt changes a request before it is sent.
type reqOpt func(*http.Request)

func withBearer(token string) reqOpt {
	return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+token) }
}

func withCookies(cs ...*http.Cookie) reqOpt {
	return func(r *http.Request) {
		for _, c := range cs {
			r.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
		}
	}
}

func fromIP(ip string) reqOpt {
	return func(r *http.Request) { r.RemoteAddr = ip + ":40000" }
}

// viaProxy sends the request from the trusted proxy 10.0.0.1 on behalf of
// client (X-Forwarded-For).
func viaProxy(client string) reqOpt {
	return func(r *http.Request) {
		r.RemoteAddr = "10.0.0.1:40000"
		r.Header.Set("X-Forwarded-For", client)
	}
}

func withHeader(k, v string) reqOpt {
	return func(r *http.Request) { r.Header.Set(k, v) }
}

// result is a response read in full.
type result struct {
	Status int
	Header http.Header
	Body   string
	resp   *http.Response
}

func (r result) cookies() []*http.Cookie { return r.resp.Cookies() }

// cookie returns the Set-Cookie named name, or nil.
func (r result) cookie(name string) *http.Cookie {
	for _, c := range r.resp.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// call sends method path with body (nil: none; a string: sent as is; else
// encoded as JSON) through the real router, from a fresh client address
// unless an option says otherwise.
func (f *idFixture) call(method, path string, body any, opts ...reqOpt) result {
	f.t.Helper()
	return f.send(f.request(method, path, body, opts...))
}

// request builds what call sends.
func (f *idFixture) request(method, path string, body any, opts ...reqOpt) *http.Request {
	f.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			f.t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	r := httptest.NewRequest(method, path, rd)
	if rd != nil {
		r.Header.Set("Content-Type", "application/json")
	}
	r.Header.Set("User-Agent", "identity-test/1.0")
	r.RemoteAddr = f.nextIP() + ":40000"
	for _, o := range opts {
		o(r)
	}
	return r
}

// send serves r through the real router and reads the response.
func (f *idFixture) send(r *http.Request) result {
	f.t.Helper()
	rec := httptest.NewRecorder()
	return f.serve(rec, rec, r)
}

// serve serves r to w, which writes into rec, and reads rec.
func (f *idFixture) serve(rec *httptest.ResponseRecorder, w http.ResponseWriter, r *http.Request) result {
	f.t.Helper()
	f.h.ServeHTTP(w, r)
	resp := rec.Result()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		f.t.Fatal(err)
	}
	return result{Status: resp.StatusCode, Header: resp.Header, Body: string(b), resp: resp}
}

// want fails the test unless r has status.
func (r result) want(t *testing.T, status int) result {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status = %d, want %d; body %s", r.Status, status, r.Body)
	}
	return r
}

// errorCode returns the error body's code (and fails on another shape).
func (r result) errorCode(t *testing.T) string {
	t.Helper()
	return decodeError(t, r.Body).Error.Code
}

// decodeAs decodes a JSON response body into T, refusing unknown members:
// a view that grows a field must grow its test too.
func decodeAs[T any](t *testing.T, r result) T {
	t.Helper()
	var v T
	dec := json.NewDecoder(strings.NewReader(r.Body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("body %s: %v", r.Body, err)
	}
	return v
}

// tokensBody is a session in a response.
type tokensBody struct {
	MFARequired      bool      `json:"mfa_required"`
	AccessToken      string    `json:"access_token"`
	TokenType        string    `json:"token_type"`
	ExpiresAt        time.Time `json:"expires_at"`
	RefreshToken     string    `json:"refresh_token"`
	RefreshExpiresAt time.Time `json:"refresh_expires_at"`
	RecoveryCodes    []string  `json:"recovery_codes"`
}

type challengeBody struct {
	MFARequired        bool      `json:"mfa_required"`
	EnrollmentRequired bool      `json:"enrollment_required"`
	Challenge          string    `json:"challenge"`
	ChallengeExpiresAt time.Time `json:"challenge_expires_at"`
}

type enrollmentBody struct {
	Secret      string `json:"secret"`
	OTPAuthURI  string `json:"otpauth_uri"`
	QRPNGBase64 []byte `json:"qr_png_base64"`
}

type accountBody struct {
	ID                string    `json:"id"`
	Role              string    `json:"role"`
	Email             string    `json:"email"`
	Name              string    `json:"name"`
	Phone             string    `json:"phone"`
	TwoFactorEnabled  bool      `json:"two_factor_enabled"`
	TwoFactorPending  bool      `json:"two_factor_pending"`
	CreatedAt         time.Time `json:"created_at"`
	PasswordChangedAt time.Time `json:"password_changed_at"`
}

type userBody struct {
	accountBody
	Disabled     bool       `json:"disabled"`
	Locked       bool       `json:"locked"`
	LockedUntil  *time.Time `json:"locked_until"`
	FailedLogins int        `json:"failed_logins"`
	UpdatedAt    time.Time  `json:"updated_at"`
}

type sessionBody struct {
	ID         string    `json:"id"`
	CreatedAt  time.Time `json:"created_at"`
	LastUsedAt time.Time `json:"last_used_at"`
	ExpiresAt  time.Time `json:"expires_at"`
	IP         string    `json:"ip"`
	UserAgent  string    `json:"user_agent"`
	Current    bool      `json:"current"`
}

// account creates a user directly in the store, as the command line does.
func (f *idFixture) account(role users.Role, email string) users.User {
	f.t.Helper()
	hash, err := f.hasher.Hash(context.Background(), []byte(testPassword))
	if err != nil {
		f.t.Fatal(err)
	}
	name, _, _ := strings.Cut(email, "@")
	u, err := f.store.Create(context.Background(), users.NewUser{Role: role, Email: email, Name: "Name " + name, PasswordHash: hash})
	if err != nil {
		f.t.Fatal(err)
	}
	return u
}

// enableTOTP turns TOTP on for u directly in the store, remembering the
// secret and the recovery codes.
func (f *idFixture) enableTOTP(u users.User) {
	f.t.Helper()
	ctx := context.Background()
	secret, _, _, err := auth.NewTOTPSecret("supportbot", u.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	if err := f.store.SetTOTPSecret(ctx, u.ID, []byte(secret)); err != nil {
		f.t.Fatal(err)
	}
	codes, hashes, err := auth.NewRecoveryCodes(auth.RecoveryCodeCount)
	if err != nil {
		f.t.Fatal(err)
	}
	if err := f.store.EnableTOTP(ctx, u.ID, 1, hashes); err != nil { // step 1: any current code is later
		f.t.Fatal(err)
	}
	f.totp[u.ID], f.recovery[u.ID] = secret, codes
}

// code is the current TOTP code of the user's secret, as an authenticator
// app computes it.
func (f *idFixture) code(userID string) string {
	f.t.Helper()
	secret, ok := f.totp[userID]
	if !ok {
		f.t.Fatalf("no TOTP secret known for %s", userID)
	}
	c, err := totp.GenerateCodeCustom(secret, f.clock.Now(), totp.ValidateOpts{Period: auth.TOTPPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

// nextStep moves the clock to the next TOTP step, so a code no earlier
// login spent is current.
func (f *idFixture) nextStep() { f.clock.Advance(auth.TOTPPeriod * time.Second) }

func loginBody(email, password string) map[string]string {
	return map[string]string{"email": email, "password": password}
}

// login signs u in over HTTP with testPassword, completing TOTP when asked
// (and enrolling first when the server asks for that), and returns the
// session and the response that carried it.
func (f *idFixture) login(u users.User, opts ...reqOpt) (tokensBody, result) {
	f.t.Helper()
	res := f.call("POST", "/api/v1/auth/login", loginBody(u.Email, testPassword), opts...).want(f.t, 200)
	var probe struct {
		MFARequired bool `json:"mfa_required"`
	}
	if err := json.Unmarshal([]byte(res.Body), &probe); err != nil {
		f.t.Fatal(err)
	}
	if !probe.MFARequired {
		return decodeAs[tokensBody](f.t, res), res
	}
	ch := decodeAs[challengeBody](f.t, res)
	if ch.EnrollmentRequired {
		en := decodeAs[enrollmentBody](f.t, f.call("POST", "/api/v1/auth/mfa/enroll", map[string]string{"challenge": ch.Challenge}).want(f.t, 200))
		f.totp[u.ID] = en.Secret
	}
	f.nextStep()
	res = f.call("POST", "/api/v1/auth/mfa", map[string]string{"challenge": ch.Challenge, "code": f.code(u.ID)}, opts...).want(f.t, 200)
	tb := decodeAs[tokensBody](f.t, res)
	if len(tb.RecoveryCodes) > 0 {
		f.recovery[u.ID] = tb.RecoveryCodes
	}
	return tb, res
}

// me calls GET /api/v1/me with the access token and returns the status.
func (f *idFixture) me(access string) int {
	f.t.Helper()
	return f.call("GET", "/api/v1/me", nil, withBearer(access)).Status
}

// events returns the audit events of type typ.
func (f *idFixture) events(typ string) []string {
	var out []string
	for _, e := range f.audit.Events() {
		if e.Type == typ {
			out = append(out, e.Actor+" "+e.Target+" "+e.Details)
		}
	}
	return out
}

// stripID removes the request ID from an error body, for comparing bodies.
func stripID(t *testing.T, body string) string {
	t.Helper()
	return strings.Replace(body, decodeError(t, body).Error.RequestID, "REQUEST-ID", 1)
}

// SearchFAQ makes the fixture's brain the "try a question" box's searcher,
// as serve passes its bot.Brain.
func (l *lazyBrain) SearchFAQ(text string, n int) []bot.Hit { return l.brain().SearchFAQ(text, n) }

// teeRecorder records every event to each recorder.
type teeRecorder []audit.Recorder

func (t teeRecorder) Record(ctx context.Context, e audit.Event) error {
	for _, r := range t {
		if err := r.Record(ctx, e); err != nil {
			return err
		}
	}
	return nil
}

// testDoctor is the checklist the dashboard shows in these tests; serve
// passes the one `supportbot doctor` prints (cmd/supportbot tests that).
var testDoctor = doctor.Report{
	{Item: "Strict CSP", Status: doctor.Pass, Detail: "strict Content-Security-Policy with nonces"},
	{Item: "HTTPS only", Status: doctor.Fail, Detail: "no TLS and no TLS-terminating proxy", Fix: "set TLS_CERT_FILE and TLS_KEY_FILE, or TRUSTED_PROXIES"},
	{Item: "Circuit breaker", Status: doctor.Warn, Detail: "not available yet", Fix: "arrives in a later release"},
}
