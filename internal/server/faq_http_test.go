package server_test

import (
	"net/http"
	"strings"
	"testing"

	"supportbot/internal/users"
)

// TestFAQAdministration: admins edit the knowledge base and the bot answers
// from the edit at once; support staff read it but cannot change it;
// invalid entries are refused naming the field (issue 4, "Knowledge base").
func TestFAQAdministration(t *testing.T) {
	f := newIdentityFixture(t, nil)
	_, asAdmin := f.signedIn(users.RoleAdmin, "ada@example.com")
	_, asAgent := f.signedIn(users.RoleSupport, "sam@example.com")
	_, asAlice := f.signedIn(users.RoleCustomer, "alice@example.com")
	const question = "Do you offer gift wrapping?"
	entry := map[string]any{
		"id":          "gift-wrapping",
		"question":    question,
		"paraphrases": []string{"Can you gift wrap my order?", "Is gift wrapping available?", "gift wrap"},
		"answer":      "Yes! Tick 'gift wrap' at checkout: we wrap every item in recycled paper, free of charge.",
		"tags":        []string{"gifts", "checkout"},
	}
	// answer asks the bot the question in a fresh conversation and returns
	// the entry it answered with ("" for none) and the text.
	answer := func(t *testing.T) (string, string) {
		t.Helper()
		tr := f.say(asAlice, f.startChat(asAlice).Conversation.ID, question)
		if tr.Reply == nil {
			t.Fatal("no reply")
		}
		if tr.Reply.FAQID == nil {
			return "", tr.Reply.Text
		}
		return *tr.Reply.FAQID, tr.Reply.Text
	}

	t.Run("before the entry exists the bot cannot answer with it", func(t *testing.T) {
		if id, _ := answer(t); id == "gift-wrapping" {
			t.Fatal("answered with an entry that does not exist yet")
		}
	})
	t.Run("an entry an admin creates answers the next question", func(t *testing.T) {
		res := f.call("POST", "/api/v1/faq", entry, asAdmin).want(t, http.StatusCreated)
		if loc := res.Header.Get("Location"); loc != "/api/v1/faq/gift-wrapping" {
			t.Errorf("Location = %q", loc)
		}
		if id, text := answer(t); id != "gift-wrapping" || text != entry["answer"] {
			t.Fatalf("answered %q with %q", id, text)
		}
	})
	t.Run("an admin's edit answers the next question", func(t *testing.T) {
		edited := map[string]any{"question": question, "paraphrases": entry["paraphrases"], "answer": "Gift wrapping is back next month."}
		f.call("PUT", "/api/v1/faq/gift-wrapping", edited, asAdmin).want(t, 200)
		if id, text := answer(t); id != "gift-wrapping" || text != "Gift wrapping is back next month." {
			t.Fatalf("answered %q with %q", id, text)
		}
	})

	t.Run("support reads the knowledge base", func(t *testing.T) {
		list := f.call("GET", "/api/v1/faq", nil, asAgent).want(t, 200)
		if !strings.Contains(list.Body, `"id":"gift-wrapping"`) || !strings.Contains(list.Body, `"id":"shipping-times"`) {
			t.Errorf("list lacks entries: %.300s", list.Body)
		}
		f.call("GET", "/api/v1/faq/gift-wrapping", nil, asAgent).want(t, 200)
	})
	for _, tt := range []struct {
		name         string
		method, path string
		body         any
		as           reqOpt
	}{
		{"support cannot create", "POST", "/api/v1/faq", map[string]any{"id": "agent-entry", "question": "Who am I?", "answer": "An agent."}, asAgent},
		{"support cannot replace", "PUT", "/api/v1/faq/gift-wrapping", map[string]any{"question": question, "answer": "No."}, asAgent},
		{"support cannot delete", "DELETE", "/api/v1/faq/gift-wrapping", nil, asAgent},
		{"a customer cannot read it", "GET", "/api/v1/faq", nil, asAlice},
		{"a customer cannot create", "POST", "/api/v1/faq", map[string]any{"id": "customer-entry", "question": "Who am I?", "answer": "A customer."}, asAlice},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if c := f.call(tt.method, tt.path, tt.body, tt.as).want(t, http.StatusForbidden).errorCode(t); c != "forbidden" {
				t.Errorf("code %q", c)
			}
		})
	}
	t.Run("the refused edits changed nothing", func(t *testing.T) {
		if id, text := answer(t); id != "gift-wrapping" || text != "Gift wrapping is back next month." {
			t.Fatalf("answered %q with %q", id, text)
		}
		for _, id := range []string{"agent-entry", "customer-entry"} {
			f.call("GET", "/api/v1/faq/"+id, nil, asAdmin).want(t, http.StatusNotFound)
		}
	})

	valid := func(change func(map[string]any)) map[string]any {
		b := map[string]any{"id": "returns-abroad", "question": "Can I return from abroad?", "answer": "Yes, within 30 days."}
		change(b)
		return b
	}
	for _, tt := range []struct {
		name  string
		body  any
		field string
	}{
		{"an id with capitals and spaces", valid(func(b map[string]any) { b["id"] = "Returns Abroad" }), "/id"},
		{"no id", valid(func(b map[string]any) { delete(b, "id") }), "/id"},
		{"a question too short", valid(func(b map[string]any) { b["question"] = "ab" }), "/question"},
		{"a question of white space", valid(func(b map[string]any) { b["question"] = "      " }), "/question"},
		{"a question with a control character", valid(func(b map[string]any) { b["question"] = "Can I \u0007return?" }), "/question"},
		{"an empty answer", valid(func(b map[string]any) { b["answer"] = "" }), "/answer"},
		{"an answer over 2000 characters", valid(func(b map[string]any) { b["answer"] = strings.Repeat("a", 2001) }), "/answer"},
		// The field is a JSON pointer everywhere else ("/tags/1" below).
		{"a paraphrase with a control character", valid(func(b map[string]any) { b["paraphrases"] = []string{"return from abroad", "bad \u0007 one"} }), "/paraphrases/1"},
		{"a tag with a space", valid(func(b map[string]any) { b["tags"] = []string{"ok", "not ok"} }), "/tags/1"},
		{"an unknown member", valid(func(b map[string]any) { b["priority"] = 1 }), "/priority"},
		{"an id taken already", valid(func(b map[string]any) { b["id"] = "shipping-times" }), "/id"},
	} {
		t.Run("refused: "+tt.name, func(t *testing.T) {
			res := f.call("POST", "/api/v1/faq", tt.body, asAdmin).want(t, http.StatusBadRequest)
			if e := decodeError(t, res.Body); e.Error.Field != tt.field {
				t.Errorf("field = %q, want %q; body %s", e.Error.Field, tt.field, res.Body)
			}
		})
	}
	t.Run("refused entries were not stored", func(t *testing.T) {
		f.call("GET", "/api/v1/faq/returns-abroad", nil, asAdmin).want(t, http.StatusNotFound)
	})

	t.Run("a deleted entry no longer answers", func(t *testing.T) {
		f.call("DELETE", "/api/v1/faq/gift-wrapping", nil, asAdmin).want(t, http.StatusNoContent)
		if id, _ := answer(t); id == "gift-wrapping" {
			t.Fatal("answered with a deleted entry")
		}
	})
}
