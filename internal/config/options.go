package config

import (
	"net/netip"
	"time"
)

// Config is the effective configuration. It is built only by Load, from the
// option table below, so every field has exactly one name, default, parser
// and doc line.
type Config struct {
	Env         string
	Development bool

	ListenAddr       string
	HTTPRedirectAddr string
	TLSCertFile      string
	TLSKeyFile       string
	TLSMinVersion    string
	TrustedProxies   []netip.Prefix
	ShutdownTimeout  time.Duration

	DataDir        string
	DatabaseURL    string
	DBMaxOpenConns int
	DBQueryTimeout time.Duration

	SecretKey         string
	EncryptionKey     string
	EncryptionOldKeys []string
	BlindIndexKey     string

	CORSAllowedOrigins []string
	CSPStrict          *bool // nil: strict in production, relaxed in development
	MaxBodyBytes       int64
	RequestTimeout     time.Duration
	RateLimitPerMinute int

	RegistrationOpen   bool
	BcryptCost         int
	LoginMaxAttempts   int
	LoginWindow        time.Duration
	LockoutThreshold   int
	LockoutDuration    time.Duration
	AccessTokenTTL     time.Duration
	RefreshTokenTTL    time.Duration
	Require2FAForStaff *bool // nil: required in production, optional in development
	SecretKeyPrevious  string
	SecretKeyPrevUntil time.Time

	PaymentMethod       string
	PaymentInstructions string
	PaymentLink         string

	OrderIDPattern          string
	ReturnWindowDays        int
	MaxMessageChars         int
	ChatRateLimitPerMinute  int
	ConversationIdleTimeout time.Duration

	LogFormat string
	LogLevel  string

	// sources records where each set option came from, for the permission
	// checks and for `supportbot config`.
	sources map[string]source
}

// option is one row of the configuration table.
type option struct {
	name   string
	def    string
	secret bool // printed as <redacted>; may be given as NAME_FILE
	kind   string
	doc    string
	set    func(c *Config, v string) error
}

// options is the one configuration table (DESIGN.md, "Config is one table").
// Order is the order of `supportbot config` and docs/CONFIGURATION.md.
var options = []option{
	{name: "ENV", def: "", kind: "string",
		doc: "Deployment mode. development, dev, local, testing and test are development; anything else, including unset, is production (fail-safe).",
		set: func(c *Config, v string) error { c.Env = v; c.Development = isDevelopment(v); return nil }},

	{name: "LISTEN_ADDR", def: "127.0.0.1:8080", kind: "host:port",
		doc: "Address the server listens on (HTTPS when TLS_CERT_FILE and TLS_KEY_FILE are set).",
		set: func(c *Config, v string) error { return hostPort(&c.ListenAddr, v) }},
	{name: "HTTP_REDIRECT_ADDR", def: "", kind: "host:port",
		doc: "Optional plain-HTTP listener that answers 301 to HTTPS (except /healthz and /readyz). Needs TLS.",
		set: func(c *Config, v string) error { return optionalHostPort(&c.HTTPRedirectAddr, v) }},
	{name: "TLS_CERT_FILE", def: "", kind: "path",
		doc: "PEM certificate chain for HTTPS. Production needs TLS here or a TLS-terminating proxy in TRUSTED_PROXIES.",
		set: func(c *Config, v string) error { c.TLSCertFile = v; return nil }},
	{name: "TLS_KEY_FILE", def: "", kind: "path",
		doc: "PEM private key for TLS_CERT_FILE; must not be readable by group or others in production.",
		set: func(c *Config, v string) error { c.TLSKeyFile = v; return nil }},
	{name: "TLS_MIN_VERSION", def: "1.3", kind: "1.2|1.3",
		doc: "Lowest TLS version accepted. With 1.2 only ECDHE suites with AES-GCM or ChaCha20-Poly1305 are offered.",
		set: func(c *Config, v string) error { return oneOf(&c.TLSMinVersion, v, "1.2", "1.3") }},
	{name: "TRUSTED_PROXIES", def: "", kind: "CIDR list",
		doc: "Comma-separated CIDRs of reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed; nobody else's are. No wider than /8 (IPv4) or /32 (IPv6).",
		set: func(c *Config, v string) error { return prefixes(&c.TrustedProxies, v) }},
	{name: "SHUTDOWN_TIMEOUT", def: "15s", kind: "duration",
		doc: "How long in-flight requests may take to finish on SIGINT/SIGTERM.",
		set: func(c *Config, v string) error { return duration(&c.ShutdownTimeout, v, time.Second, 10*time.Minute) }},

	{name: "DATA_DIR", def: "./data", kind: "path",
		doc: "Directory (created 0700) for the SQLite database and generated development secrets.",
		set: func(c *Config, v string) error { return nonEmpty(&c.DataDir, v) }},
	{name: "DATABASE_URL", def: "", secret: true, kind: "URL",
		doc: "Empty for the embedded SQLite database in DATA_DIR, or postgres://… (a remote server must use sslmode=require or verify-full in production).",
		set: func(c *Config, v string) error { return databaseURL(&c.DatabaseURL, v) }},
	{name: "DB_MAX_OPEN_CONNS", def: "10", kind: "int",
		doc: "Size of the database connection pool (limits resource exhaustion).",
		set: func(c *Config, v string) error { return integer(&c.DBMaxOpenConns, v, 1, 1000) }},
	{name: "DB_QUERY_TIMEOUT", def: "5s", kind: "duration",
		doc: "Upper bound for a single database query.",
		set: func(c *Config, v string) error {
			return duration(&c.DBQueryTimeout, v, 100*time.Millisecond, time.Minute)
		}},

	{name: "SECRET_KEY", def: "", secret: true, kind: "string",
		doc: "Master secret (at least 64 characters, e.g. `openssl rand -hex 32`); signing and audit-chain keys are derived from it.",
		set: func(c *Config, v string) error { c.SecretKey = v; return nil }},
	{name: "ENCRYPTION_KEY", def: "", secret: true, kind: "base64 key",
		doc: "32 random bytes, base64 (`openssl rand -base64 32`), encrypting PII at rest with AES-256-GCM.",
		set: func(c *Config, v string) error { c.EncryptionKey = v; return nil }},
	{name: "ENCRYPTION_OLD_KEYS", def: "", secret: true, kind: "base64 key list",
		doc: "Comma-separated earlier ENCRYPTION_KEY values that still decrypt after a rotation.",
		set: func(c *Config, v string) error { c.EncryptionOldKeys = list(v); return nil }},
	{name: "BLIND_INDEX_KEY", def: "", secret: true, kind: "base64 key",
		doc: "32 random bytes, base64, keying the HMAC blind index used to look up encrypted values such as emails. Never rotate it without re-indexing.",
		set: func(c *Config, v string) error { c.BlindIndexKey = v; return nil }},

	{name: "CORS_ALLOWED_ORIGINS", def: "", kind: "origin list",
		doc: "Comma-separated exact origins (scheme://host[:port], lower case) allowed to call the API from a browser; `*` and `null` are refused in every mode.",
		set: func(c *Config, v string) error { return origins(&c.CORSAllowedOrigins, v) }},
	{name: "CSP_STRICT", def: "", kind: "bool",
		doc: "Force the strict (true) or relaxed (false) Content-Security-Policy; unset follows ENV (strict in production).",
		set: func(c *Config, v string) error { return optionalBool(&c.CSPStrict, v) }},
	{name: "MAX_BODY_BYTES", def: "10485760", kind: "int",
		doc: "Largest request body accepted (bytes); larger ones get 413 without being read.",
		set: func(c *Config, v string) error { return integer64(&c.MaxBodyBytes, v, 1024, 100<<20) }},
	{name: "REQUEST_TIMEOUT", def: "30s", kind: "duration",
		doc: "Deadline for one request's handler; past it the client gets 503.",
		set: func(c *Config, v string) error { return duration(&c.RequestTimeout, v, time.Second, 5*time.Minute) }},
	{name: "RATE_LIMIT_PER_MINUTE", def: "60", kind: "int",
		doc: "API requests allowed per client IP per minute; 0 disables the limit (refused by doctor in production).",
		set: func(c *Config, v string) error { return integer(&c.RateLimitPerMinute, v, 0, 1_000_000) }},

	{name: "REGISTRATION_OPEN", def: "true", kind: "bool",
		doc: "Whether customers may register themselves. Support and admin accounts are always created by an admin.",
		set: func(c *Config, v string) error { return boolean(&c.RegistrationOpen, v) }},
	{name: "BCRYPT_COST", def: "12", kind: "int",
		doc: "bcrypt work factor for passwords (both specifications: at least 12; production refuses less).",
		set: func(c *Config, v string) error { return integer(&c.BcryptCost, v, 4, 16) }},
	{name: "LOGIN_MAX_ATTEMPTS", def: "5", kind: "int",
		doc: "Login attempts allowed per client IP per LOGIN_WINDOW; past it 429 with Retry-After and no password check at all.",
		set: func(c *Config, v string) error { return integer(&c.LoginMaxAttempts, v, 1, 1000) }},
	{name: "LOGIN_WINDOW", def: "15m", kind: "duration",
		doc: "Window of LOGIN_MAX_ATTEMPTS (hardening guide: 5 attempts per 15 minutes).",
		set: func(c *Config, v string) error { return duration(&c.LoginWindow, v, time.Minute, 24*time.Hour) }},
	{name: "LOCKOUT_THRESHOLD", def: "5", kind: "int",
		doc: "Consecutive failed logins, from any IPs, that lock an account.",
		set: func(c *Config, v string) error { return integer(&c.LockoutThreshold, v, 1, 100) }},
	{name: "LOCKOUT_DURATION", def: "15m", kind: "duration",
		doc: "How long a locked account stays locked (an admin can unlock it sooner).",
		set: func(c *Config, v string) error { return duration(&c.LockoutDuration, v, time.Minute, 24*time.Hour) }},
	{name: "ACCESS_TOKEN_TTL", def: "15m", kind: "duration",
		doc: "Lifetime of an access token (JWT HS256).",
		set: func(c *Config, v string) error { return duration(&c.AccessTokenTTL, v, time.Minute, 24*time.Hour) }},
	{name: "REFRESH_TOKEN_TTL", def: "168h", kind: "duration",
		doc: "Absolute lifetime of a session's refresh tokens (rotated on every use).",
		set: func(c *Config, v string) error { return duration(&c.RefreshTokenTTL, v, time.Hour, 90*24*time.Hour) }},
	{name: "REQUIRE_2FA_FOR_STAFF", def: "", kind: "bool",
		doc: "Support and admin users must complete TOTP at every login and enrol before getting a session; unset means on in production, off in development.",
		set: func(c *Config, v string) error { return optionalBool(&c.Require2FAForStaff, v) }},
	{name: "SECRET_KEY_PREVIOUS", def: "", secret: true, kind: "string",
		doc: "The SECRET_KEY before a rotation: access tokens it signed keep verifying until SECRET_KEY_PREVIOUS_UNTIL.",
		set: func(c *Config, v string) error { c.SecretKeyPrevious = v; return nil }},
	{name: "SECRET_KEY_PREVIOUS_UNTIL", def: "", kind: "RFC 3339 time",
		doc: "When tokens signed with SECRET_KEY_PREVIOUS stop being accepted (rotation time + ACCESS_TOKEN_TTL is enough). An absolute time, so restarts never extend it; past it the server refuses to start until both are removed.",
		set: func(c *Config, v string) error { return timestamp(&c.SecretKeyPrevUntil, v) }},

	{name: "PAYMENT_METHOD", def: "manual", kind: "manual",
		doc: "Only manual payment is supported; automated card payments are disabled for PCI-DSS compliance.",
		set: func(c *Config, v string) error { return paymentMethod(&c.PaymentMethod, v) }},
	{name: "PAYMENT_INSTRUCTIONS", def: "Pay by bank transfer to the account shown on your invoice, quoting the payment reference.", kind: "string",
		doc: "Instructions a manual payment request gives the customer. Never ask for card details in chat.",
		set: func(c *Config, v string) error { return nonEmpty(&c.PaymentInstructions, v) }},
	{name: "PAYMENT_LINK", def: "", kind: "https URL",
		doc: "Optional hosted payment page (your payment provider's) that manual payment requests link to; the card is entered there, never here.",
		set: func(c *Config, v string) error { return httpsURL(&c.PaymentLink, v) }},

	{name: "ORDER_ID_PATTERN", def: defaultOrderIDPattern, kind: "regexp",
		doc: "Grammar of one order number (Go RE2 syntax, linear time, matched case-insensitively). Numbers are validated against it before any lookup; purely numeric ones are recognised in chat only after '#' or the word order.",
		set: func(c *Config, v string) error { return orderIDPattern(&c.OrderIDPattern, v) }},
	{name: "RETURN_WINDOW_DAYS", def: "30", kind: "int",
		doc: "Days after delivery during which a customer may ask to return an order.",
		set: func(c *Config, v string) error { return integer(&c.ReturnWindowDays, v, 1, 365) }},
	{name: "MAX_MESSAGE_CHARS", def: "2000", kind: "int",
		doc: "Longest chat message accepted, in characters; longer ones get 400.",
		set: func(c *Config, v string) error { return integer(&c.MaxMessageChars, v, 1, 10000) }},
	{name: "CHAT_RATE_LIMIT_PER_MINUTE", def: "30", kind: "int",
		doc: "Chat messages one user may send per minute, on top of the per-IP API limit; 0 disables it (refused by doctor in production).",
		set: func(c *Config, v string) error { return integer(&c.ChatRateLimitPerMinute, v, 0, 1_000_000) }},
	{name: "CONVERSATION_IDLE_TIMEOUT", def: "30m", kind: "duration",
		doc: "After this long without a message the bot forgets a conversation's pending question (the history stays).",
		set: func(c *Config, v string) error {
			return duration(&c.ConversationIdleTimeout, v, time.Minute, 24*time.Hour)
		}},

	{name: "LOG_FORMAT", def: "json", kind: "json|text",
		doc: "Log output format on standard error.",
		set: func(c *Config, v string) error { return oneOf(&c.LogFormat, v, "json", "text") }},
	{name: "LOG_LEVEL", def: "info", kind: "debug|info|warn|error",
		doc: "Lowest level logged.",
		set: func(c *Config, v string) error { return oneOf(&c.LogLevel, v, "debug", "info", "warn", "error") }},
}

// isDevelopment reports whether ENV names a development mode. Everything
// else, including an empty value, is production: the first specification
// makes production the fail-safe default.
func isDevelopment(env string) bool {
	switch env {
	case "development", "dev", "local", "testing", "test":
		return true
	}
	return false
}
