package api

import (
	"net/http"

	"supportbot/internal/auth"
	"supportbot/internal/http/middleware"
	"supportbot/internal/http/request"
	"supportbot/internal/http/response"
)

// registerRequest is the body of POST /api/v1/auth/register
// (api/schemas/auth_register.json).
type registerRequest struct {
	Email    string `json:"email"`
	Name     string `json:"name"`
	Phone    string `json:"phone"`
	Password string `json:"password"`
}

// authRegister answers POST /api/v1/auth/register: a customer creates their
// own account when REGISTRATION_OPEN is on (403 registration_closed
// otherwise). 201 with the account; the customer then signs in.
//
// Enumeration: an address that already has an account answers 400
// email_taken, as auth.Service.Register documents. Without email
// verification there is no way to answer "registered" to a stranger without
// puzzling the rightful owner, so the API says so plainly and makes probing
// as expensive as at login instead: registration spends the same per-IP
// budget as login (429 past LOGIN_MAX_ATTEMPTS per LOGIN_WINDOW), and the
// password is hashed before the address is checked, so a taken address
// answers no faster than a free one. A password that breaks the policy is
// 400 weak_password listing every unmet rule.
func authRegister(d Deps) middleware.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var in registerRequest
		if err := request.DecodeJSON(r, &in, nil); err != nil {
			return err
		}
		// The string copies made by JSON decoding cannot be zeroed (see
		// package securemem); the service zeroes the bytes it is given.
		u, err := d.Auth.Register(r.Context(), auth.RegisterInput{
			Email: in.Email, Name: in.Name, Phone: in.Phone, Password: []byte(in.Password),
		}, middleware.AuthMeta(r))
		if err != nil {
			return AuthError(w, err)
		}
		return response.JSON(w, http.StatusCreated, newAccountView(u))
	}
}
