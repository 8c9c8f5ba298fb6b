package logging

import (
	"context"
	"errors"
	"log/slog"
	"time"
)

// nopHandler measures the redacting handler alone.
type nopHandler struct{}

func (nopHandler) Enabled(context.Context, slog.Level) bool  { return true }
func (nopHandler) Handle(context.Context, slog.Record) error { return nil }
func (h nopHandler) WithAttrs([]slog.Attr) slog.Handler      { return h }
func (h nopHandler) WithGroup(string) slog.Handler           { return h }

var errPlain = errors.New("order not found")

// cleanRecord is a typical request log line with nothing to redact.
func cleanRecord() slog.Record {
	r := slog.NewRecord(time.Unix(1700000000, 0), slog.LevelInfo, "request served", 0)
	r.AddAttrs(
		slog.String(KeyEvent, "http.request"),
		slog.String(KeyRequestID, "01HZX3J8Q6K4M2N7P9R5T1V3W8"),
		slog.String(KeyIP, "203.0.113.7"),
		slog.Int(KeyStatus, 200),
		slog.String("path", "/api/orders/ORD001"),
		slog.Group("timing", slog.Duration("total", 1500*time.Microsecond)),
		slog.Any(KeyError, errPlain),
	)
	return r
}

// dirtyRecord needs redaction and escaping.
func dirtyRecord() slog.Record {
	r := slog.NewRecord(time.Unix(1700000000, 0), slog.LevelInfo, "customer wrote\nfake line", 0)
	r.AddAttrs(
		slog.String(KeyEvent, "chat.message"),
		slog.String("password", "hunter2"),
		slog.String("text", "card 4111 1111 1111 1111"),
		slog.Int(KeyStatus, 200),
	)
	return r
}
