package ui

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"unicode"

	"supportbot/internal/http/request"
	"supportbot/internal/http/response"
	"supportbot/internal/kb"

	"supportbot/internal/api"
)

// faqForm is the knowledge-base entry form (api/schemas/form_faq_entry.json):
// paraphrases one per line, tags separated by commas or spaces.
type faqForm struct {
	ID          string `json:"id"`
	Question    string `json:"question"`
	Paraphrases string `json:"paraphrases"`
	Answer      string `json:"answer"`
	Tags        string `json:"tags"`
}

// adminKBEditData is the entry form page.
type adminKBEditData struct {
	New    bool   // creating: the id may be chosen
	Action string // where the form posts
	Form   faqForm
	Error  string // why the last save failed, for the admin
	Field  string // the form field it names: "id", "question", …
}

// formOf is an entry as the form shows it.
func formOf(e kb.Entry) faqForm {
	return faqForm{ID: e.ID, Question: e.Question, Paraphrases: strings.Join(e.Paraphrases, "\n"),
		Answer: e.Answer, Tags: strings.Join(e.Tags, ", ")}
}

// entry is the form as an entry. Every line stays in Paraphrases (kb drops
// empty ones), so an error's index is the line's.
func (f faqForm) entry() kb.Entry {
	var para []string
	if strings.TrimSpace(f.Paraphrases) != "" {
		para = strings.Split(lineFeeds(f.Paraphrases), "\n")
	}
	tags := strings.FieldsFunc(f.Tags, func(r rune) bool { return r == ',' || unicode.IsSpace(r) })
	return kb.Entry{ID: strings.TrimSpace(f.ID), Question: f.Question, Paraphrases: para, Answer: lineFeeds(f.Answer), Tags: tags}
}

// lineFeeds turns the CRLF line breaks browsers send for a textarea into
// the LF the knowledge base keeps (it refuses CR as a control character).
func lineFeeds(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// slug makes an entry id from a question: lower-case letters and digits,
// other runs of characters a dash, at most 64 characters. It may be empty
// (a question without a Latin letter or digit); kb then names the id field.
func slug(s string) string {
	const maxID = 64
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') {
			dash = true
			continue
		}
		need := 1
		if dash && b.Len() > 0 {
			need = 2
		}
		if b.Len()+need > maxID {
			break
		}
		if need == 2 {
			b.WriteByte('-')
		}
		b.WriteRune(r)
		dash = false
	}
	return b.String()
}

// readFAQForm decodes the posted (validated) form.
func readFAQForm(r *http.Request) (faqForm, error) {
	var in faqForm
	err := request.DecodeJSON(r, &in, nil)
	return in, err
}

// readKBEdit authorizes a create or update and reads its form.
func readKBEdit(r *http.Request) (kb.Editor, faqForm, error) {
	by, err := api.Editor(r)
	if err != nil {
		return kb.Editor{}, faqForm{}, err
	}
	in, err := readFAQForm(r)
	return by, in, err
}

// kbFormProblem turns an error of the knowledge base into words for the
// form and the field they are about; ok is false for any other error, which
// the caller returns (a missing entry is 404, anything else 500).
func kbFormProblem(err error, f faqForm) (msg, field string, ok bool) {
	var ie *kb.InvalidError
	switch {
	case errors.As(err, &ie):
		return invalidText(ie, f.entry()), strings.SplitN(ie.Field, "/", 2)[0], true
	case errors.Is(err, kb.ErrExists):
		return "An entry with the id “" + strings.TrimSpace(f.ID) + "” already exists. Choose another id.", "id", true
	case errors.Is(err, kb.ErrFull):
		return "The knowledge base is full: delete an entry before adding one.", "", true
	}
	return "", "", false
}

// invalidText says which part of the entry breaks which rule, naming a
// paraphrase by its line and a tag by its text.
func invalidText(ie *kb.InvalidError, e kb.Entry) string {
	name, index, _ := strings.Cut(ie.Field, "/")
	i, err := strconv.Atoi(index)
	switch {
	case name == "paraphrases" && err == nil:
		return "Paraphrases, line " + strconv.Itoa(i+1) + ": " + ie.Message + "."
	case name == "tags" && err == nil && i < len(e.Tags):
		return "The tag “" + e.Tags[i] + "” " + ie.Message + "."
	}
	label := map[string]string{"id": "The id", "question": "The question", "answer": "The answer",
		"paraphrases": "Paraphrases", "tags": "Tags"}[name]
	if label == "" {
		label = "The entry"
	}
	return label + " " + ie.Message + "."
}

// showFAQForm renders the entry form with status.
func (u *UI) showFAQForm(w http.ResponseWriter, r *http.Request, status int, d adminKBEditData) error {
	title := "Edit entry"
	if d.New {
		title = "New entry"
	}
	p := u.newPage(r, title, d)
	p.Section = "admin"
	return u.show(w, status, "admin_kb_edit", p)
}

// saveFAQ ends a create or update: after a save it tells the bot and goes
// back to the list with notice; after a refused save it re-renders the
// form (400) with what the admin typed, or returns err when it is not the
// admin's mistake.
func (u *UI) saveFAQ(w http.ResponseWriter, r *http.Request, d adminKBEditData, err error, notice string) error {
	if err == nil {
		u.kbChanged()
		return seeOther(w, r, "/admin/kb", notice)
	}
	msg, field, ok := kbFormProblem(err, d.Form)
	if !ok {
		if errors.Is(err, kb.ErrNotFound) {
			return response.NotFound(err)
		}
		return response.Internal(err)
	}
	d.Error, d.Field = msg, field
	return u.showFAQForm(w, r, http.StatusBadRequest, d)
}

// kbChanged tells the bot's index to rebuild now, so the next chat message
// is answered from the edit.
func (u *UI) kbChanged() {
	if u.KBChanged != nil {
		u.KBChanged()
	}
}
