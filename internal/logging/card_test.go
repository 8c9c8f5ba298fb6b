package logging

import (
	"testing"

	"supportbot/internal/payment/card"
)

func TestRedactCards(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"visa", "card 4111111111111111 please", "card [card number removed] please"},
		{"visa with spaces", "4111 1111 1111 1111", "[card number removed]"},
		{"mastercard with spaces", "my card is 5555 5555 5555 4444.", "my card is [card number removed]."},
		{"discover with dashes", "6011-1111-1111-1117", "[card number removed]"},
		{"amex 15 digits", "amex 378282246310005", "amex [card number removed]"},
		{"amex grouping", "3782 822463 10005", "[card number removed]"},
		{"13 digits", "4222222222222", "[card number removed]"},
		{"double separator", "4111 - 1111 - 1111 - 1111", "[card number removed]"},
		{"two cards", "4111111111111111,5555555555554444", "[card number removed],[card number removed]"},
		{"card then more digits", "4111 1111 1111 1111 1234", "[card number removed] 1234"},
		{"digit before card", "qty 2 4111 1111 1111 1111", "qty 2 [card number removed]"},
		{"card glued to letters", "x4111111111111111y", "x[card number removed]y"},

		{"luhn invalid", "4111111111111112", "4111111111111112"},
		{"luhn invalid with spaces", "4111 1111 1111 1112", "4111 1111 1111 1112"},
		{"too short", "411111111111", "411111111111"},
		{"order number", "order ORD001 placed", "order ORD001 placed"},
		{"timestamp not luhn", "at 1700000000000", "at 1700000000000"},
		{"long tracking number", "tracking 41111111111111110000000", "tracking 41111111111111110000000"},
		{"four separators break a run", "4111    1111    1111    1111", "4111    1111    1111    1111"},
		{"no digits", "hello", "hello"},
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
