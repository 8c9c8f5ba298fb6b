package middleware

import (
	"errors"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"supportbot/internal/auth"
	"supportbot/internal/http/request"
	"supportbot/internal/http/response"
)

// maxUserAgentBytes caps the User-Agent kept with a session and in the audit
// trail: it is client-chosen text, shown back to the user in their session
// list, and nothing needs more.
const maxUserAgentBytes = 256

// AuthMeta describes r for the auth service: the client IP as resolved by the
// chain (forwarded headers only from trusted proxies), the User-Agent
// trimmed to maxUserAgentBytes with control characters replaced, and the
// request ID. The IP keys the per-IP login limits, so it must never come
// from a header the client controls.
func AuthMeta(r *http.Request) auth.Meta {
	ctx := r.Context()
	ip := ""
	if a := request.ClientIP(ctx); a.IsValid() {
		ip = a.String()
	}
	return auth.Meta{IP: ip, UserAgent: userAgent(r.UserAgent()), RequestID: request.ID(ctx)}
}

// userAgent returns ua as valid UTF-8 without control characters, cut on a
// rune boundary to at most maxUserAgentBytes.
func userAgent(ua string) string {
	ua = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return '?'
		}
		return r
	}, strings.ToValidUTF8(ua, "?"))
	if len(ua) <= maxUserAgentBytes {
		return ua
	}
	cut := maxUserAgentBytes
	for cut > 0 && !utf8.RuneStart(ua[cut]) {
		cut--
	}
	return ua[:cut]
}

// Principal returns the signed-in caller as the auth service knows them.
// It is there on every route with a signed-in policy once the server
// authenticates with the service (server.Deps.Auth); its absence is a
// wiring bug, answered 500 rather than guessed around.
func Principal(r *http.Request) (auth.Principal, error) {
	id, ok := IdentityFrom(r.Context())
	if !ok || id.Principal.UserID == "" || id.Principal.UserID != id.UserID {
		return auth.Principal{}, response.Internal(errors.New("middleware: no auth principal for a signed-in caller: the server must authenticate with Deps.Auth"))
	}
	return id.Principal, nil
}
