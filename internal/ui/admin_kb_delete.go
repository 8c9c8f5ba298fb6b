package ui

import (
	"errors"
	"net/http"

	"supportbot/internal/auth"
	"supportbot/internal/http/middleware"
	"supportbot/internal/http/response"
	"supportbot/internal/kb"
)

// adminKBDelete answers POST /admin/kb/{id}/delete: removes the entry; the
// bot stops answering with it at once.
func (u *UI) adminKBDelete(w http.ResponseWriter, r *http.Request) error {
	if err := middleware.Authorize(r, auth.Resource{}); err != nil {
		return err
	}
	by, err := kbEditor(r)
	if err != nil {
		return err
	}
	if err := u.KB.Delete(r.Context(), by, r.PathValue("id")); err != nil {
		if errors.Is(err, kb.ErrNotFound) {
			return response.NotFound(err)
		}
		return response.Internal(err)
	}
	u.kbChanged()
	return seeOther(w, r, "/admin/kb", "entry_deleted")
}
