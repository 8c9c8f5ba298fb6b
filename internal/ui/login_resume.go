package ui

import (
	"errors"
	"fmt"
	"net/http"

	"supportbot/internal/api"
	"supportbot/internal/auth"
	"supportbot/internal/http/middleware"
	"supportbot/internal/http/request"
	"supportbot/internal/http/response"
)

// nextForm carries where to go after continuing a session
// (api/schemas/form_next.json).
type nextForm struct {
	Next string `json:"next"`
}

// loginResume answers POST /login/resume: the refresh cookie is rotated
// into a new session (as POST /api/v1/auth/refresh does) and the browser
// goes on to next. A dead refresh token clears the cookies and shows the
// sign-in form. It is a POST behind cross-origin protection, and the
// cookie is SameSite=Strict, so no other site can make a browser rotate it.
func (u *UI) loginResume(w http.ResponseWriter, r *http.Request) error {
	var in nextForm
	if err := request.DecodeJSON(r, &in, nil); err != nil {
		return err
	}
	pair, err := u.rotate(w, r)
	if errors.Is(err, auth.ErrInvalidToken) {
		return u.showLogin(w, r, http.StatusUnauthorized, loginData{Next: safeNext(in.Next), Error: "Your session has ended. Please sign in again."})
	}
	if err != nil {
		return err
	}
	who, err := u.Auth.Authenticate(r.Context(), pair.AccessToken)
	if err != nil {
		return err
	}
	return seeOther(w, r, landing(in.Next, who.Role), "")
}

// refreshView is the answer of POST /session/refresh: when the new access
// token expires, in Unix milliseconds. Nothing else: no token.
type refreshView struct {
	ExpiresAt int64 `json:"expires_at"`
}

// sessionRefresh answers POST /session/refresh for session.js: the refresh
// cookie is rotated and the new tokens go into the cookies only. The page's
// scripts never see a token (unlike the API's refresh, which returns them
// to API clients); they learn only the new expiry. A dead session is 401
// with the cookies cleared.
func (u *UI) sessionRefresh(w http.ResponseWriter, r *http.Request) error {
	pair, err := u.rotate(w, r)
	if err != nil {
		return api.AuthError(w, err)
	}
	return response.JSON(w, http.StatusOK, refreshView{ExpiresAt: pair.AccessExpiresAt.UnixMilli()})
}

// rotate turns the refresh cookie into new session cookies and returns the
// new pair. A refused token clears the cookies, so the browser stops
// presenting a dead session.
func (u *UI) rotate(w http.ResponseWriter, r *http.Request) (auth.TokenPair, error) {
	token, ok := u.Cookies.Refresh(r)
	if !ok {
		u.Cookies.Clear(w)
		return auth.TokenPair{}, fmt.Errorf("ui: refresh: no refresh cookie: %w", auth.ErrInvalidToken)
	}
	pair, err := u.Auth.Refresh(r.Context(), token, middleware.AuthMeta(r))
	if err != nil {
		if errors.Is(err, auth.ErrInvalidToken) {
			u.Cookies.Clear(w)
		}
		return auth.TokenPair{}, err
	}
	u.startSession(w, pair)
	return pair, nil
}
