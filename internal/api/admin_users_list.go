package api

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"supportbot/internal/auth"
	"supportbot/internal/http/middleware"
	"supportbot/internal/http/response"
	"supportbot/internal/users"
)

// maxListOffset bounds the offset of a user list; no shop pages that far,
// and a bound keeps the query plan sane.
const maxListOffset = 1_000_000

// usersView is the body of GET /api/v1/admin/users.
type usersView struct {
	Users  []userView `json:"users"`
	Limit  int        `json:"limit"`
	Offset int        `json:"offset"`
}

// adminUsersList answers GET /api/v1/admin/users?role=&limit=&offset=: a
// page of accounts, oldest first, optionally of one role. limit is 1 to
// 200 (default 50), offset 0 or more. A bad parameter is 400 naming it.
func adminUsersList(d Deps) middleware.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		f, err := listFilter(r)
		if err != nil {
			return err
		}
		p, err := middleware.Principal(r)
		if err != nil {
			return err
		}
		list, err := d.Auth.ListUsers(r.Context(), p, f, middleware.AuthMeta(r))
		if err != nil {
			return AuthError(w, err)
		}
		now := d.now()
		out := usersView{Users: make([]userView, 0, len(list)), Limit: f.Limit, Offset: f.Offset}
		for _, u := range list {
			out.Users = append(out.Users, newUserView(u, now))
		}
		return response.JSON(w, http.StatusOK, out)
	}
}

// listFilter reads the query parameters of a user list. Each may appear at
// most once; repeated, one would be silently dropped.
func listFilter(r *http.Request) (users.ListFilter, error) {
	q := r.URL.Query()
	f := users.ListFilter{Limit: users.DefaultListLimit}
	bad := func(name, msg string, cause error) error {
		return response.BadRequest(name, msg, fmt.Errorf("api: user list: %s: %w", name, cause))
	}
	for _, name := range []string{"role", "limit", "offset"} {
		if len(q[name]) > 1 {
			return f, bad(name, "Give "+name+" at most once.", errors.New("repeated"))
		}
	}
	if v := q.Get("role"); v != "" {
		role, err := auth.ParseRole(v)
		if err != nil {
			return f, bad("role", "Role must be customer, support or admin.", err)
		}
		f.Role = users.Role(role)
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > users.MaxListLimit {
			return f, bad("limit", "Limit must be a whole number from 1 to "+strconv.Itoa(users.MaxListLimit)+".", errors.New("out of range"))
		}
		f.Limit = n
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > maxListOffset {
			return f, bad("offset", "Offset must be a whole number from 0 to "+strconv.Itoa(maxListOffset)+".", errors.New("out of range"))
		}
		f.Offset = n
	}
	return f, nil
}
