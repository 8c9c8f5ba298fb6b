package ui

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"supportbot/internal/api"
	"supportbot/internal/auth"
	"supportbot/internal/http/middleware"
	"supportbot/internal/http/response"
	"supportbot/internal/users"
)

// usersPageSize is how many accounts the user list shows at once.
const usersPageSize = 50

// maxUsersOffset bounds ?offset=, as the API does: no shop pages that far.
const maxUsersOffset = 1_000_000

// userRow is one account in the admin's list.
type userRow struct {
	ID           string
	Name         string
	Email        string
	Role         auth.Role
	Self         bool // the admin looking: no demote, disable or 2FA reset here
	Disabled     bool
	Locked       bool      // locked out now (the same reading as the API's "locked")
	LockedUntil  time.Time // when Locked
	FailedLogins int
	TwoFactor    string // "on", "pending" (enrolment started) or "off"
	HasTOTP      bool   // a secret is stored: a reset has something to reset
}

// staffForm is what the create-staff form keeps after a refusal: never
// the password.
type staffForm struct {
	Role  string
	Email string
	Name  string
}

// adminUsersData is the user administration page.
type adminUsersData struct {
	Users      []userRow
	Role       string      // the role filter, "" for all
	Roles      []auth.Role // every role, for the filter and the role selects
	Offset     int
	PrevOffset int
	NextOffset int
	HasPrev    bool
	HasNext    bool

	Form        staffForm // the create form as typed
	CreateError string    // why the account was not created
	CreateRules []string  // each password rule the initial password broke
	ActionError string    // why a change to an account was refused
}

// adminUsersShow renders GET /admin/users: the accounts, optionally of one
// role (?role=) and paged (?offset=), with their state — disabled, locked
// out, two-factor — and a small form per change; and the form creating a
// support or admin account.
func (u *UI) adminUsersShow(w http.ResponseWriter, r *http.Request) error {
	d := adminUsersData{Form: staffForm{Role: string(auth.RoleSupport)}}
	if err := d.readQuery(r); err != nil {
		return err
	}
	return u.showUsers(w, r, http.StatusOK, d)
}

// readQuery reads the role filter and the offset; each may be given once.
func (d *adminUsersData) readQuery(r *http.Request) error {
	q := r.URL.Query()
	for _, name := range []string{"role", "offset"} {
		if len(q[name]) > 1 {
			return response.BadRequest(name, "Give "+name+" at most once.", errors.New("ui: user list: repeated "+name))
		}
	}
	if v := q.Get("role"); v != "" {
		role, err := auth.ParseRole(v)
		if err != nil {
			return response.BadRequest("role", "Role must be customer, support or admin.", err)
		}
		d.Role = string(role)
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > maxUsersOffset {
			return response.BadRequest("offset", "Offset must be a whole number from 0 to "+strconv.Itoa(maxUsersOffset)+".",
				errors.New("ui: user list: offset out of range"))
		}
		d.Offset = n
	}
	return nil
}

// showUsers lists the page of accounts d selects and renders the page with
// status: 200, or the status of a refused form with its message inline.
func (u *UI) showUsers(w http.ResponseWriter, r *http.Request, status int, d adminUsersData) error {
	p, err := middleware.Principal(r)
	if err != nil {
		return err
	}
	// One more than a page tells whether there is a next one.
	list, err := u.Auth.ListUsers(r.Context(), p, users.ListFilter{Role: users.Role(d.Role), Limit: usersPageSize + 1, Offset: d.Offset},
		middleware.AuthMeta(r))
	if err != nil {
		return api.AuthError(w, err)
	}
	if len(list) > usersPageSize {
		list, d.HasNext, d.NextOffset = list[:usersPageSize], true, d.Offset+usersPageSize
	}
	d.HasPrev, d.PrevOffset = d.Offset > 0, max(d.Offset-usersPageSize, 0)
	d.Roles = auth.Roles()
	now := u.Clock()
	for _, a := range list {
		d.Users = append(d.Users, newUserRow(a, p.UserID, now))
	}
	pg := u.newPage(r, "Users", d)
	pg.Section = "admin"
	return u.show(w, status, "admin_users", pg)
}

// newUserRow is an account as the list shows it; locked is judged at now,
// as the API judges it.
func newUserRow(a users.User, me string, now time.Time) userRow {
	row := userRow{
		ID: a.ID, Name: a.Name, Email: a.Email, Role: auth.Role(a.Role), Self: a.ID == me,
		Disabled: a.Disabled, Locked: a.Locked(now), FailedLogins: a.FailedLogins,
		HasTOTP: a.HasTOTPSecret, TwoFactor: "off",
	}
	if row.Locked {
		row.LockedUntil = a.LockedUntil
	}
	switch {
	case a.TOTPEnabled:
		row.TwoFactor = "on"
	case a.HasTOTPSecret:
		row.TwoFactor = "pending"
	}
	return row
}

// listUsers returns every account of role, walking the pages up to
// maxScanPages of users.MaxListLimit.
func (u *UI) listUsers(ctx context.Context, p auth.Principal, r *http.Request, role auth.Role) ([]users.User, error) {
	var all []users.User
	for page := range maxScanPages {
		list, err := u.Auth.ListUsers(ctx, p, users.ListFilter{Role: users.Role(role), Limit: users.MaxListLimit, Offset: page * users.MaxListLimit},
			middleware.AuthMeta(r))
		if err != nil {
			return nil, err
		}
		all = append(all, list...)
		if len(list) < users.MaxListLimit {
			break
		}
	}
	return all, nil
}
