package bot

import "testing"

func TestNamesOutOfDomain(t *testing.T) {
	b := corpusBrain(t)
	st := b.state.Load()
	tests := []struct {
		text             string
		names, addressed int
	}{
		{"how do I reset my Gmail password", 1, 0},
		{"what's the score of the Barcelona game", 1, 0},
		{"Amazon says my parcel is late", 0, 0},     // a sentence's first word is no evidence
		{"where is ORD001? Ord-7 too", 0, 0},        // ids are not names
		{"do you ship to Norway and Latvia?", 0, 0}, // countries are the shop's words
		{"can I pay with PayPal", 0, 0},
		{"WHERE IS MY ORDER", 0, 0}, // shouting has no names
		{"I need it ASAP", 0, 0},    // a chat abbreviation
		{"thanks Marguerite", 0, 1},
		{"thank you so much Bartholomew", 0, 1},
		{"hi there, my Zalando order", 1, 0},
	}
	sc := getScratch()
	defer putScratch(sc)
	for _, tt := range tests {
		n, a := st.namesOutOfDomain(b.prepare(tt.text), sc)
		if n != tt.names || a != tt.addressed {
			t.Errorf("namesOutOfDomain(%q) = %d, %d; want %d, %d", tt.text, n, a, tt.names, tt.addressed)
		}
	}
}

// TestOutOfScopeShopLookalikes: questions worded like shop questions but
// about something else are out of scope; the shop's own questions are not.
// The phrasings are not in the corpus.
func TestOutOfScopeShopLookalikes(t *testing.T) {
	b := corpusBrain(t)
	tests := []struct {
		text string
		want Intent
	}{
		{"how do I make pancakes", IntentFallback},
		{"how do I reset my Outlook password", IntentFallback},
		{"where is my Temu package", IntentFallback},
		{"how much does a Porsche cost", IntentFallback},
		{"is paracetamol safe for kids", IntentFallback},
		{"who won the election in Peru", IntentFallback},
		{"how do I reset my password", IntentFAQ},
		{"do you ship to Latvia?", IntentFAQ},
		{"can I pay with Klarna?", IntentFAQ},
	}
	for _, tt := range tests {
		if u := b.Understand(tt.text); u.Intent != tt.want {
			t.Errorf("Understand(%q) = %s (%.2f), want %s", tt.text, u.Intent, u.Confidence, tt.want)
		}
	}
}
