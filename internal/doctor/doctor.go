// Package doctor checks a configuration against the production checklist of
// the first specification ("Security Checklist: Before deploying to
// production"), one line per item with PASS, WARN or FAIL and how to fix it.
package doctor

import (
	"fmt"
	"io"
	"text/tabwriter"

	"supportbot/internal/config"
)

// Status is the outcome of one check.
type Status string

// Statuses, best first.
const (
	Pass Status = "PASS"
	Warn Status = "WARN"
	Fail Status = "FAIL"
)

// Result is one checklist item.
type Result struct {
	Item   string
	Status Status
	Detail string // what was found
	Fix    string // what to do; empty on PASS
}

// Report is the whole checklist.
type Report []Result

// Failed reports whether any item failed.
func (r Report) Failed() bool {
	for _, res := range r {
		if res.Status == Fail {
			return true
		}
	}
	return false
}

// Failures returns the failed items.
func (r Report) Failures() Report {
	var out Report
	for _, res := range r {
		if res.Status == Fail {
			out = append(out, res)
		}
	}
	return out
}

// Write prints the report as an aligned table.
func (r Report) Write(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, res := range r {
		line := res.Detail
		if res.Fix != "" {
			line += " — fix: " + res.Fix
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", res.Status, res.Item, line)
	}
	return tw.Flush()
}

// Extra holds facts the configuration alone cannot tell, gathered by the
// caller (e.g. from the database); nil fields are skipped.
type Extra struct {
	DatabaseTLS    func(databaseURL string) error // storage's TLS rule for a remote PostgreSQL
	Database       *Result                        // reachability and migrations
	AuditChain     *Result                        // hash-chain verification
	DependencyScan *Result
}

// Check runs the checklist on c. Items whose feature arrives in a later
// release are listed as WARN "not available yet", so nobody mistakes their
// absence for a pass.
func Check(c *config.Config, x Extra) Report {
	var r Report
	add := func(item string, ok bool, good, bad, fix string, failStatus Status) {
		if ok {
			r = append(r, Result{Item: item, Status: Pass, Detail: good})
			return
		}
		r = append(r, Result{Item: item, Status: failStatus, Detail: bad, Fix: fix})
	}

	add("ENV is production", !c.Development,
		"production mode", fmt.Sprintf("ENV=%q is a development mode", c.Env),
		"unset ENV or set ENV=production", Fail)
	add("Strict CSP", c.StrictCSP(),
		"strict Content-Security-Policy with nonces", "relaxed CSP allows unsafe-inline and unsafe-eval",
		"remove CSP_STRICT=false (or set CSP_STRICT=true)", Fail)
	https := c.TLSEnabled() || len(c.TrustedProxies) > 0
	add("HTTPS only", https,
		httpsDetail(c), "no TLS and no TLS-terminating proxy",
		"set TLS_CERT_FILE and TLS_KEY_FILE, or TRUSTED_PROXIES", Fail)
	add("HSTS", https && c.StrictCSP(),
		"Strict-Transport-Security max-age=31536000; includeSubDomains on HTTPS responses",
		"HSTS is sent only in strict mode over HTTPS",
		"serve over HTTPS with strict CSP", Fail)
	if c.TLSEnabled() {
		add("TLS version", c.TLSMinVersion == "1.3",
			"TLS 1.3 minimum", "TLS 1.2 allowed (ECDHE with AEAD suites only)",
			"set TLS_MIN_VERSION=1.3 unless old clients need 1.2", Warn)
	}

	msg := config.SecretKeyProblem(c.SecretKey)
	add("SECRET_KEY strength", msg == "",
		fmt.Sprintf("%d characters, random", len(c.SecretKey)), "SECRET_KEY "+msg,
		"set SECRET_KEY (or SECRET_KEY_FILE) to the output of openssl rand -hex 32", Fail)
	add("Field encryption key", c.EncryptionKey != "" && c.BlindIndexKey != "",
		"ENCRYPTION_KEY and BLIND_INDEX_KEY set (AES-256-GCM, HMAC blind index)",
		"ENCRYPTION_KEY or BLIND_INDEX_KEY missing",
		"set both to openssl rand -base64 32 (different values)", Fail)
	add("Rate limiting", c.RateLimitPerMinute > 0,
		fmt.Sprintf("%d API requests per minute per client IP", c.RateLimitPerMinute),
		"RATE_LIMIT_PER_MINUTE=0 disables rate limiting",
		"set RATE_LIMIT_PER_MINUTE (default 60)", Fail)
	add("Chat rate limiting", c.ChatRateLimitPerMinute > 0,
		fmt.Sprintf("%d chat messages per minute per user", c.ChatRateLimitPerMinute),
		"CHAT_RATE_LIMIT_PER_MINUTE=0 disables the per-user chat limit",
		"set CHAT_RATE_LIMIT_PER_MINUTE (default 30)", Fail)
	// config refuses * and null when it loads, so this item reports what
	// is allowed rather than ever failing here.
	add("CORS without wildcard", true,
		fmt.Sprintf("%d exact allowed origin(s); * and null are refused at load", len(c.CORSAllowedOrigins)),
		"", "", Pass)
	files := c.SecretFileProblems()
	add("Secret file permissions", len(files) == 0,
		"secret files readable by their owner only",
		fmt.Sprint(files), "chmod 600 each named file", Fail)
	add("Manual payments only (PCI-DSS)", c.PaymentMethod == "manual",
		"PAYMENT_METHOD=manual; no card data is processed", "automated card payments configured",
		"set PAYMENT_METHOD=manual", Fail)

	if x.DatabaseTLS != nil {
		err := x.DatabaseTLS(c.DatabaseURL)
		detail := "embedded SQLite or PostgreSQL over TLS / loopback"
		if err != nil {
			detail = err.Error()
		}
		add("Database TLS", err == nil, detail, detail,
			"add sslmode=verify-full (or require) to DATABASE_URL", Fail)
	}
	for _, res := range []*Result{x.Database, x.AuditChain} {
		if res != nil {
			r = append(r, *res)
		}
	}
	add("Security logging", true, "structured JSON logs with redaction; hash-chained audit trail", "", "", Pass)

	add("2FA for admin accounts", c.StaffNeed2FA(),
		"support and admin users must enrol and complete TOTP at every login",
		"REQUIRE_2FA_FOR_STAFF=false lets staff sign in with a password alone",
		"unset REQUIRE_2FA_FOR_STAFF (on in production) or set it to true", Fail)
	add("Password hashing", c.BcryptCost >= 12,
		fmt.Sprintf("bcrypt cost %d", c.BcryptCost), fmt.Sprintf("bcrypt cost %d is below 12", c.BcryptCost),
		"set BCRYPT_COST=12 or more", Fail)
	for _, item := range []string{
		"Alert channels (Telegram/Email/Webhook)", "Circuit breaker",
		"Automated backups", "Key age and rotation",
	} {
		r = append(r, Result{Item: item, Status: Warn, Detail: "not available yet", Fix: "arrives in a later release"})
	}
	return r
}

func httpsDetail(c *config.Config) string {
	if c.TLSEnabled() {
		return "TLS served directly"
	}
	return "TLS terminated by a trusted proxy"
}
