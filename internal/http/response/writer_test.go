package response

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"supportbot/internal/http/request"
)

func newRequest(path string) *http.Request {
	r := httptest.NewRequest("GET", path, nil)
	return r.WithContext(request.WithInfo(r.Context(), &request.Info{ID: "0123456789abcdef0123456789abcdef", Nonce: "n0nce"}))
}

func TestWriteClassifiesErrors(t *testing.T) {
	tests := []struct {
		name    string
		err     error
		status  int
		code    string
		message string
		field   string
	}{
		{"typed error keeps its status", NotFound(errors.New("order ORD9 belongs to someone else")), 404, "not_found", "The requested resource was not found.", ""},
		{"custom code and message", &Error{Status: 401, Code: "mfa_required", Message: "A second factor is required."}, 401, "mfa_required", "A second factor is required.", ""},
		{"bad request names its field", BadRequest("/email", "field /email is required", nil), 400, "bad_request", "field /email is required", "/email"},
		{"decode errors are 400 with their field", wrapDecode(), 400, "bad_request", "field /name must be of type string", "/name"},
		{"oversized bodies are 413", fmt.Errorf("read: %w", &http.MaxBytesError{Limit: 10}), 413, "payload_too_large", "The request body is too large.", ""},
		{"deadlines are 503", fmt.Errorf("query: %w", context.DeadlineExceeded), 503, "service_unavailable", "The service is temporarily unavailable. Please try again later.", ""},
		{"anything else is 500", errors.New(`pq: relation "users" at /srv/x.go:1`), 500, "internal_error", "Something went wrong on our side. Please try again later.", ""},
		{"a status outside the set is 500 with 500's words", &Error{Status: 418, Message: "I am a teapot with secrets"}, 500, "internal_error", "Something went wrong on our side. Please try again later.", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var log bytes.Buffer
			ew := NewErrorWriter(slog.New(slog.NewJSONHandler(&log, nil)), nil)
			rec := httptest.NewRecorder()
			ew.Write(rec, newRequest("/api/v1/x"), tt.err)
			if rec.Code != tt.status {
				t.Fatalf("status = %d, want %d", rec.Code, tt.status)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
				t.Errorf("Content-Type = %q", ct)
			}
			if rec.Header().Get("Cache-Control") != "no-store" || rec.Header().Get("X-Content-Type-Options") != "nosniff" {
				t.Error("error response is cacheable or sniffable")
			}
			var b struct {
				Error map[string]string `json:"error"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &b); err != nil {
				t.Fatal(err)
			}
			want := map[string]string{"code": tt.code, "message": tt.message, "request_id": "0123456789abcdef0123456789abcdef"}
			if tt.field != "" {
				want["field"] = tt.field
			}
			if fmt.Sprint(b.Error) != fmt.Sprint(want) {
				t.Errorf("body = %v, want %v", b.Error, want)
			}
			if tt.err != nil && !strings.Contains(log.String(), jsonEscape(tt.err.Error())) {
				t.Errorf("log lacks the full error %q:\n%s", tt.err, log.String())
			}
			if !strings.Contains(log.String(), `"request_id":"0123456789abcdef0123456789abcdef"`) {
				t.Error("log lacks the request ID")
			}
		})
	}
}

func jsonEscape(s string) string {
	b, _ := json.Marshal(s)
	return strings.Trim(string(b), `"`)
}

func wrapDecode() error {
	return fmt.Errorf("handler: %w", &request.DecodeError{Field: "/name", Message: "field /name must be of type string"})
}

func TestWriteUIErrorsAsHTML(t *testing.T) {
	page := func(w io.Writer, p ErrorPage) error {
		_, err := fmt.Fprintf(w, "<p>%d %s %s %s</p>", p.Status, p.Title, p.RequestID, p.Nonce)
		return err
	}
	ew := NewErrorWriter(nil, page)
	rec := httptest.NewRecorder()
	ew.Write(rec, newRequest("/orders"), NotFound(nil))
	if ct := rec.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	if got := rec.Body.String(); got != "<p>404 Page not found 0123456789abcdef0123456789abcdef n0nce</p>" {
		t.Errorf("body = %q", got)
	}
}

func TestWriteFallsBackWhenThePageFails(t *testing.T) {
	ew := NewErrorWriter(nil, func(w io.Writer, p ErrorPage) error {
		_, _ = io.WriteString(w, "half a page")
		return errors.New("template: boom")
	})
	rec := httptest.NewRecorder()
	ew.Write(rec, newRequest("/"), Internal(errors.New("x")))
	b := rec.Body.String()
	if strings.Contains(b, "half a page") || !strings.Contains(b, `<html lang="en">`) || !strings.Contains(b, "0123456789abcdef0123456789abcdef") {
		t.Errorf("fallback page = %q", b)
	}
}

type startedRecorder struct {
	*httptest.ResponseRecorder
}

func (startedRecorder) Written() bool { return true }

func TestWriteDoesNotAnswerTwice(t *testing.T) {
	ew := NewErrorWriter(nil, nil)
	rec := httptest.NewRecorder()
	rec.WriteHeader(200)
	_, _ = io.WriteString(rec, "partial")
	ew.Write(startedRecorder{rec}, newRequest("/api/v1/x"), Internal(errors.New("late")))
	if rec.Body.String() != "partial" {
		t.Errorf("body = %q, want only the handler's", rec.Body.String())
	}
	if c := ew.Counts(); c.ByStatus[500] != 1 {
		t.Errorf("late error not counted: %v", c.ByStatus)
	}
}

func TestCounts(t *testing.T) {
	ew := NewErrorWriter(nil, nil)
	for _, err := range []error{NotFound(nil), NotFound(nil), TooManyRequests(nil), Internal(nil), &Error{Status: 401, Code: "mfa_required"}} {
		ew.Write(httptest.NewRecorder(), newRequest("/api/v1/x"), err)
	}
	c := ew.Counts()
	if c.ByClass["4xx"] != 4 || c.ByClass["5xx"] != 1 {
		t.Errorf("by class %v", c.ByClass)
	}
	if c.ByStatus[404] != 2 || c.ByStatus[429] != 1 || c.ByStatus[500] != 1 || c.ByStatus[401] != 1 {
		t.Errorf("by status %v", c.ByStatus)
	}
	if c.ByCode["not_found"] != 2 || c.ByCode["mfa_required"] != 1 {
		t.Errorf("by code %v", c.ByCode)
	}
}

func TestJSON(t *testing.T) {
	rec := httptest.NewRecorder()
	if err := JSON(rec, 201, map[string]int{"n": 1}); err != nil {
		t.Fatal(err)
	}
	if rec.Code != 201 || rec.Header().Get("Content-Type") != "application/json; charset=utf-8" || rec.Body.String() != "{\"n\":1}\n" {
		t.Errorf("got %d %q %q", rec.Code, rec.Header().Get("Content-Type"), rec.Body.String())
	}
	rec = httptest.NewRecorder()
	if err := JSON(rec, 200, map[string]any{"c": make(chan int)}); err == nil {
		t.Error("unencodable value accepted")
	}
	if rec.Body.Len() != 0 || rec.Header().Get("Content-Type") != "" {
		t.Error("a failed encoding wrote something")
	}
}

func TestIsAPI(t *testing.T) {
	for path, want := range map[string]bool{"/api/v1/x": true, "/healthz": true, "/readyz": true, "/": false, "/apix": false, "/static/app.css": false} {
		if got := IsAPI(httptest.NewRequest("GET", path, nil)); got != want {
			t.Errorf("IsAPI(%s) = %v", path, got)
		}
	}
}
