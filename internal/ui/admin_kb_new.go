package ui

import (
	"net/http"

	"supportbot/internal/auth"
	"supportbot/internal/http/middleware"
)

// adminKBNew renders GET /admin/kb/new: an empty entry form.
func (u *UI) adminKBNew(w http.ResponseWriter, r *http.Request) error {
	if err := middleware.Authorize(r, auth.Resource{}); err != nil {
		return err
	}
	return u.showFAQForm(w, r, http.StatusOK, adminKBEditData{New: true, Action: "/admin/kb"})
}
