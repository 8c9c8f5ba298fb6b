package bot

import (
	"errors"
	"io/fs"
	"os"
	"testing"
)

// heldoutPath is the held-out split: read by this gate only, never used
// for training or tuning (testdata/bot/README.md).
const heldoutPath = "../../testdata/bot/heldout.jsonl"

// Quality gates. Issue 4 asks for intent accuracy of at least
// targetIntentAccuracy; the bot measures 94.4% (459/486) on the held-out
// split, so the test enforces minIntentAccuracy — the level reached, as a
// guard against regressions — and reports the remaining gap on every run.
// The gap is recorded in bench/README.md; raise minIntentAccuracy to the
// target once the bot reaches it (without tuning on this split).
const (
	targetIntentAccuracy = 0.95
	minIntentAccuracy    = 0.94
	minOrderIDAccuracy   = 0.99
)

// TestHeldOutQuality is the quality gate. It prints aggregate figures
// only (per intent, the confusion matrix), not the misclassified lines, so
// that reading its output cannot turn into tuning on the held-out split.
func TestHeldOutQuality(t *testing.T) {
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
	} else if r.Accuracy < targetIntentAccuracy {
		t.Logf("intent accuracy %.1f%% is still short of issue 4's %.0f%% target", 100*r.Accuracy, 100*targetIntentAccuracy)
	}
	if r.OrderIDTotal > 0 && r.OrderIDAccuracy < minOrderIDAccuracy {
		t.Errorf("order-id extraction %.1f%% is below %.0f%%", 100*r.OrderIDAccuracy, 100*minOrderIDAccuracy)
	}
	if r.OrderIDNegatives > 0 && float64(r.OrderIDFalsePositives) > (1-minOrderIDAccuracy)*float64(r.OrderIDNegatives) {
		t.Errorf("%d order-id false positives", r.OrderIDFalsePositives)
	}
}
