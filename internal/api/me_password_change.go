package api

import (
	"errors"
	"net/http"

	"supportbot/internal/auth"
	"supportbot/internal/http/middleware"
	"supportbot/internal/http/request"
	"supportbot/internal/http/response"
)

// passwordChangeRequest is the body of POST /api/v1/me/password
// (api/schemas/me_password.json).
type passwordChangeRequest struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

// mePasswordChange answers POST /api/v1/me/password. The new password must
// pass the policy (400 weak_password at /new_password, every unmet rule
// listed, checked before the current password so a weak choice costs no
// attempt); the current one must be right (403 reauth_failed, counted as a
// failed login). On success every session of the user ends, this one
// included (issue 3, "Password change … bump the token generation"): 204
// with the session cookies cleared, and the user signs in again.
func mePasswordChange(d Deps) middleware.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var in passwordChangeRequest
		if err := request.DecodeJSON(r, &in, nil); err != nil {
			return err
		}
		p, err := middleware.Principal(r)
		if err != nil {
			return err
		}
		err = d.Auth.ChangePassword(r.Context(), p, []byte(in.CurrentPassword), []byte(in.NewPassword), middleware.AuthMeta(r))
		var weak *auth.PasswordError
		if errors.As(err, &weak) {
			return weakPassword(weak, "/new_password")
		}
		if err != nil {
			return AuthError(w, err)
		}
		d.Cookies.Clear(w)
		response.NoContent(w)
		return nil
	}
}
