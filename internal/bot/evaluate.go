package bot

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Report measures a Brain against labelled examples: what the CLI prints
// (`supportbot bot eval`) and what the held-out gate checks.
type Report struct {
	Total    int
	Correct  int
	Accuracy float64
	// PerIntent has one row per intent, in Intents() order.
	PerIntent []IntentStats
	// Confusion[i][j] counts examples labelled Intents()[i] that were
	// classified as Intents()[j].
	Confusion [][]int
	// Order numbers: over examples that name one, how many were extracted
	// exactly; over those that do not, how many got one anyway.
	OrderIDTotal          int
	OrderIDCorrect        int
	OrderIDAccuracy       float64
	OrderIDFalsePositives int
	OrderIDNegatives      int // examples without an order id
	// FAQ: over examples with a faq_id, how often the top knowledge-base
	// hit (Understanding.FAQ, else the best search result) is that entry.
	FAQTotal    int
	FAQCorrect  int
	FAQAccuracy float64
	// Errors lists the misclassified examples (capped) for inspection.
	Errors []EvalError
}

// IntentStats is one intent's row of a Report. Accuracy is the share of
// the intent's examples classified correctly (its recall), the figure the
// quality gate reads per intent.
type IntentStats struct {
	Intent    Intent
	Support   int // examples labelled with the intent
	Predicted int // examples classified as the intent
	TP        int
	Precision float64
	Recall    float64
	Accuracy  float64
	F1        float64
}

// EvalError is one misclassified or mis-extracted example.
type EvalError struct {
	Text      string
	Want      Intent
	Got       Intent
	WantOrder string
	GotOrder  string
}

// maxReportErrors bounds Report.Errors.
const maxReportErrors = 200

// Evaluate runs b over examples and measures intent, order-number and FAQ
// accuracy.
func Evaluate(b *Brain, examples []Example) Report {
	r := Report{Total: len(examples)}
	n := numIntents
	r.Confusion = make([][]int, n)
	for i := range r.Confusion {
		r.Confusion[i] = make([]int, n)
	}
	for _, ex := range examples {
		u := b.Understand(ex.Text)
		want, got := intentIndex(ex.Intent), intentIndex(u.Intent)
		if want >= 0 && got >= 0 {
			r.Confusion[want][got]++
		}
		if want == got {
			r.Correct++
		}
		wantOrder := canonicalOrderID(ex.OrderID)
		orderOK := true
		if wantOrder != "" {
			r.OrderIDTotal++
			if u.OrderID == wantOrder {
				r.OrderIDCorrect++
			} else {
				orderOK = false
			}
		} else {
			r.OrderIDNegatives++
			if u.OrderID != "" {
				r.OrderIDFalsePositives++
				orderOK = false
			}
		}
		if ex.FAQID != "" {
			r.FAQTotal++
			top := ""
			if u.FAQ != nil {
				top = u.FAQ.FAQ.ID
			} else if hits := b.SearchFAQ(ex.Text, 1); len(hits) > 0 {
				top = hits[0].FAQ.ID
			}
			if top == ex.FAQID {
				r.FAQCorrect++
			}
		}
		if (want != got || !orderOK) && len(r.Errors) < maxReportErrors {
			r.Errors = append(r.Errors, EvalError{Text: ex.Text, Want: ex.Intent, Got: u.Intent,
				WantOrder: wantOrder, GotOrder: u.OrderID})
		}
	}
	r.Accuracy = ratio(r.Correct, r.Total)
	r.OrderIDAccuracy = ratio(r.OrderIDCorrect, r.OrderIDTotal)
	r.FAQAccuracy = ratio(r.FAQCorrect, r.FAQTotal)
	for i, in := range intentList {
		st := IntentStats{Intent: in, TP: r.Confusion[i][i]}
		for j := 0; j < n; j++ {
			st.Support += r.Confusion[i][j]
			st.Predicted += r.Confusion[j][i]
		}
		st.Precision = ratio(st.TP, st.Predicted)
		st.Recall = ratio(st.TP, st.Support)
		st.Accuracy = st.Recall
		if st.Precision+st.Recall > 0 {
			st.F1 = 2 * st.Precision * st.Recall / (st.Precision + st.Recall)
		}
		r.PerIntent = append(r.PerIntent, st)
	}
	return r
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// shortIntent abbreviates intents for the confusion matrix columns.
var shortIntent = map[Intent]string{
	IntentGreeting: "greet", IntentThanks: "thank", IntentGoodbye: "bye",
	IntentOrderStatus: "status", IntentOrderList: "list", IntentCancelOrder: "cancel",
	IntentReturnRequest: "return", IntentRefundStatus: "refund", IntentFAQ: "faq",
	IntentHumanHandoff: "human", IntentFallback: "fallbk",
}

// WriteText prints the report as readable tables: the totals, one row per
// intent, and the confusion matrix (rows: labelled, columns: predicted).
func (r Report) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	p := func(format string, a ...any) { fmt.Fprintf(tw, format, a...) }
	p("examples\t%d\t\n", r.Total)
	p("intent accuracy\t%.1f%%\t(%d/%d)\n", 100*r.Accuracy, r.Correct, r.Total)
	p("order-id extraction\t%.1f%%\t(%d/%d)\n", 100*r.OrderIDAccuracy, r.OrderIDCorrect, r.OrderIDTotal)
	p("order-id false positives\t%d\t(of %d without an id)\n", r.OrderIDFalsePositives, r.OrderIDNegatives)
	p("faq top-1\t%.1f%%\t(%d/%d)\n", 100*r.FAQAccuracy, r.FAQCorrect, r.FAQTotal)
	p("\t\t\n")
	p("intent\tsupport\tpredicted\tprecision\trecall\tF1\t\n")
	for _, s := range r.PerIntent {
		p("%s\t%d\t%d\t%.3f\t%.3f\t%.3f\t\n", s.Intent, s.Support, s.Predicted, s.Precision, s.Recall, s.F1)
	}
	p("\t\t\n")
	var hdr strings.Builder
	hdr.WriteString("labelled \\ predicted\t")
	for _, in := range intentList {
		hdr.WriteString(shortIntent[in] + "\t")
	}
	p("%s\n", hdr.String())
	for i, in := range intentList {
		var row strings.Builder
		row.WriteString(string(in) + "\t")
		for j := range intentList {
			if i < len(r.Confusion) && j < len(r.Confusion[i]) {
				fmt.Fprintf(&row, "%d\t", r.Confusion[i][j])
			}
		}
		p("%s\n", row.String())
	}
	return tw.Flush()
}
