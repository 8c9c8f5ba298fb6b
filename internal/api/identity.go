package api

import (
	"net/http"
	"time"

	"supportbot/internal/auth"
)

// tokensView is a session as API clients receive it. The same tokens go
// into the session cookies for browsers (package cookie); the body carries
// them for clients that send "Authorization: Bearer".
type tokensView struct {
	AccessToken      string    `json:"access_token"`
	TokenType        string    `json:"token_type"` // always "Bearer"
	ExpiresAt        time.Time `json:"expires_at"`
	RefreshToken     string    `json:"refresh_token"`
	RefreshExpiresAt time.Time `json:"refresh_expires_at"`
}

// startSession sets the session cookies for pair and returns its view.
func (d Deps) startSession(w http.ResponseWriter, pair auth.TokenPair) tokensView {
	d.Cookies.SetSession(w, pair.AccessToken, pair.AccessExpiresAt, pair.RefreshToken, pair.RefreshExpiresAt)
	return tokensView{
		AccessToken:      pair.AccessToken,
		TokenType:        "Bearer",
		ExpiresAt:        pair.AccessExpiresAt.UTC(),
		RefreshToken:     pair.RefreshToken,
		RefreshExpiresAt: pair.RefreshExpiresAt.UTC(),
	}
}

// refreshToken returns the refresh token of a refresh or logout request:
// the body's when it has one, else the refresh cookie's.
func (d Deps) refreshToken(r *http.Request, fromBody string) string {
	if fromBody != "" {
		return fromBody
	}
	if t, ok := d.Cookies.Refresh(r); ok {
		return t
	}
	return ""
}

// now is the API's clock.
func (d Deps) now() time.Time {
	if d.Clock != nil {
		return d.Clock()
	}
	return time.Now()
}
