// Package cookie writes and names the browser session cookies, which carry
// the same access and refresh tokens API clients send as
// "Authorization: Bearer" (issue 3, "Tokens and sessions").
//
// In production (Jar.Secure) the cookies are __Host-sb_access and
// __Host-sb_refresh: Secure, HttpOnly, SameSite=Strict, Path=/ and no
// Domain. The __Host- prefix makes browsers refuse the cookie unless all of
// that holds, so neither a sibling subdomain nor a plain-HTTP response can
// plant or overwrite it (cookie tossing; RFC 6265bis 4.1.3.2; OWASP ASVS
// 4.0.3 V3.4.1–V3.4.5). In development over plain HTTP browsers would
// refuse Secure and __Host- cookies, so they are sb_access and sb_refresh
// with the same attributes minus Secure.
//
// The refresh cookie: __Host- forbids any Path but "/", so browsers send it
// with every request to the site. Only the refresh and logout endpoints
// (/api/v1/auth/refresh, /api/v1/auth/logout) ever read it, through
// Jar.Refresh; the authentication step of the middleware reads the access
// cookie alone and never looks at the refresh cookie, so presenting it
// anywhere else grants nothing. HttpOnly keeps it from scripts and
// SameSite=Strict from cross-site requests.
package cookie

import (
	"net/http"
	"time"
)

// Cookie names. The __Host- forms are the production names; the Dev forms
// are used only in development over plain HTTP (Jar.Secure false).
const (
	AccessName     = "__Host-sb_access"
	RefreshName    = "__Host-sb_refresh"
	DevAccessName  = "sb_access"
	DevRefreshName = "sb_refresh"
)

// Jar writes, clears and reads the session cookies. The zero value is the
// development jar; production needs Secure.
type Jar struct {
	// Secure selects the __Host- names and the Secure attribute. It is false
	// only for development over plain HTTP; configuration must refuse false
	// in production (DESIGN.md invariant 7).
	Secure bool
	// Clock supplies the time Max-Age is counted from; default time.Now.
	Clock func() time.Time
}

// AccessName returns the name of the access-token cookie.
func (j Jar) AccessName() string {
	if j.Secure {
		return AccessName
	}
	return DevAccessName
}

// RefreshName returns the name of the refresh-token cookie.
func (j Jar) RefreshName() string {
	if j.Secure {
		return RefreshName
	}
	return DevRefreshName
}

// SetSession adds the access and refresh cookies to w. Each expires with its
// token (Expires and Max-Age), so a browser does not keep sending a token
// that is already dead.
func (j Jar) SetSession(w http.ResponseWriter, access string, accessExp time.Time, refresh string, refreshExp time.Time) {
	now := j.now()
	http.SetCookie(w, j.cookie(j.AccessName(), access, accessExp, now))
	http.SetCookie(w, j.cookie(j.RefreshName(), refresh, refreshExp, now))
}

// Clear adds cookies to w that delete both session cookies (logout, or a
// refresh that failed). They keep the attributes of the originals, since a
// browser ignores a __Host- cookie without Secure and Path=/, even one that
// only deletes.
func (j Jar) Clear(w http.ResponseWriter) {
	for _, name := range [...]string{j.AccessName(), j.RefreshName()} {
		c := j.cookie(name, "", time.Unix(0, 0), j.now()) // #nosec G124 -- same attributes as the cookie it deletes
		c.MaxAge = -1                                     // "Max-Age=0": delete now
		http.SetCookie(w, c)
	}
}

// Refresh returns the refresh token the browser sent; ok is false when there
// is none, or more than one (a planted duplicate: which to believe cannot be
// told, so neither is). Only the refresh and logout handlers call it.
func (j Jar) Refresh(r *http.Request) (token string, ok bool) {
	return single(r, j.RefreshName())
}

func single(r *http.Request, name string) (string, bool) {
	cs := r.CookiesNamed(name)
	if len(cs) != 1 || cs[0].Value == "" {
		return "", false
	}
	return cs[0].Value, true
}

func (j Jar) cookie(name, value string, expires, now time.Time) *http.Cookie {
	maxAge := int(expires.Sub(now) / time.Second)
	if maxAge <= 0 {
		maxAge = -1 // already expired: delete rather than keep for the session
	}
	return &http.Cookie{ // #nosec G124 -- Secure is false only for development over plain HTTP (server.Options.DevCookies)
		Name:     name,
		Value:    value,
		Path:     "/", // required by __Host-; see the package comment for the refresh cookie
		Expires:  expires.UTC(),
		MaxAge:   maxAge,
		Secure:   j.Secure,
		HttpOnly: true,                    // no script reads a token (ASVS 4.0.3 V3.4.2)
		SameSite: http.SameSiteStrictMode, // never sent on cross-site requests (ASVS V3.4.3)
	}
}

func (j Jar) now() time.Time {
	if j.Clock != nil {
		return j.Clock()
	}
	return time.Now()
}
