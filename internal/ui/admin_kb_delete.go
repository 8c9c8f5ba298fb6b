package ui

import (
	"errors"
	"net/http"

	"supportbot/internal/api"
	"supportbot/internal/http/response"
	"supportbot/internal/kb"
)

// adminKBDelete answers POST /admin/kb/{id}/delete: removes the entry; the
// bot stops answering with it at once.
func (u *UI) adminKBDelete(w http.ResponseWriter, r *http.Request) error {
	by, err := api.Editor(r)
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
