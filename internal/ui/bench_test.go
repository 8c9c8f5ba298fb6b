package ui

import (
	"log/slog"
	"net/http/httptest"
	"testing"

	"supportbot/internal/auth"
	"supportbot/internal/conversations"
)

// longLog is a conversation of n messages with the sample's mix of order
// cards, an agent and a confirmation.
func longLog(n int) chatLog {
	sample := sampleLog()
	log := chatLog{PostURL: sample.PostURL}
	for i := range n {
		m := sample.Messages[i%len(sample.Messages)]
		m.Seq = int64(i + 1)
		log.Messages = append(log.Messages, m)
	}
	return log
}

// BenchmarkChatPage renders a customer's chat page with 40 messages, as
// GET /chat/{id} does after reading them (bench/README.md).
func BenchmarkChatPage(b *testing.B) {
	u, err := New(Deps{Log: slog.New(slog.DiscardHandler), DB: nopDB{}})
	if err != nil {
		b.Fatal(err)
	}
	d := conversationData{ID: "c1", Status: conversations.StatusBot, StatusTexts: customerStatusText, LastSeq: 40, Log: longLog(40), MaxChars: 2000}
	r := httptest.NewRequest("GET", "/chat/c1", nil)
	b.ReportAllocs()
	for b.Loop() {
		p := u.newPage(r, "Chat", d, "chat.js")
		p.Viewer = &Viewer{UserID: "u1", Role: auth.RoleCustomer}
		if _, err := u.render("chat", p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMessagesFragment renders what chat.js fetches after a turn: the
// customer's message and the bot's answer with an order card.
func BenchmarkMessagesFragment(b *testing.B) {
	u, err := New(Deps{Log: slog.New(slog.DiscardHandler), DB: nopDB{}})
	if err != nil {
		b.Fatal(err)
	}
	log := sampleLog()
	log.Messages = log.Messages[1:3]
	b.ReportAllocs()
	for b.Loop() {
		if _, err := u.execute("chat", "messages", log); err != nil {
			b.Fatal(err)
		}
	}
}
