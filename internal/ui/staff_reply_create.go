package ui

import (
	"errors"
	"net/http"

	"supportbot/internal/api"
	"supportbot/internal/conversations"
	"supportbot/internal/http/request"
)

// staffReplyCreate answers POST /staff/conversations/{id}/replies: the
// staff member who holds the conversation answers the customer, whose page
// shows it live. Card data is removed by the service as from any message.
// An empty or too long reply, or one to a closed conversation, shows the
// page again with the reason inline and the text kept (400); someone
// else's conversation answers 404.
func (u *UI) staffReplyCreate(w http.ResponseWriter, r *http.Request) error {
	var in chatMessageForm
	if err := request.DecodeJSON(r, &in, nil); err != nil {
		return err
	}
	c, err := api.Caller(r)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	conv, _, err := u.Chat.AgentReply(r.Context(), c, id, in.Text)
	var te *conversations.TextError
	switch {
	case errors.As(err, &te):
		return u.showConversation(w, r, http.StatusBadRequest, id, in.Text, te.Message)
	case errors.Is(err, conversations.ErrClosed):
		return u.showConversation(w, r, http.StatusBadRequest, id, "", "This conversation is closed; the customer can start a new one.")
	case err != nil:
		return api.ChatError(err)
	}
	return seeOther(w, r, "/staff/conversations/"+conv.ID, "replied")
}
