// Package supportbot holds what the binary embeds from the repository root:
// the bot's labelled training corpus. It lives under testdata/bot/ next to
// the held-out split (issue 4, "Quality"), and the go:embed below is the
// only way a file there reaches the binary; the held-out split is read by
// tests only and never embedded, so it cannot leak into training.
package supportbot

import _ "embed" // for go:embed

// TrainingCorpus is testdata/bot/train.jsonl: one JSON object per line,
// {"text", "intent", "order_id"?, "faq_id"?}. internal/bot trains its
// statistical model on it when the server starts.
//
//go:embed testdata/bot/train.jsonl
var TrainingCorpus []byte
