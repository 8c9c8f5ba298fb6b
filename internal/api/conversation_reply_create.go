package api

import (
	"net/http"

	"supportbot/internal/http/middleware"
	"supportbot/internal/http/request"
	"supportbot/internal/http/response"
)

// conversationReplyCreate answers POST /api/v1/conversations/{id}/replies:
// a staff member writes to the customer in a conversation they claimed.
func conversationReplyCreate(d Deps) middleware.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		c, err := Caller(r)
		if err != nil {
			return err
		}
		var body messageRequest
		if err := request.DecodeJSON(r, &body, nil); err != nil {
			return err
		}
		conv, msg, err := d.Chat.AgentReply(r.Context(), c, pathID(r), body.Text)
		if err != nil {
			return ChatError(err)
		}
		return response.JSON(w, http.StatusCreated, struct {
			Message      messageView      `json:"message"`
			Conversation conversationView `json:"conversation"`
		}{newMessageView(msg), newConversationView(conv)})
	}
}
