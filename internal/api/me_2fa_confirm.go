package api

import (
	"errors"
	"net/http"

	"supportbot/internal/auth"
	"supportbot/internal/http/middleware"
	"supportbot/internal/http/request"
	"supportbot/internal/http/response"
)

// codeRequest is the body of POST /api/v1/me/2fa/confirm
// (api/schemas/me_2fa_confirm.json).
type codeRequest struct {
	Code string `json:"code"`
}

// meTwoFactorConfirm answers POST /api/v1/me/2fa/confirm: the first code
// from the authenticator turns the pending secret on; 200 with the
// recovery codes, shown this once and stored only hashed (issue 3). A
// wrong code is 400 invalid_code at /code: the caller's session is fine,
// only the code is not.
func meTwoFactorConfirm(d Deps) middleware.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var in codeRequest
		if err := request.DecodeJSON(r, &in, nil); err != nil {
			return err
		}
		if err := middleware.Authorize(r, auth.Resource{}); err != nil {
			return err
		}
		p, err := middleware.Principal(r)
		if err != nil {
			return err
		}
		codes, err := d.Auth.ConfirmEnrollment(r.Context(), p.UserID, in.Code, middleware.AuthMeta(r))
		if errors.Is(err, auth.ErrInvalidOTP) {
			return &response.Error{Status: http.StatusBadRequest, Code: CodeInvalidCode, Field: "/code",
				Message: "The code is not valid. Check the authenticator's clock and try the next code.", Err: err}
		}
		if err != nil {
			return AuthError(w, err)
		}
		return response.JSON(w, http.StatusOK, recoveryCodesView{RecoveryCodes: codes})
	}
}
