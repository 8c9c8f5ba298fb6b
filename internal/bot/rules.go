package bot

import (
	"math"
	"slices"
	"unicode/utf8"
)

// rule is one weighted phrase: when the phrase occurs in a message (as
// whole normalised tokens, after stemming and synonyms), weight is added to
// the intent's log-odds. Phrases are written in plain English and analysed
// at construction with the same pipeline as messages, so "cancelled" in a
// message meets "cancel" here and "parcel" meets "package".
type rule struct {
	phrase string
	intent Intent
	weight float64
}

// ruleTable is the readable half of the classifier. Weights are in nats:
// 1 is a hint, 3 is strong evidence, and negative weights veto a reading
// that the words would otherwise suggest. Single keywords are kept weak on
// purpose: a lone "ship" or a salad like "order ship return hello" is out
// of scope, so intent needs a phrase, not just a word.
var ruleTable = slices.Concat(phraseRules, smallTalkRules, offTopicRules)

// phraseRules are the shop's phrases and the commonest small talk;
// smallTalkRules (smalltalk.go) add the small talk of other languages and
// offTopicRules (offtopic.go) the subjects a shop does not handle.
var phraseRules = []rule{
	// Cancel wording beats a generic "my order".
	{"cancel", IntentCancelOrder, 3},
	{"cancel all", IntentCancelOrder, 2},
	{"be cancelled", IntentCancelOrder, 3},
	{"cancel my order", IntentCancelOrder, 1.5},
	{"cancel order", IntentCancelOrder, 1.5},
	{"cancel it", IntentCancelOrder, 1.5},
	{"do not ship", IntentCancelOrder, 3},
	{"do not send", IntentCancelOrder, 3},
	{"do not dispatch", IntentCancelOrder, 3},
	{"do not process", IntentCancelOrder, 3},
	{"stop my order", IntentCancelOrder, 3},
	{"stop the order", IntentCancelOrder, 3},
	{"stop order", IntentCancelOrder, 3},
	{"stop the shipment", IntentCancelOrder, 3},
	{"stop processing", IntentCancelOrder, 3},
	{"put a stop", IntentCancelOrder, 3},
	{"halt my order", IntentCancelOrder, 3},
	{"hold off", IntentCancelOrder, 1.5},
	{"changed my mind", IntentCancelOrder, 2.5},
	{"change my mind", IntentCancelOrder, 2},
	{"no longer want", IntentCancelOrder, 2.5},
	{"no longer need", IntentCancelOrder, 2.5},
	{"do not want it anymore", IntentCancelOrder, 3},
	{"do not want the order", IntentCancelOrder, 3},
	{"do not need it anymore", IntentCancelOrder, 2},
	{"delete my order", IntentCancelOrder, 3.5},
	{"delete order", IntentCancelOrder, 3.5},
	{"delete the order", IntentCancelOrder, 3.5},
	{"drop my order", IntentCancelOrder, 3.5},
	{"drop order", IntentCancelOrder, 3.5},
	{"remove my order", IntentCancelOrder, 3.5},
	{"scrap my order", IntentCancelOrder, 3.5},
	{"abort", IntentCancelOrder, 2.5},
	{"scrap", IntentCancelOrder, 2.5},
	{"kill my order", IntentCancelOrder, 3.5},
	{"terminate", IntentCancelOrder, 2.5},
	{"withdraw my order", IntentCancelOrder, 3.5},
	{"abort the order", IntentCancelOrder, 3.5},
	{"abort my order", IntentCancelOrder, 3.5},
	{"undo my order", IntentCancelOrder, 3.5},
	{"undo", IntentCancelOrder, 3},
	{"did not mean to order", IntentCancelOrder, 3},
	{"did not mean to buy", IntentCancelOrder, 3},
	{"ordered by mistake", IntentCancelOrder, 2.5},
	{"by mistake", IntentCancelOrder, 1},
	{"by accident", IntentCancelOrder, 1},
	{"ordered twice", IntentCancelOrder, 2},
	// Cancelling as a policy question is faq; a past "cancelled" order
	// waiting for its money is refund_status.
	{"cancel polici", IntentFAQ, 4},
	{"cancellation policy", IntentFAQ, 4},
	{"cancel an order", IntentFAQ, 1.5},
	{"fee for cancel", IntentFAQ, 3},
	{"orders be cancelled", IntentFAQ, 3},
	{"cancelled order", IntentRefundStatus, 2.5},
	{"i cancelled", IntentRefundStatus, 2},
	{"was cancelled", IntentRefundStatus, 2},
	{"never refunded", IntentRefundStatus, 3},
	{"i returned", IntentRefundStatus, 2.5},
	{"returned it", IntentRefundStatus, 2},
	{"since my return", IntentRefundStatus, 2.5},
	{"my return was", IntentRefundStatus, 2},
	{"sent back", IntentRefundStatus, 1},

	// Where is my order.
	{"where is my order", IntentOrderStatus, 3},
	{"where is my package", IntentOrderStatus, 3},
	{"where is my item", IntentOrderStatus, 2},
	{"where is it", IntentOrderStatus, 1.5},
	{"where is", IntentOrderStatus, 0.5},
	{"where are", IntentOrderStatus, 0.5},
	{"where are they", IntentOrderStatus, 2},
	{"when will i receive", IntentOrderStatus, 2.5},
	{"when will i get", IntentOrderStatus, 2},
	{"when should i expect", IntentOrderStatus, 2.5},
	{"when can i expect", IntentOrderStatus, 2.5},
	{"track my order", IntentOrderStatus, 3},
	{"track my package", IntentOrderStatus, 3},
	{"track order", IntentOrderStatus, 2},
	{"track package", IntentOrderStatus, 2},
	{"tracking", IntentOrderStatus, 1},
	{"status of my order", IntentOrderStatus, 3},
	{"order status", IntentOrderStatus, 2.5},
	{"status", IntentOrderStatus, 1},
	{"any update", IntentOrderStatus, 2},
	{"any news", IntentOrderStatus, 2},
	{"update on my order", IntentOrderStatus, 3},
	{"has it shipped", IntentOrderStatus, 3},
	{"has my order shipped", IntentOrderStatus, 3},
	{"not arrived", IntentOrderStatus, 2},
	{"has not arrived", IntentOrderStatus, 2},
	{"still not here", IntentOrderStatus, 2.5},
	{"has not come", IntentOrderStatus, 2},
	{"when will my order arrive", IntentOrderStatus, 3},
	{"when will it arrive", IntentOrderStatus, 2},
	{"eta", IntentOrderStatus, 2},
	{"on its way", IntentOrderStatus, 2},
	{"my order late", IntentOrderStatus, 2},
	{"waiting for my order", IntentOrderStatus, 2},
	{"out for delivery", IntentOrderStatus, 2},
	{"where my package", IntentOrderStatus, 2},
	{"my package", IntentOrderStatus, 1.5},
	{"my shipping", IntentOrderStatus, 1.5},
	{"arrive", IntentOrderStatus, 1},
	{"will it arrive", IntentOrderStatus, 2.5},
	{"receive my", IntentOrderStatus, 1.5},
	{"shipping date", IntentOrderStatus, 2},
	{"get here", IntentOrderStatus, 2},
	{"ship yet", IntentOrderStatus, 3},
	{"shipped yet", IntentOrderStatus, 3},
	{"sent yet", IntentOrderStatus, 3},
	{"arrived yet", IntentOrderStatus, 3},
	{"has it been sent", IntentOrderStatus, 3},
	{"is my order", IntentOrderStatus, 1.5},
	{"has my order", IntentOrderStatus, 1.5},
	{"did my order", IntentOrderStatus, 1.5},
	{"has my", IntentOrderStatus, 1},
	{"did my", IntentOrderStatus, 1},
	{"says delivered", IntentOrderStatus, 2.5},
	{"marked delivered", IntentOrderStatus, 2.5},
	{"not here", IntentOrderStatus, 2},
	{"stuck", IntentOrderStatus, 2},
	{"in transit", IntentOrderStatus, 2},
	{"shipping status", IntentOrderStatus, 2.5},
	{"shipping update", IntentOrderStatus, 2.5},
	{"arrival", IntentOrderStatus, 1.5},
	{"estimated arrival", IntentOrderStatus, 2.5},
	{"my item", IntentOrderStatus, 1},
	{"expect my order", IntentOrderStatus, 2.5},
	{"late", IntentOrderStatus, 1},
	{"is late", IntentOrderStatus, 2},
	{"my order", IntentOrderStatus, 1},
	{"until my order", IntentOrderStatus, 2},
	{"none have arrived", IntentOrderStatus, 3},

	// Complaints the knowledge base answers (damaged, missing, wrong).
	{"broken", IntentFAQ, 1.5},
	{"missing", IntentFAQ, 2.5},
	{"wrong item", IntentFAQ, 2.5},
	{"not what i ordered", IntentFAQ, 3},
	{"part of my order", IntentFAQ, 2},
	{"rest of my order", IntentFAQ, 2},
	{"incomplete", IntentFAQ, 2.5},
	{"go through", IntentFAQ, 2},
	{"went through", IntentFAQ, 2},
	{"included", IntentFAQ, 1.5},
	{"time frame", IntentFAQ, 2},

	// General questions about the shop, not about one order.
	{"do you", IntentFAQ, 1},
	{"what is your", IntentFAQ, 1.5},
	{"is there a", IntentFAQ, 0.5},
	{"returns free", IntentFAQ, 3},
	{"return shipping", IntentFAQ, 2},

	// All my orders.
	{"my orders", IntentOrderList, 2.5},
	{"all orders", IntentOrderList, 3},
	{"all my orders", IntentOrderList, 3},
	{"list my orders", IntentOrderList, 3},
	{"show my orders", IntentOrderList, 3},
	{"order summary", IntentOrderList, 2.5},
	{"more than one order", IntentOrderList, 3},
	{"anything on order", IntentOrderList, 3},
	{"outstanding", IntentOrderList, 1.5},
	{"on my account", IntentOrderList, 1.5},
	{"order history", IntentOrderList, 3.5},
	{"purchase history", IntentOrderList, 3.5},
	{"past orders", IntentOrderList, 3},
	{"previous orders", IntentOrderList, 3},
	{"recent orders", IntentOrderList, 3},
	{"open orders", IntentOrderList, 3},
	{"what have i ordered", IntentOrderList, 3},
	{"what did i order", IntentOrderList, 3},
	{"what did i buy", IntentOrderList, 3},
	{"order numbers", IntentOrderList, 2.5},
	{"order list", IntentOrderList, 3},
	{"how many orders", IntentOrderList, 3},
	{"most recent order", IntentOrderList, 3},
	{"recent order", IntentOrderList, 2},
	{"latest order", IntentOrderList, 2},
	{"last order", IntentOrderList, 2},
	{"orders", IntentOrderList, 1.5},
	{"any orders", IntentOrderList, 2.5},
	{"which orders", IntentOrderList, 2.5},
	{"which of my orders", IntentOrderList, 3},
	{"orders on my account", IntentOrderList, 3},

	// Returns.
	{"return", IntentReturnRequest, 1},
	{"return my order", IntentReturnRequest, 2},
	{"return it", IntentReturnRequest, 2},
	{"want to return", IntentReturnRequest, 2.5},
	{"like to return", IntentReturnRequest, 2.5},
	{"return label", IntentReturnRequest, 0.75},
	{"start a return", IntentReturnRequest, 3},
	{"return request", IntentReturnRequest, 3},
	{"send it back", IntentReturnRequest, 2},
	{"return polici", IntentFAQ, 4},
	{"returns policy", IntentFAQ, 4},
	{"how do returns work", IntentFAQ, 3},
	{"how long do i have to return", IntentFAQ, 3},

	// Refunds: where is the money (status) versus how refunds work (faq).
	{"refund", IntentRefundStatus, 1.5},
	{"where is my refund", IntentRefundStatus, 3.5},
	{"my refund", IntentRefundStatus, 2},
	{"refund status", IntentRefundStatus, 3.5},
	{"status of my refund", IntentRefundStatus, 3.5},
	{"be refunded", IntentRefundStatus, 2.5},
	{"when will i be refunded", IntentRefundStatus, 3},
	{"been refunded", IntentRefundStatus, 3},
	{"was i refunded", IntentRefundStatus, 3},
	{"refund me", IntentRefundStatus, 1.5},
	{"no refund", IntentRefundStatus, 2},
	{"where is my money", IntentRefundStatus, 4},
	{"my money", IntentRefundStatus, 2},
	{"refunded", IntentRefundStatus, 2},
	{"refund issued", IntentRefundStatus, 3},
	{"my bank", IntentRefundStatus, 1.5},
	{"cost back", IntentRefundStatus, 3},
	{"how long do refunds take", IntentFAQ, 3},
	{"how long does a refund take", IntentFAQ, 3},

	// A person, please.
	{"human", IntentHumanHandoff, 3},
	{"talk to", IntentHumanHandoff, 1.5},
	{"speak to", IntentHumanHandoff, 1.5},
	{"speak with", IntentHumanHandoff, 1.5},
	{"chat with", IntentHumanHandoff, 1},
	{"connect me", IntentHumanHandoff, 2},
	{"transfer me", IntentHumanHandoff, 2},
	{"put me through", IntentHumanHandoff, 2.5},
	{"escalate", IntentHumanHandoff, 3},
	{"call me back", IntentHumanHandoff, 2},
	{"callback", IntentHumanHandoff, 3.5},
	{"live help", IntentHumanHandoff, 2.5},
	{"anyone real", IntentHumanHandoff, 3},
	{"customer service", IntentHumanHandoff, 1},
	{"live chat", IntentHumanHandoff, 2},
	{"live support", IntentHumanHandoff, 2.5},
	{"hand me over", IntentHumanHandoff, 2.5},

	// Small talk. Only a message made mostly of small talk can be small
	// talk (see classify); these tell the three apart, in the languages
	// customers of a European shop greet in.
	{"hello", IntentGreeting, 2.5},
	{"hello hello", IntentGreeting, 1},
	{"sup", IntentGreeting, 2.5},
	{"what is up", IntentGreeting, 3},
	{"wassup", IntentGreeting, 3},
	{"salutations", IntentGreeting, 3},
	{"morning", IntentGreeting, 2},
	{"evening", IntentGreeting, 1.5},
	{"afternoon", IntentGreeting, 1.5},
	{"gm", IntentGreeting, 2},
	{"g'day", IntentGreeting, 3},
	{"gday", IntentGreeting, 3},
	{"how are you", IntentGreeting, 3},
	{"how is it going", IntentGreeting, 4},
	{"good day", IntentGreeting, 3.5},
	{"how are things", IntentGreeting, 3},
	{"how is your day", IntentGreeting, 3},
	{"anyone there", IntentGreeting, 2.5},
	{"are you there", IntentGreeting, 2.5},
	{"i am back", IntentGreeting, 4},
	{"it is me again", IntentGreeting, 2.5},
	{"salut", IntentGreeting, 2.5},
	{"hej", IntentGreeting, 2.5},
	{"moin", IntentGreeting, 2.5},
	{"servus", IntentGreeting, 2.5},
	{"guten tag", IntentGreeting, 3},
	{"buongiorno", IntentGreeting, 3},
	{"buenos dias", IntentGreeting, 3},
	{"goedemorgen", IntentGreeting, 3},
	{"goedendag", IntentGreeting, 3},
	{"hoi", IntentGreeting, 2.5},
	{"ola", IntentGreeting, 2.5},
	{"namaste", IntentGreeting, 2.5},
	{"👋", IntentGreeting, 2.5},
	{"anybody there", IntentGreeting, 2.5},
	{"anybody home", IntentGreeting, 2.5},
	{"ahoy", IntentGreeting, 3},
	{"heyo", IntentGreeting, 3},
	{"guten morgen", IntentGreeting, 3.5},
	{"guten abend", IntentGreeting, 3.5},
	{"goedenavond", IntentGreeting, 3.5},
	{"goedemiddag", IntentGreeting, 3.5},
	{"buenas", IntentGreeting, 3},
	{"buenas tardes", IntentGreeting, 3.5},
	{"bonsoir", IntentGreeting, 2},
	{"top of the morning", IntentGreeting, 3.5},
	{"what is good", IntentGreeting, 2},
	{"i have a question", IntentGreeting, 1.5},
	{"🙋", IntentGreeting, 2},

	{"thank", IntentThanks, 3},
	{"ta", IntentThanks, 2.5},
	{"much appreciated", IntentThanks, 3.5},
	{"appreciate it", IntentThanks, 3.5},
	{"appreciate your help", IntentThanks, 3.5},
	{"i appreciate", IntentThanks, 2},
	{"appreciated", IntentThanks, 2.5},
	{"grateful", IntentThanks, 2.5},
	{"merci", IntentThanks, 3},
	{"danke", IntentThanks, 3},
	{"gracias", IntentThanks, 3},
	{"grazie", IntentThanks, 3},
	{"obrigado", IntentThanks, 3},
	{"obrigada", IntentThanks, 3},
	{"bedankt", IntentThanks, 3},
	{"dank je", IntentThanks, 3},
	{"dankjewel", IntentThanks, 3},
	{"dankeschön", IntentThanks, 3},
	{"tack", IntentThanks, 2.5},
	{"kiitos", IntentThanks, 3},
	{"thks", IntentThanks, 3},
	{"thanx", IntentThanks, 3},
	{"kudos", IntentThanks, 2.5},
	{"🙏", IntentThanks, 3},
	{"that helps", IntentThanks, 2.5},
	{"that helped", IntentThanks, 2.5},
	{"very helpful", IntentThanks, 3},
	{"helpful", IntentThanks, 1.5},
	{"you are a star", IntentThanks, 3},
	{"you solved", IntentThanks, 2.5},
	{"good to know", IntentThanks, 2.5},
	{"great help", IntentThanks, 3},
	{"nice one", IntentThanks, 2},
	{"dank", IntentThanks, 3},
	{"dank u", IntentThanks, 3},
	{"dank je wel", IntentThanks, 3.5},
	{"dank u wel", IntentThanks, 3.5},
	{"vielen dank", IntentThanks, 3.5},
	{"merci beaucoup", IntentThanks, 3.5},
	{"muchas gracias", IntentThanks, 3.5},
	{"grazie mille", IntentThanks, 3.5},
	{"much obliged", IntentThanks, 3.5},
	{"you are the best", IntentThanks, 3},
	{"you rock", IntentThanks, 3},
	{"lifesaver", IntentThanks, 3},
	{"life saver", IntentThanks, 3},
	{"very kind", IntentThanks, 3},
	{"kind of you", IntentThanks, 3},
	{"kindly", IntentThanks, 0.5},
	{"your patience", IntentThanks, 2},
	{"excellent service", IntentThanks, 2},
	{"great service", IntentThanks, 2},

	{"bye", IntentGoodbye, 3.5},
	{"ciao", IntentGoodbye, 3},
	{"adios", IntentGoodbye, 3},
	{"au revoir", IntentGoodbye, 3.5},
	{"tschüss", IntentGoodbye, 3.5},
	{"tschuss", IntentGoodbye, 3.5},
	{"tot ziens", IntentGoodbye, 3.5},
	{"doei", IntentGoodbye, 3},
	{"arrivederci", IntentGoodbye, 3.5},
	{"hasta luego", IntentGoodbye, 3.5},
	{"later", IntentGoodbye, 2},
	{"talk later", IntentGoodbye, 3},
	{"talk to you later", IntentGoodbye, 3.5},
	{"ttyl", IntentGoodbye, 3.5},
	{"gtg", IntentGoodbye, 3},
	{"goodnight", IntentGoodbye, 3},
	{"have a nice day", IntentGoodbye, 3.5},
	{"have a good day", IntentGoodbye, 3.5},
	{"have a great day", IntentGoodbye, 3.5},
	{"have a nice evening", IntentGoodbye, 3.5},
	{"have a good evening", IntentGoodbye, 3.5},
	{"have a great evening", IntentGoodbye, 3.5},
	{"have a nice weekend", IntentGoodbye, 3.5},
	{"have a good weekend", IntentGoodbye, 3.5},
	{"have a good one", IntentGoodbye, 3.5},
	{"take care", IntentGoodbye, 3.5},
	{"that is all", IntentGoodbye, 3},
	{"that is it", IntentGoodbye, 2},
	{"that is everything", IntentGoodbye, 3},
	{"nothing else", IntentGoodbye, 3},
	{"i am done", IntentGoodbye, 3},
	{"we are done", IntentGoodbye, 3},
	{"all done", IntentGoodbye, 3},
	{"gotta go", IntentGoodbye, 3.5},
	{"got to go", IntentGoodbye, 3.5},
	{"have to go", IntentGoodbye, 3.5},
	{"need to go", IntentGoodbye, 3},
	{"must go", IntentGoodbye, 3},
	{"end chat", IntentGoodbye, 3.5},
	{"close chat", IntentGoodbye, 3.5},
	{"end the chat", IntentGoodbye, 3.5},
	{"close the chat", IntentGoodbye, 3.5},
	{"end conversation", IntentGoodbye, 3.5},
	{"end the conversation", IntentGoodbye, 3.5},
	{"exit", IntentGoodbye, 3.5},
	{"quit", IntentGoodbye, 3.5},
	{"signing off", IntentGoodbye, 3},
	{"leave it there", IntentGoodbye, 3},
	{"nothing more", IntentGoodbye, 3},
	{"all set", IntentGoodbye, 2.5},
	{"all sorted", IntentGoodbye, 2.5},
	{"catch you later", IntentGoodbye, 3.5},
	{"talk soon", IntentGoodbye, 3},
	{"speak soon", IntentGoodbye, 3},
	{"speak later", IntentGoodbye, 3},
	{"chat later", IntentGoodbye, 3},
	{"see you soon", IntentGoodbye, 3},
	{"peace out", IntentGoodbye, 3.5},
	{"enjoy your day", IntentGoodbye, 3},
	{"enjoy your evening", IntentGoodbye, 3},
	{"enjoy the rest of your day", IntentGoodbye, 3.5},
	{"have a lovely day", IntentGoodbye, 3.5},
	{"have a lovely evening", IntentGoodbye, 3.5},
	{"have a nice one", IntentGoodbye, 3.5},
	{"until next time", IntentGoodbye, 3.5},
	{"cheerio", IntentGoodbye, 3.5},
	{"so long", IntentGoodbye, 2.5},
	{"signing out", IntentGoodbye, 3},
	{"logging off", IntentGoodbye, 3},
	{"log off", IntentGoodbye, 2},
	{"i am off", IntentGoodbye, 2.5},
	{"i am leaving", IntentGoodbye, 2.5},
	{"heading out", IntentGoodbye, 3},
	{"gotta run", IntentGoodbye, 3.5},
	{"have to run", IntentGoodbye, 3},
	{"night night", IntentGoodbye, 3.5},
	{"no more questions", IntentGoodbye, 3.5},
	{"no further questions", IntentGoodbye, 3.5},
	{"we are good", IntentGoodbye, 2},
	{"i am good", IntentGoodbye, 1.5},
	{"bonne nuit", IntentGoodbye, 3.5},
	{"bonsoir", IntentGoodbye, 1},

	// Out of scope: topics no shop assistant handles, and the shapes of
	// injection attempts. Words alone stay weak; the model's
	// out-of-domain features do most of the work.
	{"weather", IntentFallback, 3},
	{"joke", IntentFallback, 3},
	{"jokes", IntentFallback, 3},
	{"recipe", IntentFallback, 3},
	{"poem", IntentFallback, 3},
	{"song", IntentFallback, 2.5},
	{"music", IntentFallback, 2.5},
	{"movie", IntentFallback, 2.5},
	{"netflix", IntentFallback, 3},
	{"football", IntentFallback, 3},
	{"soccer", IntentFallback, 3},
	{"bitcoin", IntentFallback, 3},
	{"crypto", IntentFallback, 3},
	{"stock market", IntentFallback, 3},
	{"homework", IntentFallback, 3},
	{"essay", IntentFallback, 3},
	{"horoscope", IntentFallback, 3},
	{"lottery", IntentFallback, 3},
	{"python", IntentFallback, 2.5},
	{"javascript", IntentFallback, 3},
	{"css", IntentFallback, 3},
	{"html", IntentFallback, 2.5},
	{"meaning of life", IntentFallback, 4},
	{"capital of", IntentFallback, 3},
	{"president of", IntentFallback, 3},
	{"drop table", IntentFallback, 6},
	{"select from", IntentFallback, 6},
	{"union select", IntentFallback, 6},
	{"script", IntentFallback, 3},
	{"passwd", IntentFallback, 5},
	{"system prompt", IntentFallback, 6},
	{"previous instructions", IntentFallback, 6},
	{"ignore your", IntentFallback, 3},
	{"ignore all", IntentFallback, 3},
	{"pretend you are", IntentFallback, 4},
	{"lorem ipsum", IntentFallback, 6},
	{"test message", IntentFallback, 3},
	{"testing", IntentFallback, 2},
	{"lol", IntentFallback, 2},
	{"lmao", IntentFallback, 2.5},
	{"hmm", IntentFallback, 2},
	{"meh", IntentFallback, 2},
	{"whatever", IntentFallback, 2.5},
	{"blah", IntentFallback, 3},
}

// socialFillers are words that may surround small talk without turning it
// into a request ("hi there bot", "thanks a lot mate").
var socialFillers = []string{
	"hello", "hi", "hey", "there", "again", "bot", "everyone", "team", "folks", "guys",
	"all", "good", "morning", "afternoon", "evening", "day", "night", "thanks", "thank",
	"so", "much", "a", "lot", "very", "great", "ok", "okay", "perfect", "awesome",
	"brilliant", "nice", "lovely", "super", "cool", "mate", "bye", "for", "now", "the",
	"help", "you", "your", "how", "are", "is", "it", "going", "today", "that", "have",
	"and", "well", "be", "i", "am", "me", "anyone", "done", "later", "see", "take", "care",
	"then", "everything", "chat",
	// reactions that close a topic
	"wonderful", "fantastic", "excellent", "amazing", "sweet", "splendid", "marvellous",
	"understood", "noted", "got", "sense", "fair", "enough", "right", "alright", "kind",
	"kindly", "beaucoup", "schön", "yall", "y'all", "friend", "partner", "people",
	// the same around small talk in other languages ("gracias amigo",
	// "obrigado pela ajuda", "buongiorno a tutti", "danke für die hilfe")
	"amigo", "amiga", "amigos", "todos", "tutti", "alle", "tous", "zusammen", "por", "pela",
	"pelo", "pour", "für", "per", "voor", "de", "la", "die", "el", "il", "mucho", "muito",
	"molto", "sehr", "tanto", "tante", "veel", "bien", "bem", "bene", "gut", "goed", "votre",
	"vous", "ihre", "su", "sua", "uw", "je", "u",
	// how people soften and address small talk
	"hope", "doing", "fine", "dear", "sir", "madam", "buddy", "pal", "dude", "bro", "love",
	"ladies", "gentlemen", "quick", "reply", "response", "answer", "answers", "assistance",
	"support", "info", "information", "time", "patience", "effort", "all", "once", "again",
	"heaps", "loads", "tons", "bunch", "million", "lots", "plenty", "grand",
	// interjections
	"wow", "oh", "ah", "ahh", "aw", "aww", "yay", "woohoo", "phew", "gosh", "omg", "ooh",
	"hooray", "hurray", "whoa", "haha", "hehe", "robot", "chatbot", "assistant",
}

// compileRules turns ruleTable into phrase keys of lx's ids.
func (c *classifier) compileRules(lx *lexicon) {
	c.rules = map[uint64]ruleEntry{}
	for _, r := range ruleTable {
		ids := lx.idsOf(r.phrase)
		k, ok := gramKey(ids)
		if !ok || len(ids) == 0 {
			continue
		}
		e := c.rules[k]
		in := int8(intentIndex(r.intent)) // #nosec G115 -- one of 11 intents, or -1
		// Spellings of one phrase ("adios", "adiós", "bye") compile to
		// the same key: the phrase votes once, with its strongest weight.
		if i := slices.IndexFunc(e.votes, func(v ruleVote) bool { return v.intent == in }); i >= 0 {
			e.votes[i].weight = max(e.votes[i].weight, float32(r.weight))
		} else {
			e.votes = append(e.votes, ruleVote{intent: in, weight: float32(r.weight)})
		}
		c.rules[k] = e
		// Every prefix is marked as continuing, so the scan stops at
		// the first token sequence no rule starts with.
		for n := 1; n < len(ids); n++ {
			pk, _ := gramKey(ids[:n])
			pe := c.rules[pk]
			pe.more = true
			c.rules[pk] = pe
		}
		c.ruleMaxLen = max(c.ruleMaxLen, len(ids))
	}
}

// markKnown records which ids the classifier has evidence about and which
// are small talk.
func (c *classifier) markKnown(lx *lexicon, exs []exampleIDs) {
	n := len(lx.strs)
	c.known = make([]bool, n)
	c.social = make([]bool, n)
	for _, ex := range exs {
		for _, id := range ex.ids {
			c.known[id] = true
		}
	}
	for k, e := range c.rules {
		if len(e.votes) == 0 {
			continue
		}
		for i := 0; i < 4; i++ {
			if id := int32(k >> (16 * i) & 0xffff); id != 0 && int(id) < n {
				c.known[id] = true
			}
		}
	}
	for _, w := range socialFillers {
		for _, id := range lx.idsOf(w) {
			if int(id) < n {
				c.social[id] = true
			}
		}
	}
	for _, r := range ruleTable {
		if !r.intent.social() {
			continue
		}
		for _, id := range lx.idsOf(r.phrase) {
			if int(id) < n {
				c.social[id] = true
			}
		}
	}
	// Words of the corpus's small talk count too when small talk is
	// where they mostly occur ("cheers mate", "you're a star").
	var socialDF, otherDF = make([]int, n), make([]int, n)
	for _, ex := range exs {
		df := otherDF
		if intentList[ex.intent].social() {
			df = socialDF
		}
		for i, id := range ex.ids {
			if !slices.Contains(ex.ids[:i], id) {
				df[id]++
			}
		}
	}
	for id := firstWord; int(id) < n; id++ {
		if socialDF[id] >= 2 && socialDF[id] >= 2*otherDF[id] {
			c.social[id] = true
		}
	}
	c.neutral = make([]bool, n)
	c.neutral[idSymbol] = true
	for id := range c.neutral {
		if isStopID(lx, int32(id)) && !c.social[id] {
			c.neutral[id] = true
		}
	}
	for id, str := range lx.strs {
		if r, size := utf8.DecodeRuneInString(str); size == len(str) && isSymbolToken(r) {
			c.neutral[id] = true
		}
	}
	c.known[idUnknown] = false
}

// ruleScores adds the weights of every rule phrase found in ids.
func (c *classifier) ruleScores(ids []int32, s *[numIntents]float64) {
	for i := range ids {
		var k uint64
		for n := 0; n < c.ruleMaxLen && i+n < len(ids); n++ {
			id := ids[i+n]
			if id <= idUnknown || id > maxGramID {
				break
			}
			k |= uint64(id) << (16 * uint(n))
			e, ok := c.rules[k]
			if !ok {
				break
			}
			for _, v := range e.votes {
				s[v.intent] += float64(v.weight)
			}
			if !e.more {
				break
			}
		}
	}
}

// faqScale is the BM25 score that counts as one unit of faq evidence.
const faqScale = 4.0

// classify combines the model and the rules. faqScore is the best BM25
// score of the message against the knowledge base (0 when not searched).
func (c *classifier) classify(sc *scratch, st *kbState, hasOrder bool, faqScore, coverage float64) (Intent, float64) {
	ids := sc.ids
	if len(ids) == 0 {
		return IntentFallback, 1
	}
	var parts scoreParts
	c.score(sc, st, hasOrder, faqScore, coverage, &parts)
	q := softmax(parts.z)
	best := argmax(q[:])
	in := intentList[best]
	if forced, ok := c.socialOK(ids, hasOrder, &parts, q[best]); in.social() && !ok {
		// Small talk must be most of the message: "hi, where is
		// ORD001?" is the request, "hello, what's the weather" is out
		// of scope, never a greeting.
		alt := q
		for k, other := range intentList {
			if other.social() {
				alt[k] = 0
			}
		}
		if a := argmax(alt[:]); alt[a] >= minAltQ || forced {
			best, in = a, intentList[a]
		}
		// Otherwise nothing else is plausible either: the small talk
		// stands.
	}
	if in == IntentThanks && parts.rules[intentIndex(IntentGoodbye)] >= closingRule {
		// Thanks with a closing ("thanks, that's all", "thank you, have
		// a nice day") ends the conversation: it is a goodbye.
		best, in = intentIndex(IntentGoodbye), IntentGoodbye
	}
	return in, q[best]
}

// scoreParts are the classifier's evidence for one message, kept apart
// for tests and tuning.
type scoreParts struct {
	nb, lr, rules, z [numIntents]float64
	faq              float64
	ood              int // content words outside the domain
	addressed        int // names of the person spoken to
}

// score fills parts; parts.z is the combined log-odds.
func (c *classifier) score(sc *scratch, st *kbState, hasOrder bool, faqScore, coverage float64, parts *scoreParts) {
	var content int
	sc.feats, parts.ood, content = c.features(sc.ids, hasOrder, sc.names, sc.addressed, st, sc.feats[:0])
	known := c.modelScores(sc.feats, &parts.nb, &parts.lr)
	c.ruleScores(sc.ids, &parts.rules)
	parts.addressed = sc.addressed
	temp := 1 + nbTemp*float64(known)
	for k := range parts.z {
		parts.nb[k] /= temp
		parts.z[k] = wNB*parts.nb[k] + wLR*parts.lr[k] + wRule*parts.rules[k]
	}
	if len(c.feat) == 0 {
		// No corpus: the rules alone decide, and a message no rule
		// speaks for is out of scope rather than the first intent.
		parts.z[intentIndex(IntentFallback)] += 1
	}
	if faqScore > 0 {
		// Knowledge-base evidence: how well the best entry matches,
		// scaled by the share of the message it explains.
		parts.faq = wFAQ * math.Min(faqScore/faqScale, fCap)
	}
	if coverage >= 0 && content > 0 {
		// A shop question is about something the knowledge base
		// covers; content words it has never heard of count against.
		parts.faq -= wMiss * (1 - coverage)
	}
	parts.z[intentIndex(IntentFAQ)] += parts.faq
	if sc.names > 0 {
		// "reset my Gmail password", "my Amazon parcel": worded like a
		// shop question, about someone else's business.
		parts.z[intentIndex(IntentFallback)] += wNames
	}
}

// socialOK decides whether a message the scores call small talk may be
// small talk: not when it names an order or a request phrase fired (then
// forced: the request wins), and otherwise when it has no out-of-domain
// words, small talk is most of it, or the model is very sure.
func (c *classifier) socialOK(ids []int32, hasOrder bool, parts *scoreParts, q float64) (forced, ok bool) {
	if hasOrder {
		return true, false
	}
	for k, in := range intentList {
		if !in.social() && parts.rules[k] >= socialVetoRule {
			return true, false
		}
	}
	// Out of scope needs evidence of its own: words from outside the
	// shop's domain. Without any, small talk with unusual words ("thanks,
	// that answers my question") stays small talk unless the model
	// doubts it and little of the message is small talk ("ship hi order
	// bye" is a word salad, not a goodbye).
	r := c.socialShare(ids, parts.addressed)
	if parts.ood == 0 {
		return false, r >= 0.6 || q >= socialInDomainQ
	}
	return false, r >= 0.6 || (q >= socialSureQ && r >= socialSureShare)
}

// Small-talk guard settings: a non-social rule of socialVetoRule nats
// forces the request; otherwise small talk stands when the model gives it
// socialSureQ with socialSureShare of the words being small talk (or, with
// no out-of-domain word, socialInDomainQ), and another reading replaces it
// only with at least minAltQ probability. Thanks become a goodbye when a
// closing phrase of closingRule nats comes with them.
const (
	socialVetoRule  = 2
	socialSureQ     = 0.9
	socialSureShare = 0.3
	socialInDomainQ = 0.5
	minAltQ         = 0.05
	closingRule     = 2
)

// socialShare is the share of the non-neutral tokens that are small talk;
// addressed names of the person spoken to ("hi Anna") count as small talk.
func (c *classifier) socialShare(ids []int32, addressed int) float64 {
	social, counted := addressed, 0
	for _, id := range ids {
		if int(id) < len(c.neutral) && c.neutral[id] {
			continue
		}
		counted++
		if int(id) < len(c.social) && c.social[id] {
			social++
		}
	}
	if counted == 0 {
		return 1
	}
	return float64(min(social, counted)) / float64(counted)
}

// Weights of the evidence in the combined log-odds, chosen by five-fold
// cross-validation on the training corpus (repeated over five fold
// assignments): the two models together count as much as the rules, naive
// Bayes tempered by nbTemp per known feature; knowledge-base evidence adds
// up to wFAQ×fCap nats to faq, and wMiss is taken off for the share of
// content words the best entry does not contain (a shop question is one
// the knowledge base covers); a name from outside the shop's domain adds
// wNames to fallback.
const (
	wNB    = 0.5
	wLR    = 0.5
	wRule  = 1.0
	wFAQ   = 1.5
	fCap   = 3.0
	wMiss  = 2.0
	wNames = 2.5
	nbTemp = 0.1
)

func softmax(z [numIntents]float64) [numIntents]float64 {
	m := z[0]
	for _, v := range z[1:] {
		m = math.Max(m, v)
	}
	var sum float64
	var q [numIntents]float64
	for k, v := range z {
		q[k] = math.Exp(v - m)
		sum += q[k]
	}
	for k := range q {
		q[k] /= sum
	}
	return q
}

func argmax(q []float64) int {
	best := 0
	for k, v := range q {
		if v > q[best] {
			best = k
		}
	}
	return best
}
