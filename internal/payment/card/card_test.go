package card

import (
	"strings"
	"testing"
	"unsafe"
)

// redactCases are the behaviour of Redact, also the fuzz seeds.
var redactCases = []struct {
	name, in, want string
	counts         Counts
}{
	// Card numbers.
	{"card number", "card 4111111111111111 please", "card [card number removed] please", Counts{Numbers: 1}},
	{"card number in groups", "my card is 5555 5555 5555 4444.", "my card is [card number removed].", Counts{Numbers: 1}},
	{"card number with dashes", "6011-1111-1111-1117", "[card number removed]", Counts{Numbers: 1}},
	{"card number glued to letters", "x4111111111111111y", "x[card number removed]y", Counts{Numbers: 1}},

	// Security codes next to a code word, either side.
	{"cvv then code", "cvv 123", "cvv [security code removed]", Counts{Codes: 1}},
	{"CVC colon four digits", "CVC: 1234", "CVC: [security code removed]", Counts{Codes: 1}},
	{"cvc without space", "cvc:987", "cvc:[security code removed]", Counts{Codes: 1}},
	{"cvv2", "my CVV2 is 0123", "my CVV2 is [security code removed]", Counts{Codes: 1}},
	{"cid", "amex cid 1234", "amex cid [security code removed]", Counts{Codes: 1}},
	{"security code is", "security code is 987", "security code is [security code removed]", Counts{Codes: 1}},
	{"code on the back", "the code on the back is 123", "the code on the back is [security code removed]", Counts{Codes: 1}},
	{"code on back", "Code on back: 456", "Code on back: [security code removed]", Counts{Codes: 1}},
	{"card verification value", "card verification value: 0123", "card verification value: [security code removed]", Counts{Codes: 1}},
	{"code before the word", "123 is the cvv", "[security code removed] is the cvv", Counts{Codes: 1}},
	{"four words between", "security code on my card is 987", "security code on my card is [security code removed]", Counts{Codes: 1}},
	{"upper case", "CVV IS 321", "CVV IS [security code removed]", Counts{Codes: 1}},
	{"sentence end after the code", "cvv 123.", "cvv [security code removed].", Counts{Codes: 1}},
	{"one code per word, the one after", "room 101 cvv 123", "room 101 cvv [security code removed]", Counts{Codes: 1}},
	{"one code per word, not the next number", "cvv 123, order 4567", "cvv [security code removed], order 4567", Counts{Codes: 1}},
	{"code after a card number", "4111 1111 1111 1111 737", "[card number removed] [security code removed]", Counts{Numbers: 1, Codes: 1}},

	// Expiry dates.
	{"exp MM/YY", "exp 12/25", "exp [expiry date removed]", Counts{Expiries: 1}},
	{"expires MM/YYYY", "it expires 09/2027", "it expires [expiry date removed]", Counts{Expiries: 1}},
	{"expiry MM-YY", "Expiry: 09-27", "Expiry: [expiry date removed]", Counts{Expiries: 1}},
	{"spaced slash", "expiration 12 / 26", "expiration [expiry date removed]", Counts{Expiries: 1}},
	{"valid thru", "VALID THRU 08/26", "VALID THRU [expiry date removed]", Counts{Expiries: 1}},
	{"valid until", "valid until 1/29", "valid until [expiry date removed]", Counts{Expiries: 1}},
	{"card word", "my card ends 05/28", "my card ends [expiry date removed]", Counts{Expiries: 1}},
	{"date before the word", "12/25 is the expiry date", "[expiry date removed] is the expiry date", Counts{Expiries: 1}},
	{"date anywhere with a card number", "4111111111111111 and, by the way, it runs out 11/27", "[card number removed] and, by the way, it runs out [expiry date removed]", Counts{Numbers: 1, Expiries: 1}},
	{"date before a card number", "11/27 4111111111111111", "[expiry date removed] [card number removed]", Counts{Numbers: 1, Expiries: 1}},

	// All at once.
	{"everything", "My card number is 4111 1111 1111 1111, exp 09/27 and the cvv is 737.",
		"My card number is [card number removed], exp [expiry date removed] and the cvv is [security code removed].",
		Counts{Numbers: 1, Codes: 1, Expiries: 1}},

	// False positives guarded against.
	{"three items", "I ordered 3 items", "I ordered 3 items", Counts{}},
	{"order number", "where is ORD123?", "where is ORD123?", Counts{}},
	{"room number", "deliver to room 101", "deliver to room 101", Counts{}},
	{"order with year", "order ORD-2024-0001 is late", "order ORD-2024-0001 is late", Counts{}},
	{"delivery date", "delivered on 12/03/2025", "delivered on 12/03/2025", Counts{}},
	{"delivery date near card word", "my card said 12/03/2025", "my card said 12/03/2025", Counts{}},
	{"delivery date with a card number", "4111111111111111, delivered 12/03/2025", "[card number removed], delivered 12/03/2025", Counts{Numbers: 1}},
	{"month and year without card word", "ordered in 12/25", "ordered in 12/25", Counts{}},
	{"price near cvv", "what is a cvv, it cost $12.99", "what is a cvv, it cost $12.99", Counts{}},
	{"price with thousands near cvv", "cvv 1,250", "cvv 1,250", Counts{}},
	{"number glued by dash", "cvv ORD-123", "cvv ORD-123", Counts{}},
	{"code too far away", "cvv is a thing I do not want to share, 123", "cvv is a thing I do not want to share, 123", Counts{}},
	{"sentence end stops the word", "What is a CVV? Order 1234 is late.", "What is a CVV? Order 1234 is late.", Counts{}},
	{"two digits are no code", "cvv 12", "cvv 12", Counts{}},
	{"five digits are no code", "cvv 12345", "cvv 12345", Counts{}},
	{"promo code", "promo code 1234", "promo code 1234", Counts{}},
	{"month 13 is no date", "exp 13/25", "exp 13/25", Counts{}},
	{"time is no date", "card delivered at 12:30", "card delivered at 12:30", Counts{}},
	{"word containing cvv", "mycvv 123", "mycvv 123", Counts{}},
	{"luhn invalid", "4111 1111 1111 1112 exp 12/25", "4111 1111 1111 1112 exp [expiry date removed]", Counts{Expiries: 1}},
	{"long tracking number", "tracking 41111111111111110000000", "tracking 41111111111111110000000", Counts{}},
	{"no digits", "hello, where is my card?", "hello, where is my card?", Counts{}},
	{"empty", "", "", Counts{}},

	// Text that is already redacted stays as it is.
	{"already redacted", "cvv [security code removed] 456", "cvv [security code removed] 456", Counts{}},
	{"already redacted date", "[expiry date removed] 12/25 exp", "[expiry date removed] [expiry date removed] exp", Counts{Expiries: 1}},
	// Text with card data is searched, and returned, in folded form (Fold).
	{"non-ASCII text", "Karte: código 123, cvv：456", "Karte: código 123, cvv:[security code removed]", Counts{Codes: 1}},
	{"non-ASCII text without card data is kept as typed", "Karte：código 123 ４５", "Karte：código 123 ４５", Counts{}},

	// Found by review: layouts and characters that hid card data.
	{"code on the line after the card", "4111111111111111\n12/25\n123", "[card number removed]\n[expiry date removed]\n[security code removed]", Counts{Numbers: 1, Codes: 1, Expiries: 1}},
	{"cvv then a line break", "cvv\n123", "cvv\n[security code removed]", Counts{Codes: 1}},
	{"full-width digits", "card ４１１１ １１１１ １１１１ １１１１", "card [card number removed]", Counts{Numbers: 1}},
	{"full-width digits in an order number", "order ORD-４１１１１１１１１１-１１１１１１", "order ORD-[card number removed]", Counts{Numbers: 1}},
	{"Arabic-Indic digits", "٤١١١١١١١١١١١١١١١", "[card number removed]", Counts{Numbers: 1}},
	{"dots between groups", "4111.1111.1111.1111", "[card number removed]", Counts{Numbers: 1}},
	{"slashes between groups", "4111/1111/1111/1111", "[card number removed]", Counts{Numbers: 1}},
	{"one group per line", "4111\n1111\n1111\n1111", "[card number removed]", Counts{Numbers: 1}},
	{"no-break spaces", "4111\u00a01111\u00a01111\u00a01111", "[card number removed]", Counts{Numbers: 1}},
	{"en dashes", "4111–1111–1111–1111", "[card number removed]", Counts{Numbers: 1}},
	{"zero-width spaces", "4111\u200b1111\u200b1111\u200b1111", "[card number removed]", Counts{Numbers: 1}},
	{"full-width code", "cvv: １２３", "cvv: [security code removed]", Counts{Codes: 1}},
	{"full-width expiry", "exp ０１/２７", "exp [expiry date removed]", Counts{Expiries: 1}},
	{"comma-separated order numbers stay", "orders 100234, 100235, 100236", "orders 100234, 100235, 100236", Counts{}},

	// Found by the second review.
	{"keycap digits", "4️⃣1️⃣1️⃣1️⃣ 1️⃣1️⃣1️⃣1️⃣ 1️⃣1️⃣1️⃣1️⃣ 1️⃣1️⃣1️⃣1️⃣", "[card number removed]", Counts{Numbers: 1}},
	{"variation selectors", "4\ufe0f111 1111 1111 1111", "[card number removed]", Counts{Numbers: 1}},
	{"grapheme joiner", "4\u034f111 1111 1111 1111", "[card number removed]", Counts{Numbers: 1}},
	{"combining underline", "4\u0332111 1111 1111 1111", "[card number removed]", Counts{Numbers: 1}},
	{"enclosing circle", "4\u20dd111 1111 1111 1111", "[card number removed]", Counts{Numbers: 1}},
	{"two joiners after a space", "4111 \u200d\u200d1111 1111 1111", "[card number removed]", Counts{Numbers: 1}},
	{"Hangul filler", "4111\u31641111\u31641111\u31641111", "[card number removed]", Counts{Numbers: 1}},
	{"braille blank", "4111\u28001111\u28001111\u28001111", "[card number removed]", Counts{Numbers: 1}},
	{"middle dots", "4111·1111·1111·1111", "[card number removed]", Counts{Numbers: 1}},
	{"ideographic spaces", "4111\u3000\u3000\u3000\u30001111 1111 1111", "[card number removed]", Counts{Numbers: 1}},
	{"dingbat digits", "❹❶❶❶ ❶❶❶❶ ❶❶❶❶ ❶❶❶❶", "[card number removed]", Counts{Numbers: 1}},
	{"parenthesised digits", "⑷⑴⑴⑴⑴⑴⑴⑴⑴⑴⑴⑴⑴⑴⑴⑴", "([card number removed])", Counts{Numbers: 1}},
	{"keycap code", "cvv 1️⃣2️⃣3️⃣", "cvv [security code removed]", Counts{Codes: 1}},
	{"code with a variation selector", "cvv 1\ufe0f23", "cvv [security code removed]", Counts{Codes: 1}},
	{"Cyrillic c in cvv", "сvv 123", "cvv [security code removed]", Counts{Codes: 1}},
	{"dingbat code", "cvv ❶❷❸", "cvv [security code removed]", Counts{Codes: 1}},
	{"division slash expiry", "exp 12∕27", "exp [expiry date removed]", Counts{Expiries: 1}},
	{"fraction slash expiry", "exp 12⁄27", "exp [expiry date removed]", Counts{Expiries: 1}},
	{"Cyrillic e in exp", "еxp 12/27", "exp [expiry date removed]", Counts{Expiries: 1}},
	{"emoji sequences are kept", "👨\u200d👩\u200d👧 where is ORD001?", "👨\u200d👩\u200d👧 where is ORD001?", Counts{}},
}

func TestRedact(t *testing.T) {
	for _, tc := range redactCases {
		t.Run(tc.name, func(t *testing.T) {
			got, c := Redact(tc.in)
			if got != tc.want || c != tc.counts {
				t.Fatalf("Redact(%q)\n = %q %+v\nwant %q %+v", tc.in, got, c, tc.want, tc.counts)
			}
			if again, c := Redact(got); again != got || c.Total() != 0 {
				t.Fatalf("Redact is not idempotent: %q -> %q %+v", got, again, c)
			}
		})
	}
}

func TestRedactReturnsInputWhenClean(t *testing.T) {
	in := strings.Repeat("order ORD-2024-0001, room 101, 3 items ", 10)
	out, c := Redact(in)
	if c.Total() != 0 || unsafe.StringData(out) != unsafe.StringData(in) {
		t.Fatalf("did not return the input itself: %q", out)
	}
}

func TestCountsTotal(t *testing.T) {
	if n := (Counts{Numbers: 1, Codes: 2, Expiries: 3}).Total(); n != 6 {
		t.Fatalf("Total = %d", n)
	}
}

// TestRedactIsLinear runs inputs built to defeat a naive scanner: long
// runs of digit groups, keywords and dates. They must finish quickly; the
// benchmark would show a quadratic cost as a large number, here it would
// show as a test timeout.
func TestRedactIsLinear(t *testing.T) {
	for _, unit := range []string{"1 ", "12/25 ", "cvv ", "cvv 123 ", "4111-", "1-", "[card number removed]", "code on the "} {
		s := strings.Repeat(unit, 200_000/len(unit))
		out, _ := Redact(s)
		if ContainsNumber(out) {
			t.Fatalf("%q…: card number left", unit)
		}
	}
}
