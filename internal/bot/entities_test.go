package bot

import (
	"strings"
	"testing"
)

func newTestBrain(t testing.TB, opts Options) *Brain {
	t.Helper()
	b, err := New(nil, nil, opts)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestExtractOrderID(t *testing.T) {
	b := newTestBrain(t, Options{})
	tests := []struct{ in, want string }{
		// Alphanumeric ids anywhere, word-bounded.
		{"where is ORD001?", "ORD001"},
		{"#ORD001 status", "ORD001"},
		{"cancel (ORD003) please", "ORD003"},
		{"Still waiting on ORD004.", "ORD004"},
		{"ord001, where is it", "ORD001"},
		{"tracking for ORD-2024-0001 please", "ORD-2024-0001"},
		{"where's ord-2025-0042?", "ORD-2025-0042"},
		{"Could you update me on ORD-55120?", "ORD-55120"},
		{"is ORD2024117 out for delivery", "ORD2024117"},
		{"cancel Ord-7", "ORD-7"},
		{"Ｏｒｄ００１ status", "ORD001"},
		{"ORD001: cancel", "ORD001"},
		// Purely numeric ids only in an order context.
		{"has order 100234 shipped?", "100234"},
		{"status of order #100234 please", "100234"},
		{"#100234 update?", "100234"},
		{"order no. 552310 hasn't arrived", "552310"},
		{"cancel order no.552310", "552310"},
		{"order number 900145 please", "900145"},
		{"my order number is 900145", "900145"},
		{"order nr 12345", "12345"},
		{"Order #: 12345", "12345"},
		{"order: 123456", "123456"},
		{"order is 123456", "123456"},
		{"my parcel (order 710932) is stuck", "710932"},
		// Distractors.
		{"my order number is ORD009", "ORD009"},
		{"what's my order status", ""},
		{"I bought 3 items", ""},
		{"it cost 25 euros", ""},
		{"call me at 0612345678", ""},
		{"zip 75001", ""},
		{"My postcode is 10115 and my order hasn't arrived", ""},
		{"paid 49.99 for express", ""},
		{"card 4111 1111 1111 1111", ""},
		{"order 1234567890123", ""},    // 13 digits: too long
		{"order 1234", ""},             // 4 digits: too short
		{"xORD001", ""},                // not a whole word
		{"ORD001abc", ""},              // not a whole word
		{"ORD12", ""},                  // too few digits without '-'
		{"abc#12345", ""},              // '#' glued to a word
		{"reorder 12345", ""},          // "reorder" is not "order"
		{"I ordered 12345 things", ""}, // nor is "ordered"
		{"", ""},
	}
	for _, tt := range tests {
		if got := b.ExtractOrderID(tt.in); got != tt.want {
			t.Errorf("ExtractOrderID(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestExtractOrderIDFirstOfTwo(t *testing.T) {
	b := newTestBrain(t, Options{})
	if got := b.ExtractOrderID("not ORD002 but ORD003"); got != "ORD002" {
		t.Errorf("got %q, want the first id", got)
	}
}

func TestCanonicalOrderID(t *testing.T) {
	b := newTestBrain(t, Options{})
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"ORD001", "ORD001", true},
		{"ord-2024-0001", "ORD-2024-0001", true},
		{"#100234", "100234", true},
		{" ORD001 ", "ORD001", true},
		{"ORD001 x", "", false},
		{"ORD001;DROP", "", false},
		{"1234", "", false},
		{"", "", false},
		{"#", "", false},
		{strings.Repeat("9", 100), "", false},
	}
	for _, tt := range tests {
		got, ok := b.CanonicalOrderID(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("CanonicalOrderID(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestCustomOrderPattern(t *testing.T) {
	b := newTestBrain(t, Options{OrderIDPattern: `(?i)NW-[A-Z]{2}[0-9]{4}`})
	if got := b.ExtractOrderID("where is nw-ab1234?"); got != "NW-AB1234" {
		t.Errorf("custom pattern: got %q", got)
	}
	if got := b.ExtractOrderID("where is ORD001?"); got != "" {
		t.Errorf("default grammar leaked into a custom pattern: %q", got)
	}
	if _, err := New(nil, nil, Options{OrderIDPattern: `([`}); err == nil {
		t.Error("a pattern that does not compile must fail New")
	}
	if _, err := New(nil, nil, Options{OrderIDPattern: `[0-9]*`}); err == nil {
		t.Error("a pattern matching the empty string must fail New")
	}
}

// TestCustomOrderPatternIsCaseInsensitive: ORDER_ID_PATTERN is matched
// case-insensitively whatever the operator writes; a pattern without (?i)
// still finds "ord001" and validates it, canonicalised to upper case.
func TestCustomOrderPatternIsCaseInsensitive(t *testing.T) {
	b := newTestBrain(t, Options{OrderIDPattern: `ORD-?[0-9]{3,10}(?:-[0-9]{1,10})?|[0-9]{5,12}`})
	for in, want := range map[string]string{
		"where is ord001?":           "ORD001",
		"where is ORD001?":           "ORD001",
		"Ord-2024-0001 has not come": "ORD-2024-0001",
		"order 100234 please":        "100234",
		"xord001":                    "",
	} {
		if got := b.ExtractOrderID(in); got != want {
			t.Errorf("ExtractOrderID(%q) = %q, want %q", in, got, want)
		}
	}
	if got, ok := b.CanonicalOrderID("ord-7731"); !ok || got != "ORD-7731" {
		t.Errorf("CanonicalOrderID(ord-7731) = %q, %v", got, ok)
	}
	// Alternatives stay inside the flag: the second one is folded too.
	alt := newTestBrain(t, Options{OrderIDPattern: `NW[0-9]{4}|SHOP-[A-Z]{3}`})
	if got := alt.ExtractOrderID("where is shop-abc"); got != "SHOP-ABC" {
		t.Errorf("second alternative: got %q", got)
	}
	if got := alt.ExtractOrderID("where is nw1234"); got != "NW1234" {
		t.Errorf("first alternative: got %q", got)
	}
}

func TestExtractEmail(t *testing.T) {
	tests := []struct{ in, want string }{
		{"my email is jane.doe@example.com", "jane.doe@example.com"},
		{"Mail: John+shop@Mail.Example.co.uk.", "John+shop@Mail.Example.co.uk"},
		{"(a_b@c-d.org)", "a_b@c-d.org"},
		{"first x@y.io then z@w.io", "x@y.io"},
		{"@example.com", ""},
		{"jane@", ""},
		{"jane@localhost", ""},
		{"jane@example.c", ""},
		{"email me at jane at example dot com", ""},
		{"a@b.c@d.com", "b.c@d.com"}, // the first @ has no valid domain
		{"", ""},
	}
	for _, tt := range tests {
		if got := extractEmail(tt.in); got != tt.want {
			t.Errorf("extractEmail(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestLengthCap(t *testing.T) {
	b := newTestBrain(t, Options{MaxChars: 20})
	// The id starts after the cap: it must not be seen.
	long := strings.Repeat("é", 25) + " ORD001"
	if got := b.ExtractOrderID(long); got != "" {
		t.Errorf("id past the cap extracted: %q", got)
	}
	if got := b.Understand(long).OrderID; got != "" {
		t.Errorf("Understand saw past the cap: %q", got)
	}
	if got := b.ExtractOrderID("ORD001 " + strings.Repeat("x", 100)); got != "ORD001" {
		t.Errorf("id before the cap: got %q", got)
	}
	if got := truncateRunes("ééé", 2); got != "éé" {
		t.Errorf("truncateRunes counts runes: %q", got)
	}
	if got := b.Tokens(strings.Repeat("word ", 100)); len(got) > 4 {
		t.Errorf("tokens past the cap: %d", len(got))
	}
}

// The bot refuses a pattern that would escape its anchoring group, whoever
// configures it (found by review: only the configuration checked it).
func TestNewRefusesAPatternThatEscapesItsGroup(t *testing.T) {
	for _, p := range []string{`a)|(b`, `[0-9]*`, `ORD(`} {
		if _, err := newOrderMatcher(p); err == nil {
			t.Errorf("accepted ORDER_ID_PATTERN %q", p)
		}
		if err := CheckOrderIDPattern(p); err == nil {
			t.Errorf("CheckOrderIDPattern accepted %q", p)
		}
	}
	if _, err := newOrderMatcher(`SO[0-9]{6}`); err != nil {
		t.Errorf("a sound pattern refused: %v", err)
	}
}
