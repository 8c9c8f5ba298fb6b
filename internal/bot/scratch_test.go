package bot

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

func TestScratch(t *testing.T) {
	if os.Getenv("BOT_SCRATCH") == "" {
		t.Skip()
	}
	b, err := New(trainingCorpus(t), loadDemoFAQs(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range strings.Split(os.Getenv("BOT_SCRATCH"), "|") {
		u := b.Understand(m)
		faq, sug := "", ""
		if u.FAQ != nil {
			faq = fmt.Sprintf("%s(%.2f)", u.FAQ.FAQ.ID, u.FAQ.Score)
		}
		if u.Suggestion != nil {
			sug = fmt.Sprintf("%s(%.2f)", u.Suggestion.FAQ.ID, u.Suggestion.Score)
		}
		t.Logf("%-45q %-14s %.2f oid=%q email=%q faq=%s sug=%s yes=%v no=%v toks=%v", m, u.Intent, u.Confidence, u.OrderID, u.Email, faq, sug, u.Affirmative, u.Negative, b.Tokens(m))
	}
}
