package logging

import (
	"testing"

	"supportbot/internal/payment/card"
)

// TestRedactCards checks that the log uses the card package's scanner;
// the scanner's own cases are in internal/payment/card.
func TestRedactCards(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"visa with spaces", "card 4111 1111 1111 1111 please", "card [card number removed] please"},
		{"two cards", "4111111111111111,5555555555554444", "[card number removed],[card number removed]"},
		{"luhn invalid", "4111111111111112", "4111111111111112"},
		{"order number", "order ORD001 placed", "order ORD001 placed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, changed := redactCards(tc.in)
			if got != tc.want {
				t.Fatalf("redactCards(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if changed != (tc.in != tc.want) || hasCard(tc.in) != changed {
				t.Fatalf("changed = %v, hasCard = %v", changed, hasCard(tc.in))
			}
		})
	}
}

// TestCardRemovedIsTheCardPackagesText keeps the log's replacement text and
// the chat's the same, so one search finds both.
func TestCardRemovedIsTheCardPackagesText(t *testing.T) {
	if CardRemoved != card.NumberRemoved {
		t.Fatalf("CardRemoved = %q, card.NumberRemoved = %q", CardRemoved, card.NumberRemoved)
	}
}
