package ui

import (
	"net/http"

	"supportbot/internal/api"
	"supportbot/internal/conversations"
)

// messagesFragment answers GET /chat/{id}/messages?after=SEQ and
// /staff/conversations/{id}/messages?after=SEQ for chat.js: the
// conversation's messages after SEQ as the <li> items of the "messages"
// partial (text/html, no-store), for the caller, whom the conversations
// service authorizes (a conversation they may not read is 404). The newest message's
// quick replies and confirmation buttons are there for the conversation's
// customer only (answerURL).
func (u *UI) messagesFragment(w http.ResponseWriter, r *http.Request) error {
	c, err := api.Caller(r)
	if err != nil {
		return err
	}
	after, err := afterParam(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	conv, msgs, err := u.Chat.History(ctx, c, r.PathValue("id"), conversations.Page{After: after, Limit: conversations.MaxPage})
	if err != nil {
		return api.ChatError(err)
	}
	return u.showMessages(w, chatLog{Messages: u.chatMessages(ctx, c, conv, msgs), PostURL: answerURL(c, conv)})
}

// answerURL is where the viewer c answers the bot in conv: the chat's
// message form for its customer while it is open, "" for anyone else (an
// admin reading it, a staff member) or once it is closed.
func answerURL(c conversations.Caller, conv conversations.Conversation) string {
	if conv.CustomerID != c.Actor.UserID || conv.Status == conversations.StatusClosed {
		return ""
	}
	return "/chat/" + conv.ID + "/messages"
}
