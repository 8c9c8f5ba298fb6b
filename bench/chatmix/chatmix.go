// Package chatmix is what the chat benchmarks send: bench/loadgen over
// HTTP and BenchmarkServeChatTurn in-process use the same messages, so
// their figures compare.
package chatmix

// Messages is what customers write, in rough proportion: order questions
// with and without numbers (the numbers are not theirs, so the bot answers
// "couldn't find" after a real, authorized lookup), FAQ questions, small
// talk and the odd unclear message. Nothing here changes an order.
var Messages = []string{
	"where is my order ORD001?",
	"How long does shipping take?",
	"hi there",
	"show my orders",
	"has #100234 shipped yet",
	"what is your return policy",
	"can I pay with paypal?",
	"thanks!",
	"track my order",
	"ORD002",
	"do you ship to Canada",
	"when will I get my refund for ORD-2024-0001",
	"I forgot my password",
	"asdf qwerty",
	"how much is delivery",
	"any update on order 552310?",
}
