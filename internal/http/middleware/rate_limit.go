package middleware

import (
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"supportbot/internal/audit"
	"supportbot/internal/http/request"
	"supportbot/internal/http/response"
	"supportbot/internal/ratelimit"
)

// auditLimit bounds how often one client's rate-limit hits are written to the
// audit trail: one event a minute per client IP. Every refused request is
// still logged by the error writer; without this bound a flood of refused
// requests would become a flood of writes to the hash-chained audit table,
// turning the defence into a denial of service.
var auditLimit = ratelimit.Limit{Rate: 1, Period: time.Minute, Burst: 1}

// rateLimit limits API requests per client IP (first specification, "Enable
// rate limiting"; hardening guide, "API Security"; ASVS 4.0.3 V11.1.4).
// Every response of a limited route carries X-RateLimit-Limit, -Remaining and
// -Reset (seconds); a refusal is 429 with Retry-After (whole seconds, rounded
// up) and an audit event "ratelimit.exceeded".
//
// When the limiter fails (Redis unreachable, say) the request is refused
// with 503: failing open would switch brute-force protection off exactly
// when an attacker has managed to disturb the limiter's store (fail
// securely, ASVS 4.0.3 V4.1.5). Availability then depends on the
// limiter's store, and that is logged loudly by the error writer.
func rateLimit(limit ratelimit.Limit, limiter ratelimit.Limiter, rec audit.Recorder, clock func() time.Time, log *slog.Logger, errs *response.ErrorWriter) step {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx := r.Context()
			ip := clientKey(request.ClientIP(ctx).String())
			d, err := limiter.Allow(ctx, "ip:"+ip, limit)
			if err != nil {
				errs.Write(w, r, response.Unavailable(errorf("rate limiter: %w", err)))
				return
			}
			h := w.Header()
			h.Set("X-RateLimit-Limit", strconv.Itoa(d.Limit))
			h.Set("X-RateLimit-Remaining", strconv.Itoa(max(d.Remaining, 0)))
			h.Set("X-RateLimit-Reset", strconv.FormatInt(ceilSeconds(d.ResetAfter), 10))
			if d.Allowed {
				next.ServeHTTP(w, r)
				return
			}
			h.Set("Retry-After", strconv.FormatInt(max(ceilSeconds(d.RetryAfter), 1), 10))
			if a, aerr := limiter.Allow(ctx, "audit:ratelimit:ip:"+ip, auditLimit); aerr != nil || a.Allowed {
				e := audit.Event{
					Type:      "ratelimit.exceeded",
					Level:     audit.LevelWarning,
					Time:      clock().UTC(),
					IP:        ip,
					RequestID: request.ID(ctx),
					Target:    "route:" + r.Pattern,
					Details:   "limit " + strconv.Itoa(limit.Rate) + " per " + limit.Period.String(),
					Status:    "denied",
				}
				if err := rec.Record(ctx, e); err != nil {
					log.LogAttrs(ctx, slog.LevelError, "audit record failed",
						slog.String("event", "audit.record_failed"),
						slog.String("request_id", e.RequestID),
						slog.String("error", err.Error()))
				}
			}
			errs.Write(w, r, response.TooManyRequests(errorf("rate limit exceeded for %s", ip)))
		})
	}
}

// clientKey names a client whose address could not be determined; such
// requests share one bucket rather than escaping the limit.
func clientKey(ip string) string {
	if ip == "invalid IP" {
		return "unknown"
	}
	return ip
}

// ceilSeconds rounds d up to whole seconds, as Retry-After and
// X-RateLimit-Reset carry them.
func ceilSeconds(d time.Duration) int64 {
	if d <= 0 {
		return 0
	}
	return int64((d + time.Second - 1) / time.Second)
}
