package middleware

// authorize is the place of authentication and authorization in the chain:
// after the rate limit (so credential guessing is throttled first) and
// before the deadline and the handler. Issue 3 adds the token check and the
// role × action policy table here; until then PolicyPublic, the only known
// policy, needs nothing. Route.check has already refused unknown policies,
// so no route can reach a handler without a decision (deny by default,
// DESIGN.md invariant 1).
func authorize(p Policy) step {
	switch p {
	case PolicyPublic:
		return nil
	}
	panic("middleware: unchecked policy " + string(p)) // unreachable: Route.check
}
