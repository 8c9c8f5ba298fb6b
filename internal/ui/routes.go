package ui

import (
	"supportbot/internal/auth"
	"supportbot/internal/http/middleware"
)

// Routes lists every UI route with its policy, in one place (DESIGN.md,
// "Style"). Forms post same-origin (cross-origin protection in the chain,
// SameSite=Strict session cookies) as application/x-www-form-urlencoded,
// validated against their schema in api/schemas like API bodies. A part of
// the site whose service is missing from Deps is left out, as in the API.
func (u *UI) Routes() []middleware.Route {
	const (
		public = middleware.PolicyPublic
		anyone = middleware.PolicyAuthenticated
		staff  = middleware.PolicyStaff
		admin  = middleware.PolicyAdmin
	)
	// Customers chat; admins may too, as in the API. Orders are the
	// customer's own.
	customers := middleware.PolicyRoles(auth.RoleCustomer, auth.RoleAdmin)
	customer := middleware.PolicyRoles(auth.RoleCustomer)

	routes := []middleware.Route{
		{Method: "GET", Pattern: "/{$}", Policy: public, Handler: u.homeShow},
		{Method: "GET", Pattern: staticPrefix + "{file}", Policy: public, Handler: u.assetShow},
	}
	if u.Auth == nil {
		return routes
	}
	routes = append(routes, []middleware.Route{
		// Signing in, registering, the second factor.
		{Method: "GET", Pattern: LoginPath, Policy: public, Handler: u.loginShow},
		{Method: "POST", Pattern: LoginPath, Policy: public, Form: true, Schema: "form_login", Handler: u.loginCreate},
		{Method: "POST", Pattern: "/login/mfa", Policy: public, Form: true, Schema: "form_login_mfa", Handler: u.loginMFACreate},
		{Method: "POST", Pattern: "/login/resume", Policy: public, Form: true, Schema: "form_next", Handler: u.loginResume},
		{Method: "POST", Pattern: "/session/refresh", Policy: public, NoBody: true, Handler: u.sessionRefresh},
		{Method: "GET", Pattern: "/register", Policy: public, Handler: u.registerShow},
		{Method: "POST", Pattern: "/register", Policy: public, Form: true, Schema: "form_register", Handler: u.registerCreate},
		// Public, so that signing out works with an expired access token
		// (logout_create.go); the handler ends the session it finds.
		{Method: "POST", Pattern: "/logout", Policy: public, NoBody: true, Handler: u.logoutCreate},

		// My account.
		{Method: "GET", Pattern: "/account", Policy: anyone, Action: auth.ActionMeRead, Handler: u.accountShow},
		{Method: "POST", Pattern: "/account/profile", Policy: anyone, Action: auth.ActionMeUpdate, Form: true, Schema: "form_profile", Handler: u.accountProfileUpdate},
		{Method: "POST", Pattern: "/account/password", Policy: anyone, Action: auth.ActionMePasswordChange, Form: true, Schema: "form_password", Handler: u.accountPasswordChange},
		{Method: "POST", Pattern: "/account/2fa/enroll", Policy: anyone, Action: auth.ActionMeTwoFactorManage, Form: true, Schema: "form_reauth", Handler: u.accountTwoFactorEnroll},
		{Method: "POST", Pattern: "/account/2fa/confirm", Policy: anyone, Action: auth.ActionMeTwoFactorManage, Form: true, Schema: "form_totp", Handler: u.accountTwoFactorConfirm},
		{Method: "POST", Pattern: "/account/2fa/disable", Policy: anyone, Action: auth.ActionMeTwoFactorManage, Form: true, Schema: "form_2fa_disable", Handler: u.accountTwoFactorDisable},
		{Method: "POST", Pattern: "/account/sessions/{id}/revoke", Policy: anyone, Action: auth.ActionSessionRevoke, NoBody: true, Handler: u.accountSessionRevoke},
		{Method: "POST", Pattern: "/account/sessions/revoke-all", Policy: anyone, Action: auth.ActionSessionsManage, NoBody: true, Handler: u.accountSessionsRevokeAll},

		// User administration.
		{Method: "GET", Pattern: "/admin/users", Policy: admin, Action: auth.ActionUsersList, Handler: u.adminUsersShow},
		{Method: "POST", Pattern: "/admin/users", Policy: admin, Action: auth.ActionUsersCreate, Form: true, Schema: "form_staff_create", Handler: u.adminUserCreate},
		{Method: "POST", Pattern: "/admin/users/{id}", Policy: admin, Action: auth.ActionUsersUpdate, Form: true, Schema: "form_user_update", Handler: u.adminUserUpdate},
	}...)
	if u.Chat != nil && u.Orders != nil {
		var limit *middleware.NamedLimit
		if u.ChatLimit.Rate > 0 {
			// The API's bucket: a customer has one chat allowance, whether
			// the page or an API client sends.
			limit = &middleware.NamedLimit{Name: "chat", Limit: u.ChatLimit}
		}
		routes = append(routes, []middleware.Route{
			// The customer's chat and orders.
			{Method: "GET", Pattern: "/chat", Policy: customers, Action: auth.ActionConversationList, Handler: u.chatShow},
			{Method: "POST", Pattern: "/chat", Policy: customers, Action: auth.ActionConversationCreate, NoBody: true, Handler: u.chatCreate},
			{Method: "GET", Pattern: "/chat/{id}", Policy: customers, Action: auth.ActionConversationRead, Handler: u.chatConversationShow},
			{Method: "GET", Pattern: "/chat/{id}/messages", Policy: customers, Action: auth.ActionConversationRead, Handler: u.messagesFragment},
			{Method: "POST", Pattern: "/chat/{id}/messages", Policy: customers, Action: auth.ActionConversationMessage, Form: true, Schema: "form_chat_message", UserLimit: limit, Handler: u.chatMessageCreate},
			{Method: "GET", Pattern: "/orders", Policy: customer, Action: auth.ActionOrderList, Handler: u.ordersShow},

			// The staff console.
			{Method: "GET", Pattern: "/staff", Policy: staff, Action: auth.ActionConversationList, Handler: u.staffShow},
			{Method: "GET", Pattern: "/staff/conversations/{id}", Policy: staff, Action: auth.ActionConversationRead, Handler: u.staffConversationShow},
			{Method: "GET", Pattern: "/staff/conversations/{id}/messages", Policy: staff, Action: auth.ActionConversationRead, Handler: u.messagesFragment},
			{Method: "POST", Pattern: "/staff/conversations/{id}/claim", Policy: staff, Action: auth.ActionConversationClaim, NoBody: true, Handler: u.staffClaim},
			{Method: "POST", Pattern: "/staff/conversations/{id}/replies", Policy: staff, Action: auth.ActionConversationReply, Form: true, Schema: "form_chat_message", Handler: u.staffReplyCreate},
			{Method: "POST", Pattern: "/staff/conversations/{id}/close", Policy: staff, Action: auth.ActionConversationClose, NoBody: true, Handler: u.staffClose},

			// Order assignment.
			{Method: "GET", Pattern: "/admin/orders", Policy: admin, Action: auth.ActionOrderList, Handler: u.adminOrdersShow},
			{Method: "POST", Pattern: "/admin/orders/{id}/assign", Policy: admin, Action: auth.ActionOrderAssign, Form: true, Schema: "form_order_assign", Handler: u.adminOrderAssign},
		}...)
	}
	routes = append(routes,
		// The admin dashboard: the doctor checklist and the charts.
		middleware.Route{Method: "GET", Pattern: "/admin", Policy: admin, Action: auth.ActionStatsRead, Handler: u.adminShow},
	)
	if u.Audit != nil {
		routes = append(routes,
			middleware.Route{Method: "GET", Pattern: "/admin/audit", Policy: admin, Action: auth.ActionAuditRead, Handler: u.adminAuditShow})
	}
	if u.KB != nil && u.FAQ != nil {
		routes = append(routes, []middleware.Route{
			// The knowledge-base editor and its "try a question" box.
			{Method: "GET", Pattern: "/admin/kb", Policy: admin, Action: auth.ActionKnowledgeBaseEdit, Handler: u.adminKBShow},
			{Method: "POST", Pattern: "/admin/kb/try", Policy: admin, Action: auth.ActionKnowledgeBaseEdit, Form: true, Schema: "form_kb_try", Handler: u.adminKBTry},
			{Method: "GET", Pattern: "/admin/kb/new", Policy: admin, Action: auth.ActionKnowledgeBaseEdit, Handler: u.adminKBNew},
			{Method: "GET", Pattern: "/admin/kb/{id}", Policy: admin, Action: auth.ActionKnowledgeBaseEdit, Handler: u.adminKBEdit},
			{Method: "POST", Pattern: "/admin/kb", Policy: admin, Action: auth.ActionKnowledgeBaseEdit, Form: true, Schema: "form_faq_entry", Handler: u.adminKBCreate},
			{Method: "POST", Pattern: "/admin/kb/{id}", Policy: admin, Action: auth.ActionKnowledgeBaseEdit, Form: true, Schema: "form_faq_entry", Handler: u.adminKBUpdate},
			{Method: "POST", Pattern: "/admin/kb/{id}/delete", Policy: admin, Action: auth.ActionKnowledgeBaseEdit, NoBody: true, Handler: u.adminKBDelete},
		}...)
	}
	return routes
}
