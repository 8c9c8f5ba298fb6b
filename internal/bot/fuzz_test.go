package bot

import (
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

var fuzzSeeds = []string{
	"", "hi", "Ｏｒｄｅｒ ＯＲＤ００１", "where's my parcel #ORD-2024-0001?", "order no. 552310",
	"don’t ship it!!! 😡", "café crème 👋🏽", "\xff\xfe\x00", "'; DROP TABLE orders; --",
	"<script>alert(1)</script>", "jane@example.com", strings.Repeat("a", 300),
	strings.Repeat("ORD001 ", 50), "ǅemo İstanbul ß ﬁ", "#", "order #", "a@b@c.d",
	"hellooooooooooooooo", strings.Repeat("é", 3000),
}

var (
	fuzzBrainOnce sync.Once
	fuzzBrain     *Brain
)

// fuzzTarget is a Brain with the built-in rules and a small knowledge
// base: fuzzing needs no corpus file.
func fuzzTarget(t testing.TB) *Brain {
	fuzzBrainOnce.Do(func() {
		b, err := New([]Example{
			{Text: "where is my order ORD001", Intent: IntentOrderStatus},
			{Text: "cancel my order", Intent: IntentCancelOrder},
			{Text: "hello", Intent: IntentGreeting},
			{Text: "tell me a joke", Intent: IntentFallback},
		}, testKB, Options{MaxChars: 500})
		if err != nil {
			t.Fatal(err)
		}
		fuzzBrain = b
	})
	return fuzzBrain
}

func FuzzNormalize(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		toks := Normalize(s)
		if len(toks) > maxTokens*4 {
			t.Fatalf("%d tokens", len(toks))
		}
		for _, tok := range toks {
			if tok == "" || !utf8.ValidString(tok) {
				t.Fatalf("bad token %q from %q", tok, s)
			}
		}
	})
}

func FuzzExtractOrderID(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := fuzzTarget(t)
		id := b.ExtractOrderID(s)
		if id == "" {
			return
		}
		// A canonical id re-validates as itself.
		c, ok := b.CanonicalOrderID(id)
		if !ok || c != id {
			t.Fatalf("extracted %q from %q does not re-validate (%q, %v)", id, s, c, ok)
		}
		if id != strings.ToUpper(id) || strings.HasPrefix(id, "#") {
			t.Fatalf("non-canonical %q", id)
		}
	})
}

func FuzzUnderstand(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := fuzzTarget(t)
		u := b.Understand(s)
		if intentIndex(u.Intent) < 0 {
			t.Fatalf("intent %q", u.Intent)
		}
		if u.Confidence < 0 || u.Confidence > 1 || u.Confidence != u.Confidence {
			t.Fatalf("confidence %v", u.Confidence)
		}
		if !utf8.ValidString(u.Email) || !utf8.ValidString(u.OrderID) {
			t.Fatalf("invalid UTF-8 out: %+v", u)
		}
		if u.OrderID != "" {
			if c, ok := b.CanonicalOrderID(u.OrderID); !ok || c != u.OrderID {
				t.Fatalf("order id %q does not re-validate", u.OrderID)
			}
		}
		if u.Email != "" && !strings.Contains(s, u.Email) && !strings.Contains(nfkc(s), u.Email) {
			t.Fatalf("email %q not in the input", u.Email)
		}
		if u.Affirmative && u.Negative {
			t.Fatal("both yes and no")
		}
		if u.Suggestion != nil && u.FAQ == nil {
			t.Fatal("suggestion without a hit")
		}
		for _, tok := range b.Tokens(s) {
			if !utf8.ValidString(tok) {
				t.Fatalf("token %q", tok)
			}
		}
	})
}
