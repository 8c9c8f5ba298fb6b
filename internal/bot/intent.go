package bot

import "fmt"

// Intent is what a customer message asks the bot to do.
type Intent string

// The eleven intents the bot knows. Their string values appear in the
// training corpus, the API and logs, so they never change.
const (
	IntentGreeting      Intent = "greeting"
	IntentThanks        Intent = "thanks"
	IntentGoodbye       Intent = "goodbye"
	IntentOrderStatus   Intent = "order_status"
	IntentOrderList     Intent = "order_list"
	IntentCancelOrder   Intent = "cancel_order"
	IntentReturnRequest Intent = "return_request"
	IntentRefundStatus  Intent = "refund_status"
	IntentFAQ           Intent = "faq"
	IntentHumanHandoff  Intent = "human_handoff"
	IntentFallback      Intent = "fallback"
)

// intentList is the fixed order used for model rows, reports and Intents.
var intentList = [...]Intent{
	IntentGreeting, IntentThanks, IntentGoodbye,
	IntentOrderStatus, IntentOrderList, IntentCancelOrder,
	IntentReturnRequest, IntentRefundStatus, IntentFAQ,
	IntentHumanHandoff, IntentFallback,
}

// numIntents sizes the per-intent arrays of the classifier.
const numIntents = len(intentList)

// Intents returns all eleven intents in a fixed order (the order of the
// constants), so reports and confusion matrices line up between runs.
func Intents() []Intent {
	out := make([]Intent, numIntents)
	copy(out, intentList[:])
	return out
}

// ParseIntent returns the Intent named s, or an error for any other
// string, so a typo in a corpus file fails loudly instead of training a
// twelfth class.
func ParseIntent(s string) (Intent, error) {
	if i := intentIndex(Intent(s)); i >= 0 {
		return intentList[i], nil
	}
	return "", fmt.Errorf("bot: unknown intent %q", s)
}

// intentIndex is the row of in in intentList, or -1.
func intentIndex(in Intent) int {
	for i, x := range intentList {
		if x == in {
			return i
		}
	}
	return -1
}

// social reports whether the intent is small talk, which must never win
// over a request in the same message ("hi, where is ORD001?").
func (in Intent) social() bool {
	return in == IntentGreeting || in == IntentThanks || in == IntentGoodbye
}
