package api

import (
	"net/http"

	"supportbot/internal/http/middleware"
	"supportbot/internal/http/request"
	"supportbot/internal/http/response"
)

// reauthRequest is the body of POST /api/v1/me/2fa/disable
// (api/schemas/me_2fa_disable.json): the current password or a TOTP code.
type reauthRequest struct {
	CurrentPassword string `json:"current_password"`
	TOTPCode        string `json:"totp_code"`
}

// meTwoFactorDisable answers POST /api/v1/me/2fa/disable: TOTP is turned
// off (or a pending enrolment dropped) after re-authentication with the
// current password or a TOTP code in the same request (403 reauth_failed
// when wrong, counted as a failed login). The recovery codes go too, and
// every session of the user ends, this one included: 204 with the session
// cookies cleared.
func meTwoFactorDisable(d Deps) middleware.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var in reauthRequest
		if err := request.DecodeJSON(r, &in, nil); err != nil {
			return err
		}
		p, err := middleware.Principal(r)
		if err != nil {
			return err
		}
		var password []byte
		if in.CurrentPassword != "" {
			password = []byte(in.CurrentPassword)
		}
		if err := d.Auth.DisableMFA(r.Context(), p, password, in.TOTPCode, middleware.AuthMeta(r)); err != nil {
			return AuthError(w, err)
		}
		d.Cookies.Clear(w)
		response.NoContent(w)
		return nil
	}
}
