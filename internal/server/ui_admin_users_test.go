package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"supportbot/internal/auth"
	"supportbot/internal/conversations"
	"supportbot/internal/orders"
	"supportbot/internal/users"
)

// User administration and order assignment of issue 5 over real HTTP.

func TestAdminUserPagesAreAdminsOnly(t *testing.T) {
	f := newIdentityFixture(t, nil)
	_, asCustomer := f.staffAs(users.RoleCustomer, "carla@example.com")
	_, asSupport := f.staffAs(users.RoleSupport, "sam@example.com")
	target := f.account(users.RoleSupport, "kim@example.com")
	for name, as := range map[string]reqOpt{"customer": asCustomer, "support": asSupport} {
		t.Run(name, func(t *testing.T) {
			for _, path := range []string{"/admin/users", "/admin/orders"} {
				res := f.page(t, path, as).want(t, http.StatusForbidden)
				if strings.Contains(res.Body, "kim@example.com") {
					t.Errorf("%s leaks accounts", path)
				}
			}
			f.postForm("/admin/users", url.Values{"role": {"admin"}, "email": {"evil@example.com"}, "name": {"Evil"}, "password": {testPassword}}, as).
				want(t, http.StatusForbidden)
			f.postForm("/admin/users/"+target.ID, url.Values{"change": {"disable"}}, as).want(t, http.StatusForbidden)
			f.postForm("/admin/orders/ORD001/assign", url.Values{"staff_id": {""}}, as).want(t, http.StatusForbidden)
		})
	}
	if u, err := f.store.Get(context.Background(), target.ID); err != nil || u.Disabled {
		t.Errorf("target = %+v, %v; want untouched", u, err)
	}
	if _, err := f.store.GetByEmail(context.Background(), "evil@example.com"); err == nil {
		t.Error("a non-admin created an account")
	}
}

// TestAdminCreatesStaffAndChangesRoles: the create form, its inline
// refusals, and the per-account actions, each audited.
func TestAdminCreatesStaffAndChangesRoles(t *testing.T) {
	f := newIdentityFixture(t, nil)
	admin, asAdmin := f.staffAs(users.RoleAdmin, "ada@example.com")
	ctx := context.Background()

	t.Run("the page lists accounts with the create form", func(t *testing.T) {
		html := f.page(t, "/admin/users", asAdmin).want(t, http.StatusOK).Body
		wantParts(t, html, `<form id="staff-create-form"`, `id="new-role"`, `id="new-email"`, `id="new-name"`, `id="new-password"`,
			`id="staff-create-submit"`, `<table id="users-table"`, `<tr data-user="`+admin.ID+`"`, `class="tag">you</span>`)
		if strings.Contains(html, `action="/admin/users/`+admin.ID+`"`) {
			t.Error("the admin is offered changes to their own account")
		}
	})
	var sam users.User
	t.Run("create a support account", func(t *testing.T) {
		f.postForm("/admin/users", url.Values{"role": {"support"}, "email": {"sam@example.com"}, "name": {"Sam Agent"}, "password": {testPassword}}, asAdmin).
			wantSeeOther(t, "/admin/users?notice=user_created")
		var err error
		if sam, err = f.store.GetByEmail(ctx, "sam@example.com"); err != nil || sam.Role != users.RoleSupport || sam.Name != "Sam Agent" {
			t.Fatalf("created %+v, %v", sam, err)
		}
		html := f.page(t, "/admin/users?notice=user_created", asAdmin).Body
		if !strings.Contains(html, `<tr data-user="`+sam.ID+`" data-role="support">`) || !strings.Contains(html, "The account is created.") {
			t.Errorf("list lacks the new account:\n%s", html)
		}
		f.login(sam) // the initial password works
		if len(f.events(auth.EventAdminUserCreated)) != 1 {
			t.Errorf("created events = %v", f.events(auth.EventAdminUserCreated))
		}
	})
	t.Run("a weak password is refused inline, rule by rule, without echoing it", func(t *testing.T) {
		res := f.postForm("/admin/users", url.Values{"role": {"admin"}, "email": {"weak@example.com"}, "name": {"Weak"}, "password": {"short1"}}, asAdmin).
			want(t, http.StatusBadRequest)
		assertStrictHTML(t, res.Body)
		if !strings.Contains(res.Body, `id="staff-create-error" role="alert"`) || !strings.Contains(res.Body, `value="weak@example.com"`) ||
			!strings.Contains(res.Body, `<option value="admin" selected>`) || strings.Contains(res.Body, "short1") {
			t.Errorf("page:\n%s", res.Body)
		}
		if n := len(regexp.MustCompile(`(?s)id="staff-create-error".*?<ul>(.*?)</ul>`).FindStringSubmatch(res.Body)); n == 0 {
			t.Error("no list of broken rules")
		}
	})
	t.Run("a registered email is refused inline", func(t *testing.T) {
		res := f.postForm("/admin/users", url.Values{"role": {"support"}, "email": {"sam@example.com"}, "name": {"Sam Again"}, "password": {testPassword}}, asAdmin).
			want(t, http.StatusBadRequest)
		if !strings.Contains(res.Body, "already registered") || !strings.Contains(res.Body, `role="alert"`) {
			t.Errorf("page:\n%s", res.Body)
		}
	})
	t.Run("a customer cannot be created here", func(t *testing.T) {
		f.postForm("/admin/users", url.Values{"role": {"customer"}, "email": {"c@example.com"}, "name": {"C"}, "password": {testPassword}}, asAdmin).
			want(t, http.StatusBadRequest)
	})
	t.Run("change the role", func(t *testing.T) {
		f.postForm("/admin/users/"+sam.ID, url.Values{"change": {"role"}, "role": {"admin"}}, asAdmin).wantSeeOther(t, "/admin/users?notice=user_updated")
		if u, _ := f.store.Get(ctx, sam.ID); u.Role != users.RoleAdmin {
			t.Errorf("role = %s, want admin", u.Role)
		}
		if len(f.events(auth.EventAdminRoleChanged)) != 1 {
			t.Errorf("role events = %v", f.events(auth.EventAdminRoleChanged))
		}
		f.postForm("/admin/users/"+sam.ID, url.Values{"change": {"role"}}, asAdmin).want(t, http.StatusBadRequest)
		f.postForm("/admin/users/"+sam.ID, url.Values{"change": {"role"}, "role": {"root"}}, asAdmin).want(t, http.StatusBadRequest)
		f.postForm("/admin/users/"+sam.ID, url.Values{"change": {"role"}, "role": {"support"}}, asAdmin).wantSeeOther(t, "/admin/users?notice=user_updated")
	})
	t.Run("disable and enable", func(t *testing.T) {
		f.postForm("/admin/users/"+sam.ID, url.Values{"change": {"disable"}}, asAdmin).wantSeeOther(t, "/admin/users?notice=user_updated")
		html := f.page(t, "/admin/users", asAdmin).Body
		if !strings.Contains(html, `<tr data-user="`+sam.ID+`" data-role="support" data-disabled="true">`) || !strings.Contains(html, `value="enable"`) {
			t.Errorf("disabled account not shown so")
		}
		f.postForm("/admin/users/"+sam.ID, url.Values{"change": {"enable"}}, asAdmin).wantSeeOther(t, "/admin/users?notice=user_updated")
		if u, _ := f.store.Get(ctx, sam.ID); u.Disabled {
			t.Error("still disabled")
		}
	})
	t.Run("a locked account shows the lock and is unlocked", func(t *testing.T) {
		for range 5 {
			f.call("POST", "/api/v1/auth/login", loginBody(sam.Email, "Wrong-Password-123")).want(t, http.StatusUnauthorized)
		}
		html := f.page(t, "/admin/users", asAdmin).Body
		if !regexp.MustCompile(`data-user="`+sam.ID+`"[^>]*data-locked="true"`).MatchString(html) || !strings.Contains(html, "Locked until <time") {
			t.Fatalf("lock not shown:\n%s", html)
		}
		f.postForm("/admin/users/"+sam.ID, url.Values{"change": {"unlock"}}, asAdmin).wantSeeOther(t, "/admin/users?notice=user_updated")
		if u, _ := f.store.Get(ctx, sam.ID); u.Locked(f.clock.Now()) || u.FailedLogins != 0 {
			t.Errorf("after unlock: %+v", u)
		}
		f.login(sam)
	})
	t.Run("reset two-factor", func(t *testing.T) {
		f.enableTOTP(sam)
		html := f.page(t, "/admin/users", asAdmin).Body
		if !strings.Contains(html, `value="reset_2fa"`) || !strings.Contains(html, `data-2fa="on"`) {
			t.Fatal("2FA state not shown")
		}
		f.postForm("/admin/users/"+sam.ID, url.Values{"change": {"reset_2fa"}}, asAdmin).wantSeeOther(t, "/admin/users?notice=user_updated")
		if u, _ := f.store.Get(ctx, sam.ID); u.TOTPEnabled {
			t.Error("2FA still on")
		}
	})
	t.Run("the role filter", func(t *testing.T) {
		html := f.page(t, "/admin/users?role=admin", asAdmin).want(t, http.StatusOK).Body
		if strings.Contains(html, sam.Email) || !strings.Contains(html, admin.Email) {
			t.Errorf("filter by admin shows the wrong accounts")
		}
		f.page(t, "/admin/users?role=root", asAdmin).want(t, http.StatusBadRequest)
		f.page(t, "/admin/users?offset=-1", asAdmin).want(t, http.StatusBadRequest)
	})
	t.Run("an unknown account is 404", func(t *testing.T) {
		for _, id := range []string{missingID, "nope"} {
			f.postForm("/admin/users/"+id, url.Values{"change": {"disable"}}, asAdmin).want(t, http.StatusNotFound)
		}
	})
	t.Run("a stray field is refused", func(t *testing.T) {
		f.postForm("/admin/users/"+sam.ID, url.Values{"change": {"disable"}, "admin": {"1"}}, asAdmin).want(t, http.StatusBadRequest)
		f.postForm("/admin/users/"+sam.ID, url.Values{"change": {"disable"}, "role": {"admin"}}, asAdmin).want(t, http.StatusBadRequest)
	})
	t.Run("cross-origin posts are refused", func(t *testing.T) {
		f.postForm("/admin/users/"+sam.ID, url.Values{"change": {"disable"}}, asAdmin, withHeader("Sec-Fetch-Site", "cross-site")).
			want(t, http.StatusForbidden)
		if u, _ := f.store.Get(ctx, sam.ID); u.Disabled {
			t.Error("a cross-origin post disabled the account")
		}
	})
}

// TestAdminLastAdminGuard: an admin cannot demote, disable or reset the
// 2FA of their own account, so an instance never loses its last admin;
// the page says why instead of showing an error page.
func TestAdminLastAdminGuard(t *testing.T) {
	f := newIdentityFixture(t, nil)
	admin, asAdmin := f.staffAs(users.RoleAdmin, "ada@example.com")
	for _, change := range []url.Values{{"change": {"role"}, "role": {"support"}}, {"change": {"disable"}}} {
		t.Run(change.Get("change"), func(t *testing.T) {
			res := f.postForm("/admin/users/"+admin.ID, change, asAdmin).want(t, http.StatusForbidden)
			assertStrictHTML(t, res.Body)
			if !strings.Contains(res.Body, `id="users-error" role="alert">Admins cannot demote or disable their own account`) ||
				!strings.Contains(res.Body, `<table id="users-table"`) {
				t.Errorf("page:\n%s", res.Body)
			}
		})
	}
	if u, _ := f.store.Get(context.Background(), admin.ID); u.Role != users.RoleAdmin || u.Disabled {
		t.Errorf("admin = %+v", u)
	}
}

// TestAdminAssignsOrders: the order list with assignees, assignment to
// support staff through the form (audited), the refusals, and paging.
func TestAdminAssignsOrders(t *testing.T) {
	f := newIdentityFixture(t, nil)
	_, asAdmin := f.staffAs(users.RoleAdmin, "ada@example.com")
	alice := f.account(users.RoleCustomer, "alice@example.com")
	sam, asSam := f.staffAs(users.RoleSupport, "sam@example.com")
	kim := f.account(users.RoleSupport, "kim@example.com")
	f.order("ORD001", alice.ID, "", orders.StatusPending)
	f.order("ORD002", alice.ID, kim.ID, orders.StatusShipped)

	t.Run("the list shows assignees and offers support staff", func(t *testing.T) {
		html := f.page(t, "/admin/orders", asAdmin).want(t, http.StatusOK).Body
		wantParts(t, html, `<table id="orders-table"`, `<tr data-order="ORD001" data-status="pending">`,
			`<tr data-order="ORD002" data-status="shipped" data-assignee="`+kim.ID+`">`, `action="/admin/orders/ORD001/assign"`,
			`<select id="assign-ORD001" name="staff_id">`, `<option value="`+sam.ID+`">Name sam (sam@example.com)</option>`,
			`<option value="`+kim.ID+`" selected>`)
		if strings.Contains(html, `<option value="`+alice.ID+`"`) {
			t.Error("a customer is offered as assignee")
		}
	})
	t.Run("assign", func(t *testing.T) {
		f.postForm("/admin/orders/ORD001/assign", url.Values{"staff_id": {sam.ID}}, asAdmin).wantSeeOther(t, "/admin/orders?notice=order_assigned")
		html := f.page(t, "/admin/orders?notice=order_assigned", asAdmin).Body
		if !strings.Contains(html, `<tr data-order="ORD001" data-status="pending" data-assignee="`+sam.ID+`">`) || !strings.Contains(html, "The order is assigned.") {
			t.Errorf("page after assigning:\n%s", html)
		}
		if ev := f.events(orders.EventAssigned); len(ev) != 1 || !strings.Contains(ev[0], "ORD001") {
			t.Errorf("assigned events = %v", ev)
		}
		// Sam now sees the order beside Alice's conversations.
		conv := f.conversation(alice.ID, conversations.StatusWaiting, "")
		if html := f.page(t, "/staff/conversations/"+conv.ID, asSam).Body; !strings.Contains(html, `data-order="ORD001"`) || strings.Contains(html, `data-order="ORD002"`) {
			t.Errorf("Sam's view of Alice's orders is wrong")
		}
	})
	t.Run("unassign", func(t *testing.T) {
		f.postForm("/admin/orders/ORD002/assign", url.Values{"staff_id": {""}}, asAdmin).wantSeeOther(t, "/admin/orders?notice=order_assigned")
		if html := f.page(t, "/admin/orders", asAdmin).Body; !strings.Contains(html, `<tr data-order="ORD002" data-status="shipped">`) {
			t.Error("ORD002 still assigned")
		}
	})
	t.Run("someone who is not support staff is refused inline", func(t *testing.T) {
		res := f.postForm("/admin/orders/ORD001/assign", url.Values{"staff_id": {alice.ID}}, asAdmin).want(t, http.StatusBadRequest)
		assertStrictHTML(t, res.Body)
		if !strings.Contains(res.Body, `id="assign-error" role="alert"`) {
			t.Errorf("page:\n%s", res.Body)
		}
	})
	t.Run("an unknown order is 404", func(t *testing.T) {
		f.postForm("/admin/orders/ORD9999/assign", url.Values{"staff_id": {sam.ID}}, asAdmin).want(t, http.StatusNotFound)
		f.postForm("/admin/orders/x'--/assign", url.Values{"staff_id": {sam.ID}}, asAdmin).want(t, http.StatusNotFound)
	})
	t.Run("pages follow the cursor", func(t *testing.T) {
		for i := range orders.MaxPageLimit {
			f.order(fmt.Sprintf("ORD5%05d", i), alice.ID, "", orders.StatusPending)
		}
		html := f.page(t, "/admin/orders", asAdmin).Body
		m := regexp.MustCompile(`href="/admin/orders\?cursor=([^"]+)" rel="next"`).FindStringSubmatch(html)
		if m == nil {
			t.Fatal("no next page link")
		}
		first := strings.Count(html, "<tr data-order=")
		next := f.page(t, "/admin/orders?cursor="+m[1], asAdmin).want(t, http.StatusOK).Body
		if n := strings.Count(next, "<tr data-order="); first != orders.MaxPageLimit || n != 2 {
			t.Errorf("pages of %d and %d orders, want %d and 2", first, n, orders.MaxPageLimit)
		}
		f.page(t, "/admin/orders?cursor=forged", asAdmin).want(t, http.StatusBadRequest)
	})
}
