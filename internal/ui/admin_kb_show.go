package ui

import (
	"net/http"
	"unicode/utf8"

	"supportbot/internal/auth"
	"supportbot/internal/bot"
	"supportbot/internal/http/middleware"
	"supportbot/internal/http/request"
	"supportbot/internal/http/response"
	"supportbot/internal/kb"
	"supportbot/internal/payment/card"
)

// kbTryResults is how many entries the "try a question" box lists.
const kbTryResults = 3

// adminKBData is the knowledge-base page.
type adminKBData struct {
	Entries []kb.Entry
	Query   string // the question tried, card data removed
	Try     *kbTry // nil when no question was tried
	MaxTry  int    // the box's maxlength: what a customer may send
}

// kbTry is what the bot makes of the question tried.
type kbTry struct {
	Verdict string // in a sentence: which entry the bot answers with, or why none
	Hits    []kbHit
}

// kbHit is one matching entry with its score and its part in the answer.
type kbHit struct {
	ID, Question string
	Score        float64
	Role         string // "answer", "suggestion" or "" (not used)
	RoleText     string
}

// understander is the bot's whole reading of a message; *bot.Brain, the
// FAQ searcher serve wires, has it. With it the box says exactly what the
// bot would do; without it, only how the scores compare with the threshold.
type understander interface {
	Understand(text string) bot.Understanding
}

// adminKBShow renders GET /admin/kb: the entries and the "try a question"
// box.
func (u *UI) adminKBShow(w http.ResponseWriter, r *http.Request) error {
	return u.showKB(w, r, "")
}

// tryForm is the "try a question" box (api/schemas/form_kb_try.json).
type tryForm struct {
	Q string `json:"q"`
}

// adminKBTry answers POST /admin/kb/try: the knowledge-base page with the
// entries the bot finds for the question. A POST, not a GET with ?q=, so
// what the admin types (a customer's message, card data and all) never
// lands in a URL, the browser's history or a proxy's log.
func (u *UI) adminKBTry(w http.ResponseWriter, r *http.Request) error {
	var in tryForm
	if err := request.DecodeJSON(r, &in, nil); err != nil {
		return err
	}
	return u.showKB(w, r, in.Q)
}

// showKB renders the knowledge-base page, with what the bot makes of q
// when it is not empty.
func (u *UI) showKB(w http.ResponseWriter, r *http.Request, q string) error {
	if err := middleware.Authorize(r, auth.Resource{}); err != nil {
		return err
	}
	entries, err := u.KB.List(r.Context())
	if err != nil {
		return response.Internal(err)
	}
	d := adminKBData{Entries: entries, MaxTry: u.maxChars()}
	if q != "" {
		d.Query, d.Try = u.tryQuestion(q)
	}
	p := u.newPage(r, "Knowledge base", d)
	p.Section = "admin"
	return u.show(w, http.StatusOK, "admin_kb", p)
}

// tryQuestion searches the knowledge base as the bot does. Card data is
// removed first, as from every chat message (DESIGN.md invariant 6), and
// the text is cut to what a customer may send.
func (u *UI) tryQuestion(q string) (string, *kbTry) {
	if !utf8.ValidString(q) {
		q = string([]rune(q)) // invalid bytes become U+FFFD
	}
	if r := []rune(q); len(r) > u.maxChars() {
		q = string(r[:u.maxChars()])
	}
	q, _ = card.Redact(q)
	t := &kbTry{}
	for _, h := range u.FAQ.SearchFAQ(q, kbTryResults) {
		t.Hits = append(t.Hits, kbHit{ID: h.FAQ.ID, Question: h.FAQ.Question, Score: h.Score})
	}
	if len(t.Hits) == 0 {
		t.Verdict = "No entry shares a word with this question: the bot cannot answer it from the knowledge base."
		return q, t
	}
	und, ok := u.FAQ.(understander)
	if !ok {
		// Only the scores are known: the threshold is the bot's default.
		if t.Hits[0].Score >= bot.DefaultFAQMinScore {
			t.Hits[0].Role, t.Hits[0].RoleText = "answer", "Best match, above the threshold"
			t.Verdict = "The best match scores above the threshold of " + kbScore(bot.DefaultFAQMinScore) + "."
		} else {
			t.Verdict = "Every match scores below the threshold of " + kbScore(bot.DefaultFAQMinScore) + "."
		}
		return q, t
	}
	got := und.Understand(q)
	if got.Intent != bot.IntentFAQ || got.FAQ == nil {
		if got.Intent == bot.IntentFallback {
			t.Verdict = "The bot does not read this as a question it can answer: it would ask the customer to rephrase."
		} else {
			t.Verdict = "The bot reads this as “" + intentWords(string(got.Intent)) + "”, not as a knowledge-base question, so it answers without an entry."
		}
		return q, t
	}
	t.Verdict = "In a new conversation the bot answers with “" + got.FAQ.FAQ.Question + "” (" + got.FAQ.FAQ.ID + ")."
	for i := range t.Hits {
		switch {
		case t.Hits[i].ID == got.FAQ.FAQ.ID:
			t.Hits[i].Role, t.Hits[i].RoleText = "answer", "The bot answers with this"
		case got.Suggestion != nil && t.Hits[i].ID == got.Suggestion.FAQ.ID:
			t.Hits[i].Role, t.Hits[i].RoleText = "suggestion", "Offered as a suggestion: its score is close to the best"
		}
	}
	if got.Suggestion != nil {
		t.Verdict += " It also offers “" + got.Suggestion.FAQ.Question + "”, whose score is close."
	}
	return q, t
}
