package bot

import (
	"slices"
	"testing"
)

func TestFoldAccents(t *testing.T) {
	tests := []struct {
		in, want string
		changed  bool
	}{
		{"adiós", "adios", true},
		{"días", "dias", true},
		{"dziękuję", "dziekuje", true},
		{"straße", "strasse", true},
		{"hello", "hello", false},
		{"спасибо", "спасибо", false}, // another script is left alone
		{"", "", false},
	}
	for _, tt := range tests {
		got, changed := foldAccents(tt.in, nil)
		if string(got) != tt.want || changed != tt.changed {
			t.Errorf("foldAccents(%q) = %q, %v; want %q, %v", tt.in, got, changed, tt.want, tt.changed)
		}
	}
}

// TestAccentsAreOptional: a word typed with or without its accents is the
// same token, whichever spelling the lexicon learnt first.
func TestAccentsAreOptional(t *testing.T) {
	b := newTestBrain(t, Options{})
	for _, pair := range [][2]string{
		{"adiós", "adios"},
		{"buenos días", "buenos dias"},
		{"olá", "ola"},
		{"dziękuję", "dziekuje"},
	} {
		if a, c := b.Tokens(pair[0]), b.Tokens(pair[1]); !slices.Equal(a, c) {
			t.Errorf("Tokens(%q) = %q but Tokens(%q) = %q", pair[0], a, pair[1], c)
		}
	}
}

// TestSmallTalkInOtherLanguages uses phrasings the corpus does not
// contain: the built-in small talk of other languages carries them.
func TestSmallTalkInOtherLanguages(t *testing.T) {
	b := corpusBrain(t)
	tests := []struct {
		text string
		want Intent
	}{
		{"dziękuję", IntentThanks},
		{"спасибо", IntentThanks},
		{"arigato", IntentThanks},
		{"merhaba", IntentGreeting},
		{"hej då", IntentGoodbye},
		{"adiós", IntentGoodbye},
		{"Happy new year!", IntentGreeting},
		{"wow thanks", IntentThanks},
	}
	for _, tt := range tests {
		if u := b.Understand(tt.text); u.Intent != tt.want {
			t.Errorf("Understand(%q) = %s (%.2f), want %s", tt.text, u.Intent, u.Confidence, tt.want)
		}
	}
}

// TestNameOfThePersonSpokenTo: "thanks Anna" thanks someone; the name is
// not a subject from outside the shop.
func TestNameOfThePersonSpokenTo(t *testing.T) {
	b := corpusBrain(t)
	for text, want := range map[string]Intent{
		"thanks Marguerite!":       IntentThanks,
		"good morning Bartholomew": IntentGreeting,
		"bye Ingrid":               IntentGoodbye,
	} {
		if u := b.Understand(text); u.Intent != want {
			t.Errorf("Understand(%q) = %s (%.2f), want %s", text, u.Intent, u.Confidence, want)
		}
	}
}

// TestThanksWithAClosingIsGoodbye follows the corpus guideline: a closing
// ("thanks, bye") is a goodbye.
func TestThanksWithAClosingIsGoodbye(t *testing.T) {
	b := corpusBrain(t)
	for text, want := range map[string]Intent{
		"thanks so much, that is everything": IntentGoodbye,
		"thank you, have a lovely evening":   IntentGoodbye,
		"thanks a million":                   IntentThanks,
	} {
		if u := b.Understand(text); u.Intent != want {
			t.Errorf("Understand(%q) = %s (%.2f), want %s", text, u.Intent, u.Confidence, want)
		}
	}
}

// TestRuleSpellingsVoteOnce: "bye", "adios" and "adiós" compile to one
// phrase, which votes once with the strongest weight of its spellings.
func TestRuleSpellingsVoteOnce(t *testing.T) {
	b := newTestBrain(t, Options{})
	k, ok := gramKey(b.base.idsOf("bye"))
	if !ok {
		t.Fatal("no key for bye")
	}
	e := b.clf.rules[k]
	goodbye := int8(intentIndex(IntentGoodbye))
	n, w := 0, float32(0)
	for _, v := range e.votes {
		if v.intent == goodbye {
			n++
			w = v.weight
		}
	}
	if n != 1 || w != 3.5 {
		t.Errorf("bye votes %d time(s) with weight %v, want once with 3.5", n, w)
	}
}

// TestStretchedCorpusWords: a corpus word stretched for emphasis teaches
// the plain word.
func TestStretchedCorpusWords(t *testing.T) {
	b, err := New([]Example{
		{Text: "thank youuu", Intent: IntentThanks},
		{Text: "pleeease cancel it", Intent: IntentCancelOrder},
	}, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for stretched, plain := range map[string]string{"youuu": "you", "pleeease": "please"} {
		if a, c := b.Tokens(stretched), b.Tokens(plain); !slices.Equal(a, c) {
			t.Errorf("Tokens(%q) = %q, want %q like %q", stretched, a, c, plain)
		}
	}
}
