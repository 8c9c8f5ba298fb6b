package logging

import "supportbot/internal/payment/card"

// Card numbers in log strings are found by the one scanner the chat uses,
// in internal/payment/card (DESIGN.md invariant 6). Logging removes card
// numbers only: a three-digit number in a log line is no sign of a
// security code, and the chat is redacted before anything logs it.

// minCardDigits is the fewest digits a card number has: strings with fewer
// are not scanned, so most log strings cost no scan at all.
const minCardDigits = card.MinNumberDigits

// hasCard reports whether s contains a card number; it never allocates.
func hasCard(s string) bool { return card.ContainsNumber(s) }

// redactCards replaces every card number in s with CardRemoved and reports
// whether it replaced any.
func redactCards(s string) (string, bool) {
	r, n := card.RedactNumbers(s)
	return r, n > 0
}
