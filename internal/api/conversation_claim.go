package api

import (
	"net/http"

	"supportbot/internal/http/middleware"
	"supportbot/internal/http/response"
)

// conversationClaim answers POST /api/v1/conversations/{id}/claim: a staff
// member takes a conversation from the hand-off queue. When several claim
// at once exactly one wins; the others get 400 not_waiting.
func conversationClaim(d Deps) middleware.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		c, err := Caller(r)
		if err != nil {
			return err
		}
		conv, err := d.Chat.Claim(r.Context(), c, pathID(r))
		if err != nil {
			return ChatError(err)
		}
		return response.JSON(w, http.StatusOK, struct {
			Conversation conversationView `json:"conversation"`
		}{newConversationView(conv)})
	}
}
