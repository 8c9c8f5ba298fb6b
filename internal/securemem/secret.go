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
// them (first specification, "Never log sensitive data"; ASVS 4.0.3 7.1.1).
// Only Bytes gives the bytes, so every use of the secret is an explicit call
// that can be found in review. What is guaranteed:
//
//   - Where its methods can be called (a Secret or *Secret passed directly,
//     or held in an exported field, slice, map or interface that fmt,
//     encoding/json or log/slog reaches), every fmt verb and flag,
//     encoding/json, encoding.TextMarshaler users (slog's text handler, XML,
//     map keys) and log/slog produce [Redacted]. The methods have value
//     receivers, so this holds for values, pointers and copies alike.
//   - Where they cannot (a Secret in an unexported struct field: fmt and
//     slog's text handler then print it by reflection, without calling
//     methods), fmt shows at most a pointer address, for every verb and
//     flag; encoding/json skips unexported fields.
//
// The second guarantee comes from layout: the bytes sit two pointers away
// from the Secret. fmt prints a pointer found inside a value as an address
// and follows only the top-level pointer it is given (which includes the
// pointer it re-prints after a verb that does not apply, as in
// "%!s(*T=&{…})"), so one pointer would not be enough.
//
// Not covered: code that reads the bytes through reflect and unsafe (deep
// dumpers such as go-spew, debuggers, core dumps, or printing a
// reflect.Value taken from the unexported field). Copies of a Secret share
// its bytes, and Destroy on any copy wipes them for all.
type Secret struct {
	ref *secretRef // nil for the zero Secret
}

// secretRef is the state copies of a Secret share. Its field is itself a
// pointer so that fmt, having followed the outer pointer, stops here and
// prints an address (see Secret).
type secretRef struct {
	b *[]byte
}

// NewSecret returns a Secret that owns b. The caller must not use or keep b
// afterwards: the Secret zeroes it in Destroy. Taking ownership instead of
// copying avoids leaving a second, unzeroed copy behind.
func NewSecret(b []byte) *Secret {
	return &Secret{ref: &secretRef{b: &b}}
}

// bytes returns the secret bytes, nil for a nil, zero or destroyed Secret.
func (s *Secret) bytes() []byte {
	if s == nil || s.ref == nil || s.ref.b == nil {
		return nil
	}
	return *s.ref.b
}

// Bytes returns the secret bytes themselves, not a copy, so that Destroy
// also wipes what the caller reads. It returns nil after Destroy.
func (s *Secret) Bytes() []byte {
	return s.bytes()
}

// Len reports the number of secret bytes, 0 after Destroy.
func (s *Secret) Len() int {
	return len(s.bytes())
}

// Destroy zeroes the secret bytes and forgets them, for every copy of s. It
// is safe to call more than once. It must not run concurrently with other
// uses of s or its copies.
func (s *Secret) Destroy() {
	if b := s.bytes(); b != nil {
		Zero(b)
		s.ref.b = nil
	}
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
