package api

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"

	"supportbot/internal/conversations"
	"supportbot/internal/http/middleware"
	"supportbot/internal/http/response"
)

// conversationsList answers GET /api/v1/conversations: the caller's own
// (customers), those they claimed plus the hand-off queue (support), or all
// (admins). ?status= narrows it, ?limit= is 1 to 200 (default 50), and
// ?cursor= continues from next_cursor.
func conversationsList(d Deps) middleware.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		c, err := Caller(r)
		if err != nil {
			return err
		}
		limit, err := queryInt(r, "limit", conversations.MaxPage)
		if err != nil {
			return err
		}
		f := conversations.Filter{Limit: int(limit)}
		switch s := conversations.Status(r.URL.Query().Get("status")); s {
		case "", conversations.StatusBot, conversations.StatusWaiting, conversations.StatusWithAgent, conversations.StatusClosed:
			f.Status = s
		default:
			return response.BadRequest("", "status must be bot, waiting_for_agent, with_agent or closed", nil)
		}
		if f.Before, err = parseCursor(r.URL.Query().Get("cursor")); err != nil {
			return err
		}
		list, next, err := d.Chat.List(r.Context(), c, f)
		if err != nil {
			return ChatError(err)
		}
		out := struct {
			Conversations []conversationView `json:"conversations"`
			NextCursor    string             `json:"next_cursor,omitempty"`
		}{Conversations: make([]conversationView, len(list))}
		for i, conv := range list {
			out.Conversations[i] = newConversationView(conv)
		}
		if next.ID != "" {
			out.NextCursor = base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(next.ActivityUS, 10) + ":" + next.ID))
		}
		return response.JSON(w, http.StatusOK, out)
	}
}

// parseCursor reads an opaque list cursor; a malformed one is 400.
func parseCursor(s string) (conversations.Cursor, error) {
	if s == "" {
		return conversations.Cursor{}, nil
	}
	bad := response.BadRequest("", "cursor is not one this server issued", nil)
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(raw) > 64 {
		return conversations.Cursor{}, bad
	}
	us, id, ok := strings.Cut(string(raw), ":")
	n, err := strconv.ParseInt(us, 10, 64)
	if !ok || err != nil || id == "" {
		return conversations.Cursor{}, bad
	}
	return conversations.Cursor{ActivityUS: n, ID: id}, nil
}
