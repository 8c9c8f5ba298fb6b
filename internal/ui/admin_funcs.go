package ui

import (
	"html/template"
	"strconv"
	"strings"
	"time"
)

// adminFuncs are the template functions of the admin dashboard, the
// knowledge-base editor and the audit viewer.
var adminFuncs = template.FuncMap{
	// kbScore is a search score as the "try a question" box shows it.
	"kbScore": kbScore,
	// kbTags lists an entry's tags for the table.
	"kbTags": func(tags []string) string { return strings.Join(tags, ", ") },
	// auditTime is an event's instant to the second, in UTC.
	"auditTime": func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05") },
}

// kbScore formats a BM25 score with two decimals.
func kbScore(s float64) string { return strconv.FormatFloat(s, 'f', 2, 64) }

// intentWords is an intent name in words: "order_status" → "order status".
func intentWords(intent string) string { return strings.ReplaceAll(intent, "_", " ") }

// plural returns "1 turn" or "3 turns".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
