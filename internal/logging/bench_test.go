package logging

import (
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"
)

// BenchmarkHandleClean is the common case: nothing to change, so the record
// must pass through without allocating.
func BenchmarkHandleClean(b *testing.B) {
	h := NewHandler(nopHandler{})
	r := cleanRecord()
	ctx := b.Context()
	b.ReportAllocs()
	for b.Loop() {
		_ = h.Handle(ctx, r)
	}
}

// BenchmarkHandleDirty redacts a key, escapes a newline and removes a card.
func BenchmarkHandleDirty(b *testing.B) {
	h := NewHandler(nopHandler{})
	r := dirtyRecord()
	ctx := b.Context()
	b.ReportAllocs()
	for b.Loop() {
		_ = h.Handle(ctx, r)
	}
}

// BenchmarkHandleComposite walks a header map and a struct, the cost a
// record with composite Any values pays.
func BenchmarkHandleComposite(b *testing.B) {
	h := NewHandler(nopHandler{})
	r := slog.NewRecord(time.Unix(1700000000, 0), slog.LevelInfo, "login", 0)
	r.AddAttrs(
		slog.Any("headers", http.Header{"Authorization": {"Bearer abc.def"}, "Accept": {"application/json"}, "User-Agent": {"curl/8"}}),
		slog.Any("login", login{User: "alice", Password: "hunter2"}),
	)
	ctx := b.Context()
	b.ReportAllocs()
	for b.Loop() {
		_ = h.Handle(ctx, r)
	}
}

// BenchmarkLoggerJSON compares the full logger with the bare stdlib JSON
// handler, to show what redaction costs end to end.
func BenchmarkLoggerJSON(b *testing.B) {
	for _, bc := range []struct {
		name string
		l    *slog.Logger
	}{
		{"stdlib", slog.New(slog.NewJSONHandler(io.Discard, nil))},
		{"redacting", New(io.Discard, "json", slog.LevelInfo)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				bc.l.Info("request served", KeyEvent, "http.request", KeyRequestID, "01HZX3J8Q6K4M2N7P9R5T1V3W8",
					KeyIP, "203.0.113.7", KeyStatus, 200, "path", "/api/orders/ORD001")
			}
		})
	}
}

// BenchmarkSensitiveKey checks the fixed project keys, the common case.
func BenchmarkSensitiveKey(b *testing.B) {
	keys := []string{KeyEvent, KeyUserID, KeyIP, KeyRequestID, KeyStatus, KeyError, "path", "duration_ms"}
	for b.Loop() {
		for _, k := range keys {
			if sensitiveKey(k) {
				b.Fatal(k)
			}
		}
	}
}
