package api

import (
	"context"
	"log/slog"
	"time"

	"supportbot/internal/auth"
	"supportbot/internal/conversations"
	"supportbot/internal/http/cookie"
	"supportbot/internal/http/middleware"
	"supportbot/internal/kb"
	"supportbot/internal/orders"
	"supportbot/internal/payment"
	"supportbot/internal/ratelimit"
)

// Pinger checks that the database answers; storage's handle implements it.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Deps are what the API handlers need.
type Deps struct {
	Log *slog.Logger // required
	DB  Pinger       // required: readiness

	// Auth runs the identity flows of issue 3. When nil the identity routes
	// (/api/v1/auth/…, /api/v1/me…, /api/v1/admin/users…) are not listed;
	// when set, the server must authenticate requests with the same
	// service, so handlers find its Principal on signed-in requests.
	Auth *auth.Service
	// Cookies writes and reads the browser session cookies (Secure and
	// __Host- in production).
	Cookies cookie.Jar
	// Clock tells whether an account is locked in admin views; default
	// time.Now. Pass the clock the auth service reads.
	Clock func() time.Time

	// Chat runs conversations (issue 4). When nil the conversation routes
	// are not listed. ChatLimit is CHAT_RATE_LIMIT_PER_MINUTE per user on
	// sending messages; a zero Rate disables it.
	Chat      *conversations.Service
	ChatLimit ratelimit.Limit
	// KB stores the knowledge base; KBChanged, when set, is called after
	// every edit so this instance rebuilds its index at once.
	KB        *kb.Store
	KBChanged func()
	// Orders runs the orders; nil leaves their routes out. Payments, when
	// set too, adds the manual payment requests of an order.
	Orders   *orders.Service
	Payments *payment.Service
}

// Routes lists every API route: method, pattern, policy, request schema and
// accepted content types. It is the one place to read what the API exposes
// (DESIGN.md, "Style"); api/openapi.yaml documents the same list.
func Routes(d Deps) []middleware.Route {
	routes := []middleware.Route{
		{Method: "GET", Pattern: "/healthz", Policy: middleware.PolicyPublic, Handler: healthCheck},
		{Method: "GET", Pattern: "/readyz", Policy: middleware.PolicyPublic, Handler: readinessCheck(d.DB)},
		{
			Method: "POST", Pattern: middleware.CSPReportPath, Policy: middleware.PolicyPublic,
			Schema:       "csp_report",
			ContentTypes: []string{"application/csp-report", "application/reports+json", "application/json"},
			Handler:      cspReportCreate(d.Log),
		},
	}
	if d.Auth != nil {
		routes = append(routes, identityRoutes(d)...)
	}
	if d.Chat != nil {
		routes = append(routes, chatRoutes(d)...)
	}
	if d.KB != nil {
		routes = append(routes, faqRoutes(d)...)
	}
	if d.Orders != nil {
		routes = append(routes, orderRoutes(d)...)
	}
	return routes
}

// identityRoutes are the accounts, sessions and user administration of
// issue 3 ("## API"). Each names the action of auth's policy table that its
// handler performs; the handler authorizes it once, through the service
// method it calls or, where that method takes no principal, through
// middleware.Authorize. Admin routes are staff-only, so under
// REQUIRE_2FA_FOR_STAFF they also require a second factor
// (Options.Require2FAForStaff); no staff token without one exists then
// anyway, since the service refuses it.
func identityRoutes(d Deps) []middleware.Route {
	const (
		public = middleware.PolicyPublic
		anyone = middleware.PolicyAuthenticated
		admin  = middleware.PolicyAdmin
	)
	return []middleware.Route{
		// Signing in (public: the caller has no session yet).
		{Method: "POST", Pattern: "/api/v1/auth/register", Policy: public, Schema: "auth_register", Handler: authRegister(d)},
		{Method: "POST", Pattern: "/api/v1/auth/login", Policy: public, Schema: "auth_login", Handler: authLogin(d)},
		{Method: "POST", Pattern: "/api/v1/auth/mfa", Policy: public, Schema: "auth_mfa", Handler: authMFAVerify(d)},
		{Method: "POST", Pattern: "/api/v1/auth/mfa/enroll", Policy: public, Schema: "auth_mfa_enroll", Handler: authMFAEnroll(d)},
		{Method: "POST", Pattern: "/api/v1/auth/refresh", Policy: public, Schema: "auth_refresh", OptionalBody: true, Handler: authRefresh(d)},
		{Method: "POST", Pattern: "/api/v1/auth/logout", Policy: anyone, Action: auth.ActionSessionsManage, Schema: "auth_logout", OptionalBody: true, Handler: authLogout(d)},

		// The caller's own account.
		{Method: "GET", Pattern: "/api/v1/me", Policy: anyone, Action: auth.ActionMeRead, Handler: meShow(d)},
		{Method: "PATCH", Pattern: "/api/v1/me", Policy: anyone, Action: auth.ActionMeUpdate, Schema: "me_update", Handler: meUpdate(d)},
		{Method: "POST", Pattern: "/api/v1/me/password", Policy: anyone, Action: auth.ActionMePasswordChange, Schema: "me_password", Handler: mePasswordChange(d)},
		{Method: "POST", Pattern: "/api/v1/me/2fa/enroll", Policy: anyone, Action: auth.ActionMeTwoFactorManage, Schema: "me_2fa_enroll", Handler: meTwoFactorEnroll(d)},
		{Method: "POST", Pattern: "/api/v1/me/2fa/confirm", Policy: anyone, Action: auth.ActionMeTwoFactorManage, Schema: "me_2fa_confirm", Handler: meTwoFactorConfirm(d)},
		{Method: "POST", Pattern: "/api/v1/me/2fa/disable", Policy: anyone, Action: auth.ActionMeTwoFactorManage, Schema: "me_2fa_disable", Handler: meTwoFactorDisable(d)},
		{Method: "GET", Pattern: "/api/v1/me/sessions", Policy: anyone, Action: auth.ActionSessionsManage, Handler: meSessionsList(d)},
		{Method: "DELETE", Pattern: "/api/v1/me/sessions", Policy: anyone, Action: auth.ActionSessionsManage, Handler: meSessionsRevokeAll(d)},
		{Method: "GET", Pattern: "/api/v1/me/sessions/{id}", Policy: anyone, Action: auth.ActionSessionRead, Handler: meSessionShow(d)},
		{Method: "DELETE", Pattern: "/api/v1/me/sessions/{id}", Policy: anyone, Action: auth.ActionSessionRevoke, Handler: meSessionRevoke(d)},

		// User administration.
		{Method: "GET", Pattern: "/api/v1/admin/users", Policy: admin, Action: auth.ActionUsersList, Handler: adminUsersList(d)},
		{Method: "POST", Pattern: "/api/v1/admin/users", Policy: admin, Action: auth.ActionUsersCreate, Schema: "admin_user_create", Handler: adminUserCreate(d)},
		{Method: "GET", Pattern: "/api/v1/admin/users/{id}", Policy: admin, Action: auth.ActionUsersRead, Handler: adminUserShow(d)},
		{Method: "PATCH", Pattern: "/api/v1/admin/users/{id}", Policy: admin, Action: auth.ActionUsersUpdate, Schema: "admin_user_update", Handler: adminUserUpdate(d)},
	}
}

// chatRoutes are the conversations of issue 4 ("API and storage"). The
// conversations service authorizes every call itself against the route's
// action, so the bot and the terminal chat follow the same rules.
func chatRoutes(d Deps) []middleware.Route {
	const anyone = middleware.PolicyAuthenticated
	var (
		customers = middleware.PolicyRoles(auth.RoleCustomer, auth.RoleAdmin)
		staff     = middleware.PolicyStaff
		limit     *middleware.NamedLimit
	)
	if d.ChatLimit.Rate > 0 {
		limit = &middleware.NamedLimit{Name: "chat", Limit: d.ChatLimit}
	}
	return []middleware.Route{
		{Method: "POST", Pattern: "/api/v1/conversations", Policy: customers, Action: auth.ActionConversationCreate, NoBody: true, Handler: conversationCreate(d)},
		{Method: "GET", Pattern: "/api/v1/conversations", Policy: anyone, Action: auth.ActionConversationList, Handler: conversationsList(d)},
		{Method: "GET", Pattern: "/api/v1/conversations/{id}", Policy: anyone, Action: auth.ActionConversationRead, Handler: conversationShow(d)},
		{Method: "GET", Pattern: "/api/v1/conversations/{id}/events", Policy: anyone, Action: auth.ActionConversationRead, Stream: true, Handler: conversationEvents(d)},
		{Method: "POST", Pattern: "/api/v1/conversations/{id}/messages", Policy: customers, Action: auth.ActionConversationMessage, Schema: "chat_message", UserLimit: limit, Handler: conversationMessageCreate(d)},
		{Method: "POST", Pattern: "/api/v1/conversations/{id}/replies", Policy: staff, Action: auth.ActionConversationReply, Schema: "chat_message", Handler: conversationReplyCreate(d)},
		{Method: "POST", Pattern: "/api/v1/conversations/{id}/claim", Policy: staff, Action: auth.ActionConversationClaim, NoBody: true, Handler: conversationClaim(d)},
		{Method: "POST", Pattern: "/api/v1/conversations/{id}/close", Policy: staff, Action: auth.ActionConversationClose, NoBody: true, Handler: conversationClose(d)},
	}
}

// faqRoutes are the knowledge-base administration of issue 4: staff read
// it, admins edit it.
func faqRoutes(d Deps) []middleware.Route {
	const admin = middleware.PolicyAdmin
	staff := middleware.PolicyStaff
	return []middleware.Route{
		{Method: "GET", Pattern: "/api/v1/faq", Policy: staff, Action: auth.ActionKnowledgeBaseRead, Handler: faqList(d)},
		{Method: "GET", Pattern: "/api/v1/faq/{id}", Policy: staff, Action: auth.ActionKnowledgeBaseRead, Handler: faqShow(d)},
		{Method: "POST", Pattern: "/api/v1/faq", Policy: admin, Action: auth.ActionKnowledgeBaseEdit, Schema: "faq_entry", Handler: faqCreate(d)},
		{Method: "PUT", Pattern: "/api/v1/faq/{id}", Policy: admin, Action: auth.ActionKnowledgeBaseEdit, Schema: "faq_entry", Handler: faqUpdate(d)},
		{Method: "DELETE", Pattern: "/api/v1/faq/{id}", Policy: admin, Action: auth.ActionKnowledgeBaseEdit, Handler: faqDelete(d)},
	}
}
