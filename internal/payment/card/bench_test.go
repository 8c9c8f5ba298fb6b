package card

import "testing"

// BenchmarkRedactClean is the common case: a chat message without card
// data, which must pass without allocating.
func BenchmarkRedactClean(b *testing.B) {
	for _, bc := range []struct{ name, msg string }{
		{"no numbers", "Hi, where is my order? It should have arrived yesterday and I need it for Friday."},
		{"order number", "Hi, where is my order ORD001? It should have arrived yesterday, thanks."},
		{"small numbers", "I ordered 3 items for room 101 on 12/03/2025, order ORD-2024-0001, total $12.99."},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(bc.msg)))
			for b.Loop() {
				if _, c := Redact(bc.msg); c.Total() != 0 {
					b.Fatal("redacted a clean message")
				}
			}
		})
	}
}

// BenchmarkRedactDirty removes a number, an expiry date and a code.
func BenchmarkRedactDirty(b *testing.B) {
	msg := "My card number is 4111 1111 1111 1111, exp 09/27 and the cvv is 737, please charge it."
	b.ReportAllocs()
	b.SetBytes(int64(len(msg)))
	for b.Loop() {
		if _, c := Redact(msg); c.Total() != 3 {
			b.Fatal(c)
		}
	}
}

// BenchmarkContainsNumber is the check logging makes on strings with 13
// or more digits.
func BenchmarkContainsNumber(b *testing.B) {
	msg := "tracking 1Z999AA10123456784 for order 20250301123456"
	b.ReportAllocs()
	for b.Loop() {
		_ = ContainsNumber(msg)
	}
}
