package api

import (
	"net/http"

	"supportbot/internal/http/middleware"
	"supportbot/internal/http/response"
)

// conversationClose answers POST /api/v1/conversations/{id}/close.
func conversationClose(d Deps) middleware.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		c, err := Caller(r)
		if err != nil {
			return err
		}
		conv, err := d.Chat.Close(r.Context(), c, pathID(r))
		if err != nil {
			return ChatError(err)
		}
		return response.JSON(w, http.StatusOK, struct {
			Conversation conversationView `json:"conversation"`
		}{newConversationView(conv)})
	}
}
