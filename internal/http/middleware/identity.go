package middleware

import (
	"context"
	"time"

	"supportbot/internal/auth"
)

// Identity is who a valid access token says the caller is. It lives here,
// in the HTTP layer, rather than in package request, so that request never
// imports auth and auth may import request without a cycle.
type Identity struct {
	UserID    string
	Role      auth.Role
	TokenID   string    // the token's jti, for logout's deny list
	ExpiresAt time.Time // when the access token expires
	MFA       bool      // the session was established with a second factor (amr)
	// Principal is the auth service's view of the caller (claims and the
	// account as loaded for this request) when the Authenticator is the
	// server's adapter of auth.Service; the zero value with other
	// Authenticators. Handlers pass it to the service's methods. It holds
	// the password hash: never encode or log it whole.
	Principal auth.Principal
}

// Actor returns the identity as auth.Authorize's actor.
func (id Identity) Actor() auth.Actor {
	return auth.Actor{UserID: id.UserID, Role: id.Role}
}

// valid reports whether the identity can be acted upon at all; anything else
// from an Authenticator is treated as a failure, never as a guest.
func (id Identity) valid() bool {
	return id.UserID != "" && id.Role.Valid()
}

// Authenticator checks an access token. auth's service implements it (the
// server adapts it); tests use fakes.
type Authenticator interface {
	// Authenticate returns the identity accessToken proves. Any refused
	// token (bad signature, expired, revoked, wrong type, …) is an error
	// wrapping auth.ErrInvalidToken, answered 401; any other error means
	// the check itself failed (a store unreachable) and is answered 503 on
	// routes that need a signed-in caller. Errors are logged; they must not
	// contain the token.
	Authenticate(ctx context.Context, accessToken string) (Identity, error)
}

// caller is what the authentication step attaches to a signed-in request:
// the identity and the route's access rules, which Authorize needs.
type caller struct {
	id    Identity
	guard *guard
}

type callerKey struct{}

func withCaller(ctx context.Context, c *caller) context.Context {
	return context.WithValue(ctx, callerKey{}, c)
}

func callerFrom(ctx context.Context) *caller {
	c, _ := ctx.Value(callerKey{}).(*caller)
	return c
}

// IdentityFrom returns the signed-in caller's identity; ok is false for an
// anonymous request (only possible on public routes) or one that did not
// pass the chain.
func IdentityFrom(ctx context.Context) (id Identity, ok bool) {
	if c := callerFrom(ctx); c != nil {
		return c.id, true
	}
	return Identity{}, false
}
