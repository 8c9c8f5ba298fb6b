package ui

import (
	"errors"
	"fmt"
	"net/http"

	"supportbot/internal/api"
	"supportbot/internal/auth"
	"supportbot/internal/http/middleware"
)

// logoutCreate answers POST /logout: the session's refresh family is
// revoked, the access token denied until it expires, the cookies cleared
// (as POST /api/v1/auth/logout), and the browser goes to the sign-in page.
//
// The route is public so that "Sign out" works after the access token has
// expired (a tab left open, a laptop woken from sleep): the refresh cookie
// still holds a live session, and the sign-in page would otherwise continue
// it without a password (login.js submits the resume form by itself). The
// refresh token is then rotated once, only to end its session through the
// same Logout call. Cross-origin protection covers this POST like any other.
// The cookies are cleared whatever happens, so the browser forgets the
// session even when the server could not end it (the error page says so).
func (u *UI) logoutCreate(w http.ResponseWriter, r *http.Request) error {
	err := u.endSession(r)
	u.Cookies.Clear(w)
	if err != nil {
		return api.AuthError(w, err)
	}
	return seeOther(w, r, LoginPath, "signed_out")
}

// endSession ends the session r belongs to: the signed-in caller's, or,
// when the access token has expired, the one its refresh cookie names. A
// refresh token that is dead already leaves nothing to end.
func (u *UI) endSession(r *http.Request) error {
	ctx, m := r.Context(), middleware.AuthMeta(r)
	token, _ := u.Cookies.Refresh(r)
	id, signedIn := middleware.IdentityFrom(ctx)
	p := id.Principal
	if !signedIn || p.UserID == "" {
		if token == "" {
			return nil
		}
		pair, err := u.Auth.Refresh(ctx, token, m)
		if errors.Is(err, auth.ErrInvalidToken) {
			return nil
		}
		if err != nil {
			return err
		}
		if p, err = u.Auth.Authenticate(ctx, pair.AccessToken); err != nil {
			return fmt.Errorf("ui: logout: %w", err)
		}
		token = pair.RefreshToken
	}
	return u.Auth.Logout(ctx, p, token, m)
}
