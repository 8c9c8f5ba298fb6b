package request

import (
	"context"
	"net/netip"
)

// Info is what the middleware chain learns about one request. The request-ID
// step puts one Info in the context; later steps fill in their fields before
// the handler runs, so handlers only ever read it. Keeping one mutable value
// instead of one context value per field saves an allocation per field on
// every request.
type Info struct {
	ID       string     // random request ID, echoed in X-Request-ID and error bodies
	ClientIP netip.Addr // resolved client address (see TrustedProxies)
	Nonce    string     // this response's CSP nonce
	HTTPS    bool       // the client reached us over TLS, directly or via a trusted proxy
	// UserID is the signed-in caller, "" when anonymous. The authentication
	// step sets it for log lines; the full identity (role, MFA, …) is
	// middleware.IdentityFrom's, kept there so this package need not import
	// auth.
	UserID string
}

type infoKey struct{}

// WithInfo returns a copy of ctx carrying info.
func WithInfo(ctx context.Context, info *Info) context.Context {
	return context.WithValue(ctx, infoKey{}, info)
}

// InfoFrom returns the Info in ctx, or nil when the request did not pass the
// middleware chain.
func InfoFrom(ctx context.Context) *Info {
	info, _ := ctx.Value(infoKey{}).(*Info)
	return info
}

// ID returns the request ID in ctx, or "" when there is none.
func ID(ctx context.Context) string {
	if info := InfoFrom(ctx); info != nil {
		return info.ID
	}
	return ""
}

// ClientIP returns the resolved client IP in ctx; the zero Addr when unknown.
func ClientIP(ctx context.Context) netip.Addr {
	if info := InfoFrom(ctx); info != nil {
		return info.ClientIP
	}
	return netip.Addr{}
}

// UserID returns the signed-in caller's user id in ctx, or "" when the
// request is anonymous.
func UserID(ctx context.Context) string {
	if info := InfoFrom(ctx); info != nil {
		return info.UserID
	}
	return ""
}

// Nonce returns the CSP nonce of the response being built, for templates'
// script and style tags; "" when there is none.
func Nonce(ctx context.Context) string {
	if info := InfoFrom(ctx); info != nil {
		return info.Nonce
	}
	return ""
}

// IsHTTPS reports whether the client reached us over HTTPS, directly or
// through a trusted proxy that said so.
func IsHTTPS(ctx context.Context) bool {
	if info := InfoFrom(ctx); info != nil {
		return info.HTTPS
	}
	return false
}
