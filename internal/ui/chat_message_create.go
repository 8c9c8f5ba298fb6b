package ui

import (
	"errors"
	"net/http"

	"supportbot/internal/api"
	"supportbot/internal/conversations"
	"supportbot/internal/http/request"
)

// chatMessageForm is the typing box, a quick reply, a confirmation button
// or a staff reply (api/schemas/form_chat_message.json).
type chatMessageForm struct {
	Text string `json:"text"`
}

// chatMessageCreate answers POST /chat/{id}/messages: one chat turn
// (conversations.Service.Send removes card data before anything else sees
// the text), then 303 back to the conversation. chat.js posts the same
// form with fetch and loads the new messages itself. A message the service
// refuses (empty, too long, a closed conversation) shows the page again,
// 400, with the reason and the draft; the per-user chat limit is the
// route's.
func (u *UI) chatMessageCreate(w http.ResponseWriter, r *http.Request) error {
	var in chatMessageForm
	if err := request.DecodeJSON(r, &in, nil); err != nil {
		return err
	}
	c, err := api.Caller(r)
	if err != nil {
		return err
	}
	turn, err := u.Chat.Send(r.Context(), c, r.PathValue("id"), in.Text)
	var te *conversations.TextError
	switch {
	case errors.As(err, &te):
		return u.showChat(w, r, http.StatusBadRequest, "Your message was not sent: "+te.Message+".", in.Text)
	case errors.Is(err, conversations.ErrClosed):
		return u.showChat(w, r, http.StatusBadRequest, "This conversation is closed, so your message was not sent. Please start a new conversation.", in.Text)
	case err != nil:
		return api.ChatError(err)
	}
	return seeOther(w, r, "/chat/"+turn.Conversation.ID, "")
}
