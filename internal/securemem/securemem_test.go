package securemem

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestZeroClearsEveryByte(t *testing.T) {
	b := []byte("secret_key_12345")
	Zero(b)
	if !bytes.Equal(b, make([]byte, len(b))) {
		t.Fatalf("Zero left %q", b)
	}
	Zero(nil) // must not panic
}

func TestZeroClearsSharedBackingArray(t *testing.T) {
	buf := []byte("prefix-secret-suffix")
	Zero(buf[7:13])
	if got := string(buf); got != "prefix-\x00\x00\x00\x00\x00\x00-suffix" {
		t.Fatalf("got %q", got)
	}
}

func TestWithZeroesAfterUse(t *testing.T) {
	cvv := []byte("123")
	var seen string
	err := With(cvv, func(b []byte) error {
		seen = string(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen != "123" {
		t.Fatalf("fn saw %q, want the secret", seen)
	}
	if !bytes.Equal(cvv, []byte{0, 0, 0}) {
		t.Fatalf("With left %q", cvv)
	}
}

func TestWithZeroesWhenFnFails(t *testing.T) {
	cvv := []byte("456")
	want := errors.New("gateway down")
	if err := With(cvv, func([]byte) error { return want }); !errors.Is(err, want) {
		t.Fatalf("err = %v, want %v", err, want)
	}
	if !bytes.Equal(cvv, []byte{0, 0, 0}) {
		t.Fatalf("With left %q", cvv)
	}
}

func TestWithZeroesWhenFnPanics(t *testing.T) {
	cvv := []byte("789")
	func() {
		defer func() { _ = recover() }()
		_ = With(cvv, func([]byte) error { panic("boom") })
	}()
	if !bytes.Equal(cvv, []byte{0, 0, 0}) {
		t.Fatalf("With left %q after panic", cvv)
	}
}

func TestSecretDestroyZeroesOwnedBytes(t *testing.T) {
	raw := []byte("hunter2hunter2")
	s := NewSecret(raw)
	if string(s.Bytes()) != "hunter2hunter2" || s.Len() != 14 {
		t.Fatalf("Bytes = %q, Len = %d", s.Bytes(), s.Len())
	}
	s.Destroy()
	if !bytes.Equal(raw, make([]byte, len(raw))) {
		t.Fatalf("Destroy left %q in the caller's buffer", raw)
	}
	if s.Bytes() != nil || s.Len() != 0 {
		t.Fatal("Bytes after Destroy is not nil")
	}
	s.Destroy() // twice is fine

	var nilSecret *Secret
	nilSecret.Destroy()
	if nilSecret.Bytes() != nil || nilSecret.Len() != 0 {
		t.Fatal("nil Secret is not empty")
	}
}

func TestSecretNeverFormatsItsBytes(t *testing.T) {
	const plain = "s3cr3t-value"
	s := NewSecret([]byte(plain))
	type holder struct {
		Name string
		Key  Secret
		Ptr  *Secret
	}
	h := holder{Name: "x", Key: *s, Ptr: s}

	verbs := []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%10.3s"}
	for _, verb := range verbs {
		for name, arg := range map[string]any{"value": *s, "pointer": s, "struct": h, "struct pointer": &h} {
			out := fmt.Sprintf(verb, arg)
			if strings.Contains(out, plain) || strings.Contains(out, fmt.Sprintf("%x", plain)) ||
				strings.Contains(out, "115 51 99") { // decimal bytes of "s3c"
				t.Errorf("%s of %s leaks: %s", verb, name, out)
			}
			if !strings.Contains(out, Redacted) {
				t.Errorf("%s of %s = %s, want %s", verb, name, out, Redacted)
			}
		}
	}
	if got := fmt.Sprint(s); got != Redacted {
		t.Errorf("Sprint = %q", got)
	}
}

func TestSecretJSONIsRedacted(t *testing.T) {
	s := NewSecret([]byte("s3cr3t-value"))
	out, err := json.Marshal(struct {
		Key  Secret            `json:"key"`
		Ptr  *Secret           `json:"ptr"`
		ByID map[string]Secret `json:"by_id"`
	}{Key: *s, Ptr: s, ByID: map[string]Secret{"a": *s}})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"key":"[REDACTED]","ptr":"[REDACTED]","by_id":{"a":"[REDACTED]"}}`
	if string(out) != want {
		t.Fatalf("json = %s, want %s", out, want)
	}
}

func TestSecretLogValueIsRedacted(t *testing.T) {
	s := NewSecret([]byte("s3cr3t-value"))
	for _, format := range []string{"json", "text"} {
		var buf bytes.Buffer
		var h slog.Handler = slog.NewJSONHandler(&buf, nil)
		if format == "text" {
			h = slog.NewTextHandler(&buf, nil)
		}
		slog.New(h).Info("login", "key", s, "value", *s, slog.Group("g", "any", slog.AnyValue(s)))
		out := buf.String()
		if strings.Contains(out, "s3cr3t") {
			t.Errorf("%s log leaks the secret: %s", format, out)
		}
		if strings.Count(out, Redacted) != 3 {
			t.Errorf("%s log = %s, want three %s", format, out, Redacted)
		}
	}
}

func TestSecretRedactingMethods(t *testing.T) {
	s := NewSecret([]byte("s3cr3t-value"))
	text, err := s.MarshalText()
	if err != nil || string(text) != Redacted {
		t.Errorf("MarshalText = %q, %v", text, err)
	}
	if s.String() != Redacted || s.GoString() != Redacted {
		t.Errorf("String = %q, GoString = %q", s.String(), s.GoString())
	}
	if v := s.LogValue(); v.String() != Redacted {
		t.Errorf("LogValue = %v", v)
	}
}

// leaksBytes reports whether out shows plain in any form fmt prints bytes
// in: as text, hex (either case), decimal, or however verb itself prints a
// byte slice (%c, %U, …).
func leaksBytes(out, verb, plain string) bool {
	forms := []string{plain, fmt.Sprintf("%x", plain), fmt.Sprintf("% x", plain), fmt.Sprintf("%q", plain),
		strings.Trim(fmt.Sprint([]byte(plain)), "[]")} // "115 51 99 …"
	if verb != "%p" { // %p of a slice is its address, not its bytes
		forms = append(forms, strings.Trim(fmt.Sprintf(verb, []byte(plain)), "[] "))
	}
	for _, f := range forms {
		if strings.Contains(strings.ToLower(out), strings.ToLower(f)) {
			return true
		}
	}
	return false
}

// fmt cannot call methods on a value it reaches through an unexported
// field, so a Secret held there is printed by reflection; it must show no
// more than an address.
func TestSecretInUnexportedFieldNeverFormatsItsBytes(t *testing.T) {
	const plain = "s3cr3t-value"
	s := NewSecret([]byte(plain))
	type inner struct{ key Secret }
	type holder struct {
		cvv    Secret
		ptr    *Secret
		list   []Secret
		byName map[string]Secret
		arr    [1]Secret
		nested inner
		anyKey any
		Public Secret
	}
	h := holder{cvv: *s, ptr: s, list: []Secret{*s}, byName: map[string]Secret{"a": *s}, arr: [1]Secret{*s},
		nested: inner{*s}, anyKey: *s, Public: *s}
	verbs := []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "% x", "%d", "%o", "%b", "%c", "%U", "%t", "%e", "%p", "%10.3s", "%-8v", "%08x"}
	for _, verb := range verbs {
		for name, arg := range map[string]any{"struct": h, "struct pointer": &h, "inner": inner{*s}, "inner pointer": &inner{*s}} {
			if out := fmt.Sprintf(verb, arg); leaksBytes(out, verb, plain) {
				t.Errorf("%s of %s leaks: %s", verb, name, out)
			}
		}
	}
	for _, out := range []string{fmt.Sprint(h), fmt.Sprintln(&h), fmt.Sprintf("%v", []any{h, &h})} {
		if leaksBytes(out, "%v", plain) {
			t.Errorf("Sprint leaks: %s", out)
		}
	}
}

func TestSecretInUnexportedFieldIsNotLoggedByStdlibHandlers(t *testing.T) {
	const plain = "cvv-9q7" // distinctive: "123" could occur in a timestamp
	s := NewSecret([]byte(plain))
	type payment struct {
		OrderID string
		cvv     Secret
		pin     *Secret
	}
	for _, format := range []string{"json", "text"} {
		var buf bytes.Buffer
		var h slog.Handler = slog.NewJSONHandler(&buf, nil)
		if format == "text" {
			h = slog.NewTextHandler(&buf, nil)
		}
		p := payment{OrderID: "ORD001", cvv: *s, pin: s}
		slog.New(h).Info("pay", "p", p, "pp", &p)
		if out := buf.String(); leaksBytes(out, "%v", plain) {
			t.Errorf("%s log leaks the secret: %s", format, out)
		}
	}
}

func TestSecretCopiesShareDestroy(t *testing.T) {
	raw := []byte("k3y")
	s := NewSecret(raw)
	c := *s // a copy made by value, as in a struct field
	if string(c.Bytes()) != "k3y" || c.Len() != 3 {
		t.Fatalf("copy Bytes = %q, Len = %d", c.Bytes(), c.Len())
	}
	s.Destroy()
	if c.Bytes() != nil || c.Len() != 0 {
		t.Fatalf("copy still holds %q after Destroy of the original", c.Bytes())
	}
	if !bytes.Equal(raw, []byte{0, 0, 0}) {
		t.Fatalf("Destroy left %q", raw)
	}
}

func TestZeroSecretIsEmptyAndRedacted(t *testing.T) {
	var s Secret
	if s.Bytes() != nil || s.Len() != 0 {
		t.Fatal("zero Secret is not empty")
	}
	s.Destroy() // must not panic
	if got := fmt.Sprintf("%v %s %x", s, s, s); got != Redacted+" "+Redacted+" "+Redacted {
		t.Fatalf("zero Secret formats as %q", got)
	}
}
