package ui

import (
	"net/http"
	"time"

	"supportbot/internal/api"
	"supportbot/internal/conversations"
)

// chatStartData is the chat's start screen: no conversation is open.
type chatStartData struct {
	Earlier []earlierChat // the customer's closed conversations, newest first
}

// earlierChat is a closed conversation, linked for reading.
type earlierChat struct {
	ID      string
	Started time.Time
}

// maxEarlierChats bounds the start screen's list of closed conversations.
const maxEarlierChats = 10

// chatShow answers GET /chat: the customer's most recently active open
// conversation (303 to its page), or the start screen with a button that
// opens one (#chat-new). Only the caller's own conversations count, an
// admin's too (for whom the service would list everyone's).
func (u *UI) chatShow(w http.ResponseWriter, r *http.Request) error {
	c, err := api.Caller(r)
	if err != nil {
		return err
	}
	list, _, err := u.Chat.List(r.Context(), c, conversations.Filter{CustomerID: c.Actor.UserID, Limit: 50})
	if err != nil {
		return api.ChatError(err)
	}
	var d chatStartData
	for _, conv := range list {
		if conv.Status != conversations.StatusClosed {
			http.Redirect(w, r, "/chat/"+conv.ID, http.StatusSeeOther)
			return nil
		}
		if len(d.Earlier) < maxEarlierChats {
			d.Earlier = append(d.Earlier, earlierChat{ID: conv.ID, Started: conv.CreatedAt})
		}
	}
	p := u.newPage(r, "Chat", d)
	p.Section = "chat"
	return u.show(w, http.StatusOK, "chat_start", p)
}
