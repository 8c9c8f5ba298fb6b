package ui

import (
	"html/template"
	"time"
	"unicode/utf16"

	"supportbot/internal/bot/dialogue"
	"supportbot/internal/orders"
)

// customerFuncs are the template functions of the customer's pages (chat,
// orders, account) and of the shared "messages" partial.
var customerFuncs = template.FuncMap{
	// money formats an amount in minor units for customers, as the bot
	// writes it: "€29.00", "$3.50", "12.00 SEK".
	"money": dialogue.Money,
	// shortTime is the time of day of a chat message, in UTC; the full
	// instant is in the <time datetime> attribute.
	"shortTime": func(t time.Time) string { return t.UTC().Format("15:04") },
	// day is a date for lists: "14 Mar 2026".
	"day": func(t time.Time) string { return t.UTC().Format("2 Jan 2006") },
}

// orderStatusWords is an order status in words (orderStatusText), or the
// status itself for one this build does not know.
func orderStatusWords(s orders.Status) string {
	if t, ok := orderStatusText[s]; ok {
		return t
	}
	return string(s)
}

// jsLength is the length of s as a browser counts it for a textarea's
// maxlength (UTF-16 code units), for the counter's first value.
func jsLength(s string) int {
	return len(utf16.Encode([]rune(s)))
}
