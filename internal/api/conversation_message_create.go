package api

import (
	"net/http"

	"supportbot/internal/http/middleware"
	"supportbot/internal/http/request"
	"supportbot/internal/http/response"
)

// messageRequest is the body of a chat message (api/schemas/chat_message.json).
type messageRequest struct {
	Text string `json:"text"`
}

// conversationMessageCreate answers POST /api/v1/conversations/{id}/messages:
// the customer writes and, unless a person has the conversation, the bot
// answers. Card data is removed before the message is stored, logged or
// understood; the answer says so (card_data_removed) and warns.
func conversationMessageCreate(d Deps) middleware.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		c, err := Caller(r)
		if err != nil {
			return err
		}
		var body messageRequest
		if err := request.DecodeJSON(r, &body, nil); err != nil {
			return err
		}
		turn, err := d.Chat.Send(r.Context(), c, pathID(r), body.Text)
		if err != nil {
			return ChatError(err)
		}
		out := struct {
			Reply        *replyView       `json:"reply"`
			Message      messageView      `json:"message"`
			BotMessage   *messageView     `json:"bot_message,omitempty"`
			Conversation conversationView `json:"conversation"`
			CardRemoved  int              `json:"card_data_removed"`
		}{Message: newMessageView(turn.Message), Conversation: newConversationView(turn.Conversation), CardRemoved: turn.Removed.Total()}
		if rp := turn.Reply; rp != nil {
			v := replyView{Text: rp.Text, Intent: string(rp.Intent), Confidence: rp.Confidence, Suggestions: rp.Suggestions, Handoff: rp.Handoff}
			if rp.OrderID != "" {
				v.Entities.OrderID = &rp.OrderID
			}
			if rp.FAQID != "" {
				v.FAQID = &rp.FAQID
			}
			out.Reply = &v
			bm := newMessageView(*turn.BotMessage)
			out.BotMessage = &bm
		}
		return response.JSON(w, http.StatusOK, out)
	}
}
