package middleware

import (
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"supportbot/internal/audit"
	"supportbot/internal/http/request"
	"supportbot/internal/http/response"
	"supportbot/internal/ratelimit"
)

// auditLimit bounds how often one client's rate-limit hits are written to the
// audit trail: one event a minute per client (per clientKey, so per IPv6
// /64). Every refused request is still logged by the error writer; without
// this bound a flood of refused requests would become a flood of writes to
// the hash-chained audit table, turning the defence into a denial of
// service.
var auditLimit = ratelimit.Limit{Rate: 1, Period: time.Minute, Burst: 1}

// rateLimit limits API requests per client, an IPv4 address or an IPv6 /64
// (see clientKey; first specification, "Enable rate limiting"; hardening
// guide, "API Security"; ASVS 4.0.3 V11.1.4). Every response of a limited
// route carries X-RateLimit-Limit, -Remaining and -Reset (seconds); a
// refusal is 429 with Retry-After (whole seconds, rounded up) and an audit
// event "ratelimit.exceeded".
//
// When the limiter fails (Redis unreachable, say) the request is refused
// with 503: failing open would switch brute-force protection off exactly
// when an attacker has managed to disturb the limiter's store (fail
// securely, ASVS 4.0.3 V4.1.5). Availability then depends on the
// limiter's store, and that is logged loudly by the error writer.
func rateLimit(limit ratelimit.Limit, limiter ratelimit.Limiter, rec audit.Recorder, clock func() time.Time, log *slog.Logger, errs *response.ErrorWriter) step {
	lim := limitCheck{limit, limiter, rec, clock, log, errs}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			key := clientKey(request.ClientIP(r.Context()))
			details := "limit " + strconv.Itoa(limit.Rate) + " per " + limit.Period.String()
			if strings.Contains(key, "/") {
				details += ", shared by " + key
			}
			if lim.allow(w, r, "ip:"+key, "", details, false) {
				next.ServeHTTP(w, r)
			}
		})
	}
}

// limitCheck applies one limit and answers a refusal; the per-address and
// per-user steps share it so both refuse, advertise and audit alike.
type limitCheck struct {
	limit   ratelimit.Limit
	limiter ratelimit.Limiter
	rec     audit.Recorder
	clock   func() time.Time
	log     *slog.Logger
	errs    *response.ErrorWriter
}

// allow counts one request under key and reports whether it may go on. When
// it may not, the response is already written: 429 with Retry-After, or 503
// when the limiter fails (fail closed). With merge, the X-RateLimit-*
// headers are replaced only when this bucket has fewer requests left than
// the one an earlier step advertised.
func (l limitCheck) allow(w http.ResponseWriter, r *http.Request, key, actor, details string, merge bool) bool {
	ctx := r.Context()
	d, err := l.limiter.Allow(ctx, key, l.limit)
	if err != nil {
		l.errs.Write(w, r, response.Unavailable(errorf("rate limiter: %w", err)))
		return false
	}
	h := w.Header()
	remaining := max(d.Remaining, 0)
	if prev, err := strconv.Atoi(h.Get("X-RateLimit-Remaining")); !merge || !d.Allowed || err != nil || remaining < prev {
		h.Set("X-RateLimit-Limit", strconv.Itoa(d.Limit))
		h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
		h.Set("X-RateLimit-Reset", strconv.FormatInt(ceilSeconds(d.ResetAfter), 10))
	}
	if d.Allowed {
		return true
	}
	h.Set("Retry-After", strconv.FormatInt(max(ceilSeconds(d.RetryAfter), 1), 10))
	// A flood of refusals must not become a flood of audit rows: at most one
	// event a minute per key; every refusal is still logged by the writer.
	if a, aerr := l.limiter.Allow(ctx, "audit:ratelimit:"+key, auditLimit); aerr != nil || a.Allowed {
		e := audit.Event{
			Type:      "ratelimit.exceeded",
			Level:     audit.LevelWarning,
			Time:      l.clock().UTC(),
			Actor:     actor,
			IP:        clientAddr(request.ClientIP(ctx)),
			RequestID: request.ID(ctx),
			Target:    "route:" + r.Pattern,
			Details:   details,
			Status:    "denied",
		}
		if err := l.rec.Record(context.WithoutCancel(ctx), e); err != nil {
			l.log.LogAttrs(ctx, slog.LevelError, "audit record failed",
				slog.String("event", "audit.record_failed"),
				slog.String("request_id", e.RequestID),
				slog.String("error", err.Error()))
		}
	}
	l.errs.Write(w, r, response.TooManyRequests(errorf("rate limit exceeded for %s", key)))
	return false
}

// ipv6ClientBits is the IPv6 prefix length one client is limited as. A
// single subscriber is normally given a whole /64 (RFC 6177, RFC 7421) and
// can use any of its 2^64 addresses, so keying on the full address would
// give one client an unlimited number of buckets (ASVS 4.0.3 V11.1.4: the
// limit must hold per user, not per address).
const ipv6ClientBits = 64

// clientKey names the bucket of the client at ip: an IPv4 address itself
// (an IPv4-mapped IPv6 address counts as IPv4), the /64 of an IPv6 address
// ("2001:db8:1:2::/64"), and "unknown" for a client whose address could not
// be determined; such requests share one bucket rather than escaping the
// limit.
func clientKey(ip netip.Addr) string {
	ip = ip.Unmap().WithZone("")
	switch {
	case !ip.IsValid():
		return "unknown"
	case ip.Is4():
		return ip.String()
	}
	return netip.PrefixFrom(ip, ipv6ClientBits).Masked().String()
}

// clientAddr is the client's own address for the audit trail, "unknown"
// when it could not be determined.
func clientAddr(ip netip.Addr) string {
	if !ip.IsValid() {
		return "unknown"
	}
	return ip.String()
}

// ceilSeconds rounds d up to whole seconds, as Retry-After and
// X-RateLimit-Reset carry them.
func ceilSeconds(d time.Duration) int64 {
	if d <= 0 {
		return 0
	}
	return int64((d + time.Second - 1) / time.Second)
}
