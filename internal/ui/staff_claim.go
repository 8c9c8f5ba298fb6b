package ui

import (
	"errors"
	"net/http"

	"supportbot/internal/api"
	"supportbot/internal/conversations"
)

// staffClaim answers POST /staff/conversations/{id}/claim: the staff
// member takes a conversation from the hand-off queue and goes to it. When
// several claim at once exactly one wins (the service decides); the others
// go back to the console with a friendly notice instead of an error page,
// since losing that race is an ordinary event.
func (u *UI) staffClaim(w http.ResponseWriter, r *http.Request) error {
	c, err := api.Caller(r)
	if err != nil {
		return err
	}
	conv, err := u.Chat.Claim(r.Context(), c, r.PathValue("id"))
	switch {
	case errors.Is(err, conversations.ErrNotWaiting):
		return seeOther(w, r, "/staff", "claim_lost")
	case err != nil:
		return api.ChatError(err)
	}
	return seeOther(w, r, "/staff/conversations/"+conv.ID, "claimed")
}
