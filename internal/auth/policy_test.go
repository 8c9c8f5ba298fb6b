package auth

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// situations are the resources an actor can meet, in the column order of
// the expectations below.
var situations = []struct {
	name string
	res  func(actor string) Resource
}{
	{"own", func(a string) Resource { return Resource{Exists: true, OwnerID: a} }},
	{"other's", func(string) Resource {
		return Resource{Exists: true, OwnerID: "u-other", AssigneeID: "u-other-staff"}
	}},
	{"assigned", func(a string) Resource { return Resource{Exists: true, OwnerID: "u-cust", AssigneeID: a} }},
	{"unassigned", func(string) Resource { return Resource{Exists: true, OwnerID: "u-cust"} }},
	{"queued", func(string) Resource { return Resource{Exists: true, OwnerID: "u-cust", Queued: true} }},
	{"missing", func(string) Resource { return Resource{} }},
}

// expected is written out by hand, independently of the policy table: for
// every action, per role, one letter per situation (own, other's, assigned,
// unassigned, queued, missing): A allowed, N ErrNotFound (404), F
// ErrForbidden (403).
var expected = map[Action][3]string{
	//                           customer   support   admin
	ActionMeRead:            {"AAAAAA", "AAAAAA", "AAAAAA"},
	ActionMeUpdate:          {"AAAAAA", "AAAAAA", "AAAAAA"},
	ActionMePasswordChange:  {"AAAAAA", "AAAAAA", "AAAAAA"},
	ActionMeTwoFactorManage: {"AAAAAA", "AAAAAA", "AAAAAA"},
	ActionSessionsManage:    {"AAAAAA", "AAAAAA", "AAAAAA"},
	ActionSessionRead:       {"ANNNNN", "ANNNNN", "ANNNNN"},
	ActionSessionRevoke:     {"ANNNNN", "ANNNNN", "ANNNNN"},

	ActionUsersList:   {"FFFFFF", "FFFFFF", "AAAAAA"},
	ActionUsersCreate: {"FFFFFF", "FFFFFF", "AAAAAA"},
	ActionUsersRead:   {"FFFFFF", "FFFFFF", "AAAAAN"},
	ActionUsersUpdate: {"FFFFFF", "FFFFFF", "AAAAAN"},

	ActionOrderList:            {"AAAAAA", "AAAAAA", "AAAAAA"},
	ActionOrderRead:            {"ANNNNN", "NNANNN", "AAAAAN"},
	ActionOrderCancel:          {"ANNNNN", "NNANNN", "AAAAAN"},
	ActionOrderReturn:          {"ANNNNN", "NNANNN", "AAAAAN"},
	ActionOrderAssign:          {"FFFFFF", "FFFFFF", "AAAAAN"},
	ActionOrderAdvance:         {"FFFFFF", "NNANNN", "AAAAAN"},
	ActionPaymentRequestCreate: {"FFFFFF", "NNANNN", "AAAAAN"},

	ActionConversationCreate:  {"AAAAAA", "FFFFFF", "AAAAAA"},
	ActionConversationList:    {"AAAAAA", "AAAAAA", "AAAAAA"},
	ActionConversationRead:    {"ANNNNN", "NNANAN", "AAAAAN"},
	ActionConversationMessage: {"ANNNNN", "FFFFFF", "ANNNNN"},
	ActionConversationReply:   {"FFFFFF", "NNANNN", "AAAAAN"},
	ActionConversationClaim:   {"FFFFFF", "NNANAN", "AAAAAN"},
	ActionConversationClose:   {"FFFFFF", "NNANNN", "AAAAAN"},
	ActionHandoffQueueRead:    {"FFFFFF", "AAAAAA", "AAAAAA"},

	ActionKnowledgeBaseRead: {"FFFFFF", "AAAAAA", "AAAAAA"},
	ActionKnowledgeBaseEdit: {"FFFFFF", "FFFFFF", "AAAAAA"},

	ActionAuditRead:        {"FFFFFF", "FFFFFF", "AAAAAA"},
	ActionSystemStatusRead: {"FFFFFF", "FFFFFF", "AAAAAA"},
	ActionStatsRead:        {"FFFFFF", "FFFFFF", "AAAAAA"},
}

func outcome(err error) byte {
	switch {
	case err == nil:
		return 'A'
	case errors.Is(err, ErrNotFound) && !errors.Is(err, ErrForbidden):
		return 'N'
	case errors.Is(err, ErrForbidden) && !errors.Is(err, ErrNotFound):
		return 'F'
	}
	return '?'
}

func TestAuthorizeMatrix(t *testing.T) {
	for _, action := range Actions() {
		want, ok := expected[action]
		if !ok {
			t.Errorf("%s has no expectation in this test", action)
			continue
		}
		for ri, role := range Roles() {
			actor := Actor{UserID: "u-actor", Role: role}
			got := make([]byte, len(situations))
			for si, s := range situations {
				got[si] = outcome(Authorize(actor, action, s.res(actor.UserID)))
			}
			if string(got) != want[ri] {
				t.Errorf("%s as %s: got %s, want %s (own, other's, assigned, unassigned, queued, missing)",
					action, role, got, want[ri])
			}
		}
	}
	for action := range expected {
		if _, ok := TargetOf(action); !ok {
			t.Errorf("%s is expected but not in the policy", action)
		}
	}
}

// TestEveryActionHasAPolicy parses this package's non-test source for every constant
// of type Action and fails when one is missing from the policy table — an
// action added without a policy is denied to everyone, which this test
// turns into a visible failure.
func TestEveryActionHasAPolicy(t *testing.T) {
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	var consts []Action
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, spec := range g.Specs {
				vs := spec.(*ast.ValueSpec)
				if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "Action" {
					continue
				}
				for _, v := range vs.Values {
					s, err := strconv.Unquote(v.(*ast.BasicLit).Value)
					if err != nil {
						t.Fatal(err)
					}
					consts = append(consts, Action(s))
				}
			}
		}
	}
	if len(consts) < 20 {
		t.Fatalf("found only %d Action constants; is the parser looking in the right place?", len(consts))
	}
	for _, a := range consts {
		if _, ok := TargetOf(a); !ok {
			t.Errorf("action %q has no row in the policy table", a)
		}
	}
	slices.Sort(consts)
	if !slices.Equal(slices.Compact(consts), Actions()) {
		t.Errorf("policy rows %v differ from constants %v", Actions(), consts)
	}
}

func TestPolicyRowsAreConsistent(t *testing.T) {
	for action, r := range policy {
		if r.target < TargetSelf || r.target > TargetResource {
			t.Errorf("%s: no target", action)
		}
		for _, role := range Roles() {
			s := r.scope(role)
			if r.target == TargetSelf && s != ScopeOwn && s != ScopeNone {
				t.Errorf("%s: a self action with scope %s for %s", action, s, role)
			}
			if role == RoleCustomer && s != ScopeOwn && s != ScopeNone {
				t.Errorf("%s: customers reach only their own resources, not %s", action, s)
			}
			if role == RoleSupport && s == ScopeAny && r.target == TargetResource {
				t.Errorf("%s: support reaches every resource", action)
			}
		}
	}
}

func TestAuthorizeDeniesByDefault(t *testing.T) {
	own := Resource{Exists: true, OwnerID: "u-1"}
	for name, tc := range map[string]struct {
		actor  Actor
		action Action
	}{
		"unknown action":         {Actor{UserID: "u-1", Role: RoleAdmin}, "orders.delete_everything"},
		"empty action":           {Actor{UserID: "u-1", Role: RoleAdmin}, ""},
		"unknown role":           {Actor{UserID: "u-1", Role: "root"}, ActionMeRead},
		"role in other case":     {Actor{UserID: "u-1", Role: "Admin"}, ActionAuditRead},
		"no role":                {Actor{UserID: "u-1"}, ActionMeRead},
		"no user id":             {Actor{Role: RoleAdmin}, ActionAuditRead},
		"anonymous zero actor":   {Actor{}, ActionOrderRead},
		"customer admin action":  {Actor{UserID: "u-1", Role: RoleCustomer}, ActionUsersUpdate},
		"support admin action":   {Actor{UserID: "u-1", Role: RoleSupport}, ActionKnowledgeBaseEdit},
		"customer queue":         {Actor{UserID: "u-1", Role: RoleCustomer}, ActionHandoffQueueRead},
		"customer agent reply":   {Actor{UserID: "u-1", Role: RoleCustomer}, ActionConversationReply},
		"support writes as user": {Actor{UserID: "u-1", Role: RoleSupport}, ActionConversationMessage},
	} {
		err := Authorize(tc.actor, tc.action, own)
		if !errors.Is(err, ErrForbidden) || errors.Is(err, ErrNotFound) {
			t.Errorf("%s: err = %v, want ErrForbidden", name, err)
		}
		if _, err := ScopeFor(tc.actor, tc.action); !errors.Is(err, ErrForbidden) {
			t.Errorf("%s: ScopeFor err = %v, want ErrForbidden", name, err)
		}
	}
}

func TestEmptyIDsNeverMatch(t *testing.T) {
	// A resource without an owner or assignee belongs to nobody, even to
	// an actor whose id were empty (refused earlier anyway).
	cust := Actor{UserID: "u-1", Role: RoleCustomer}
	if err := Authorize(cust, ActionOrderRead, Resource{Exists: true}); !errors.Is(err, ErrNotFound) {
		t.Errorf("ownerless order: %v", err)
	}
	sup := Actor{UserID: "u-2", Role: RoleSupport}
	if err := Authorize(sup, ActionConversationReply, Resource{Exists: true, OwnerID: "u-1"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("unassigned conversation: %v", err)
	}
}

func TestScopeFor(t *testing.T) {
	for _, tc := range []struct {
		role   Role
		action Action
		want   Scope
	}{
		{RoleCustomer, ActionOrderList, ScopeOwn},
		{RoleSupport, ActionOrderList, ScopeAssigned},
		{RoleAdmin, ActionOrderList, ScopeAny},
		{RoleCustomer, ActionConversationList, ScopeOwn},
		{RoleSupport, ActionConversationList, ScopeAssigned},
		{RoleSupport, ActionHandoffQueueRead, ScopeAny},
		{RoleSupport, ActionConversationRead, ScopeAssignedOrQueued},
		{RoleAdmin, ActionUsersList, ScopeAny},
	} {
		got, err := ScopeFor(Actor{UserID: "u-1", Role: tc.role}, tc.action)
		if err != nil || got != tc.want {
			t.Errorf("ScopeFor(%s, %s) = %s, %v; want %s", tc.role, tc.action, got, err, tc.want)
		}
	}
}

func TestParseRole(t *testing.T) {
	for _, r := range Roles() {
		got, err := ParseRole(string(r))
		if err != nil || got != r || !r.Valid() {
			t.Errorf("ParseRole(%q) = %q, %v", r, got, err)
		}
	}
	for _, s := range []string{"", "Admin", "ADMIN", " admin", "admin ", "root", "staff", "customer\x00"} {
		if r, err := ParseRole(s); err == nil || r != "" {
			t.Errorf("ParseRole(%q) = %q, %v; want an error", s, r, err)
		}
	}
}

func BenchmarkAuthorize(b *testing.B) {
	actor := Actor{UserID: "u-1", Role: RoleSupport}
	r := Resource{Exists: true, OwnerID: "u-9", AssigneeID: "u-1"}
	b.ReportAllocs()
	for b.Loop() {
		if err := Authorize(actor, ActionOrderRead, r); err != nil {
			b.Fatal(err)
		}
	}
}
