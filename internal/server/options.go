package server

import (
	"context"
	"io"
	"io/fs"
	"log/slog"
	"net/netip"
	"time"

	"supportbot/internal/audit"
	"supportbot/internal/auth"
	"supportbot/internal/conversations"
	"supportbot/internal/doctor"
	"supportbot/internal/http/middleware"
	"supportbot/internal/kb"
	"supportbot/internal/orders"
	"supportbot/internal/payment"
	"supportbot/internal/ratelimit"
	"supportbot/internal/ui"
)

// Defaults applied to zero Options fields.
const (
	DefaultAddr               = "127.0.0.1:8080"
	DefaultTLSMinVersion      = "1.3"
	DefaultRateLimitPerMinute = 60 // first specification, "Enable rate limiting"
	DefaultReadHeaderTimeout  = 5 * time.Second
	DefaultReadTimeout        = 30 * time.Second
	DefaultIdleTimeout        = 120 * time.Second
	DefaultMaxHeaderBytes     = 32 << 10
	DefaultShutdownTimeout    = 15 * time.Second
	// writeTimeoutMargin is added to RequestTimeout for the default
	// WriteTimeout, so a handler that uses its whole deadline can still get
	// its 503 out before the connection's write deadline.
	writeTimeoutMargin = 10 * time.Second
)

// Options are the server's settings; the lead wires configuration into them.
// Zero values take the defaults above and middleware's (10 MB bodies, 30 s
// handler deadline).
type Options struct {
	Addr             string // listen address of the main (HTTPS when TLS is set) listener
	TLSCertFile      string // PEM certificate chain; with TLSKeyFile enables HTTPS
	TLSKeyFile       string // PEM private key
	TLSMinVersion    string // "1.3" (default) or "1.2"
	HTTPRedirectAddr string // optional plain-HTTP listener answering 301 to HTTPS

	TrustedProxies       []netip.Prefix // peers whose X-Forwarded-For/-Proto are believed
	CORSAllowedOrigins   []string       // exact origins; "*" and "null" are refused
	CORSAllowCredentials bool           // let allowed origins send cookies (off by default)
	StrictCSP            bool           // production CSP and HSTS

	// DevCookies names the session cookies sb_access and sb_refresh without
	// Secure, for development over plain HTTP only, where browsers would drop
	// Secure cookies. The zero value is the production behaviour:
	// __Host-sb_access and __Host-sb_refresh, Secure (package cookie), so
	// forgetting the option can only fail closed.
	DevCookies bool
	// Require2FAForStaff (REQUIRE_2FA_FOR_STAFF) makes staff-only routes
	// (policies admitting support or admin but no customer) answer 403
	// mfa_required to a session without a second factor, as routes with
	// RequireMFA always do.
	Require2FAForStaff bool

	MaxBodyBytes       int64         // request body limit; 0 = 10 MB
	RequestTimeout     time.Duration // handler deadline; 0 = 30 s
	RateLimitPerMinute int           // per client IP on /api/; 0 = 60, negative = off

	ReadHeaderTimeout time.Duration // slow-header (Slowloris) bound; 0 = 5 s
	ReadTimeout       time.Duration // whole request, body included; 0 = 30 s
	// WriteTimeout bounds writing a response; 0 = RequestTimeout + 10 s. It
	// is per connection, not per route: server-sent event handlers (a later
	// issue) lift it for their own connection with
	// http.ResponseController.SetWriteDeadline, so the default stays tight
	// for everything else.
	WriteTimeout    time.Duration
	IdleTimeout     time.Duration // keep-alive idle bound; 0 = 120 s
	MaxHeaderBytes  int           // request header size bound; 0 = 32 KB
	ShutdownTimeout time.Duration // how long in-flight requests get on shutdown; 0 = 15 s
}

// Pinger checks that the database answers; storage's handle implements it.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Deps are the server's collaborators.
type Deps struct {
	Logger  *slog.Logger      // required
	DB      Pinger            // required: readiness and the home page's health (pinged at most once a second)
	Audit   audit.Recorder    // required unless rate limiting is off and there is no Authenticator
	Limiter ratelimit.Limiter // required unless rate limiting is off
	Clock   func() time.Time  // audit times and the health ping's cache; default time.Now
	Random  io.Reader         // request IDs and CSP nonces; default crypto/rand
	Schemas fs.FS             // request-body schemas; default api.Schemas()

	// Auth runs the identity flows (issue 3). When set, New registers the
	// identity routes (/api/v1/auth/…, /api/v1/me…, /api/v1/admin/users…)
	// and authenticates every request with Auth.Authenticate; Authenticator
	// must then be nil. Its clock should be Clock, so cookie lifetimes and
	// admin views agree with the tokens.
	Auth *auth.Service

	// Authenticator checks access tokens (Bearer header or session cookie)
	// for the authentication step, for tests with a fake; production sets
	// Auth instead. Without either, only public routes may be declared, and
	// New fails naming any other.
	Authenticator middleware.Authenticator

	// The support bot (issue 4); each nil field leaves its routes out.
	// ChatLimit is the per-user limit on chat messages (zero Rate: none);
	// KBChanged is called after a knowledge-base edit.
	Chat      *conversations.Service
	ChatLimit ratelimit.Limit
	KB        *kb.Store
	KBChanged func()
	Orders    *orders.Service
	Payments  *payment.Service

	// The web UI's extras (issue 5); each nil field leaves its pages out.
	// FAQ is the bot's knowledge-base search for the admin's "try a
	// question" box; AuditLog the audit viewer and the failed-login chart;
	// Activity the chat charts; Doctor the production checklist.
	// MaxMessageChars sizes the chat box's counter.
	FAQ             ui.FAQSearcher
	AuditLog        ui.AuditLog
	Activity        ui.Activity
	Doctor          func(context.Context) doctor.Report
	MaxMessageChars int
}
