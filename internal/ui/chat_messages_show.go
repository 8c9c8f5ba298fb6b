package ui

import (
	"net/http"

	"supportbot/internal/conversations"
)

// chatMessagesShow answers GET /chat/{id}/messages?after=SEQ for chat.js:
// the messages after SEQ as the page's <li> items (the "messages"
// partial), text/html and no-store, nothing else. Someone else's
// conversation is 404, as for the page.
func (u *UI) chatMessagesShow(w http.ResponseWriter, r *http.Request) error {
	return u.messagesFragment(w, r, true)
}

// messagesFragment answers a fragment request of the customer's chat or
// the staff console: the conversation's messages after ?after= for the
// caller, whom the conversations service authorizes. answers is whether
// the viewer answers the bot (the customer), so the newest message's quick
// replies and confirmation buttons post to the chat while it is open.
func (u *UI) messagesFragment(w http.ResponseWriter, r *http.Request, answers bool) error {
	c, err := caller(r)
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
		return chatError(err)
	}
	log := chatLog{Messages: u.chatMessages(ctx, c, conv, msgs)}
	if answers && conv.Status != conversations.StatusClosed {
		log.PostURL = "/chat/" + conv.ID + "/messages"
	}
	return u.showMessages(w, log)
}
