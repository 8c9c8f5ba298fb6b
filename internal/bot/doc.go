// Package bot is the chatbot's understanding: it turns one customer message
// into an intent, a confidence, the entities the dialogue needs (order
// number, email address), a knowledge-base answer and a yes/no reading.
//
// The pipeline: cap the length, NFKC, case-fold, tokenize, expand
// contractions, map each word to an integer token id (stem + synonyms;
// accents optional; typo correction for unknown words), then
//
//   - intent: weighted phrase rules (the shop's phrases, small talk in the
//     common languages, everyday subjects a shop does not handle) plus two
//     small models trained at construction on the labelled corpus
//     (multinomial naive Bayes and logistic regression over unigrams,
//     bigrams and out-of-domain features), plus knowledge-base evidence
//     (how well the best entry matches and how much of the message it
//     covers), combined in log-odds; a guard keeps small talk from winning
//     over a request or an out-of-scope message, and a question naming
//     something outside the shop's domain ("my Amazon parcel") leans to
//     out of scope;
//   - entities: order numbers (a configurable linear-time regexp, numeric
//     ids only in an order context) and email addresses;
//   - knowledge base: BM25 over questions, paraphrases, tags and answers,
//     behind an atomic pointer so it can be swapped while serving.
//
// Everything is deterministic and built once, so Understand does map
// look-ups and additions only (a few microseconds per message). Matching is
// on whole normalised tokens and phrases, never on substrings, so "hi"
// cannot fire inside "shipping".
//
// Input is never rejected for its words or script (the seed validator that
// refused "update", "#" or apostrophes is exactly what issue 4 replaces):
// any language, accents and emoji pass through; the only limit is the
// length cap applied before any matching (Options.MaxChars).
package bot
