package server

import (
	"context"

	"supportbot/internal/auth"
	"supportbot/internal/http/middleware"
)

// serviceAuthenticator adapts auth.Service to the middleware's
// Authenticator: Authenticate's checks (signature, algorithm, kid, claims,
// the jti denylist, the user's state and token generation) decide, and the
// identity carries the service's Principal so handlers pass it back to the
// service without a second lookup.
type serviceAuthenticator struct {
	svc *auth.Service
}

// Authenticate implements middleware.Authenticator. A refused token is an
// error wrapping auth.ErrInvalidToken (401); any other error is the check
// itself failing (503 on signed-in routes).
func (a serviceAuthenticator) Authenticate(ctx context.Context, accessToken string) (middleware.Identity, error) {
	p, err := a.svc.Authenticate(ctx, accessToken)
	if err != nil {
		return middleware.Identity{}, err
	}
	return middleware.Identity{
		UserID:    p.UserID,
		Role:      p.Role,
		TokenID:   p.Claims.ID,
		ExpiresAt: p.Claims.ExpiresAt,
		MFA:       p.Claims.MFA(),
		Principal: p,
	}, nil
}
