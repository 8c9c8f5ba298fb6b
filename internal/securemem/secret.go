package securemem

import (
	"fmt"
	"io"
	"log/slog"
)

// Redacted is what a Secret prints, encodes and logs as, whatever the verb
// or encoder.
const Redacted = "[REDACTED]"

// Secret holds secret bytes (a key, a CVV, a one-time code) and never shows
// them: fmt, encoding/json, encoding.TextMarshaler users and log/slog all get
// [Redacted] (first specification, "Never log sensitive data"; ASVS 4.0.3
// 7.1.1). Only Bytes gives the bytes, so every use of the secret is an
// explicit call that can be found in review.
//
// The redacting methods have value receivers so a Secret is redacted
// whether it is passed by value, by pointer or inside a struct that fmt
// walks with reflection.
type Secret struct {
	b []byte
}

// NewSecret returns a Secret that owns b. The caller must not use or keep b
// afterwards: the Secret zeroes it in Destroy. Taking ownership instead of
// copying avoids leaving a second, unzeroed copy behind.
func NewSecret(b []byte) *Secret {
	return &Secret{b: b}
}

// Bytes returns the secret bytes themselves, not a copy, so that Destroy
// also wipes what the caller reads. It returns nil after Destroy.
func (s *Secret) Bytes() []byte {
	if s == nil {
		return nil
	}
	return s.b
}

// Len reports the number of secret bytes, 0 after Destroy.
func (s *Secret) Len() int {
	if s == nil {
		return 0
	}
	return len(s.b)
}

// Destroy zeroes the secret bytes and forgets them. It is safe to call more
// than once. It must not run concurrently with other uses of s.
func (s *Secret) Destroy() {
	if s == nil {
		return
	}
	Zero(s.b)
	s.b = nil
}

// String returns [Redacted].
func (Secret) String() string { return Redacted }

// GoString returns [Redacted], so %#v does not dump the bytes.
func (Secret) GoString() string { return Redacted }

// Format writes [Redacted] for every verb and flag (%v, %+v, %#v, %s, %q,
// %x, %d, …); without it, verbs such as %x or %d would print the bytes.
func (Secret) Format(f fmt.State, _ rune) {
	_, _ = io.WriteString(f, Redacted)
}

// MarshalJSON encodes the secret as the JSON string "[REDACTED]".
func (Secret) MarshalJSON() ([]byte, error) {
	return []byte(`"` + Redacted + `"`), nil
}

// MarshalText returns [Redacted], covering encoders that use
// encoding.TextMarshaler (XML, map keys, slog's text handler).
func (Secret) MarshalText() ([]byte, error) {
	return []byte(Redacted), nil
}

// LogValue makes log/slog record [Redacted] instead of the secret.
func (Secret) LogValue() slog.Value {
	return slog.StringValue(Redacted)
}

// Interface checks: a Secret must satisfy each redacting interface both as
// a value and as a pointer.
var (
	_ fmt.Stringer   = Secret{}
	_ fmt.GoStringer = Secret{}
	_ fmt.Formatter  = Secret{}
	_ slog.LogValuer = Secret{}
	_ fmt.Formatter  = (*Secret)(nil)
	_ slog.LogValuer = (*Secret)(nil)
)
