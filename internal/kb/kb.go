// Package kb stores the knowledge base: the FAQ entries the bot answers
// from, which admins edit through the API (issue 4, "Knowledge base"). The
// search index itself lives in internal/bot; this package keeps the entries,
// validates them, counts changes in a revision every instance can watch, and
// audits every edit.
package kb

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"supportbot/internal/bot"
)

// Entry is one FAQ entry.
type Entry struct {
	ID          string    `json:"id"`
	Question    string    `json:"question"`
	Paraphrases []string  `json:"paraphrases"`
	Answer      string    `json:"answer"`
	Tags        []string  `json:"tags"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Limits of an entry. They keep the index small and every answer short
// enough for a chat bubble.
const (
	MaxQuestionChars   = 300
	MaxAnswerChars     = 2000
	MaxParaphrases     = 30
	MaxTags            = 10
	MaxTagChars        = 32
	MaxEntries         = 5000
	maxIDChars         = 64
	minQuestionChars   = 3
	minParaphraseChars = 2
)

var (
	// ErrNotFound means no entry has the id.
	ErrNotFound = errors.New("kb: no such entry")
	// ErrExists means an entry with the id already exists.
	ErrExists = errors.New("kb: entry already exists")
	// ErrFull means the knowledge base holds MaxEntries entries.
	ErrFull = errors.New("kb: too many entries")
)

// InvalidError names the field of an entry that breaks a rule (as a JSON
// pointer without the leading slash: "question", "tags/2"); its message is
// safe to show the admin who sent it.
type InvalidError struct {
	Field, Message string
}

// Error names the field and the rule it breaks.
func (e *InvalidError) Error() string { return "kb: " + e.Field + " " + e.Message }

var (
	idPattern  = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$`)
	tagPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
)

// Normalize trims the entry's texts, drops empty and repeated paraphrases
// and tags, lower-cases tags, and checks every rule. It returns the entry to
// store or an *InvalidError.
func Normalize(e Entry) (Entry, error) {
	e.ID = strings.TrimSpace(e.ID)
	if !idPattern.MatchString(e.ID) {
		return Entry{}, &InvalidError{"id", fmt.Sprintf("must be 1 to %d lower-case letters, digits and inner dashes", maxIDChars)}
	}
	var err error
	if e.Question, err = text("question", e.Question, minQuestionChars, MaxQuestionChars); err != nil {
		return Entry{}, err
	}
	if e.Answer, err = text("answer", e.Answer, 1, MaxAnswerChars); err != nil {
		return Entry{}, err
	}
	paraphrases := make([]string, 0, len(e.Paraphrases))
	seen := map[string]bool{strings.ToLower(e.Question): true}
	for i, p := range e.Paraphrases {
		if p, err = text(fmt.Sprintf("paraphrases/%d", i), p, 0, MaxQuestionChars); err != nil {
			return Entry{}, err
		}
		if utf8.RuneCountInString(p) < minParaphraseChars || seen[strings.ToLower(p)] {
			continue
		}
		seen[strings.ToLower(p)] = true
		paraphrases = append(paraphrases, p)
	}
	if len(paraphrases) > MaxParaphrases {
		return Entry{}, &InvalidError{"paraphrases", fmt.Sprintf("may hold at most %d entries", MaxParaphrases)}
	}
	e.Paraphrases = paraphrases
	tags := make([]string, 0, len(e.Tags))
	seenTag := map[string]bool{}
	for i, t := range e.Tags {
		t = strings.ToLower(strings.TrimSpace(t))
		if t == "" || seenTag[t] {
			continue
		}
		if len(t) > MaxTagChars || !tagPattern.MatchString(t) {
			return Entry{}, &InvalidError{fmt.Sprintf("tags/%d", i), fmt.Sprintf("must be 1 to %d lower-case letters, digits and dashes", MaxTagChars)}
		}
		seenTag[t] = true
		tags = append(tags, t)
	}
	if len(tags) > MaxTags {
		return Entry{}, &InvalidError{"tags", fmt.Sprintf("may hold at most %d entries", MaxTags)}
	}
	e.Tags = tags
	return e, nil
}

// text trims s and checks its length in characters and that it holds no
// control characters other than newlines.
func text(field, s string, lo, hi int) (string, error) {
	s = strings.TrimSpace(s)
	if !utf8.ValidString(s) {
		return "", &InvalidError{field, "must be valid UTF-8"}
	}
	n := utf8.RuneCountInString(s)
	if n < lo || n > hi {
		return "", &InvalidError{field, fmt.Sprintf("must be %d to %d characters", lo, hi)}
	}
	for _, r := range s {
		if r != '\n' && (r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0)) {
			return "", &InvalidError{field, "must not contain control characters"}
		}
	}
	return s, nil
}

// FAQs returns entries as the bot's search index takes them.
func FAQs(entries []Entry) []bot.FAQ {
	out := make([]bot.FAQ, len(entries))
	for i, e := range entries {
		out[i] = bot.FAQ{ID: e.ID, Question: e.Question, Paraphrases: e.Paraphrases, Answer: e.Answer, Tags: e.Tags}
	}
	return out
}
