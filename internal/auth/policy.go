package auth

import (
	"errors"
	"fmt"
	"maps"
	"slices"
)

// Role is a user's role. There are exactly three (hardening guide,
// "Authorization Controls"; issue 3).
type Role string

// The roles.
const (
	RoleCustomer Role = "customer" // own orders and conversations only
	RoleSupport  Role = "support"  // what is assigned to them, and the hand-off queue
	RoleAdmin    Role = "admin"    // everything
)

// Roles returns every role, lowest privilege first.
func Roles() []Role { return []Role{RoleCustomer, RoleSupport, RoleAdmin} }

// ParseRole returns the role named s exactly ("customer", "support",
// "admin"). Anything else is an error: an unknown role must never default
// to some privilege.
func ParseRole(s string) (Role, error) {
	switch r := Role(s); r {
	case RoleCustomer, RoleSupport, RoleAdmin:
		return r, nil
	}
	return "", fmt.Errorf("auth: unknown role %q", logSafe(s))
}

// Valid reports whether r is one of the three roles.
func (r Role) Valid() bool {
	_, err := ParseRole(string(r))
	return err == nil
}

// Action is something a handler does on behalf of an actor. Every handler
// names one and calls Authorize with it (issue 3, "one call in every
// handler"). Names are "noun.verb", stable, and safe to log and audit.
type Action string

// The actions. A new action needs a row in policy; TestEveryActionHasAPolicy
// fails until it has one, and until then Authorize denies it.
const (
	// The actor's own account (issue 3, "/api/v1/me…").
	ActionMeRead            Action = "me.read"            // GET /me
	ActionMeUpdate          Action = "me.update"          // PATCH /me (profile)
	ActionMePasswordChange  Action = "me.password.change" // POST /me/password
	ActionMeTwoFactorManage Action = "me.2fa.manage"      // POST /me/2fa/enroll|confirm|disable
	ActionSessionsManage    Action = "me.sessions.manage" // GET /me/sessions, DELETE all of them
	ActionSessionRead       Action = "me.sessions.read"   // GET /me/sessions/{id}
	ActionSessionRevoke     Action = "me.sessions.revoke" // DELETE /me/sessions/{id}

	// User administration (issue 3, "/api/v1/admin/users"; issue 5, admin).
	ActionUsersList   Action = "users.list"
	ActionUsersCreate Action = "users.create"
	ActionUsersRead   Action = "users.read"
	ActionUsersUpdate Action = "users.update" // role, disable, enable, unlock, reset 2FA

	// Orders (issue 4, "/api/v1/orders…").
	ActionOrderList            Action = "orders.list"
	ActionOrderRead            Action = "orders.read"
	ActionOrderCancel          Action = "orders.cancel"
	ActionOrderReturn          Action = "orders.return"
	ActionOrderAssign          Action = "orders.assign"          // admin: assign an order to support staff
	ActionOrderAdvance         Action = "orders.advance"         // staff: move an order along (ship, deliver, returned, refunded)
	ActionPaymentRequestCreate Action = "orders.payment_request" // manual payment request for an order

	// Conversations (issue 4, "/api/v1/conversations…"; issue 5, staff console).
	ActionConversationCreate  Action = "conversations.create"
	ActionConversationList    Action = "conversations.list"
	ActionConversationRead    Action = "conversations.read"    // history and live events
	ActionConversationMessage Action = "conversations.message" // the customer writes to the bot
	ActionConversationReply   Action = "conversations.reply"   // staff answers as an agent
	ActionConversationClaim   Action = "conversations.claim"   // staff takes a handed-off conversation
	ActionConversationClose   Action = "conversations.close"
	ActionHandoffQueueRead    Action = "handoff_queue.read"

	// Knowledge base (issue 4, FAQ CRUD; issue 5, editor).
	ActionKnowledgeBaseRead Action = "knowledge_base.read"
	ActionKnowledgeBaseEdit Action = "knowledge_base.edit" // create, update, delete entries

	// Administration (issue 5, admin dashboard).
	ActionAuditRead        Action = "audit.read"  // audit log and chain verification
	ActionSystemStatusRead Action = "system.read" // the doctor checklist
	ActionStatsRead        Action = "stats.read"  // dashboard charts
)

// Target says what an action acts on, and so what Authorize checks.
type Target int

// The targets.
const (
	// TargetSelf: the actor's own account; there is no other resource.
	TargetSelf Target = iota + 1
	// TargetCollection: a list or a creation. Authorize checks the role;
	// a list is filtered with the Scope that ScopeFor returns.
	TargetCollection
	// TargetResource: one resource with an owner and perhaps an assignee;
	// Authorize checks existence and ownership.
	TargetResource
)

// Scope is an ownership rule: which resources a role reaches for an action.
type Scope int

// The scopes, narrowest first.
const (
	ScopeNone             Scope = iota // never: 403
	ScopeOwn                           // resources the actor owns
	ScopeAssigned                      // resources assigned to the actor
	ScopeAssignedOrQueued              // assigned to the actor, or waiting in the hand-off queue
	ScopeAny                           // every resource
)

// String names the scope for logs and test output.
func (s Scope) String() string {
	switch s {
	case ScopeNone:
		return "none"
	case ScopeOwn:
		return "own"
	case ScopeAssigned:
		return "assigned"
	case ScopeAssignedOrQueued:
		return "assigned-or-queued"
	case ScopeAny:
		return "any"
	}
	return fmt.Sprintf("Scope(%d)", int(s))
}

// rule is one row of the policy: the action's target and each role's scope.
type rule struct {
	target                   Target
	customer, support, admin Scope
}

func (r rule) scope(role Role) Scope {
	switch role {
	case RoleCustomer:
		return r.customer
	case RoleSupport:
		return r.support
	case RoleAdmin:
		return r.admin
	}
	return ScopeNone
}

// policy is the one authorization table (issue 3, "One policy table in code
// (role × action), deny by default"; hardening guide, "Implement
// role-based access control"; ASVS 4.0.3 4.1.1, 4.1.3 least privilege,
// 4.2.1 protection against IDOR). An action missing here is denied to
// everyone.
//
// Customers reach only what they own ("Customer users: view own orders
// only"); support reaches what is assigned to them and the hand-off queue
// ("Support staff: manage assigned orders and customer queries"); admins
// reach everything ("Admin users: full system access") — through the admin
// actions, not through another user's /me routes.
var policy = func() map[Action]rule {
	// Short names keep the table readable; they are local so they do not
	// leak into the rest of the package.
	const (
		self = TargetSelf
		coll = TargetCollection
		res  = TargetResource

		none     = ScopeNone
		own      = ScopeOwn
		assigned = ScopeAssigned
		queued   = ScopeAssignedOrQueued
		anyone   = ScopeAny
	)
	return map[Action]rule{
		// action: {target, customer, support, admin}
		ActionMeRead:            {self, own, own, own},
		ActionMeUpdate:          {self, own, own, own},
		ActionMePasswordChange:  {self, own, own, own},
		ActionMeTwoFactorManage: {self, own, own, own},
		ActionSessionsManage:    {self, own, own, own},
		ActionSessionRead:       {res, own, own, own},
		ActionSessionRevoke:     {res, own, own, own},

		ActionUsersList:   {coll, none, none, anyone},
		ActionUsersCreate: {coll, none, none, anyone},
		ActionUsersRead:   {res, none, none, anyone},
		ActionUsersUpdate: {res, none, none, anyone},

		ActionOrderList:            {coll, own, assigned, anyone},
		ActionOrderRead:            {res, own, assigned, anyone},
		ActionOrderCancel:          {res, own, assigned, anyone},
		ActionOrderReturn:          {res, own, assigned, anyone},
		ActionOrderAssign:          {res, none, none, anyone},
		ActionOrderAdvance:         {res, none, assigned, anyone},
		ActionPaymentRequestCreate: {res, none, assigned, anyone},

		ActionConversationCreate:  {coll, own, none, own},
		ActionConversationList:    {coll, own, assigned, anyone},
		ActionConversationRead:    {res, own, queued, anyone},
		ActionConversationMessage: {res, own, none, own},
		ActionConversationReply:   {res, none, assigned, anyone},
		ActionConversationClaim:   {res, none, queued, anyone},
		ActionConversationClose:   {res, none, assigned, anyone},
		ActionHandoffQueueRead:    {coll, none, anyone, anyone},

		ActionKnowledgeBaseRead: {coll, none, anyone, anyone},
		ActionKnowledgeBaseEdit: {coll, none, none, anyone},

		ActionAuditRead:        {coll, none, none, anyone},
		ActionSystemStatusRead: {coll, none, none, anyone},
		ActionStatsRead:        {coll, none, none, anyone},
	}
}()

// Actions returns every action in the policy, sorted, e.g. for a route ×
// role matrix test.
func Actions() []Action {
	return slices.Sorted(maps.Keys(policy))
}

// TargetOf returns what action acts on, and false for an unknown action.
func TargetOf(action Action) (Target, bool) {
	r, ok := policy[action]
	return r.target, ok
}

var (
	// ErrForbidden means the actor's role may never perform the action:
	// answer 403.
	ErrForbidden = errors.New("auth: forbidden")
	// ErrNotFound means the role may perform the action but not on this
	// resource (someone else's), or the resource does not exist: answer 404
	// either way, so a response never reveals that another customer's
	// order or conversation exists, and audit access.denied (DESIGN.md
	// invariant 2).
	ErrNotFound = errors.New("auth: not found")
)

// Actor is the authenticated user making a request.
type Actor struct {
	UserID string
	Role   Role
}

// Resource describes the one resource a TargetResource action acts on.
// The zero Resource is a resource that does not exist, which is denied
// like someone else's.
type Resource struct {
	Exists     bool
	OwnerID    string // the customer it belongs to (for a session: its user)
	AssigneeID string // the staff member it is assigned to, if any
	Queued     bool   // waiting in the hand-off queue, not yet claimed
}

// Authorize decides whether actor may perform action on r. It denies by
// default: an unknown action, an invalid role or an empty user id is
// ErrForbidden. For TargetSelf and TargetCollection actions r is ignored;
// for TargetResource actions a role allowed the action but not this
// resource, or a missing resource, is ErrNotFound. Errors wrap the
// sentinel with the reason, for the log and the audit event.
func Authorize(actor Actor, action Action, r Resource) error {
	scope, rl, err := lookup(actor, action)
	if err != nil {
		return err
	}
	if rl.target != TargetResource {
		return nil
	}
	if !r.Exists {
		return fmt.Errorf("auth: %s %s: no such resource: %w", actor.Role, action, ErrNotFound)
	}
	if !scope.allows(actor.UserID, r) {
		return fmt.Errorf("auth: %s %s: resource outside scope %s: %w", actor.Role, action, scope, ErrNotFound)
	}
	return nil
}

// ScopeFor returns the scope in which actor may perform action, for
// filtering a list (ScopeOwn: owned by the actor; ScopeAssigned: assigned to
// the actor; ScopeAssignedOrQueued: those plus the hand-off queue;
// ScopeAny: all), or ErrForbidden.
func ScopeFor(actor Actor, action Action) (Scope, error) {
	scope, _, err := lookup(actor, action)
	return scope, err
}

func lookup(actor Actor, action Action) (Scope, rule, error) {
	if actor.UserID == "" || !actor.Role.Valid() {
		return ScopeNone, rule{}, fmt.Errorf("auth: %s: no valid actor: %w", action, ErrForbidden)
	}
	rl, ok := policy[action]
	if !ok {
		return ScopeNone, rule{}, fmt.Errorf("auth: unknown action %q: %w", logSafe(string(action)), ErrForbidden)
	}
	scope := rl.scope(actor.Role)
	if scope == ScopeNone {
		return ScopeNone, rule{}, fmt.Errorf("auth: %s may not %s: %w", actor.Role, action, ErrForbidden)
	}
	return scope, rl, nil
}

// allows reports whether a resource falls within the scope for userID.
// Empty ids never match, so a resource without an assignee is nobody's.
func (s Scope) allows(userID string, r Resource) bool {
	switch s {
	case ScopeAny:
		return true
	case ScopeOwn:
		return r.OwnerID != "" && r.OwnerID == userID
	case ScopeAssigned:
		return r.AssigneeID != "" && r.AssigneeID == userID
	case ScopeAssignedOrQueued:
		return r.Queued || (r.AssigneeID != "" && r.AssigneeID == userID)
	}
	return false
}
