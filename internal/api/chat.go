package api

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"supportbot/internal/conversations"
	"supportbot/internal/http/middleware"
	"supportbot/internal/http/response"
)

// Error codes of the chat API (api/openapi.yaml).
const (
	CodeConversationClosed = "conversation_closed"
	CodeNotWaiting         = "not_waiting"
)

// Caller returns who makes the request, for the services' own
// authorization and audit trail.
func Caller(r *http.Request) (conversations.Caller, error) {
	id, ok := middleware.IdentityFrom(r.Context())
	if !ok || id.UserID == "" {
		return conversations.Caller{}, response.Internal(errors.New("api: no signed-in caller on a signed-in route"))
	}
	m := middleware.AuthMeta(r)
	return conversations.Caller{Actor: id.Actor(), IP: m.IP, RequestID: m.RequestID}, nil
}

// ChatError maps an error of the conversations service to its response.
// Someone else's conversation answers exactly like a missing one.
func ChatError(err error) error {
	var te *conversations.TextError
	switch {
	case errors.As(err, &te):
		return response.BadRequest("/text", te.Message, err)
	case errors.Is(err, conversations.ErrNotFound):
		return response.NotFound(err)
	case errors.Is(err, conversations.ErrForbidden):
		return response.Forbidden(err)
	case errors.Is(err, conversations.ErrClosed):
		return &response.Error{Status: http.StatusBadRequest, Code: CodeConversationClosed,
			Message: "This conversation is closed; start a new one.", Err: err}
	case errors.Is(err, conversations.ErrNotWaiting):
		return &response.Error{Status: http.StatusBadRequest, Code: CodeNotWaiting,
			Message: "This conversation is not waiting for an agent; someone else may have claimed it.", Err: err}
	case errors.Is(err, conversations.ErrBusy):
		return response.Unavailable(err)
	}
	return response.Internal(err)
}

// conversationView is a conversation as the API shows it.
type conversationView struct {
	ID             string     `json:"id"`
	Status         string     `json:"status"`
	CustomerID     string     `json:"customer_id"`
	AssigneeID     string     `json:"assignee_id,omitempty"`
	CreatedAt      time.Time  `json:"created_at"`
	LastActivityAt time.Time  `json:"last_activity_at"`
	HandoffAt      *time.Time `json:"handoff_at,omitempty"`
	ClosedAt       *time.Time `json:"closed_at,omitempty"`
	LastSeq        int64      `json:"last_seq"`
}

func newConversationView(c conversations.Conversation) conversationView {
	v := conversationView{ID: c.ID, Status: string(c.Status), CustomerID: c.CustomerID, AssigneeID: c.AssigneeID,
		CreatedAt: c.CreatedAt, LastActivityAt: c.LastActivityAt, LastSeq: c.LastSeq}
	if !c.HandoffAt.IsZero() {
		v.HandoffAt = &c.HandoffAt
	}
	if !c.ClosedAt.IsZero() {
		v.ClosedAt = &c.ClosedAt
	}
	return v
}

// messageView is one message as the API shows it. Text is plain text: the
// UI escapes it on output (html/template), and API clients must too.
type messageView struct {
	Seq         int64     `json:"seq"`
	Sender      string    `json:"sender"`
	AuthorID    string    `json:"author_id,omitempty"`
	Text        string    `json:"text"`
	Intent      string    `json:"intent,omitempty"`
	CardRemoved int       `json:"card_data_removed,omitempty"`
	OrderID     string    `json:"order_id,omitempty"`
	FAQID       string    `json:"faq_id,omitempty"`
	Suggestions []string  `json:"suggestions,omitempty"`
	Handoff     bool      `json:"handoff,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
}

func newMessageView(m conversations.Message) messageView {
	return messageView{Seq: m.Seq, Sender: string(m.Sender), AuthorID: m.AuthorID, Text: m.Text, Intent: m.Intent,
		CardRemoved: m.Redactions, OrderID: m.Meta.OrderID, FAQID: m.Meta.FAQID, Suggestions: m.Meta.Suggestions,
		Handoff: m.Meta.Handoff, CreatedAt: m.CreatedAt}
}

func newMessageViews(ms []conversations.Message) []messageView {
	out := make([]messageView, len(ms))
	for i, m := range ms {
		out[i] = newMessageView(m)
	}
	return out
}

// replyView is the bot's answer in the shape issue 4 names.
type replyView struct {
	Text        string       `json:"text"`
	Intent      string       `json:"intent"`
	Confidence  float64      `json:"confidence"`
	Entities    entitiesView `json:"entities"`
	FAQID       *string      `json:"faq_id"`
	Suggestions []string     `json:"suggestions"`
	Handoff     bool         `json:"handoff"`
}

type entitiesView struct {
	OrderID *string `json:"order_id"`
}

// conversationPage is a conversation with a page of its messages.
type conversationPage struct {
	Conversation conversationView `json:"conversation"`
	Messages     []messageView    `json:"messages"`
	// NextAfter continues the history forwards (?after=), PrevBefore
	// backwards (?before=); absent at either end.
	NextAfter  *int64 `json:"next_after,omitempty"`
	PrevBefore *int64 `json:"prev_before,omitempty"`
}

// queryInt reads an optional non-negative integer query parameter.
func queryInt(r *http.Request, name string, max int64) (int64, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > max {
		return 0, response.BadRequest("", name+" must be a whole number from 0 to "+strconv.FormatInt(max, 10), err)
	}
	return n, nil
}

// pathID reads the {id} of a conversation or order path. Ids that cannot
// exist answer 404 like unknown ones, after the same audited lookup.
func pathID(r *http.Request) string { return r.PathValue("id") }
