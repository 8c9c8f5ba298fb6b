package bot

import (
	"errors"
	"io/fs"
	"os"
	"strings"
	"testing"
	"unicode"
)

// heldoutPath is the held-out split: read by this gate only, never used
// for training or tuning (testdata/bot/README.md).
const heldoutPath = "../../testdata/bot/heldout.jsonl"

// Quality gates from issue 4: intent accuracy and order-number extraction
// on the held-out split. The bot measures 95.1% (462/486), exactly the
// 462 the intent gate needs (bench/README.md, "Understanding quality").
const (
	minIntentAccuracy  = 0.95
	minOrderIDAccuracy = 0.99
)

// TestHeldOutQuality is the quality gate. It prints aggregate figures
// only (per intent, the confusion matrix), not the misclassified lines, so
// that reading its output cannot turn into tuning on the held-out split.
func TestHeldOutQuality(t *testing.T) {
	heldout := heldOut(t)
	if len(heldout) == 0 {
		t.Skip("held-out split is empty")
	}
	// Built as the server builds it: trained first, the knowledge base set
	// afterwards (supportbot serve and bot eval do the same), so the gate
	// measures what customers get.
	b, err := New(trainingCorpus(t), nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.SetKnowledgeBase(loadDemoFAQs(t)); err != nil {
		t.Fatal(err)
	}
	r := Evaluate(b, heldout)
	t.Logf("intent accuracy %.1f%% (%d/%d)", 100*r.Accuracy, r.Correct, r.Total)
	for _, s := range r.PerIntent {
		t.Logf("  %-15s accuracy %5.1f%%  precision %5.1f%%  (%d/%d)", s.Intent, 100*s.Accuracy, 100*s.Precision, s.TP, s.Support)
	}
	t.Logf("order-id extraction %.1f%% (%d/%d), false positives %d of %d lines without an id",
		100*r.OrderIDAccuracy, r.OrderIDCorrect, r.OrderIDTotal, r.OrderIDFalsePositives, r.OrderIDNegatives)
	t.Logf("faq top-1 %.1f%% (%d/%d) (not gated)", 100*r.FAQAccuracy, r.FAQCorrect, r.FAQTotal)
	for i, row := range r.Confusion {
		t.Logf("  confusion %-15s %v", intentList[i], row)
	}
	if r.Accuracy < minIntentAccuracy {
		t.Errorf("intent accuracy %.1f%% is below %.0f%%", 100*r.Accuracy, 100*minIntentAccuracy)
	}
	if r.OrderIDTotal > 0 && r.OrderIDAccuracy < minOrderIDAccuracy {
		t.Errorf("order-id extraction %.1f%% is below %.0f%%", 100*r.OrderIDAccuracy, 100*minOrderIDAccuracy)
	}
	if r.OrderIDNegatives > 0 && float64(r.OrderIDFalsePositives) > (1-minOrderIDAccuracy)*float64(r.OrderIDNegatives) {
		t.Errorf("%d order-id false positives", r.OrderIDFalsePositives)
	}
}

// TestHeldOutLinesAreNotInTraining keeps the split honest: no training line
// is a held-out line up to case, punctuation and spacing, which the bot
// folds away anyway, so such a line would be remembered, not understood.
// It reads only the held-out texts, never how the bot does on them.
func TestHeldOutLinesAreNotInTraining(t *testing.T) {
	heldout := heldOut(t)
	key := func(s string) string {
		var b strings.Builder
		for _, r := range strings.ToLower(s) {
			switch {
			case unicode.IsLetter(r) || unicode.IsDigit(r):
				b.WriteRune(r)
			case unicode.IsSpace(r):
				b.WriteByte(' ')
			}
		}
		return strings.Join(strings.Fields(b.String()), " ")
	}
	held := map[string]bool{}
	for _, e := range heldout {
		held[e.Text] = true
		if k := key(e.Text); k != "" {
			held[k] = true
		}
	}
	for _, e := range trainingCorpus(t) {
		if k := key(e.Text); held[e.Text] || (k != "" && held[k]) {
			t.Errorf("training line %q is a held-out line", e.Text)
		}
	}
}

// heldOut parses the held-out split, skipping when it is absent.
func heldOut(t *testing.T) []Example {
	t.Helper()
	f, err := os.Open(heldoutPath)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skip("no held-out split")
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	heldout, err := ParseExamples(f)
	if err != nil {
		t.Fatal(err)
	}
	return heldout
}
