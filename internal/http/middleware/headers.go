package middleware

import (
	"encoding/base64"
	"io"
	"net/http"

	"supportbot/internal/http/request"
	"supportbot/internal/http/response"
)

// CSPReportPath is where browsers send Content-Security-Policy violation
// reports (the report-uri directive); internal/api serves it.
const CSPReportPath = "/api/v1/csp-report"

// nonceBytes is the CSP nonce's entropy: 128 bits, fresh for every response
// (CSP Level 3 asks for at least 128 bits; issue 2, "Headers").
const nonceBytes = 16

// header is one fixed response header; its value slice is shared by every
// response (cap == len, so an Add elsewhere copies instead of writing into it).
type header struct {
	key   string // canonical form
	value []string
}

func fixed(key, value string) header {
	return header{key: http.CanonicalHeaderKey(key), value: []string{value}[:1:1]}
}

// alwaysHeaders are sent on every response, errors and panics included
// (issue 2, "Headers on every response"; first specification, "Content
// Security Policy"; hardening guide, "Response Security").
var alwaysHeaders = []header{
	fixed("X-Content-Type-Options", "nosniff"),                              // ASVS 4.0.3 V14.4.4
	fixed("X-Frame-Options", "DENY"),                                        // ASVS V14.4.7, with frame-ancestors
	fixed("Referrer-Policy", "strict-origin-when-cross-origin"),             // ASVS V14.4.6
	fixed("Permissions-Policy", "geolocation=(), microphone=(), camera=()"), // no powerful features
	fixed("Cross-Origin-Opener-Policy", "same-origin"),                      // no window handle for cross-origin openers
	// X-XSS-Protection is obsolete: current browsers ignore it and the filter
	// it enabled in old ones could itself be abused. The hardening guide asks
	// for it, so it is sent; the real defence is the CSP (docs/SECURITY.md).
	fixed("X-XSS-Protection", "1; mode=block"),
	// no-store by default: API answers and pages may hold personal data.
	// Content-hashed static assets override it with a year-long cache.
	fixed("Cache-Control", "no-store"),
}

// hsts is sent in strict mode on HTTPS only: over plain HTTP browsers ignore
// it, and a development server must not pin localhost to HTTPS (ASVS 4.0.3
// V14.4.5; first specification, "Production (Strict Mode)").
var hsts = fixed("Strict-Transport-Security", "max-age=31536000; includeSubDomains")

// cspTemplate holds the policy around the nonce: parts[0] + nonce + parts[1]
// + nonce + parts[2].
type cspTemplate [3]string

// strictCSP is the production policy: no 'unsafe-inline' or 'unsafe-eval';
// scripts and styles need this response's nonce, and 'strict-dynamic' lets
// a nonced script load its modules (ASVS 4.0.3 V14.4.3).
var strictCSP = cspTemplate{
	"default-src 'self'; script-src 'self' 'nonce-",
	"' 'strict-dynamic'; style-src 'self' 'nonce-",
	"'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'; " +
		"connect-src 'self'; img-src 'self' data:; upgrade-insecure-requests; report-uri " + CSPReportPath,
}

// relaxedCSP is the development policy of the first specification: it adds
// 'unsafe-inline' 'unsafe-eval' and local connections for development tools
// and drops upgrade-insecure-requests (development runs on plain HTTP). The
// nonce stays, so pages are the same in both modes; browsers ignore
// 'unsafe-inline' when a nonce is present, so in practice development only
// gains eval and localhost, and the UI is always written for the strict
// policy (DESIGN.md, invariant 8).
var relaxedCSP = cspTemplate{
	"default-src 'self'; script-src 'self' 'nonce-",
	"' 'strict-dynamic' 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'nonce-",
	"' 'unsafe-inline' 'unsafe-eval'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; " +
		"form-action 'self'; connect-src 'self' http://localhost:*; img-src 'self' data:; report-uri " + CSPReportPath,
}

// securityHeaders sets the headers of every response before anything below
// can write or fail, and puts a fresh CSP nonce in request.Info for the
// templates. It also decides whether the client came over HTTPS, which HSTS
// depends on and later steps read from request.Info.
func securityHeaders(strict bool, proxies request.TrustedProxies, random io.Reader, errs *response.ErrorWriter) step {
	policy := relaxedCSP
	if strict {
		policy = strictCSP
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			for _, f := range alwaysHeaders {
				h[f.key] = f.value
			}
			info := request.InfoFrom(r.Context())
			info.HTTPS = proxies.HTTPS(r)
			if strict && info.HTTPS {
				h[hsts.key] = hsts.value
			}

			var raw [nonceBytes]byte
			if _, err := io.ReadFull(random, raw[:]); err != nil {
				// Without a nonce nothing may run or be styled at all.
				h["Content-Security-Policy"] = []string{"default-src 'none'; frame-ancestors 'none'; base-uri 'none'"}
				errs.Write(w, r, response.Internal(errorf("CSP nonce: %w", err)))
				return
			}
			// base64url without padding: valid in CSP's nonce grammar and
			// nothing in it needs escaping in an HTML attribute.
			var text [22]byte
			base64.RawURLEncoding.Encode(text[:], raw[:])
			info.Nonce = string(text[:])
			h["Content-Security-Policy"] = []string{policy[0] + info.Nonce + policy[1] + info.Nonce + policy[2]}

			next.ServeHTTP(w, r)
		})
	}
}
