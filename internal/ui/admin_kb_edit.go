package ui

import (
	"errors"
	"net/http"

	"supportbot/internal/auth"
	"supportbot/internal/http/middleware"
	"supportbot/internal/http/response"
	"supportbot/internal/kb"
)

// adminKBEdit renders GET /admin/kb/{id}: the entry's form.
func (u *UI) adminKBEdit(w http.ResponseWriter, r *http.Request) error {
	if err := middleware.Authorize(r, auth.Resource{}); err != nil {
		return err
	}
	id := r.PathValue("id")
	e, err := u.KB.Get(r.Context(), id)
	if errors.Is(err, kb.ErrNotFound) {
		return response.NotFound(err)
	}
	if err != nil {
		return response.Internal(err)
	}
	return u.showFAQForm(w, r, http.StatusOK, adminKBEditData{Action: "/admin/kb/" + e.ID, Form: formOf(e)})
}
