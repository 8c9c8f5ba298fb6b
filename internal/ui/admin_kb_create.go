package ui

import (
	"net/http"
	"strings"
)

// adminKBCreate answers POST /admin/kb: publishes a new entry, which the
// bot answers from at once. An empty id is made from the question. A
// refused entry re-renders the form (400) with the reason and what was
// typed; nothing is stored.
func (u *UI) adminKBCreate(w http.ResponseWriter, r *http.Request) error {
	by, in, err := readKBEdit(r)
	if err != nil {
		return err
	}
	d := adminKBEditData{New: true, Action: "/admin/kb", Form: in}
	if strings.TrimSpace(in.ID) == "" {
		d.Form.ID = slug(in.Question)
	}
	if d.Form.ID == "new" {
		// /admin/kb/new is the form for new entries: an entry of that id
		// could never be opened.
		d.Error, d.Field = "The id “new” is reserved. Choose another id.", "id"
		return u.showFAQForm(w, r, http.StatusBadRequest, d)
	}
	_, err = u.KB.Create(r.Context(), by, d.Form.entry())
	return u.saveFAQ(w, r, d, err, "entry_created")
}
