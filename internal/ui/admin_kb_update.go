package ui

import (
	"net/http"
	"strings"
)

// adminKBUpdate answers POST /admin/kb/{id}: replaces the entry, which the
// bot answers from at once. The id cannot change. A refused entry
// re-renders the form (400) with the reason; the stored entry stays as it
// was.
func (u *UI) adminKBUpdate(w http.ResponseWriter, r *http.Request) error {
	by, in, err := readKBEdit(r)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	// A missing entry is missing whatever the form says.
	if _, err := u.KB.Get(r.Context(), id); err != nil {
		return u.saveFAQ(w, r, adminKBEditData{}, err, "")
	}
	d := adminKBEditData{Action: "/admin/kb/" + id, Form: in}
	if given := strings.TrimSpace(in.ID); given != "" && given != id {
		d.Form.ID = id
		d.Error, d.Field = "The id of an entry cannot change. To rename it, create a new entry and delete this one.", "id"
		return u.showFAQForm(w, r, http.StatusBadRequest, d)
	}
	d.Form.ID = id
	_, err = u.KB.Update(r.Context(), by, d.Form.entry())
	return u.saveFAQ(w, r, d, err, "entry_updated")
}
