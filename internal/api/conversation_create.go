package api

import (
	"net/http"

	"supportbot/internal/http/middleware"
	"supportbot/internal/http/response"
)

// conversationCreate answers POST /api/v1/conversations: a new conversation
// for the signed-in customer, opened with the bot's welcome.
func conversationCreate(d Deps) middleware.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		c, err := Caller(r)
		if err != nil {
			return err
		}
		conv, msgs, err := d.Chat.Start(r.Context(), c)
		if err != nil {
			return ChatError(err)
		}
		w.Header().Set("Location", "/api/v1/conversations/"+conv.ID)
		return response.JSON(w, http.StatusCreated, conversationPage{Conversation: newConversationView(conv), Messages: newMessageViews(msgs)})
	}
}
