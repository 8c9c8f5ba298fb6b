package ui

import "supportbot/internal/http/middleware"

// Routes lists every UI route with its policy. Sign-in, chat, the staff
// console and the admin pages arrive with later issues.
func (u *UI) Routes() []middleware.Route {
	return []middleware.Route{
		{Method: "GET", Pattern: "/{$}", Policy: middleware.PolicyPublic, Handler: u.homeShow},
		{Method: "GET", Pattern: staticPrefix + "{file}", Policy: middleware.PolicyPublic, Handler: u.assetShow},
	}
}
