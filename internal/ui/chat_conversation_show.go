package ui

import (
	"math"
	"net/http"
	"unicode/utf8"

	"supportbot/internal/api"
	"supportbot/internal/bot"
	"supportbot/internal/conversations"
	"supportbot/internal/payment/card"
)

// conversationData is the customer's conversation page.
type conversationData struct {
	ID          string
	Status      conversations.Status
	StatusText  string
	StatusTexts []statusWords // every status in words, for chat.js to switch between
	Closed      bool
	LastSeq     int64
	Log         chatLog
	MaxChars    int
	Draft       string // what the customer typed, after a refusal (card data removed)
	DraftLen    int
	Error       string // why the last message was refused
	// ReadOnly: an admin reading a customer's conversation. Only its
	// customer writes to the bot; the admin answers from the staff console.
	ReadOnly bool
}

// statusWords is a conversation status in the customer's words.
type statusWords struct {
	Status conversations.Status
	Text   string
}

// customerStatusText tells the customer who is answering.
var customerStatusText = []statusWords{
	{conversations.StatusBot, "You are chatting with our assistant. Ask for a person at any time."},
	{conversations.StatusWaiting, "A member of our support team will join this conversation shortly. You can keep writing."},
	{conversations.StatusWithAgent, "A member of our support team is with you."},
	{conversations.StatusClosed, "This conversation is closed."},
}

// chatConversationShow answers GET /chat/{id}: the conversation's latest
// messages with order cards, quick replies and confirmation buttons, the
// card-data notice and the typing box. Someone else's conversation is 404.
func (u *UI) chatConversationShow(w http.ResponseWriter, r *http.Request) error {
	return u.showChat(w, r, http.StatusOK, "", "")
}

// showChat renders the conversation page of r's {id} with status;
// after a refused message, problem says why and draft is what was typed.
func (u *UI) showChat(w http.ResponseWriter, r *http.Request, status int, problem, draft string) error {
	c, err := api.Caller(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	conv, msgs, err := u.Chat.History(ctx, c, r.PathValue("id"), conversations.Page{Before: math.MaxInt64, Limit: conversations.MaxPage})
	if err != nil {
		return api.ChatError(err)
	}
	draft = shownDraft(draft)
	d := conversationData{
		ID: conv.ID, Status: conv.Status, StatusTexts: customerStatusText,
		Closed: conv.Status == conversations.StatusClosed, LastSeq: conv.LastSeq,
		Log:      chatLog{Messages: u.chatMessages(ctx, c, conv, msgs), PostURL: answerURL(c, conv)},
		MaxChars: u.maxChars(), Draft: draft, DraftLen: jsLength(draft), Error: problem,
	}
	for _, s := range customerStatusText {
		if s.Status == conv.Status {
			d.StatusText = s.Text
		}
	}
	d.ReadOnly = conv.CustomerID != c.Actor.UserID
	p := u.newPage(r, "Chat", d, "chat.js")
	p.Section = "chat"
	return u.show(w, status, "chat", p)
}

// shownDraft is a refused message as it goes back into its typing box (the
// customer's or a staff member's): cleaned as conversations.Clean cleans a
// message, then with card data removed. The draft goes back to the one who
// typed it, but card data never comes back out of the server (invariant 6),
// and it must be looked for in the text the service would have read:
// Clean drops control characters, which would otherwise hide a card number
// from card.Redact ("4111\x011111 1111 1111").
func shownDraft(s string) string {
	cleaned, err := conversations.Clean(s, utf8.RuneCountInString(s))
	if err != nil {
		return "" // empty or not UTF-8: nothing worth giving back
	}
	out, _ := card.Redact(cleaned)
	return out
}

// maxChars is MAX_MESSAGE_CHARS for the typing box.
func (u *UI) maxChars() int {
	if u.MaxMessageChars > 0 {
		return u.MaxMessageChars
	}
	return bot.DefaultMaxChars // the bot's and the conversations' own default
}
