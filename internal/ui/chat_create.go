package ui

import (
	"net/http"

	"supportbot/internal/api"
)

// chatCreate answers POST /chat (the start screen's #chat-new button): a
// new conversation opened with the bot's welcome, then 303 to its page.
func (u *UI) chatCreate(w http.ResponseWriter, r *http.Request) error {
	c, err := api.Caller(r)
	if err != nil {
		return err
	}
	conv, _, err := u.Chat.Start(r.Context(), c)
	if err != nil {
		return api.ChatError(err)
	}
	return seeOther(w, r, "/chat/"+conv.ID, "conversation_open")
}
