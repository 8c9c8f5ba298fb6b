package api

import (
	"math"
	"net/http"

	"supportbot/internal/conversations"
	"supportbot/internal/http/middleware"
	"supportbot/internal/http/response"
)

// conversationShow answers GET /api/v1/conversations/{id}: the
// conversation and a page of its history. ?after=SEQ reads forwards from a
// sequence number, ?before=SEQ backwards; without either, the latest
// messages. ?limit= is 1 to 200 (default 50).
func conversationShow(d Deps) middleware.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		c, err := Caller(r)
		if err != nil {
			return err
		}
		after, err := queryInt(r, "after", 1<<53)
		if err != nil {
			return err
		}
		before, err := queryInt(r, "before", 1<<53)
		if err != nil {
			return err
		}
		limit, err := queryInt(r, "limit", conversations.MaxPage)
		if err != nil {
			return err
		}
		if after > 0 && before > 0 {
			return response.BadRequest("", "use after or before, not both", nil)
		}
		if limit == 0 {
			limit = 50
		}
		p := conversations.Page{After: after, Before: before, Limit: int(limit)}
		if after == 0 && before == 0 {
			p.Before = math.MaxInt64 // the latest page
		}
		conv, msgs, err := d.Chat.History(r.Context(), c, pathID(r), p)
		if err != nil {
			return ChatError(err)
		}
		page := conversationPage{Conversation: newConversationView(conv), Messages: newMessageViews(msgs)}
		if n := len(msgs); n > 0 {
			if last := msgs[n-1].Seq; last < conv.LastSeq {
				page.NextAfter = &last
			}
			if first := msgs[0].Seq; first > 1 {
				page.PrevBefore = &first
			}
		}
		return response.JSON(w, http.StatusOK, page)
	}
}
