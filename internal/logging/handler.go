package logging

import (
	"context"
	"encoding"
	"encoding/json"
	"fmt"
	"log/slog"
)

// NewHandler wraps next so that, before next sees a record:
//
//   - an attribute whose key names a secret (see sensitiveKey) has its value
//     replaced by [Redacted], at any group depth, including attributes
//     added through With and groups opened through WithGroup;
//   - the message, string values and error texts have control characters,
//     CR, LF, DEL, C1 controls and U+2028/U+2029 escaped, so user-supplied
//     text cannot forge a log line (log injection, ASVS 4.0.3 7.3.1);
//   - card numbers (13 to 19 digits, spaces or dashes allowed, passing the
//     Luhn check) in those strings become [CardRemoved] (DESIGN.md
//     invariant 6; PCI DSS v4.0 3.5.1: PAN unreadable wherever stored,
//     logs included).
//
// Values of kind Any (maps such as http.Header and url.Values, structs,
// slices, pointers, errors) and slog.LogValuer results are walked by
// cleanComposite, which applies the same two rules inside them at every
// depth, within fixed size limits; a securemem.Secret keeps its own
// "[REDACTED]". Records that need no change (no Any value other than
// errors with clean text) pass through untouched and without allocation.
func NewHandler(next slog.Handler) slog.Handler {
	return &handler{next: next}
}

type handler struct {
	next slog.Handler
	// redactAll is set under a WithGroup whose name is sensitive: every
	// attribute added below it is a secret's detail.
	redactAll bool
}

func (h *handler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.next.Enabled(ctx, level)
}

func (h *handler) Handle(ctx context.Context, r slog.Record) error {
	msg, changed := cleanString(r.Message)
	if h.redactAll && r.NumAttrs() > 0 {
		changed = true
	}
	if !changed {
		r.Attrs(func(a slog.Attr) bool {
			changed = needsWork(a)
			return !changed
		})
		if !changed {
			return h.next.Handle(ctx, r)
		}
	}
	out := slog.NewRecord(r.Time, r.Level, msg, r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.clean(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

func (h *handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	cleaned := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		cleaned[i] = h.clean(a)
	}
	return &handler{next: h.next.WithAttrs(cleaned), redactAll: h.redactAll}
}

func (h *handler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h // slog's rule: an empty group name is no group
	}
	return &handler{
		next:      h.next.WithGroup(escapeKey(name)),
		redactAll: h.redactAll || sensitiveKey(name),
	}
}

// clean returns a with every rule applied.
func (h *handler) clean(a slog.Attr) slog.Attr {
	if h.redactAll {
		return slog.String(escapeKey(a.Key), Redacted)
	}
	return cleanAttr(a)
}

func cleanAttr(a slog.Attr) slog.Attr {
	a.Key = escapeKey(a.Key)
	if a.Key != "" && sensitiveKey(a.Key) {
		a.Value = slog.StringValue(Redacted)
		return a
	}
	switch v := a.Value; v.Kind() {
	case slog.KindString:
		if s, ok := cleanString(v.String()); ok {
			a.Value = slog.StringValue(s)
		}
	case slog.KindGroup:
		// A group built in code: its nesting is finite and is kept whole.
		group := v.Group()
		cleaned := make([]slog.Attr, len(group))
		for i, g := range group {
			cleaned[i] = cleanAttr(g)
		}
		a.Value = slog.GroupValue(cleaned...)
	case slog.KindAny, slog.KindLogValuer:
		a.Value = cleanComposite(v)
	}
	return a
}

// needsWork reports, without allocating, whether cleanAttr would change a.
func needsWork(a slog.Attr) bool {
	if keyNeedsEscape(a.Key) || a.Key != "" && sensitiveKey(a.Key) {
		return true
	}
	switch a.Value.Kind() {
	case slog.KindString:
		return needsCleaning(a.Value.String())
	case slog.KindGroup:
		for _, g := range a.Value.Group() {
			if needsWork(g) {
				return true
			}
		}
	case slog.KindLogValuer:
		return true // resolve once, in cleanAttr
	case slog.KindAny:
		return anyNeedsWork(a.Value.Any())
	}
	return false
}

// anyNeedsWork reports, without allocating, whether x, the value of an
// attribute of kind Any, must go through cleanComposite. Only nil and a
// plain error with clean text may pass as they are: for those, both stdlib
// handlers print Error(). An error that also formats or marshals itself
// would be printed by that method instead, so it is walked.
func anyNeedsWork(x any) bool {
	if x == nil {
		return false
	}
	err, ok := x.(error)
	if !ok {
		return true
	}
	switch x.(type) {
	case fmt.Formatter, encoding.TextMarshaler, json.Marshaler:
		return true
	}
	s, ok := errorText(err)
	return !ok || needsCleaning(s)
}

// errorText returns err.Error(), or ok == false when it panics (a typed nil
// pointer, typically); cleanComposite then reports it.
func errorText(err error) (s string, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	return err.Error(), true
}
