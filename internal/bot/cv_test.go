package bot

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestCrossValidation is a development aid, run with BOT_CV=1: five-fold
// cross-validation on the training corpus only, for tuning rules and
// thresholds without ever looking at the held-out split.
func TestCrossValidation(t *testing.T) {
	if os.Getenv("BOT_CV") == "" {
		t.Skip("set BOT_CV=1 to run the cross-validation")
	}
	exs := trainingCorpus(t)
	faqs := loadDemoFAQs(t)
	const k = 5
	var all Report
	var errs []EvalError
	var agg Report
	agg.Confusion = make([][]int, numIntents)
	for i := range agg.Confusion {
		agg.Confusion[i] = make([]int, numIntents)
	}
	for fold := 0; fold < k; fold++ {
		var tr, te []Example
		for i, ex := range exs {
			if i%k == fold {
				te = append(te, ex)
			} else {
				tr = append(tr, ex)
			}
		}
		b, err := New(tr, faqs, Options{})
		if err != nil {
			t.Fatal(err)
		}
		r := Evaluate(b, te)
		if os.Getenv("BOT_TRACE") != "" {
			for _, e := range r.Errors {
				if e.Want == e.Got {
					continue
				}
				t.Logf("%s → %s %q\n%s", e.Want, e.Got, e.Text, explain(b, e.Text))
			}
		}
		all.Total += r.Total
		all.Correct += r.Correct
		all.OrderIDTotal += r.OrderIDTotal
		all.OrderIDCorrect += r.OrderIDCorrect
		all.OrderIDFalsePositives += r.OrderIDFalsePositives
		all.FAQTotal += r.FAQTotal
		all.FAQCorrect += r.FAQCorrect
		for i := range r.Confusion {
			for j := range r.Confusion[i] {
				agg.Confusion[i][j] += r.Confusion[i][j]
			}
		}
		errs = append(errs, r.Errors...)
	}
	t.Logf("intent %.1f%% (%d/%d) order %d/%d fp %d faq %d/%d", 100*ratio(all.Correct, all.Total), all.Correct, all.Total,
		all.OrderIDCorrect, all.OrderIDTotal, all.OrderIDFalsePositives, all.FAQCorrect, all.FAQTotal)
	for i, in := range intentList {
		row := agg.Confusion[i]
		sum := 0
		for _, v := range row {
			sum += v
		}
		t.Logf("%-15s %5.1f%% %v", in, 100*ratio(row[i], sum), row)
	}
	var sb strings.Builder
	for _, e := range errs {
		sb.WriteString("  " + string(e.Want) + " → " + string(e.Got) + "  " + e.Text)
		if e.WantOrder != e.GotOrder {
			sb.WriteString("   [order want " + e.WantOrder + " got " + e.GotOrder + "]")
		}
		sb.WriteString("\n")
	}
	t.Log("\n" + sb.String())
}

// TestFAQScores prints the distribution of the top BM25 score and coverage
// for faq and other lines (BOT_CV=1), to place FAQMinScore.
func TestFAQScores(t *testing.T) {
	if os.Getenv("BOT_CV") == "" {
		t.Skip("set BOT_CV=1")
	}
	exs := trainingCorpus(t)
	faqs := loadDemoFAQs(t)
	const k = 5
	type row struct {
		faq      bool
		right    bool
		score    float64
		cov      float64
		text, id string
	}
	var rows []row
	for fold := 0; fold < k; fold++ {
		var tr, te []Example
		for i, ex := range exs {
			if i%k == fold {
				te = append(te, ex)
			} else {
				tr = append(tr, ex)
			}
		}
		b, _ := New(tr, faqs, Options{})
		for _, ex := range te {
			st := b.state.Load()
			sc := getScratch()
			st.lx.analyze(b.prepare(ex.Text), st.corr, sc, false, true)
			hits := st.index.search(sc.ids, 1, sc, st.lx)
			r := row{faq: ex.Intent == IntentFAQ, cov: sc.coverage, text: ex.Text}
			if len(hits) > 0 {
				r.score = hits[0].Score
				r.right = hits[0].FAQ.ID == ex.FAQID
				r.id = hits[0].FAQ.ID
			}
			putScratch(sc)
			rows = append(rows, r)
		}
	}
	for _, th := range []float64{2, 3, 4, 5, 6, 7, 8} {
		for _, cv := range []float64{0, 0.34, 0.5, 0.67} {
			var faqAbove, faqRight, otherAbove int
			for _, r := range rows {
				above := r.score >= th && r.cov >= cv
				if r.faq && above {
					faqAbove++
					if r.right {
						faqRight++
					}
				}
				if !r.faq && above {
					otherAbove++
				}
			}
			t.Logf("th %.0f cov %.2f: faq above %d (right %d) other above %d", th, cv, faqAbove, faqRight, otherAbove)
		}
	}
}

// explain formats the classifier's evidence for text.
func explain(b *Brain, text string) string {
	st := b.state.Load()
	sc := getScratch()
	defer putScratch(sc)
	p := b.prepare(text)
	st.lx.analyze(p, st.corr, sc, false, true)
	hits := st.index.search(sc.ids, 1, sc, st.lx)
	fs := 0.0
	if len(hits) > 0 {
		fs = hits[0].Score * sc.coverage
	}
	var parts scoreParts
	b.clf.score(sc, st, b.orders.extract(p) != "", fs, sc.coverage, &parts)
	var sb strings.Builder
	fmt.Fprintf(&sb, "    tokens %v social=%v faq=%.2f\n", b.Tokens(text), b.clf.mostlySocial(sc.ids), parts.faq)
	q := softmax(parts.z)
	for k, in := range intentList {
		if q[k] < 0.01 && parts.rules[k] == 0 {
			continue
		}
		fmt.Fprintf(&sb, "    %-15s nb %6.2f lr %6.2f rules %5.2f z %6.2f q %.2f\n", in, parts.nb[k], parts.lr[k], parts.rules[k], parts.z[k], q[k])
	}
	return sb.String()
}
