// Package bot is the chatbot's understanding: it turns one customer message
// into an intent, a confidence, the entities the dialogue needs (order
// number, email address), a knowledge-base answer and a yes/no reading.
//
// Everything here is deterministic and built once: New trains a small
// naive Bayes model on the labelled corpus, compiles the phrase rules and
// the typo index into maps of integer token ids, so Understand does map
// look-ups and additions only (a few microseconds per message). Matching is
// on whole normalised tokens and phrases, never on substrings, so "hi"
// cannot fire inside "shipping".
//
// Input is never rejected for its words or script (the seed validator that
// refused "update", "#" or apostrophes is exactly what issue 4 replaces):
// any language, accents and emoji pass through; the only limit is the
// length cap applied before any matching (Options.MaxChars).
package bot
