package bot

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestCrossValidation is a development aid, run with BOT_CV=1: stratified
// five-fold cross-validation on the training corpus only, for tuning rules
// and thresholds without ever looking at the held-out split. It prints the
// overall figures, per-intent accuracy (recall) and precision, the
// confusion matrix and the misclassified lines of the test folds
// (BOT_TRACE=1 adds each one's evidence). BOT_CV_SEEDS=n repeats the
// cross-validation over n different fold assignments and reports their
// mean, which steadies a comparison between two settings.
func TestCrossValidation(t *testing.T) {
	if os.Getenv("BOT_CV") == "" {
		t.Skip("set BOT_CV=1 to run the cross-validation")
	}
	exs := trainingCorpus(t)
	faqs := loadDemoFAQs(t)
	seeds := 1
	if n, err := strconv.Atoi(os.Getenv("BOT_CV_SEEDS")); err == nil && n > 0 {
		seeds = n
	}
	var all cvResult
	for seed := 0; seed < seeds; seed++ {
		r := crossValidate(t, exs, faqs, 5, uint64(seed), os.Getenv("BOT_TRACE") != "" && seed == 0)
		if seeds > 1 {
			t.Logf("seed %d: intent %.2f%%", seed, 100*ratio(r.Correct, r.Total))
		}
		all.add(r.Report)
	}
	t.Logf("intent %.2f%% (%d/%d) order %d/%d fp %d faq top-1 %d/%d", 100*ratio(all.Correct, all.Total), all.Correct, all.Total,
		all.OrderIDCorrect, all.OrderIDTotal, all.OrderIDFalsePositives, all.FAQCorrect, all.FAQTotal)
	var hdr strings.Builder
	fmt.Fprintf(&hdr, "%-15s %6s %6s  ", "labelled", "acc", "prec")
	for _, in := range intentList {
		fmt.Fprintf(&hdr, "%6s", shortIntent[in])
	}
	t.Log(hdr.String())
	for i, in := range intentList {
		row := all.Confusion[i]
		sum, pred := 0, 0
		for j, v := range row {
			sum += v
			pred += all.Confusion[j][i]
		}
		var sb strings.Builder
		fmt.Fprintf(&sb, "%-15s %5.1f%% %5.1f%%  ", in, 100*ratio(row[i], sum), 100*ratio(row[i], pred))
		for _, v := range row {
			fmt.Fprintf(&sb, "%6d", v)
		}
		t.Log(sb.String())
	}
	if seeds > 1 {
		return
	}
	var sb strings.Builder
	for _, e := range all.Errors {
		sb.WriteString("  " + string(e.Want) + " → " + string(e.Got) + "  " + e.Text)
		if e.WantOrder != e.GotOrder {
			sb.WriteString("   [order want " + e.WantOrder + " got " + e.GotOrder + "]")
		}
		sb.WriteString("\n")
	}
	t.Log("\n" + sb.String())
}

// TestLaterLines is a development aid, run with BOT_CV_SPLIT=n: it trains
// on the first n lines of the training corpus and evaluates on the rest.
// Lines appended to the corpus later were written independently of the
// earlier ones (and of the rules, which were written looking at those), so
// this measures how the bot copes with phrasings it has never seen, the
// way the held-out split does, without touching the held-out split.
func TestLaterLines(t *testing.T) {
	n, err := strconv.Atoi(os.Getenv("BOT_CV_SPLIT"))
	if err != nil {
		t.Skip("set BOT_CV_SPLIT=n to train on the first n corpus lines and test on the rest")
	}
	exs := trainingCorpus(t)
	if n <= 0 || n >= len(exs) {
		t.Fatalf("BOT_CV_SPLIT=%d: the corpus has %d lines", n, len(exs))
	}
	b, err := New(exs[:n], loadDemoFAQs(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := Evaluate(b, exs[n:])
	t.Logf("intent %.2f%% (%d/%d) faq top-1 %d/%d", 100*r.Accuracy, r.Correct, r.Total, r.FAQCorrect, r.FAQTotal)
	for i, in := range intentList {
		t.Logf("%-15s %5.1f%% %v", in, 100*r.PerIntent[i].Accuracy, r.Confusion[i])
	}
	for _, e := range r.Errors {
		if e.Want != e.Got {
			t.Logf("  %s → %s  %s", e.Want, e.Got, e.Text)
		}
	}
}

// cvResult sums the reports of the folds.
type cvResult struct {
	Report
}

func (a *cvResult) add(r Report) {
	if a.Confusion == nil {
		a.Confusion = make([][]int, numIntents)
		for i := range a.Confusion {
			a.Confusion[i] = make([]int, numIntents)
		}
	}
	a.Total += r.Total
	a.Correct += r.Correct
	a.OrderIDTotal += r.OrderIDTotal
	a.OrderIDCorrect += r.OrderIDCorrect
	a.OrderIDFalsePositives += r.OrderIDFalsePositives
	a.FAQTotal += r.FAQTotal
	a.FAQCorrect += r.FAQCorrect
	for i := range r.Confusion {
		for j := range r.Confusion[i] {
			a.Confusion[i][j] += r.Confusion[i][j]
		}
	}
	a.Errors = append(a.Errors, r.Errors...)
}

// cvFolds assigns each example to one of k folds, stratified by intent:
// within each intent the examples are dealt round-robin, in corpus order
// for seed 0 and in a seeded pseudo-random order otherwise.
func cvFolds(exs []Example, k int, seed uint64) []int {
	fold := make([]int, len(exs))
	byIntent := map[Intent][]int{}
	for i, ex := range exs {
		byIntent[ex.Intent] = append(byIntent[ex.Intent], i)
	}
	state := seed*0x9e3779b97f4a7c15 + 1
	for _, in := range intentList {
		idx := byIntent[in]
		if seed != 0 {
			for i := len(idx) - 1; i > 0; i-- {
				state = state*6364136223846793005 + 1442695040888963407
				j := int((state >> 33) % uint64(i+1))
				idx[i], idx[j] = idx[j], idx[i]
			}
		}
		for n, i := range idx {
			fold[i] = n % k
		}
	}
	return fold
}

// crossValidate trains on k-1 folds and evaluates on the k-th, k times.
func crossValidate(t *testing.T, exs []Example, faqs []FAQ, k int, seed uint64, trace bool) cvResult {
	t.Helper()
	folds := cvFolds(exs, k, seed)
	var all cvResult
	for fold := 0; fold < k; fold++ {
		var tr, te []Example
		for i, ex := range exs {
			if folds[i] == fold {
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
		if trace {
			for _, e := range r.Errors {
				if e.Want == e.Got {
					continue
				}
				t.Logf("%s → %s %q\n%s", e.Want, e.Got, e.Text, explain(b, e.Text))
			}
		}
		all.add(r)
	}
	return all
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
	sc.names, sc.addressed = st.namesOutOfDomain(p, sc)
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
