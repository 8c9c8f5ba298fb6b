package ui

import "net/http"

// staffMessagesShow answers GET /staff/conversations/{id}/messages?after=N:
// the messages after N as the <li> items of the shared "messages" partial,
// which chat.js appends to the console's conversation on each live event.
// A conversation the viewer may not read answers 404.
func (u *UI) staffMessagesShow(w http.ResponseWriter, r *http.Request) error {
	return u.messagesFragment(w, r)
}
