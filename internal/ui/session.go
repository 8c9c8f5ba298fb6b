package ui

import (
	"errors"
	"net/http"
	"strings"
	"unicode"

	"supportbot/internal/api"
	"supportbot/internal/auth"
	"supportbot/internal/http/response"
)

// homeFor is where a role lands after signing in: customers chat, staff
// work the console, admins start on the dashboard.
func homeFor(role auth.Role) string {
	switch role {
	case auth.RoleAdmin:
		return "/admin"
	case auth.RoleSupport:
		return "/staff"
	}
	return "/chat"
}

// safeNext returns next when it is a path on this site that may follow a
// sign-in, else "". Only a single leading slash is accepted: "//host" and
// "/\host" are other sites to a browser (open redirect, OWASP ASVS 4.0.3
// V5.1.5), and control characters or a scheme never pass. The sign-in pages
// themselves are refused, so nothing loops.
func safeNext(next string) string {
	if len(next) < 1 || len(next) > 512 || next[0] != '/' {
		return ""
	}
	if len(next) > 1 && (next[1] == '/' || next[1] == '\\') {
		return ""
	}
	for _, r := range next {
		if unicode.IsControl(r) || r == '\\' || unicode.IsSpace(r) {
			return ""
		}
	}
	path, _, _ := strings.Cut(next, "?")
	if path == LoginPath || strings.HasPrefix(path, LoginPath+"/") || path == "/register" || path == "/logout" ||
		strings.HasPrefix(path, "/session/") {
		return ""
	}
	return next
}

// landing is where a signed-in user goes: next when safe, else their home.
func landing(next string, role auth.Role) string {
	if n := safeNext(next); n != "" {
		return n
	}
	return homeFor(role)
}

// startSession puts a new session's tokens into the HttpOnly cookies;
// pages never see the tokens themselves.
func (u *UI) startSession(w http.ResponseWriter, pair auth.TokenPair) {
	u.Cookies.SetSession(w, pair.AccessToken, pair.AccessExpiresAt, pair.RefreshToken, pair.RefreshExpiresAt)
}

// problem sorts an error of an auth flow. A user's mistake (wrong
// password, weak new password, invalid code…) comes back as msg and status,
// to show inline on the form: the API's fixed, client-safe message
// (api.AuthError). Anything else comes back as fail, for the error page
// (a limit with its Retry-After, a store failure).
func problem(w http.ResponseWriter, err error) (msg string, status int, fail error) {
	mapped := api.AuthError(w, err)
	var re *response.Error
	if errors.As(mapped, &re) && re.Message != "" {
		switch re.Status {
		case http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden:
			w.Header().Del("WWW-Authenticate") // a page, not an API challenge
			return re.Message, re.Status, nil
		}
	}
	return "", 0, mapped
}
