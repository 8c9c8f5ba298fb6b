package dialogue

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"supportbot/internal/bot"
)

// slotConfidence is the confidence below which a message that carries an
// order number is taken as the answer to "Which order?" rather than as a
// new request.
const slotConfidence = 0.6

// Quick replies offered with most answers.
var (
	menu          = []string{"Track my order", "Show my orders", "Return an item", "Talk to a person"}
	yesNoCancel   = []string{"Yes, cancel it", "No, keep it"}
	yesNoReturn   = []string{"Yes, return it", "No, keep it"}
	afterHandoff  = []string{}
	maxSuggestion = 4
)

// Step answers one message. u is what internal/bot understood of the
// (already cleaned and redacted) message; st is the conversation's state
// before it. It returns the reply and the state after it. An error means
// the orders could not be reached; the caller answers it as a server
// error, and the state is unchanged.
func (e *Engine) Step(ctx context.Context, st State, u bot.Understanding, o Orders) (Reply, State, error) {
	if st.Confirm != "" && u.OrderID != "" && u.OrderID != st.OrderID {
		// "yes, cancel ORD003 instead": a yes about another order is a new
		// request, never the confirmation of the pending one (found by
		// review).
		st = State{OrderID: st.OrderID}
	}
	if st.Confirm != "" {
		switch {
		case u.Affirmative && !u.Negative:
			return e.confirmed(ctx, st, u, o)
		case u.Negative:
			r := e.reply(u, st.Confirm, fmt.Sprintf("No problem, I've left order %s as it is. Anything else I can help with?", st.OrderID), menu)
			r.OrderID = st.OrderID
			return r, State{OrderID: st.OrderID}, nil
		case u.OrderID == "" && !decisive(u):
			verb := "cancel"
			if st.Confirm == bot.IntentReturnRequest {
				verb = "return"
			}
			r := e.reply(u, st.Confirm, fmt.Sprintf("Please answer yes or no: shall I %s order %s?", verb, st.OrderID), yesNo(st.Confirm))
			r.OrderID = st.OrderID
			return r, st, nil
		}
		// A new, clear request: the confirmation lapses.
		st = State{OrderID: st.OrderID}
	}

	intent := u.Intent
	orderID := u.OrderID
	if st.Pending != "" {
		switch {
		case orderID != "" && (intent == bot.IntentFallback || intent == bot.IntentOrderStatus || intent == st.Pending || u.Confidence < slotConfidence):
			intent = st.Pending // "ORD001" answers "Which order?"
		case orderID == "" && u.Negative:
			return e.reply(u, intent, "No problem. What else can I help you with?", menu), State{}, nil
		case orderID == "" && !decisive(u):
			st.Fallbacks++
			if st.Fallbacks >= HandoffAfterFallbacks {
				return e.handoff(u, "I'm sorry, I'm not getting this right."), State{}, nil
			}
			r := e.reply(u, st.Pending, "I need the order number to help with that. It looks like ORD001 and is in your order confirmation email.", nil)
			r.Suggestions = e.orderSuggestions(ctx, o, st.Pending)
			return r, st, nil
		}
	}
	st.Pending = ""

	switch intent {
	case bot.IntentGreeting:
		return e.reply(u, intent, "Hi! I can track, cancel or return your orders, and answer questions about shipping, returns and payments. How can I help?", menu), reset(st), nil
	case bot.IntentThanks:
		return e.reply(u, intent, "You're welcome! Is there anything else I can do for you?", menu), reset(st), nil
	case bot.IntentGoodbye:
		return e.reply(u, intent, "Thanks for chatting with us. Have a great day!", nil), State{}, nil
	case bot.IntentHumanHandoff:
		return e.handoff(u, ""), State{}, nil
	case bot.IntentOrderList:
		return e.list(ctx, u, st, o)
	case bot.IntentOrderStatus, bot.IntentCancelOrder, bot.IntentReturnRequest, bot.IntentRefundStatus:
		if orderID == "" {
			r := e.reply(u, intent, "Which order number is it about? It looks like ORD001 and is in your order confirmation email.", nil)
			r.Suggestions = e.orderSuggestions(ctx, o, intent)
			return r, State{Pending: intent, OrderID: st.OrderID}, nil
		}
		return e.orderRequest(ctx, u, intent, orderID, o)
	case bot.IntentFAQ:
		if u.FAQ != nil {
			return e.faq(u), reset(st), nil
		}
	}
	// Fallback, or an FAQ question the knowledge base cannot answer.
	st.Fallbacks++
	if st.Fallbacks >= HandoffAfterFallbacks {
		return e.handoff(u, "I'm sorry, I don't seem to understand."), State{}, nil
	}
	r := e.reply(u, bot.IntentFallback, "Sorry, I didn't quite get that. I can track, cancel or return an order, list your orders, or answer questions about shipping, returns and payments.", menu)
	return r, State{Fallbacks: st.Fallbacks, OrderID: st.OrderID}, nil
}

// decisive reports whether a message is a clear request of its own (not
// small talk, not misunderstood), so it may interrupt a pending question.
func decisive(u bot.Understanding) bool {
	switch u.Intent {
	case bot.IntentFallback, bot.IntentGreeting, bot.IntentThanks:
		return false
	}
	return u.Confidence >= slotConfidence
}

// reset keeps the order in context and forgets everything else.
func reset(st State) State { return State{OrderID: st.OrderID} }

func (e *Engine) reply(u bot.Understanding, intent bot.Intent, text string, suggestions []string) Reply {
	if suggestions == nil {
		suggestions = []string{}
	}
	return Reply{Text: text, Intent: intent, Confidence: u.Confidence, Suggestions: suggestions}
}

func yesNo(confirm bot.Intent) []string {
	if confirm == bot.IntentReturnRequest {
		return yesNoReturn
	}
	return yesNoCancel
}

func (e *Engine) handoff(u bot.Understanding, apology string) Reply {
	text := "I'm passing you to a member of our support team. They'll read this conversation and reply here as soon as they can."
	if apology != "" {
		text = apology + " " + text
	}
	r := e.reply(u, bot.IntentHumanHandoff, text, afterHandoff)
	r.Handoff = true
	return r
}

func (e *Engine) faq(u bot.Understanding) Reply {
	r := e.reply(u, bot.IntentFAQ, u.FAQ.FAQ.Answer, nil)
	r.FAQID = u.FAQ.FAQ.ID
	if u.Suggestion != nil {
		r.Suggestions = append(r.Suggestions, u.Suggestion.FAQ.Question)
	}
	r.Suggestions = append(r.Suggestions, "Talk to a person")
	return r
}

// orderSuggestions offers the customer's most recent orders that the
// intent applies to, as quick replies for "Which order?".
func (e *Engine) orderSuggestions(ctx context.Context, o Orders, intent bot.Intent) []string {
	list, err := o.List(ctx)
	if err != nil {
		return []string{} // suggestions are a convenience; the question stands
	}
	out := []string{}
	for _, ord := range list {
		if len(out) == maxSuggestion-1 {
			break
		}
		if e.applies(intent, ord) {
			out = append(out, ord.Number)
		}
	}
	return out
}

// applies reports whether an order is a sensible suggestion for intent.
func (e *Engine) applies(intent bot.Intent, o Order) bool {
	switch intent {
	case bot.IntentCancelOrder:
		return o.Status == "pending" || o.Status == "processing"
	case bot.IntentReturnRequest:
		return o.Status == "delivered" && !e.now().After(o.ReturnDeadline)
	case bot.IntentRefundStatus:
		return o.Status == "return_requested" || o.Status == "returned" || o.Status == "refunded" || o.Status == "cancelled"
	}
	return true
}

func (e *Engine) list(ctx context.Context, u bot.Understanding, st State, o Orders) (Reply, State, error) {
	list, err := o.List(ctx)
	if err != nil {
		return Reply{}, st, fmt.Errorf("dialogue: list orders: %w", err)
	}
	if len(list) == 0 {
		return e.reply(u, bot.IntentOrderList, "I can't see any orders on your account yet.", []string{"Talk to a person"}), reset(st), nil
	}
	text := "Here are your most recent orders:"
	shown := list
	if len(shown) > 5 {
		shown = shown[:5]
	}
	suggestions := []string{}
	for _, ord := range shown {
		text += "\n• " + ord.Number + ": " + statusWord(ord.Status)
		if len(suggestions) < maxSuggestion {
			suggestions = append(suggestions, "Track "+ord.Number)
		}
	}
	if len(list) > len(shown) {
		text += fmt.Sprintf("\n…and %d older ones.", len(list)-len(shown))
	}
	return e.reply(u, bot.IntentOrderList, text, suggestions), reset(st), nil
}

// orderRequest handles an order intent once the number is known.
func (e *Engine) orderRequest(ctx context.Context, u bot.Understanding, intent bot.Intent, number string, o Orders) (Reply, State, error) {
	ord, err := o.Find(ctx, number)
	if errors.Is(err, ErrOrderNotFound) {
		r := e.reply(u, intent, fmt.Sprintf("I couldn't find order %s on your account. Please check the number in your confirmation email.", number), []string{"Show my orders", "Talk to a person"})
		r.OrderID = number
		return r, State{}, nil
	}
	if err != nil {
		return Reply{}, State{}, fmt.Errorf("dialogue: find order: %w", err)
	}
	st := State{OrderID: ord.Number}
	var r Reply
	switch intent {
	case bot.IntentOrderStatus:
		r = e.reply(u, intent, e.statusText(ord), e.statusSuggestions(ord))
	case bot.IntentRefundStatus:
		r = e.reply(u, intent, e.refundText(ord), []string{"Talk to a person"})
	case bot.IntentCancelOrder:
		if text, ok := e.cannotCancel(ord); !ok {
			r = e.reply(u, intent, text, e.statusSuggestions(ord))
			break
		}
		r = e.reply(u, intent, fmt.Sprintf("Just to confirm: shall I cancel order %s (%s, %s)? Please answer yes or no.",
			ord.Number, items(ord.Items), Money(ord.TotalCents, ord.Currency)), yesNoCancel)
		st.Confirm = intent
	case bot.IntentReturnRequest:
		if text, ok := e.cannotReturn(ord); !ok {
			r = e.reply(u, intent, text, e.statusSuggestions(ord))
			break
		}
		r = e.reply(u, intent, fmt.Sprintf("Just to confirm: shall I start a return for order %s (%s, %s)? Please answer yes or no.",
			ord.Number, items(ord.Items), Money(ord.TotalCents, ord.Currency)), yesNoReturn)
		st.Confirm = intent
	}
	r.OrderID = ord.Number
	return r, st, nil
}

// confirmed carries out the change the customer just said yes to.
func (e *Engine) confirmed(ctx context.Context, st State, u bot.Understanding, o Orders) (Reply, State, error) {
	intent := st.Confirm
	var (
		ord Order
		err error
	)
	if intent == bot.IntentCancelOrder {
		ord, err = o.Cancel(ctx, st.OrderID)
	} else {
		ord, err = o.Return(ctx, st.OrderID)
	}
	var na *NotAllowedError
	switch {
	case errors.Is(err, ErrOrderNotFound):
		r := e.reply(u, intent, fmt.Sprintf("I couldn't find order %s on your account.", st.OrderID), menu)
		r.OrderID = st.OrderID
		return r, State{}, nil
	case errors.As(err, &na):
		// The order moved on since the question (shipped meanwhile, say).
		text, _ := e.cannotCancel(na.Order)
		if intent == bot.IntentReturnRequest {
			text, _ = e.cannotReturn(na.Order)
		}
		r := e.reply(u, intent, text, e.statusSuggestions(na.Order))
		r.OrderID = st.OrderID
		return r, State{OrderID: st.OrderID}, nil
	case err != nil:
		return Reply{}, st, fmt.Errorf("dialogue: %s: %w", intent, err)
	}
	var text string
	if intent == bot.IntentCancelOrder {
		text = fmt.Sprintf("Done: order %s is cancelled. If you paid already, the refund of %s reaches your account within 5-10 business days.",
			ord.Number, Money(ord.TotalCents, ord.Currency))
	} else {
		text = fmt.Sprintf("Done: your return for order %s is registered. We'll email you a prepaid return label; your refund follows 5-10 business days after the parcel reaches us.", ord.Number)
	}
	r := e.reply(u, intent, text, menu)
	r.OrderID = ord.Number
	return r, State{OrderID: ord.Number}, nil
}

// Menu returns the bot's main choices, the quick replies it offers after a
// welcome or a finished task (a copy: the caller may keep it).
func Menu() []string { return slices.Clone(menu) }
