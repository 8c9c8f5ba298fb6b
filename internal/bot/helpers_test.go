package bot

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"supportbot"
)

// demoFAQPath is the knowledge base the tests use.
const demoFAQPath = "../kb/demo_faq.json"

// loadDemoFAQs reads the demo knowledge base, skipping the test when it is
// absent (it is written by a colleague in parallel).
func loadDemoFAQs(t testing.TB) []FAQ {
	t.Helper()
	raw, err := os.ReadFile(demoFAQPath)
	if err != nil {
		t.Skipf("no demo knowledge base: %v", err)
	}
	var entries []struct {
		ID          string   `json:"id"`
		Question    string   `json:"question"`
		Paraphrases []string `json:"paraphrases"`
		Answer      string   `json:"answer"`
		Tags        []string `json:"tags"`
	}
	if err := json.Unmarshal(raw, &entries); err != nil {
		t.Fatalf("demo knowledge base: %v", err)
	}
	out := make([]FAQ, len(entries))
	for i, e := range entries {
		out[i] = FAQ{ID: e.ID, Question: e.Question, Paraphrases: e.Paraphrases, Answer: e.Answer, Tags: e.Tags}
	}
	return out
}

// trainingCorpus parses the embedded corpus, skipping when it is empty.
func trainingCorpus(t testing.TB) []Example {
	t.Helper()
	exs, err := ParseExamples(bytes.NewReader(supportbot.TrainingCorpus))
	if err != nil {
		t.Fatalf("training corpus: %v", err)
	}
	if len(exs) == 0 {
		t.Skip("training corpus is empty")
	}
	return exs
}
