package middleware

import (
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"supportbot/internal/audit"
	"supportbot/internal/http/response"
	"supportbot/internal/ratelimit"
)

// userRateLimit is step 9: the API limit once more, keyed on the signed-in
// user ("user:<id>") rather than the client address (issue 3, "General API
// limits per IP and per user"; ASVS 4.0.3 V11.1.4). Step 7 has already
// limited the address, so a user spreading requests over many addresses and
// many users behind one address are both bounded. Anonymous requests pass
// untouched; they were limited per address.
//
// The X-RateLimit-* headers describe whichever of the two buckets has fewer
// requests left, so a client pacing itself by them is never surprised. A
// refusal is 429 with Retry-After and a ratelimit.exceeded audit event with
// the user as actor, at most one a minute per user; a limiter failure is
// 503, as for the address limit.
func userRateLimit(limit ratelimit.Limit, limiter ratelimit.Limiter, rec audit.Recorder, clock func() time.Time, log *slog.Logger, errs *response.ErrorWriter) step {
	return perUser("", limitCheck{limit, limiter, rec, clock, log, errs})
}

// routeUserLimit applies a route's own per-user limit (Route.UserLimit),
// refusing and auditing like the API-wide ones. It runs right after
// authorization, so only callers the route admits spend it, and before the
// body is read.
func routeUserLimit(nl *NamedLimit, limiter ratelimit.Limiter, rec audit.Recorder, clock func() time.Time, log *slog.Logger, errs *response.ErrorWriter) step {
	if nl == nil {
		return nil
	}
	return perUser(nl.Name, limitCheck{nl.Limit, limiter, rec, clock, log, errs})
}

// perUser limits signed-in callers by user id, in the bucket named name
// ("" for the API-wide one); anonymous requests pass.
func perUser(name string, lim limitCheck) step {
	key, details := "user:", "limit "+strconv.Itoa(lim.limit.Rate)+" per "+lim.limit.Period.String()+", per user"
	if name != "" {
		key, details = name+":"+key, name+" "+details
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			c := callerFrom(r.Context())
			if c == nil || lim.allow(w, r, key+c.id.UserID, c.id.UserID, details, true) {
				next.ServeHTTP(w, r)
			}
		})
	}
}
