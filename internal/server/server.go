package server

import (
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"

	"supportbot/api"
	apiroutes "supportbot/internal/api"
	"supportbot/internal/http/cookie"
	"supportbot/internal/http/middleware"
	"supportbot/internal/http/request"
	"supportbot/internal/http/response"
	"supportbot/internal/ratelimit"
	"supportbot/internal/ui"
)

// Server is supportbot's HTTP server.
type Server struct {
	opts   Options
	log    *slog.Logger
	router *middleware.Router
	errs   *response.ErrorWriter
	tls    *tls.Config
	ping   *sharedPing // the health checks' database ping

	onShutdown func() // test hook: called when graceful shutdown begins
}

// New builds the server: the middleware chain around every API and UI route
// (and extra, routes added by tests through the same builder), the TLS
// settings and the timeouts. With Deps.Auth the identity routes of issue 3
// are served and requests are authenticated by the auth service. It fails,
// naming the problem, on an unsafe or incomplete setting: a wildcard CORS
// origin, a route without policy, a route that requires signing in without
// an Authenticator, both Auth and Authenticator, an unreadable certificate,
// rate limiting without a limiter.
func New(opts Options, deps Deps, extra ...middleware.Route) (*Server, error) {
	if deps.Logger == nil || deps.DB == nil {
		return nil, errors.New("server: Deps.Logger and Deps.DB are required")
	}
	opts = withDefaults(opts)
	tlsCfg, err := tlsConfig(opts)
	if err != nil {
		return nil, err
	}
	schemaFS := deps.Schemas
	if schemaFS == nil {
		schemaFS = api.Schemas()
	}
	schemas, err := request.CompileSchemas(schemaFS)
	if err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	// /readyz and the home page share one coalesced, briefly cached ping.
	ping := newSharedPing(deps.DB, deps.Clock)

	var limit ratelimit.Limit
	if opts.RateLimitPerMinute > 0 {
		limit = ratelimit.PerMinute(opts.RateLimitPerMinute)
	} else {
		deps.Logger.Warn("rate limiting is off",
			slog.String("event", "server.ratelimit_off"))
	}

	authenticator := deps.Authenticator
	if deps.Auth != nil {
		if deps.Authenticator != nil {
			return nil, errors.New("server: set Deps.Auth or Deps.Authenticator, not both")
		}
		authenticator = serviceAuthenticator{svc: deps.Auth}
	}
	// The session cookies: __Host- and Secure unless DevCookies (plain-HTTP
	// development), the same names the authentication step reads.
	jar := cookie.Jar{Secure: !opts.DevCookies, Clock: deps.Clock}
	site, err := ui.New(ui.Deps{Log: deps.Logger, DB: ping, Auth: deps.Auth, Cookies: jar, Clock: deps.Clock,
		Chat: deps.Chat, ChatLimit: deps.ChatLimit, MaxMessageChars: deps.MaxMessageChars, Activity: deps.Activity,
		Orders: deps.Orders, KB: deps.KB, KBChanged: deps.KBChanged, FAQ: deps.FAQ, Audit: deps.AuditLog, Doctor: deps.Doctor})
	if err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	errs := response.NewErrorWriter(deps.Logger, site.ErrorPage)

	routes := slices.Concat(
		apiroutes.Routes(apiroutes.Deps{Log: deps.Logger, DB: ping, Auth: deps.Auth, Cookies: jar, Clock: deps.Clock,
			Chat: deps.Chat, ChatLimit: deps.ChatLimit, KB: deps.KB, KBChanged: deps.KBChanged, Orders: deps.Orders, Payments: deps.Payments}),
		site.Routes(),
		extra,
	)
	router, err := middleware.New(middleware.Options{
		StrictCSP:            opts.StrictCSP,
		TrustedProxies:       opts.TrustedProxies,
		CORSAllowedOrigins:   opts.CORSAllowedOrigins,
		CORSAllowCredentials: opts.CORSAllowCredentials,
		MaxBodyBytes:         opts.MaxBodyBytes,
		RequestTimeout:       opts.RequestTimeout,
		RateLimit:            limit,
		DevCookies:           opts.DevCookies,
		Require2FAForStaff:   opts.Require2FAForStaff,
		LoginPath:            ui.LoginPath,
	}, middleware.Deps{
		Log:     deps.Logger,
		Errors:  errs,
		Schemas: schemas,
		Limiter: deps.Limiter,
		Audit:   deps.Audit,
		Clock:   deps.Clock,
		Random:  deps.Random,

		Authenticator: authenticator,
	}, routes)
	if err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	return &Server{opts: opts, log: deps.Logger, router: router, errs: errs, tls: tlsCfg, ping: ping}, nil
}

// withDefaults fills zero options.
func withDefaults(o Options) Options {
	if o.Addr == "" {
		o.Addr = DefaultAddr
	}
	if o.TLSMinVersion == "" {
		o.TLSMinVersion = DefaultTLSMinVersion
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = middleware.DefaultMaxBodyBytes
	}
	if o.RequestTimeout <= 0 {
		o.RequestTimeout = middleware.DefaultRequestTimeout
	}
	if o.RateLimitPerMinute == 0 {
		o.RateLimitPerMinute = DefaultRateLimitPerMinute
	}
	if o.ReadHeaderTimeout <= 0 {
		o.ReadHeaderTimeout = DefaultReadHeaderTimeout
	}
	if o.ReadTimeout <= 0 {
		o.ReadTimeout = DefaultReadTimeout
	}
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = o.RequestTimeout + writeTimeoutMargin
	}
	if o.IdleTimeout <= 0 {
		o.IdleTimeout = DefaultIdleTimeout
	}
	if o.MaxHeaderBytes <= 0 {
		o.MaxHeaderBytes = DefaultMaxHeaderBytes
	}
	if o.ShutdownTimeout <= 0 {
		o.ShutdownTimeout = DefaultShutdownTimeout
	}
	return o
}

// Handler returns the one handler serving every route behind the whole
// middleware chain; tests send their requests to it.
func (s *Server) Handler() http.Handler { return s.router }

// Routes returns every declared route with its policy, for tests that walk
// all routes.
func (s *Server) Routes() []middleware.Route { return s.router.Routes() }

// ErrorCounts returns how many error responses were written, by class,
// status and code.
func (s *Server) ErrorCounts() response.Counts { return s.errs.Counts() }

// httpServer returns an http.Server for h with every connection bound set, so
// slow or idle clients cannot hold connections (issue 2, "Request rules").
func (s *Server) httpServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		TLSConfig:         s.tls,
		ReadHeaderTimeout: s.opts.ReadHeaderTimeout,
		ReadTimeout:       s.opts.ReadTimeout,
		WriteTimeout:      s.opts.WriteTimeout,
		IdleTimeout:       s.opts.IdleTimeout,
		MaxHeaderBytes:    s.opts.MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
}
