// Package auth holds supportbot's storage-free identity building blocks:
// the password policy and a bounded bcrypt pool (password.go), JWT access
// and MFA challenge tokens and opaque refresh tokens (token.go), TOTP and
// recovery codes (totp.go), and the role-based access policy (policy.go).
//
// Nothing here reads a database, the environment or the wall clock: stores
// and the service that ties them together live elsewhere, and every
// time-dependent function takes a clock or a time (DESIGN.md invariant 9),
// so tests are exact.
//
// The rules implemented come from the hardening guide ("Authentication &
// Authorization"), the first specification ("Authentication", "Production
// checklist") and issue 3; each decision names its rule where it is made.
package auth
