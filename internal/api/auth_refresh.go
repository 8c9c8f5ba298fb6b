package api

import (
	"errors"
	"fmt"
	"net/http"

	"supportbot/internal/auth"
	"supportbot/internal/http/middleware"
	"supportbot/internal/http/request"
	"supportbot/internal/http/response"
)

// refreshRequest is the optional body of POST /api/v1/auth/refresh and
// POST /api/v1/auth/logout (api/schemas/auth_refresh.json, auth_logout.json).
type refreshRequest struct {
	RefreshToken string `json:"refresh_token"`
}

// decodeRefresh reads the optional body of a refresh or logout request.
func decodeRefresh(r *http.Request) (refreshRequest, error) {
	var in refreshRequest
	if r.ContentLength == 0 { // OptionalBody: no body at all
		return in, nil
	}
	err := request.DecodeJSON(r, &in, nil)
	return in, err
}

// authRefresh answers POST /api/v1/auth/refresh: the refresh token, from
// the body or else the refresh cookie, is rotated (issue 3, "rotated on
// every use"); 200 with new tokens in the body and the cookies. Any failure
// (expired, revoked, unknown, or a rotated token presented again, which
// revokes the whole family) is 401 invalid_token with the session cookies
// cleared, so a browser stops sending a dead session.
func authRefresh(d Deps) middleware.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		in, err := decodeRefresh(r)
		if err != nil {
			return err
		}
		token := d.refreshToken(r, in.RefreshToken)
		if token == "" {
			d.Cookies.Clear(w)
			return AuthError(w, fmt.Errorf("api: refresh: no refresh token in body or cookie: %w", auth.ErrInvalidToken))
		}
		pair, err := d.Auth.Refresh(r.Context(), token, middleware.AuthMeta(r))
		if err != nil {
			if errors.Is(err, auth.ErrInvalidToken) {
				d.Cookies.Clear(w)
			}
			return AuthError(w, err)
		}
		return response.JSON(w, http.StatusOK, d.startSession(w, pair))
	}
}
