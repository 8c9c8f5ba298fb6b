package orders

import (
	"strings"
	"testing"
	"time"
)

// TestTransitionTable checks every (from, to) pair against the life cycle
// written out independently of the transitions map, so an edit of either
// shows up here.
func TestTransitionTable(t *testing.T) {
	allowed := map[string]bool{
		"pending>processing":         true,
		"pending>cancelled":          true,
		"processing>shipped":         true,
		"processing>cancelled":       true,
		"shipped>delivered":          true,
		"delivered>return_requested": true,
		"return_requested>returned":  true,
		"returned>refunded":          true,
	}
	all := append(Statuses(), "", "lost", "PENDING")
	n := 0
	for _, from := range all {
		for _, to := range all {
			want := allowed[string(from)+">"+string(to)]
			if got := CanTransition(from, to); got != want {
				t.Errorf("CanTransition(%q, %q) = %v, want %v", from, to, got, want)
			}
			if want {
				n++
			}
		}
	}
	if n != len(allowed) {
		t.Fatalf("%d allowed transitions found, want %d", n, len(allowed))
	}
	if len(transitions) != len(Statuses()) {
		t.Fatalf("transitions has %d statuses, Statuses %d", len(transitions), len(Statuses()))
	}
	for _, s := range Statuses() {
		if _, ok := transitions[s]; !ok {
			t.Errorf("status %s has no row in the transition table", s)
		}
	}
}

func TestParseStatus(t *testing.T) {
	for _, s := range Statuses() {
		got, err := ParseStatus(string(s))
		if err != nil || got != s {
			t.Errorf("ParseStatus(%q) = %q, %v", s, got, err)
		}
	}
	for _, bad := range []string{"", "Pending", "lost", "shipped ", strings.Repeat("x", 1000)} {
		if _, err := ParseStatus(bad); err == nil {
			t.Errorf("ParseStatus(%q) accepted", bad)
		}
	}
}

func TestEstimatedDelivery(t *testing.T) {
	friday := time.Date(2025, 3, 7, 10, 0, 0, 0, time.UTC)
	thursday := time.Date(2025, 3, 13, 16, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		o    Order
		want time.Time
	}{
		{"pending: five business days after the order", Order{Status: StatusPending, CreatedAt: friday}, friday.AddDate(0, 0, 7)},
		{"processing: the same", Order{Status: StatusProcessing, CreatedAt: friday}, friday.AddDate(0, 0, 7)},
		{"shipped: three business days after dispatch", Order{Status: StatusShipped, CreatedAt: friday, ShippedAt: thursday}, thursday.AddDate(0, 0, 5)},
		{"shipped on a Saturday: counts from Monday", Order{Status: StatusShipped, ShippedAt: time.Date(2025, 3, 8, 9, 0, 0, 0, time.UTC)}, time.Date(2025, 3, 12, 9, 0, 0, 0, time.UTC)},
		{"delivered: none", Order{Status: StatusDelivered, CreatedAt: friday, ShippedAt: friday, DeliveredAt: thursday}, time.Time{}},
		{"cancelled: none", Order{Status: StatusCancelled, CreatedAt: friday}, time.Time{}},
		{"refunded: none", Order{Status: StatusRefunded, CreatedAt: friday}, time.Time{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.o.EstimatedDelivery(); !got.Equal(tc.want) {
				t.Fatalf("EstimatedDelivery = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestDefaultValidNumber(t *testing.T) {
	for in, want := range map[string]string{
		"ORD001": "ORD001", "ord001": "ORD001", " ord-2024-0001 ": "ORD-2024-0001", "12345": "12345",
	} {
		if got, ok := defaultValidNumber(in); !ok || got != want {
			t.Errorf("defaultValidNumber(%q) = %q, %v", in, got, ok)
		}
	}
	for _, bad := range []string{"", "AB", "x'; DROP TABLE orders;--", "ORD 001", "ORD_001", "ÖRD001", strings.Repeat("A", 33)} {
		if got, ok := defaultValidNumber(bad); ok {
			t.Errorf("defaultValidNumber(%q) = %q, accepted", bad, got)
		}
	}
}

func TestCursor(t *testing.T) {
	c := cursor{createdUS: 1741000000000000, id: strings.Repeat("ab", 16)}
	got, err := decodeCursor(c.encode())
	if err != nil || got != c {
		t.Fatalf("round trip: %+v, %v", got, err)
	}
	for _, bad := range []string{"x", "!!!!", c.encode() + "A", "MTIzNA", // "1234"
		"LTEuYWJhYmFiYWJhYmFiYWJhYmFiYWJhYmFiYWJhYmFiYWI", // "-1.abab…"
		strings.Repeat("A", 200)} {
		if _, err := decodeCursor(bad); err != ErrInvalidCursor {
			t.Errorf("decodeCursor(%q) = %v", bad, err)
		}
	}
}

func TestCleanReason(t *testing.T) {
	got := cleanReason("  wrong size, my card 4111 1111 1111 1111 exp 12/29 cvv 123 \xff ")
	for _, leak := range []string{"4111", "12/29", "123"} {
		if strings.Contains(got, leak) {
			t.Errorf("cleanReason kept %q: %q", leak, got)
		}
	}
	if !strings.HasPrefix(got, "wrong size") || strings.HasSuffix(got, " ") {
		t.Errorf("cleanReason = %q", got)
	}
	if n := len([]rune(cleanReason(strings.Repeat("é", 2*maxReasonRunes)))); n != maxReasonRunes {
		t.Errorf("long reason kept %d runes", n)
	}
	// A card number across the length limit is removed, not cut in two.
	across := cleanReason(strings.Repeat("a", maxReasonRunes-8) + " 4111 1111 1111 1111")
	if strings.Contains(across, "4111") {
		t.Errorf("a card number across the limit left %q", across[len(across)-12:])
	}
}
