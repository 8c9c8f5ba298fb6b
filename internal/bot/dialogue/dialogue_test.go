package dialogue

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"supportbot/internal/bot"
)

var now = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

// shop is a fake Orders holding one customer's orders.
type shop struct {
	orders    map[string]Order
	cancelled []string
	returned  []string
}

func newShop() *shop {
	return &shop{orders: map[string]Order{
		"ORD001": {Number: "ORD001", Status: "shipped", Items: 2, TotalCents: 4500, Currency: "EUR", Carrier: "DHL", Tracking: "JD0123", EstimatedDelivery: now.Add(48 * time.Hour)},
		"ORD002": {Number: "ORD002", Status: "processing", Items: 1, TotalCents: 1999, Currency: "EUR"},
		"ORD003": {Number: "ORD003", Status: "pending", Items: 3, TotalCents: 8990, Currency: "EUR"},
		"ORD004": {Number: "ORD004", Status: "delivered", Items: 1, TotalCents: 2500, Currency: "EUR", DeliveredAt: now.Add(-5 * 24 * time.Hour), ReturnDeadline: now.Add(25 * 24 * time.Hour)},
		"ORD005": {Number: "ORD005", Status: "delivered", Items: 1, TotalCents: 2500, Currency: "EUR", DeliveredAt: now.Add(-40 * 24 * time.Hour), ReturnDeadline: now.Add(-10 * 24 * time.Hour)},
		"ORD006": {Number: "ORD006", Status: "returned", Items: 1, TotalCents: 3000, Currency: "EUR"},
	}}
}

func (s *shop) Find(_ context.Context, n string) (Order, error) {
	o, ok := s.orders[n]
	if !ok {
		return Order{}, ErrOrderNotFound
	}
	return o, nil
}

func (s *shop) List(context.Context) ([]Order, error) {
	var out []Order
	for _, n := range []string{"ORD006", "ORD005", "ORD004", "ORD003", "ORD002", "ORD001"} {
		out = append(out, s.orders[n])
	}
	return out, nil
}

func (s *shop) Cancel(_ context.Context, n string) (Order, error) {
	o, ok := s.orders[n]
	if !ok {
		return Order{}, ErrOrderNotFound
	}
	if o.Status != "pending" && o.Status != "processing" {
		return Order{}, &NotAllowedError{Order: o}
	}
	o.Status = "cancelled"
	s.orders[n] = o
	s.cancelled = append(s.cancelled, n)
	return o, nil
}

func (s *shop) Return(_ context.Context, n string) (Order, error) {
	o := s.orders[n]
	o.Status = "return_requested"
	s.orders[n] = o
	s.returned = append(s.returned, n)
	return o, nil
}

func u(intent bot.Intent, order string) bot.Understanding {
	return bot.Understanding{Intent: intent, Confidence: 0.9, OrderID: order}
}

var (
	yes = bot.Understanding{Intent: bot.IntentFallback, Confidence: 0.3, Affirmative: true}
	no  = bot.Understanding{Intent: bot.IntentFallback, Confidence: 0.3, Negative: true}
	huh = bot.Understanding{Intent: bot.IntentFallback, Confidence: 0.2}
)

// run plays messages through one conversation and returns every reply.
func run(t *testing.T, s *shop, msgs ...bot.Understanding) ([]Reply, State) {
	t.Helper()
	e := New(func() time.Time { return now }, 30*24*time.Hour, nil)
	var (
		st      State
		replies []Reply
	)
	for _, m := range msgs {
		r, next, err := e.Step(context.Background(), st, m, s)
		if err != nil {
			t.Fatal(err)
		}
		if r.Suggestions == nil {
			t.Errorf("reply %q has nil suggestions; the API promises an array", r.Text)
		}
		replies = append(replies, r)
		st = next
	}
	return replies, st
}

func contains(t *testing.T, r Reply, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(r.Text, w) {
			t.Errorf("reply %q does not say %q", r.Text, w)
		}
	}
}

func TestTrackAsksForTheNumberAndRemembersTheRequest(t *testing.T) {
	s := newShop()
	r, st := run(t, s, u(bot.IntentOrderStatus, ""), u(bot.IntentFallback, "ORD001"))
	contains(t, r[0], "Which order")
	if r[0].Intent != bot.IntentOrderStatus || len(r[0].Suggestions) == 0 {
		t.Errorf("first reply %+v: want the order_status question with the customer's orders as quick replies", r[0])
	}
	contains(t, r[1], "ORD001", "on its way", "DHL", "JD0123")
	if r[1].Intent != bot.IntentOrderStatus || r[1].OrderID != "ORD001" || st.Pending != "" {
		t.Errorf("second reply %+v, state %+v: the bare number must complete the pending request", r[1], st)
	}
}

func TestCancelNeedsAnExplicitYes(t *testing.T) {
	s := newShop()
	r, st := run(t, s, u(bot.IntentCancelOrder, "ORD003"))
	contains(t, r[0], "shall I cancel order ORD003", "yes or no")
	if st.Confirm != bot.IntentCancelOrder || len(s.cancelled) != 0 {
		t.Fatalf("state %+v, cancelled %v: nothing may change before the yes", st, s.cancelled)
	}

	s = newShop()
	r, _ = run(t, s, u(bot.IntentCancelOrder, "ORD003"), huh, yes)
	contains(t, r[1], "yes or no")
	contains(t, r[2], "ORD003 is cancelled")
	if strings.Join(s.cancelled, ",") != "ORD003" {
		t.Errorf("cancelled %v, want ORD003 once", s.cancelled)
	}

	s = newShop()
	r, st = run(t, s, u(bot.IntentCancelOrder, "ORD002"), no)
	contains(t, r[1], "left order ORD002 as it is")
	if len(s.cancelled) != 0 || st.Confirm != "" {
		t.Errorf("a no cancelled %v (state %+v)", s.cancelled, st)
	}

	// "yes, but don't" is not a yes.
	s = newShop()
	both := yes
	both.Negative = true
	run(t, s, u(bot.IntentCancelOrder, "ORD002"), both)
	if len(s.cancelled) != 0 {
		t.Errorf("an ambiguous answer cancelled %v", s.cancelled)
	}
}

func TestCancelRefusedAfterShipping(t *testing.T) {
	s := newShop()
	r, st := run(t, s, u(bot.IntentCancelOrder, "ORD001"))
	contains(t, r[0], "already shipped", "can't be cancelled")
	if st.Confirm != "" {
		t.Errorf("asked to confirm an impossible cancel: %+v", st)
	}
}

func TestCancelOfAnOrderThatShippedMeanwhile(t *testing.T) {
	s := newShop()
	e := New(func() time.Time { return now }, 30*24*time.Hour, nil)
	_, st, _ := e.Step(context.Background(), State{}, u(bot.IntentCancelOrder, "ORD003"), s)
	o := s.orders["ORD003"]
	o.Status = "shipped"
	s.orders["ORD003"] = o
	r, _, err := e.Step(context.Background(), st, yes, s)
	if err != nil {
		t.Fatal(err)
	}
	contains(t, r, "already shipped")
}

func TestUnknownAndOtherCustomersOrdersGetTheSameAnswer(t *testing.T) {
	s := newShop()
	for _, intent := range []bot.Intent{bot.IntentOrderStatus, bot.IntentCancelOrder, bot.IntentReturnRequest, bot.IntentRefundStatus} {
		r, st := run(t, s, u(intent, "ORD999"))
		if want := "I couldn't find order ORD999 on your account."; !strings.HasPrefix(r[0].Text, want) {
			t.Errorf("%s: %q, want %q", intent, r[0].Text, want)
		}
		if st.Confirm != "" || st.OrderID != "" {
			t.Errorf("%s: state %+v remembers a number that is not theirs", intent, st)
		}
	}
}

func TestReturns(t *testing.T) {
	s := newShop()
	r, _ := run(t, s, u(bot.IntentReturnRequest, "ORD004"), yes)
	contains(t, r[0], "shall I start a return for order ORD004")
	contains(t, r[1], "return for order ORD004 is registered")

	r, st := run(t, newShop(), u(bot.IntentReturnRequest, "ORD005"))
	contains(t, r[0], "more than 30 days", "outside our return window")
	if st.Confirm != "" {
		t.Errorf("offered a return outside the window")
	}
	r, _ = run(t, newShop(), u(bot.IntentReturnRequest, "ORD002"))
	contains(t, r[0], "hasn't been delivered yet")

	// The deadline itself is still in time, as the orders service judges it.
	last := newShop()
	o := last.orders["ORD004"]
	o.ReturnDeadline = now
	last.orders["ORD004"] = o
	r, _ = run(t, last, u(bot.IntentReturnRequest, "ORD004"))
	contains(t, r[0], "shall I start a return for order ORD004")
}

func TestRefundStatus(t *testing.T) {
	r, _ := run(t, newShop(), u(bot.IntentRefundStatus, "ORD006"))
	contains(t, r[0], "received the return of order ORD006", "€30.00")
	r, _ = run(t, newShop(), u(bot.IntentRefundStatus, "ORD002"))
	contains(t, r[0], "no refund on order ORD002")
}

func TestListOrders(t *testing.T) {
	r, _ := run(t, newShop(), u(bot.IntentOrderList, ""))
	contains(t, r[0], "ORD006", "ORD002", "…and 1 older ones")
	if len(r[0].Suggestions) == 0 || !strings.HasPrefix(r[0].Suggestions[0], "Track ") {
		t.Errorf("suggestions %v", r[0].Suggestions)
	}
}

func TestTwoFallbacksInARowHandOff(t *testing.T) {
	r, st := run(t, newShop(), huh, huh)
	if r[0].Handoff || !r[1].Handoff || r[1].Intent != bot.IntentHumanHandoff {
		t.Fatalf("replies %+v: the second misunderstanding hands off", r)
	}
	if st != (State{}) {
		t.Errorf("state after hand-off %+v", st)
	}
	// Understanding something in between resets the count.
	r, _ = run(t, newShop(), huh, u(bot.IntentGreeting, ""), huh)
	if r[2].Handoff {
		t.Errorf("fallbacks separated by a greeting handed off")
	}
	// An unanswered "Which order?" counts too.
	r, _ = run(t, newShop(), u(bot.IntentOrderStatus, ""), huh, huh)
	if !r[2].Handoff {
		t.Errorf("two misunderstood answers to a question did not hand off: %+v", r[2])
	}
}

func TestHandoffRequest(t *testing.T) {
	r, _ := run(t, newShop(), u(bot.IntentHumanHandoff, ""))
	if !r[0].Handoff {
		t.Errorf("human_handoff did not hand off")
	}
}

func TestNewRequestInterruptsAPendingQuestion(t *testing.T) {
	s := newShop()
	r, _ := run(t, s, u(bot.IntentCancelOrder, "ORD003"), u(bot.IntentOrderStatus, "ORD001"))
	contains(t, r[1], "ORD001", "on its way")
	if len(s.cancelled) != 0 {
		t.Errorf("cancelled %v without a yes", s.cancelled)
	}
}

func TestFAQAnswerWithSuggestion(t *testing.T) {
	m := u(bot.IntentFAQ, "")
	m.FAQ = &bot.Hit{FAQ: bot.FAQ{ID: "shipping-times", Answer: "3-5 business days."}, Score: 9}
	m.Suggestion = &bot.Hit{FAQ: bot.FAQ{ID: "shipping-costs", Question: "How much is shipping?"}, Score: 8}
	r, _ := run(t, newShop(), m)
	if r[0].FAQID != "shipping-times" || r[0].Text != "3-5 business days." || r[0].Suggestions[0] != "How much is shipping?" {
		t.Errorf("faq reply %+v", r[0])
	}
	// An FAQ question with no answer in the knowledge base is a fallback.
	r, _ = run(t, newShop(), u(bot.IntentFAQ, ""))
	if r[0].Intent != bot.IntentFallback {
		t.Errorf("unanswerable faq answered as %s", r[0].Intent)
	}
}

type failing struct{ shop }

func (failing) List(context.Context) ([]Order, error) { return nil, errors.New("db down") }

func TestOrdersUnavailableIsAnError(t *testing.T) {
	e := New(nil, 0, nil)
	_, st, err := e.Step(context.Background(), State{Fallbacks: 1}, u(bot.IntentOrderList, ""), &failing{})
	if err == nil || st.Fallbacks != 1 {
		t.Errorf("Step = %v, state %+v; want the error and the state unchanged", err, st)
	}
}

func TestMoney(t *testing.T) {
	for _, tt := range []struct {
		cents int64
		cur   string
		want  string
	}{{4500, "EUR", "€45.00"}, {5, "USD", "$0.05"}, {-120, "GBP", "-£1.20"}, {1200, "SEK", "12.00 SEK"}} {
		if got := Money(tt.cents, tt.cur); got != tt.want {
			t.Errorf("Money(%d, %s) = %q, want %q", tt.cents, tt.cur, got, tt.want)
		}
	}
}

func TestAYesAboutAnotherOrderIsANewRequest(t *testing.T) {
	s := newShop()
	other := u(bot.IntentCancelOrder, "ORD002")
	other.Affirmative = true // "yes, cancel ORD002 instead"
	r, st := run(t, s, u(bot.IntentCancelOrder, "ORD003"), other)
	if len(s.cancelled) != 0 {
		t.Fatalf("cancelled %v; a yes naming another order must not confirm the first", s.cancelled)
	}
	contains(t, r[1], "shall I cancel order ORD002")
	if st.Confirm != bot.IntentCancelOrder || st.OrderID != "ORD002" {
		t.Errorf("state %+v, want a fresh confirmation for ORD002", st)
	}
	// A yes naming the same order confirms it.
	same := u(bot.IntentFallback, "ORD003")
	same.Affirmative = true
	run(t, s, u(bot.IntentCancelOrder, "ORD003"), same)
	if strings.Join(s.cancelled, ",") != "ORD003" {
		t.Errorf("cancelled %v, want ORD003", s.cancelled)
	}
}
