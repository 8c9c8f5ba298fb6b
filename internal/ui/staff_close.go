package ui

import (
	"net/http"

	"supportbot/internal/api"
)

// staffClose answers POST /staff/conversations/{id}/close: the staff member
// ends a conversation they hold (an admin: any). Closing a closed one is
// harmless; someone else's answers 404 (the service decides).
func (u *UI) staffClose(w http.ResponseWriter, r *http.Request) error {
	c, err := api.Caller(r)
	if err != nil {
		return err
	}
	conv, err := u.Chat.Close(r.Context(), c, r.PathValue("id"))
	if err != nil {
		return api.ChatError(err)
	}
	return seeOther(w, r, "/staff/conversations/"+conv.ID, "closed")
}
