package request

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
)

// maxFieldLen caps how much of a client-chosen member name is echoed back in
// an error, so an error body cannot be inflated by a huge key.
const maxFieldLen = 128

// DecodeError is a request body that is not acceptable JSON: malformed,
// followed by trailing data, of the wrong type or violating its schema. It
// answers 400. Field and Message are safe to show the client: they are built
// from our own vocabulary, the schema, and a sanitised, length-capped member
// name; Err keeps the full cause for the log (DESIGN.md, "Errors leave
// through one writer").
type DecodeError struct {
	Field   string // JSON pointer of the offending member ("/items/0/sku"); "" for the whole body
	Message string // client-safe description, naming Field when there is one
	Err     error  // underlying cause, for the log only
}

// Error describes the failure with its cause, for logs.
func (e *DecodeError) Error() string {
	if e.Err == nil {
		return "request: invalid JSON body: " + e.Message
	}
	return "request: invalid JSON body: " + e.Message + ": " + e.Err.Error()
}

// Unwrap returns the underlying cause.
func (e *DecodeError) Unwrap() error { return e.Err }

// newDecodeError builds a DecodeError whose message names the field:
// "field /name must be of type string" or "request body must be of type object".
func newDecodeError(field, predicate string, err error) *DecodeError {
	field = safeField(field)
	subject := "request body"
	if field != "" {
		subject = "field " + field
	}
	return &DecodeError{Field: field, Message: subject + " " + predicate, Err: err}
}

// DecodeJSON reads r's JSON body, validates it against schema when schema is
// not nil, and decodes it strictly into dst: repeated or unknown members,
// nesting deeper than MaxDepth, trailing data and type mismatches are errors
// (*DecodeError). A body over the limit set with http.MaxBytesReader yields
// an error wrapping *http.MaxBytesError (413).
//
// The router has already validated a route's body against the route's schema
// before the handler runs, so handlers pass a nil schema.
func DecodeJSON(r *http.Request, dst any, schema *Schema) error {
	data, err := ReadJSON(r, schema)
	if err != nil {
		return err
	}
	return UnmarshalStrict(data, dst)
}

// ReadJSON reads r's whole body (which the caller bounds with
// http.MaxBytesReader) and returns it once it is valid UTF-8 and, when
// schema is not nil, one well-formed JSON value valid against schema (see
// Validate). Without a schema the bytes are checked when they are decoded
// with UnmarshalStrict.
func ReadJSON(r *http.Request, schema *Schema) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, newDecodeError("", "is empty", nil)
	}
	data, err := readAll(r.Body, r.ContentLength)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, fmt.Errorf("request: read body: %w", err)
		}
		return nil, newDecodeError("", "could not be read", err)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, newDecodeError("", "is empty", nil)
	}
	// JSON is UTF-8 (RFC 8259). encoding/json would quietly turn invalid
	// bytes into U+FFFD, so what was validated would differ from what was
	// sent; refuse them instead.
	if !utf8.Valid(data) {
		return nil, newDecodeError("", "is not valid UTF-8", nil)
	}
	if schema != nil {
		if err := Validate(data, schema); err != nil {
			return nil, err
		}
	}
	return data, nil
}

// readAll reads body to its end into one allocation of the declared length
// (plus the byte that finds the end) when there is one. bytes.Buffer and
// io.ReadAll keep at least 512 bytes free before every read, which made a
// chat message of 40 bytes cost about 3 KB. The declared length is only a
// hint: the caller's http.MaxBytesReader enforces the limit, so a body
// longer than declared still reads (and grows) up to it, and a lie about
// a huge body allocates at most 1 MiB up front.
func readAll(body io.Reader, declared int64) ([]byte, error) {
	if declared <= 0 {
		return io.ReadAll(body)
	}
	buf := make([]byte, 0, min(declared, 1<<20)+1)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)] // longer than declared: let append grow it
		}
		n, err := body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if errors.Is(err, io.EOF) {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

// Validate checks that data is exactly one JSON value valid against schema.
// Its structure is checked first (CheckStructure): the schema validates a
// map, which keeps only the last of repeated member names, while the
// handler's struct decoding would merge them all.
func Validate(data []byte, schema *Schema) error {
	if err := CheckStructure(data); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber() // keep numbers exact for minimum/maximum/multipleOf
	var v any
	if err := dec.Decode(&v); err != nil {
		return syntaxError(err)
	}
	if err := trailing(dec); err != nil {
		return err
	}
	if err := schema.compiled.Validate(v); err != nil {
		return schemaError(err)
	}
	return nil
}

// UnmarshalStrict decodes one JSON value from data into dst, refusing
// repeated member names, nesting deeper than MaxDepth, unknown object
// members, trailing data and type mismatches. Errors are *DecodeError
// except when dst itself is unusable (a programming error).
//
// The structure is checked here as well as in Validate because struct
// decoding is where repeated names do harm: it merges the copies of an
// object instead of refusing them.
func UnmarshalStrict(data []byte, dst any) error {
	if err := CheckStructure(data); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		var invalid *json.InvalidUnmarshalError
		if errors.As(err, &invalid) {
			return fmt.Errorf("request: decode into %T: %w", dst, err)
		}
		return syntaxError(err)
	}
	return trailing(dec)
}

// trailing refuses anything but white space after the first JSON value, so
// "{}{}" or "{} junk" cannot smuggle a second document past validation.
func trailing(dec *json.Decoder) error {
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return newDecodeError("", "has unexpected data after the JSON value", err)
	}
	return nil
}

// syntaxError turns an encoding/json error into a *DecodeError. The cause
// kept for the log is rebuilt without the offending value: encoding/json
// quotes numbers back ("number 4111111111111111"), and a card number or a
// password must never reach the log (DESIGN.md, invariants 5 and 6).
func syntaxError(err error) *DecodeError {
	var (
		syntax  *json.SyntaxError
		typeErr *json.UnmarshalTypeError
	)
	switch {
	case errors.Is(err, io.EOF):
		return newDecodeError("", "is empty", errors.New("json: no value"))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return newDecodeError("", "is malformed JSON: it ends too early", errors.New("json: unexpected end of input"))
	case errors.As(err, &syntax):
		// SyntaxError's text names one character at most.
		return newDecodeError("", "is malformed JSON at byte "+strconv.FormatInt(syntax.Offset, 10), syntax)
	case errors.As(err, &typeErr):
		got, _, _ := strings.Cut(typeErr.Value, " ")
		return newDecodeError(dottedToPointer(typeErr.Field), "must be "+jsonKind(typeErr.Type),
			fmt.Errorf("json: %s value for %v", got, typeErr.Type))
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		if unq, uerr := strconv.Unquote(name); uerr == nil {
			name = unq
		}
		return newDecodeError("/"+escapePointer(name), "is not an allowed field", errors.New("json: unknown field"))
	}
	// Anything else (a type's own UnmarshalJSON, say) may quote the value.
	return newDecodeError("", "is not valid", fmt.Errorf("json: %T", err))
}

// jsonKind names the JSON type a Go type is decoded from.
func jsonKind(t reflect.Type) string {
	if t == nil {
		return "of another type"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer in range"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return "of another type"
}

// schemaError turns a validation failure into a *DecodeError naming the most
// specific offending member. The library's own messages are not used because
// some quote the rejected value back.
func schemaError(err error) *DecodeError {
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return newDecodeError("", "is not valid", fmt.Errorf("jsonschema: %T", err))
	}
	leaf := deepestLeaf(ve)
	loc := leaf.InstanceLocation
	field, predicate := pointer(loc), "is not valid"
	switch k := leaf.ErrorKind.(type) {
	case *kind.Required:
		field, predicate = pointer(append(loc[:len(loc):len(loc)], k.Missing[0])), "is required"
	case *kind.DependentRequired:
		field, predicate = pointer(append(loc[:len(loc):len(loc)], k.Missing[0])), "is required"
	case *kind.Dependency:
		field, predicate = pointer(append(loc[:len(loc):len(loc)], k.Missing[0])), "is required"
	case *kind.AdditionalProperties:
		field, predicate = pointer(append(loc[:len(loc):len(loc)], k.Properties[0])), "is not an allowed field"
	case *kind.PropertyNames:
		field, predicate = pointer(append(loc[:len(loc):len(loc)], k.Property)), "is not an allowed name"
	case *kind.FalseSchema:
		predicate = "is not allowed"
	case *kind.Type:
		predicate = "must be of type " + strings.Join(k.Want, " or ")
	case *kind.MinLength:
		predicate = "must be at least " + strconv.Itoa(k.Want) + " characters long"
	case *kind.MaxLength:
		predicate = "must be at most " + strconv.Itoa(k.Want) + " characters long"
	case *kind.Minimum:
		predicate = "must be at least " + ratString(k.Want.RatString())
	case *kind.Maximum:
		predicate = "must be at most " + ratString(k.Want.RatString())
	case *kind.ExclusiveMinimum:
		predicate = "must be greater than " + ratString(k.Want.RatString())
	case *kind.ExclusiveMaximum:
		predicate = "must be less than " + ratString(k.Want.RatString())
	case *kind.MultipleOf:
		predicate = "must be a multiple of " + ratString(k.Want.RatString())
	case *kind.Enum, *kind.Const:
		predicate = "is not one of the allowed values"
	case *kind.Pattern:
		predicate = "has an invalid format"
	case *kind.Format:
		predicate = "must be a valid " + k.Want
	case *kind.MinItems:
		predicate = "must have at least " + strconv.Itoa(k.Want) + " items"
	case *kind.MaxItems:
		predicate = "must have at most " + strconv.Itoa(k.Want) + " items"
	case *kind.MinProperties:
		predicate = "must have at least " + strconv.Itoa(k.Want) + " members"
	case *kind.MaxProperties:
		predicate = "must have at most " + strconv.Itoa(k.Want) + " members"
	case *kind.UniqueItems:
		predicate = "must not contain duplicate items"
	}
	// The library's message may quote the value; keep only where it failed.
	cause := fmt.Errorf("jsonschema: %s/%s failed at %q", leaf.SchemaURL,
		strings.Join(leaf.ErrorKind.KeywordPath(), "/"), pointer(loc))
	return newDecodeError(field, predicate, cause)
}

// ratString keeps schema bounds short: "5" rather than "5/1".
func ratString(s string) string {
	if len(s) > 32 {
		return "the allowed bound"
	}
	return s
}

// deepestLeaf returns the failure that names the most specific location:
// the leaf with the longest instance location, ties broken by pointer order
// so the answer does not depend on map iteration inside the validator.
func deepestLeaf(ve *jsonschema.ValidationError) *jsonschema.ValidationError {
	best := ve
	bestPtr := ""
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			p := pointer(e.InstanceLocation)
			if best == ve || len(e.InstanceLocation) > len(best.InstanceLocation) ||
				(len(e.InstanceLocation) == len(best.InstanceLocation) && p < bestPtr) {
				best, bestPtr = e, p
			}
			return
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	return best
}

// pointer renders path tokens as an RFC 6901 JSON pointer.
func pointer(tokens []string) string {
	var sb strings.Builder
	for _, t := range tokens {
		sb.WriteByte('/')
		sb.WriteString(escapePointer(t))
	}
	return sb.String()
}

func escapePointer(s string) string {
	if !strings.ContainsAny(s, "~/") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// dottedToPointer converts encoding/json's "a.b.c" field path to "/a/b/c".
func dottedToPointer(field string) string {
	if field == "" {
		return ""
	}
	return "/" + strings.ReplaceAll(escapePointer(field), ".", "/")
}

// safeField makes a client-influenced member path fit to echo: valid UTF-8,
// no control or format characters, at most maxFieldLen bytes.
func safeField(s string) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			clean = false
			break
		}
	}
	if !clean {
		s = strings.Map(func(r rune) rune {
			if r == utf8.RuneError || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
				return '?'
			}
			return r
		}, strings.ToValidUTF8(s, "?"))
	}
	if len(s) > maxFieldLen {
		cut := maxFieldLen
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}
