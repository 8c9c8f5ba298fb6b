package bot

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
)

// corpusBrain is a Brain trained on the real corpus and the demo
// knowledge base; tests using it skip while either is missing.
func corpusBrain(t testing.TB) *Brain {
	t.Helper()
	b, err := New(trainingCorpus(t), loadDemoFAQs(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestIntents(t *testing.T) {
	all := Intents()
	if len(all) != 11 || all[0] != IntentGreeting || all[10] != IntentFallback {
		t.Fatalf("Intents() = %v", all)
	}
	all[0] = "mutated"
	if Intents()[0] != IntentGreeting {
		t.Error("Intents returns shared state")
	}
	for _, in := range Intents() {
		got, err := ParseIntent(string(in))
		if err != nil || got != in {
			t.Errorf("ParseIntent(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseIntent("smalltalk"); err == nil {
		t.Error("unknown intent accepted")
	}
}

func TestParseExamples(t *testing.T) {
	in := `{"text":"hi","intent":"greeting"}

{"text":"where is ORD001","intent":"order_status","order_id":"ORD001","note":"ignored"}
`
	exs, err := ParseExamples(strings.NewReader(in))
	if err != nil || len(exs) != 2 || exs[1].OrderID != "ORD001" {
		t.Fatalf("ParseExamples = %+v, %v", exs, err)
	}
	for name, bad := range map[string]string{
		"unknown intent": `{"text":"hi","intent":"greeting"}` + "\n" + `{"text":"x","intent":"chitchat"}`,
		"broken json":    `{"text":"hi","intent":"greeting"}` + "\n" + `{"text":`,
		"empty text":     `{"text":"hi","intent":"greeting"}` + "\n" + `{"text":"","intent":"greeting"}`,
		"trailing data":  `{"text":"hi","intent":"greeting"}` + "\n" + `{"text":"x","intent":"greeting"} {}`,
	} {
		_, err := ParseExamples(strings.NewReader(bad))
		if err == nil || !strings.Contains(err.Error(), "line 2") {
			t.Errorf("%s: error %v should name line 2", name, err)
		}
	}
}

func TestNewRejectsBadInput(t *testing.T) {
	if _, err := New([]Example{{Text: "x", Intent: "nope"}}, nil, Options{}); err == nil {
		t.Error("unknown intent in training accepted")
	}
	if _, err := New(nil, []FAQ{{Question: "no id"}}, Options{}); err == nil {
		t.Error("entry without id accepted")
	}
	if _, err := New(nil, []FAQ{{ID: "a", Question: "q"}, {ID: "a", Question: "q"}}, Options{}); err == nil {
		t.Error("repeated id accepted")
	}
	if _, err := New(nil, nil, Options{FAQMinScore: -1}); err == nil {
		t.Error("a negative FAQ score threshold accepted")
	}
}

func TestUnderstandIntents(t *testing.T) {
	b := corpusBrain(t)
	tests := []struct {
		name, text string
		want       Intent
	}{
		{"the baseline's failure", "How long does shipping take?", IntentFAQ},
		{"plain greeting", "hi", IntentGreeting},
		{"greeting with emoji", "hello 👋", IntentGreeting},
		{"cancel beats my order", "I want to cancel my order ORD003", IntentCancelOrder},
		{"don't ship is a cancel", "please don't ship it", IntentCancelOrder},
		{"greeting plus request is the request", "hi, where is ORD001?", IntentOrderStatus},
		{"thanks plus request is the request", "thanks, but can I return it?", IntentReturnRequest},
		{"order list", "show me all my orders", IntentOrderList},
		{"return", "I want to return ORD003", IntentReturnRequest},
		{"refund status", "where is my refund", IntentRefundStatus},
		{"refund timing is a question", "how long do refunds take", IntentFAQ},
		{"human", "I want to talk to a real person", IntentHumanHandoff},
		{"thanks", "thanks a lot", IntentThanks},
		{"goodbye", "thanks, bye", IntentGoodbye},
		{"typo tolerant", "cancle my oder", IntentCancelOrder},
		{"full-width", "ＣＡＮＣＥＬ ＯＲＤ００１", IntentCancelOrder},
		{"out of scope", "what's the weather like in Paris tomorrow", IntentFallback},
		{"gibberish", "sdkjfh qwpoeiru zxmcnv", IntentFallback},
		{"emoji only", "🍕", IntentFallback},
		{"SQL is not a cancel", "'; DROP TABLE orders; --", IntentFallback},
		{"update is a normal word", "any update on my order?", IntentOrderStatus},
		{"delete my account is a question", "how do I delete my account", IntentFAQ},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := b.Understand(tt.text)
			if u.Intent != tt.want {
				t.Errorf("Understand(%q) = %s (%.2f), want %s", tt.text, u.Intent, u.Confidence, tt.want)
			}
			if u.Confidence < 0 || u.Confidence > 1 {
				t.Errorf("confidence %v out of [0,1]", u.Confidence)
			}
		})
	}
}

// TestNeverGreetingForNonGreetings: words containing "hi" and out-of-scope
// text opening with a greeting are never a greeting.
func TestNeverGreetingForNonGreetings(t *testing.T) {
	b := corpusBrain(t)
	for _, text := range []string{
		"shipping", "this", "high", "history", "chips", "which", "hippo",
		"hello, can you recommend a good pizza place?", "hi, what is the capital of Peru",
		"hey tell me a joke", "ship hi order bye",
	} {
		if u := b.Understand(text); u.Intent.social() {
			t.Errorf("Understand(%q) = %s", text, u.Intent)
		}
	}
}

// TestWholeWordsWithoutCorpus checks whole-word matching on the rules
// alone, which is what the shipped binary falls back to with no corpus.
func TestWholeWordsWithoutCorpus(t *testing.T) {
	b := newTestBrain(t, Options{})
	if u := b.Understand("How long does shipping take?"); u.Intent == IntentGreeting {
		t.Error("shipping matched the greeting rule")
	}
	if u := b.Understand("hi"); u.Intent != IntentGreeting {
		t.Errorf("hi = %s without a corpus", u.Intent)
	}
}

func TestUnderstandEntities(t *testing.T) {
	b := corpusBrain(t)
	u := b.Understand("Hi! Order #ORD034, has it shipped? Reply to jane@example.com")
	if u.OrderID != "ORD034" || u.Email != "jane@example.com" || u.Intent != IntentOrderStatus {
		t.Errorf("got %+v", u)
	}
}

func TestAffirmativeNegative(t *testing.T) {
	b := corpusBrain(t)
	tests := []struct {
		text     string
		yes, not bool
	}{
		{"yes", true, false},
		{"yep", true, false},
		{"sure", true, false},
		{"ok do it", true, false},
		{"yes please cancel it", true, false},
		{"confirm", true, false},
		{"Yes, go ahead", true, false},
		{"go ahead", true, false},
		{"👍", true, false},
		{"no", false, true},
		{"nope", false, true},
		{"don't", false, true},
		{"please don't", false, true},
		{"keep it", false, true},
		{"never mind", false, true},
		{"cancel that", false, true},
		{"no, keep my order", false, true},
		{"where is my order", false, false},
		{"I do not know where my order is, it has been two weeks now", false, false},
		{"order no. 552310", false, false},
	}
	for _, tt := range tests {
		u := b.Understand(tt.text)
		if u.Affirmative != tt.yes || u.Negative != tt.not {
			t.Errorf("Understand(%q): affirmative %v negative %v, want %v %v", tt.text, u.Affirmative, u.Negative, tt.yes, tt.not)
		}
	}
}

var testKB = []FAQ{
	{ID: "shipping-times", Question: "How long does delivery take?",
		Paraphrases: []string{"How many days does shipping take?"},
		Answer:      "Standard delivery takes 3-5 business days.", Tags: []string{"shipping"}},
	{ID: "shipping-costs", Question: "How much does shipping cost?",
		Paraphrases: []string{"is shipping free?"},
		Answer:      "Shipping costs 4.95 and is free over 50.", Tags: []string{"shipping", "cost"}},
	{ID: "returns", Question: "What is your return policy?",
		Answer: "You can return items within 30 days."},
	{ID: "gift-cards", Question: "Do you sell gift cards?",
		Answer: "Yes, gift cards from 10 to 200 euros."},
}

func TestSearchFAQ(t *testing.T) {
	b, err := New(nil, testKB, Options{})
	if err != nil {
		t.Fatal(err)
	}
	hits := b.SearchFAQ("how many days does delivery take", 3)
	if len(hits) == 0 || hits[0].FAQ.ID != "shipping-times" {
		t.Fatalf("hits = %+v", hits)
	}
	for i := 1; i < len(hits); i++ {
		if hits[i].Score > hits[i-1].Score {
			t.Errorf("hits not sorted: %+v", hits)
		}
	}
	if got := b.SearchFAQ("gift card", 1); len(got) != 1 || got[0].FAQ.ID != "gift-cards" {
		t.Errorf("gift card = %+v", got)
	}
	if got := b.SearchFAQ("zebra xylophone", 3); len(got) != 0 {
		t.Errorf("unrelated text found %+v", got)
	}
	if got := b.SearchFAQ("shipping", 0); got != nil {
		t.Errorf("n=0 returned %+v", got)
	}
}

func TestUnderstandFAQThresholdAndSuggestion(t *testing.T) {
	b, err := New(nil, testKB, Options{FAQMinScore: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	// "shipping" alone matches two entries about equally: best plus a
	// suggestion.
	u := b.Understand("shipping please")
	if u.FAQ == nil || u.Suggestion == nil {
		t.Fatalf("want a hit and a close runner-up, got %+v", u)
	}
	if u.Suggestion.Score < 0.85*u.FAQ.Score || u.Suggestion.FAQ.ID == u.FAQ.FAQ.ID {
		t.Errorf("suggestion %+v not close to %+v", u.Suggestion, u.FAQ)
	}
	// A clear winner has no suggestion.
	u = b.Understand("do you sell gift cards")
	if u.FAQ == nil || u.FAQ.FAQ.ID != "gift-cards" || u.Suggestion != nil {
		t.Errorf("gift cards: %+v", u)
	}
	// Under the threshold nothing is offered.
	strict, err := New(nil, testKB, Options{FAQMinScore: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if u := strict.Understand("shipping please"); u.FAQ != nil && u.Intent != IntentFAQ {
		t.Errorf("hit under the threshold offered: %+v", u.FAQ)
	}
}

func TestUnderstandDemoFAQ(t *testing.T) {
	b := corpusBrain(t)
	u := b.Understand("How long does shipping take?")
	if u.Intent != IntentFAQ || u.FAQ == nil || u.FAQ.FAQ.ID != "shipping-times" {
		t.Errorf("got %+v", u)
	}
}

// TestSetKnowledgeBaseConcurrent swaps the knowledge base while other
// goroutines understand messages; run with -race. Every answer must come
// from one complete index: the old one or the new one.
func TestSetKnowledgeBaseConcurrent(t *testing.T) {
	b, err := New(nil, testKB[:2], Options{FAQMinScore: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	other := []FAQ{{ID: "gift-cards", Question: "Do you sell gift cards?", Answer: "Yes."}}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	errs := make(chan string, 8)
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				for _, h := range b.SearchFAQ("shipping gift cards", 5) {
					if h.FAQ.ID == "" || h.FAQ.Answer == "" {
						select {
						case errs <- fmt.Sprintf("half-built hit %+v", h):
						default:
						}
					}
				}
				_ = b.Understand("how much does shipping cost, and gift cards?")
			}
		}()
	}
	for i := 0; i < 50; i++ {
		kb := testKB
		if i%2 == 1 {
			kb = other
		}
		if err := b.SetKnowledgeBase(kb); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if err := b.SetKnowledgeBase(other); err != nil {
		t.Fatal(err)
	}
	if hits := b.SearchFAQ("shipping cost", 5); len(hits) != 0 {
		t.Errorf("old entries survived the swap: %+v", hits)
	}
}

// TestSetKnowledgeBaseCopies: the caller may reuse its slices.
func TestSetKnowledgeBaseCopies(t *testing.T) {
	kb := []FAQ{{ID: "a", Question: "Do you sell gift cards?", Paraphrases: []string{"gift voucher"}, Answer: "Yes."}}
	b, err := New(nil, kb, Options{})
	if err != nil {
		t.Fatal(err)
	}
	kb[0].Paraphrases[0] = "changed"
	kb[0].ID = "changed"
	if hits := b.SearchFAQ("gift voucher", 1); len(hits) != 1 || hits[0].FAQ.ID != "a" || hits[0].FAQ.Paraphrases[0] != "gift voucher" {
		t.Errorf("index shares the caller's memory: %+v", hits)
	}
}

func TestTokensCorrectTypos(t *testing.T) {
	b, err := New(nil, testKB, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// "delivry" is not in the vocabulary; "delivery" (from the
	// knowledge base) is one edit away.
	got, want := b.Tokens("delivry"), b.Tokens("delivery")
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("Tokens(delivry) = %q, want %q", got, want)
	}
}

func TestEvaluateReport(t *testing.T) {
	b := corpusBrain(t)
	exs := []Example{
		{Text: "hi", Intent: IntentGreeting},
		{Text: "where is ORD001", Intent: IntentOrderStatus, OrderID: "ORD001"},
		{Text: "how long does shipping take", Intent: IntentFAQ, FAQID: "shipping-times"},
		{Text: "cancel ORD002", Intent: IntentCancelOrder, OrderID: "ORD002"},
	}
	r := Evaluate(b, exs)
	if r.Total != 4 || r.Correct != 4 || r.OrderIDCorrect != 2 || r.FAQCorrect != 1 || r.OrderIDFalsePositives != 0 {
		t.Errorf("report %+v", r)
	}
	if len(r.PerIntent) != 11 || len(r.Confusion) != 11 {
		t.Errorf("report shape %d %d", len(r.PerIntent), len(r.Confusion))
	}
	var buf bytes.Buffer
	if err := r.WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"intent accuracy", "order-id extraction", "faq top-1", "cancel_order", "labelled"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("report text lacks %q:\n%s", want, buf.String())
		}
	}
}
