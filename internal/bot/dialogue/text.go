package dialogue

import (
	"fmt"
	"strings"
	"time"
)

// statusWord says a status in a few words, for lists.
func statusWord(status string) string {
	switch status {
	case "pending":
		return "received, waiting to be processed"
	case "processing":
		return "being prepared"
	case "shipped":
		return "on its way"
	case "delivered":
		return "delivered"
	case "cancelled":
		return "cancelled"
	case "return_requested":
		return "return in progress"
	case "returned":
		return "returned, refund on its way"
	case "refunded":
		return "refunded"
	}
	return status
}

func (e *Engine) date(t time.Time) string { return t.In(e.loc).Format("Mon 2 Jan") }

func (e *Engine) statusText(o Order) string {
	switch o.Status {
	case "pending":
		return fmt.Sprintf("Order %s has been received and will be prepared shortly.%s", o.Number, e.eta(o))
	case "processing":
		return fmt.Sprintf("Order %s is being prepared in our warehouse.%s", o.Number, e.eta(o))
	case "shipped":
		via := ""
		if o.Carrier != "" {
			via = " with " + o.Carrier
		}
		if o.Tracking != "" {
			via += " (tracking number " + o.Tracking + ")"
		}
		return fmt.Sprintf("Order %s is on its way%s.%s", o.Number, via, e.eta(o))
	case "delivered":
		if !o.DeliveredAt.IsZero() {
			return fmt.Sprintf("Order %s was delivered on %s.", o.Number, e.date(o.DeliveredAt))
		}
		return fmt.Sprintf("Order %s has been delivered.", o.Number)
	case "cancelled":
		return fmt.Sprintf("Order %s was cancelled.", o.Number)
	case "return_requested":
		return fmt.Sprintf("Order %s has a return in progress. Once the parcel reaches us we refund you within 5-10 business days.", o.Number)
	case "returned":
		return fmt.Sprintf("We've received the return of order %s; your refund is on its way.", o.Number)
	case "refunded":
		return fmt.Sprintf("Order %s was returned and refunded.", o.Number)
	}
	return fmt.Sprintf("Order %s is %s.", o.Number, o.Status)
}

func (e *Engine) eta(o Order) string {
	if o.EstimatedDelivery.IsZero() {
		return ""
	}
	return " Expected delivery: " + e.date(o.EstimatedDelivery) + "."
}

func (e *Engine) refundText(o Order) string {
	switch o.Status {
	case "refunded":
		return fmt.Sprintf("Order %s has been refunded (%s). Depending on your bank it can take a few days to show.", o.Number, Money(o.TotalCents, o.Currency))
	case "returned":
		return fmt.Sprintf("We've received the return of order %s. Your refund of %s is being processed and reaches you within 5-10 business days.", o.Number, Money(o.TotalCents, o.Currency))
	case "return_requested":
		return fmt.Sprintf("The return of order %s is registered. We refund you within 5-10 business days of the parcel reaching us.", o.Number)
	case "cancelled":
		return fmt.Sprintf("Order %s was cancelled; any payment is refunded within 5-10 business days of the cancellation.", o.Number)
	}
	return fmt.Sprintf("There's no refund on order %s: it is %s. If you'd like to send it back, just ask me to return it.", o.Number, statusWord(o.Status))
}

// cannotCancel explains why o cannot be cancelled, or reports ok.
func (e *Engine) cannotCancel(o Order) (string, bool) {
	switch o.Status {
	case "pending", "processing":
		return "", true
	case "cancelled":
		return fmt.Sprintf("Order %s is already cancelled.", o.Number), false
	case "shipped":
		return fmt.Sprintf("Order %s has already shipped, so it can't be cancelled any more. Once it arrives you can return it within %s.", o.Number, e.window()), false
	case "delivered":
		return fmt.Sprintf("Order %s has already been delivered, so it can't be cancelled, but you can return it within %s of delivery.", o.Number, e.window()), false
	}
	return fmt.Sprintf("Order %s can't be cancelled: it is %s.", o.Number, statusWord(o.Status)), false
}

// cannotReturn explains why o cannot be returned, or reports ok.
func (e *Engine) cannotReturn(o Order) (string, bool) {
	switch o.Status {
	case "delivered":
		if !e.now().After(o.ReturnDeadline) {
			return "", true
		}
		return fmt.Sprintf("Order %s was delivered more than %s ago, so it's outside our return window. A member of our team can look at it with you if something is wrong.", o.Number, e.window()), false
	case "return_requested", "returned", "refunded":
		return fmt.Sprintf("Order %s already has a return: it is %s.", o.Number, statusWord(o.Status)), false
	case "cancelled":
		return fmt.Sprintf("Order %s was cancelled, so there's nothing to return.", o.Number), false
	}
	return fmt.Sprintf("Order %s hasn't been delivered yet (%s), so it can't be returned yet.", o.Number, statusWord(o.Status)), false
}

func (e *Engine) window() string {
	days := int(e.returnWindow / (24 * time.Hour))
	if days == 1 {
		return "1 day"
	}
	return fmt.Sprintf("%d days", days)
}

func (e *Engine) statusSuggestions(o Order) []string {
	out := []string{}
	switch o.Status {
	case "pending", "processing":
		out = append(out, "Cancel "+o.Number)
	case "delivered":
		if !e.now().After(o.ReturnDeadline) {
			out = append(out, "Return "+o.Number)
		}
	}
	return append(out, "Show my orders", "Talk to a person")
}

func items(n int) string {
	if n == 1 {
		return "1 item"
	}
	return fmt.Sprintf("%d items", n)
}

// Money formats an amount in minor units for customers: "€45.00", "$3.50",
// "12.00 SEK". The order cards of the web UI use it too, so a card and the
// bot's message above it agree.
func Money(cents int64, currency string) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	amount := fmt.Sprintf("%d.%02d", cents/100, cents%100)
	switch strings.ToUpper(currency) {
	case "EUR":
		return sign + "€" + amount
	case "USD":
		return sign + "$" + amount
	case "GBP":
		return sign + "£" + amount
	}
	return sign + amount + " " + currency
}
