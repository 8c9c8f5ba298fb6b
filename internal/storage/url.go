package storage

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5"
)

// target is what DATABASE_URL selects.
type target struct {
	dialect string
	path    string // SQLite file; "" means the default file in DataDir
}

// IsPostgresURL reports whether DATABASE_URL names a PostgreSQL server, by
// the same reading Open uses (the scheme in any case), so a check made on it
// cannot disagree with the database that is then opened.
func IsPostgresURL(raw string) bool {
	t, err := parseURL(raw)
	return err == nil && t.dialect == DialectPostgres
}

// parseURL classifies DATABASE_URL. Its errors echo no part of the URL but
// its scheme, so a password cannot leak (invariant 5).
func parseURL(raw string) (target, error) {
	lower := strings.ToLower(raw)
	switch {
	case raw == "":
		return target{dialect: DialectSQLite}, nil
	case strings.HasPrefix(lower, "postgres://"), strings.HasPrefix(lower, "postgresql://"):
		return target{dialect: DialectPostgres}, nil
	case strings.HasPrefix(lower, "sqlite:"), strings.HasPrefix(lower, "file:"):
		p := raw[strings.IndexByte(raw, ':')+1:]
		p = strings.TrimPrefix(p, "//")
		return sqlitePath(p)
	}
	if scheme, ok := urlScheme(raw); ok {
		return target{}, fmt.Errorf("storage: DATABASE_URL: unsupported scheme %q: use postgres://…, sqlite:PATH or a file path", scheme)
	}
	return sqlitePath(raw)
}

// sqlitePath validates an SQLite file path.
func sqlitePath(p string) (target, error) {
	switch {
	case strings.ContainsRune(p, '?'):
		// The driver would read a query as pragmas; supportbot sets its own
		// and does not let a URL weaken them (secure_delete, foreign_keys…).
		return target{}, errors.New("storage: DATABASE_URL: an SQLite URL must not carry query parameters")
	case p == ":memory:" || strings.HasPrefix(p, ":"):
		// Each pooled connection would get its own empty in-memory database.
		return target{}, errors.New("storage: DATABASE_URL: in-memory SQLite is not supported; name a file")
	case strings.ContainsRune(p, '='):
		// Most likely a key=value PostgreSQL connection string, which may
		// hold a password: refuse rather than create a file named after it.
		return target{}, errors.New("storage: DATABASE_URL: not a URL or file path; PostgreSQL needs the postgres://… form")
	case strings.ContainsRune(p, 0):
		return target{}, errors.New("storage: DATABASE_URL: invalid SQLite path")
	}
	return target{dialect: DialectSQLite, path: p}, nil
}

// urlScheme reports the scheme of raw when it looks like "scheme:…". A single
// letter is a Windows drive, not a scheme.
func urlScheme(raw string) (string, bool) {
	i := strings.IndexByte(raw, ':')
	if i < 2 {
		return "", false
	}
	for j, r := range raw[:i] {
		isAlpha := (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
		if !isAlpha && (j == 0 || !(r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.')) {
			return "", false
		}
	}
	return raw[:i], true
}

// kvPassword matches a password in a key=value connection string, quoted
// or not.
var kvPassword = regexp.MustCompile(`(?i)\b(password|sslpassword)\s*=\s*('(?:[^'\\]|\\.)*'|\S*)`)

// RedactURL returns raw with any password (user info or the password /
// sslpassword query parameters) replaced, for logs and error messages
// (invariant 5). A string that does not parse is replaced whole.
func RedactURL(raw string) string {
	if raw == "" {
		return ""
	}
	if !strings.Contains(raw, "://") && kvPassword.MatchString(raw) {
		// A key=value connection string ("host=… password=…") parses as a
		// URL path; hide its password values instead.
		return kvPassword.ReplaceAllString(raw, "${1}=xxxxx")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "<redacted>"
	}
	if u.User != nil {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
		}
	}
	if u.RawQuery != "" {
		q, err := url.ParseQuery(u.RawQuery)
		if err != nil {
			return "<redacted>"
		}
		changed := false
		for k := range q {
			switch strings.ToLower(k) {
			case "password", "sslpassword":
				q[k] = []string{"xxxxx"}
				changed = true
			}
		}
		if changed {
			u.RawQuery = q.Encode()
		}
	}
	return u.String()
}

// CheckRemoteTLS returns an error naming DATABASE_URL and sslmode when
// databaseURL is a PostgreSQL URL whose connection to a host that is not
// loopback or a unix socket could be made without TLS: sslmode disable, allow
// or prefer (which falls back to plain text), or none given. It reads the
// effective pgx configuration (so PGHOST/PGSSLMODE and several hosts count)
// and never touches the network. SQLite URLs pass. Production calls it
// through Open (issue 2 §3; invariant 7); doctor may call it directly.
func CheckRemoteTLS(databaseURL string) error {
	t, err := parseURL(databaseURL)
	if err != nil || t.dialect != DialectPostgres {
		return err
	}
	cfg, err := pgx.ParseConfig(databaseURL)
	if err != nil {
		return fmt.Errorf("storage: DATABASE_URL: %w", err)
	}
	type attempt struct {
		host  string
		plain bool
	}
	attempts := []attempt{{cfg.Host, cfg.TLSConfig == nil}}
	for _, fb := range cfg.Fallbacks {
		attempts = append(attempts, attempt{fb.Host, fb.TLSConfig == nil})
	}
	for _, a := range attempts {
		if a.plain && !isLocalHost(a.host) {
			return fmt.Errorf("storage: DATABASE_URL: remote PostgreSQL host %q must use TLS in production: set sslmode=verify-full (or sslmode=require) in DATABASE_URL", a.host)
		}
	}
	return nil
}

// isLocalHost reports whether host is a unix socket directory or a loopback
// name or address, where traffic never crosses a network.
func isLocalHost(host string) bool {
	if strings.HasPrefix(host, "/") {
		return true
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}
