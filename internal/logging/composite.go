package logging

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Limits of the walk through a composite value, so that a huge, deep or
// cyclic value costs bounded time and log space: a log line records an
// event, it is not a data dump. Where a limit cuts, Truncated marks it.
const (
	maxDepth  = 5    // nested maps, structs, slices, groups and LogValue calls
	maxElems  = 64   // entries shown per map, struct or slice
	maxNodes  = 1024 // values visited per top-level attribute
	maxDerefs = 8    // pointers and interfaces followed in a row
)

// cleanComposite returns v, an attribute value of kind Any or LogValuer,
// in a form the key rule and cleanString cover at every depth (issue 2,
// "redaction at any depth"; ASVS 4.0.3 7.1.1). The stdlib handlers would
// print such a value by reflection or encoding/json, past both rules.
func cleanComposite(v slog.Value) slog.Value {
	w := walker{nodes: maxNodes}
	return w.value(v, 0)
}

// walker converts one value. What it makes of each kind of value:
//
//   - a map with keys of any basic kind (http.Header, url.Values,
//     map[string]any) becomes a group in key order; a struct becomes a group
//     of its exported fields, named as encoding/json names them (json tag,
//     `json:"-"` left out, embedded structs flattened); a slice or array
//     becomes a group keyed "0", "1", …. A map key or field name that names
//     a secret (sensitiveKey, checked on the Go field name and the tag name)
//     has its value replaced by Redacted, whatever its type;
//   - every string, map key and text produced by a method (error,
//     encoding.TextMarshaler, fmt.Stringer) is cleaned by cleanString, so
//     card numbers and line breaks go whatever their source;
//   - a []byte or [N]byte shows only its length: raw bytes are usually keys,
//     hashes or payloads, and base64 (what encoding/json would write) hides
//     a secret from review without protecting it;
//   - a type that chose its own representation keeps it: slog.LogValuer
//     (so securemem.Secret stays "[REDACTED]"), error, time.Time,
//     time.Duration, encoding.TextMarshaler (netip.Addr, net.IP),
//     json.Marshaler (its JSON is decoded and walked in turn, so
//     json.RawMessage gets the key rule too), and fmt.Stringer, but for a
//     Stringer only on opaque values (see opaque): for a struct with
//     exported fields the walk, which applies the key rule, is safer than
//     a String method that may print a password;
//   - url.URL shows without its password and with sensitive query values
//     redacted (redactURL), url.Userinfo without its password;
//   - pointers and interfaces are followed, a nil one is null; channels,
//     functions and unsafe pointers show their type, never an address;
//   - unexported fields are left out, as encoding/json leaves them.
//
// A method that panics yields "!PANIC: …", as in slog's own handlers; one
// that fails yields "!ERROR: …".
type walker struct {
	nodes int // values still allowed to be visited
}

// take spends one visit and reports whether the budget allowed it.
func (w *walker) take() bool {
	w.nodes--
	return w.nodes >= 0
}

// value converts v, found depth levels down.
func (w *walker) value(v slog.Value, depth int) slog.Value {
	if !w.take() {
		return truncated()
	}
	if v.Kind() == slog.KindLogValuer {
		// Each LogValue call counts as a level: a LogValuer may return
		// itself, inside a group or behind pointers.
		if depth >= maxDepth {
			return truncated()
		}
		v, depth = v.Resolve(), depth+1
	}
	switch v.Kind() {
	case slog.KindString:
		return leaf(v.String())
	case slog.KindGroup:
		return w.group(v.Group(), depth)
	case slog.KindAny:
		return w.reflect(reflect.ValueOf(v.Any()), depth)
	}
	return v
}

func (w *walker) group(attrs []slog.Attr, depth int) slog.Value {
	if depth >= maxDepth {
		return truncated()
	}
	out := make([]slog.Attr, 0, min(len(attrs), maxElems)+1)
	for i, a := range attrs {
		if w.cut(&out, len(attrs)-i) {
			break
		}
		if sensitiveKey(a.Key) {
			out = append(out, redact(a.Key))
			continue
		}
		out = append(out, slog.Attr{Key: cleanKey(a.Key), Value: w.value(a.Value, depth+1)})
	}
	return groupOf(out, "{}")
}

// reflect converts v, found depth levels down.
func (w *walker) reflect(v reflect.Value, depth int) slog.Value {
	if !w.take() {
		return truncated()
	}
	for range maxDerefs {
		if !v.IsValid() {
			return slog.AnyValue(nil)
		}
		k := v.Kind()
		if (k == reflect.Pointer || k == reflect.Interface) && v.IsNil() {
			return slog.AnyValue(nil) // before any method: most panic on a nil receiver
		}
		if out, ok := w.methods(v, depth); ok {
			return out
		}
		if k != reflect.Pointer && k != reflect.Interface {
			return w.data(v, depth)
		}
		v = v.Elem()
	}
	return truncated()
}

// methods converts v with a method its type has for showing itself, if it
// has one; an addressable v is also tried as a pointer, as encoding/json
// does. A panic in the method is caught and reported.
func (w *walker) methods(v reflect.Value, depth int) (out slog.Value, ok bool) {
	if !v.CanInterface() || !hasMethods(v) {
		return slog.Value{}, false
	}
	defer func() {
		if r := recover(); r != nil {
			out, ok = panicValue(r), true
		}
	}()
	if out, ok := w.method(v.Interface(), v, depth); ok {
		return out, true
	}
	if v.Kind() != reflect.Pointer && v.CanAddr() {
		return w.method(v.Addr().Interface(), v, depth)
	}
	return slog.Value{}, false
}

// hasMethods reports whether v or, when addressable, its pointer has
// methods at all; if not, methods can skip v.Interface(), which allocates
// (and copies a whole array).
func hasMethods(v reflect.Value) bool {
	t := v.Type()
	return t.NumMethod() > 0 || v.CanAddr() && reflect.PointerTo(t).NumMethod() > 0
}

// method converts x, the interface of v, by the first method of the list
// in walker's documentation that x has.
func (w *walker) method(x any, v reflect.Value, depth int) (slog.Value, bool) {
	switch x := x.(type) {
	case slog.Value:
		return w.value(x, depth), true
	case time.Time:
		return slog.TimeValue(x), true
	case time.Duration:
		return slog.DurationValue(x), true
	case json.Number:
		return number(x), true
	case url.URL:
		return leaf(redactURL(&x)), true
	case *url.URL:
		return leaf(redactURL(x)), true
	case *url.Userinfo:
		return leaf(redactUserinfo(x)), true
	case slog.LogValuer:
		return w.value(slog.AnyValue(x), depth), true
	case error:
		return leaf(x.Error()), true
	case encoding.TextMarshaler:
		b, err := x.MarshalText()
		if err != nil {
			return leaf("!ERROR: " + err.Error()), true
		}
		return leaf(string(b)), true
	case json.Marshaler:
		return w.json(x, depth), true
	case fmt.Stringer:
		if opaque(v) {
			return leaf(x.String()), true
		}
	}
	return slog.Value{}, false
}

// opaque reports whether the walk could show nothing better than v's
// String method: v is a bool, number or string of a named type (an enum,
// an id) or a struct without exported fields.
func opaque(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Bool, reflect.String,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		return true
	case reflect.Struct:
		return exportedFields(v.Type(), 0) == 0
	}
	return false
}

// json converts what m.MarshalJSON writes, decoded, so the key rule and
// cleanString reach inside it.
func (w *walker) json(m json.Marshaler, depth int) slog.Value {
	b, err := m.MarshalJSON()
	if err != nil {
		return leaf("!ERROR: " + err.Error())
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var x any
	if err := d.Decode(&x); err != nil {
		return leaf("!ERROR: " + err.Error())
	}
	return w.reflect(reflect.ValueOf(x), depth)
}

// data converts v, a value no method claimed, by its kind.
func (w *walker) data(v reflect.Value, depth int) slog.Value {
	switch v.Kind() {
	case reflect.Bool:
		return slog.BoolValue(v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return slog.Int64Value(v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return slog.Uint64Value(v.Uint())
	case reflect.Float32, reflect.Float64:
		return slog.Float64Value(v.Float())
	case reflect.Complex64, reflect.Complex128:
		return slog.StringValue(strconv.FormatComplex(v.Complex(), 'g', -1, v.Type().Bits()))
	case reflect.String:
		return leaf(v.String())
	case reflect.Struct:
		if depth >= maxDepth {
			return truncated()
		}
		var out []slog.Attr
		w.fields(&out, v, depth)
		return groupOf(out, "{}")
	case reflect.Map:
		return w.mapValue(v, depth)
	case reflect.Slice, reflect.Array:
		return w.list(v, depth)
	}
	// Chan, Func, UnsafePointer: the type says what it was; an address
	// says nothing useful.
	return slog.StringValue(v.Type().String())
}

// fields appends the exported fields of struct v to out, and reports
// whether it had to cut.
func (w *walker) fields(out *[]slog.Attr, v reflect.Value, depth int) (cut bool) {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue // reflect cannot read it, and encoding/json skips it too
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		fv := v.Field(i)
		if f.Anonymous && name == "" {
			if fv.Kind() == reflect.Pointer {
				if fv.IsNil() {
					continue
				}
				fv = fv.Elem()
			}
			if fv.Kind() == reflect.Struct {
				// Flattened, as encoding/json does; depth still grows, so
				// a struct embedding a pointer to itself ends.
				if depth+1 >= maxDepth {
					*out = append(*out, slog.String(f.Name, Truncated))
				} else if w.fields(out, fv, depth+1) {
					return true
				}
				continue
			}
		}
		if name == "" {
			name = f.Name
		}
		if w.cut(out, exportedFields(t, i)) {
			return true
		}
		if sensitiveKey(f.Name) || sensitiveKey(name) {
			*out = append(*out, redact(name))
			continue
		}
		*out = append(*out, slog.Attr{Key: cleanKey(name), Value: w.reflect(fv, depth+1)})
	}
	return false
}

// exportedFields counts the exported fields of t from the i-th on.
func exportedFields(t reflect.Type, i int) int {
	n := 0
	for ; i < t.NumField(); i++ {
		if t.Field(i).IsExported() {
			n++
		}
	}
	return n
}

func (w *walker) mapValue(v reflect.Value, depth int) slog.Value {
	if v.Len() == 0 {
		return slog.StringValue("{}")
	}
	if depth >= maxDepth {
		return truncated()
	}
	type entry struct {
		key   string
		value reflect.Value
	}
	entries := make([]entry, 0, v.Len())
	for it := v.MapRange(); it.Next(); {
		entries = append(entries, entry{w.mapKey(it.Key(), depth), it.Value()})
	}
	slices.SortFunc(entries, func(a, b entry) int { return strings.Compare(a.key, b.key) })
	out := make([]slog.Attr, 0, min(len(entries), maxElems)+1)
	for i, e := range entries {
		if w.cut(&out, len(entries)-i) {
			break
		}
		if sensitiveKey(e.key) {
			out = append(out, redact(e.key))
			continue
		}
		out = append(out, slog.Attr{Key: cleanKey(e.key), Value: w.reflect(e.value, depth+1)})
	}
	return groupOf(out, "{}")
}

// mapKey returns k as text: a key of a named type is shown by its methods
// if it has one (netip.Addr, time.Duration, a Stringer enum), a basic kind
// is formatted, anything else is shown by its type.
func (w *walker) mapKey(k reflect.Value, depth int) string {
	if k.Kind() == reflect.Interface && !k.IsNil() {
		k = k.Elem()
	}
	if k.IsValid() && k.Type().PkgPath() != "" {
		if s, ok := w.methods(k, depth); ok && s.Kind() != slog.KindGroup && s.Kind() != slog.KindAny {
			return s.String() // a string, number, time or duration; strings are cleaned
		}
	}
	switch k.Kind() {
	case reflect.String:
		return k.String()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(k.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.FormatUint(k.Uint(), 10)
	case reflect.Bool:
		return strconv.FormatBool(k.Bool())
	case reflect.Float32, reflect.Float64:
		return strconv.FormatFloat(k.Float(), 'g', -1, k.Type().Bits())
	}
	if !k.IsValid() {
		return "<nil>"
	}
	return k.Type().String()
}

func (w *walker) list(v reflect.Value, depth int) slog.Value {
	n := v.Len()
	if v.Type().Elem().Kind() == reflect.Uint8 {
		return slog.StringValue("[" + strconv.Itoa(n) + " bytes]")
	}
	if n == 0 {
		return slog.StringValue("[]")
	}
	if depth >= maxDepth {
		return truncated()
	}
	out := make([]slog.Attr, 0, min(n, maxElems)+1)
	for i := range n {
		if w.cut(&out, n-i) {
			break
		}
		out = append(out, slog.Attr{Key: strconv.Itoa(i), Value: w.reflect(v.Index(i), depth+1)})
	}
	return groupOf(out, "[]")
}

// cut ends a composite that is full (maxElems entries) or that the budget
// cannot extend: it appends an entry counting the left entries not shown
// and reports true.
func (w *walker) cut(out *[]slog.Attr, left int) bool {
	if len(*out) < maxElems && w.nodes > 0 {
		return false
	}
	*out = append(*out, slog.String(Truncated, strconv.Itoa(left)+" more"))
	return true
}

// groupOf returns attrs as a group, or empty as a string when there are
// none: handlers drop an empty group, and the key would vanish with it.
func groupOf(attrs []slog.Attr, empty string) slog.Value {
	if len(attrs) == 0 {
		return slog.StringValue(empty)
	}
	return slog.GroupValue(attrs...)
}

// leaf returns s, cleaned, as a string value.
func leaf(s string) slog.Value {
	s, _ = cleanString(s)
	return slog.StringValue(s)
}

// cleanKey cleans a key that comes from data (a map key), not code.
func cleanKey(k string) string {
	k, _ = cleanString(k)
	return k
}

func redact(key string) slog.Attr {
	return slog.String(cleanKey(key), Redacted)
}

func truncated() slog.Value {
	return slog.StringValue(Truncated)
}

// number keeps a JSON number a number.
func number(n json.Number) slog.Value {
	if i, err := n.Int64(); err == nil {
		return slog.Int64Value(i)
	}
	if f, err := n.Float64(); err == nil {
		return slog.Float64Value(f)
	}
	return leaf(n.String())
}

// panicValue describes a panic in a method of a logged value like slog's
// own handlers do, keeping the message only when it is text.
func panicValue(r any) slog.Value {
	switch r := r.(type) {
	case string:
		return leaf("!PANIC: " + r)
	case runtime.Error:
		return leaf("!PANIC: " + r.Error())
	}
	return slog.StringValue("!PANIC")
}

// redactURL returns u as text with its password hidden (url.URL.Redacted)
// and the values of query parameters that name a secret replaced: a token
// in a URL is a classic way into logs (ASVS 4.0.3 7.1.1, 8.3.1).
func redactURL(u *url.URL) string {
	c := *u
	c.RawQuery = redactQuery(c.RawQuery)
	return c.Redacted()
}

func redactQuery(q string) string {
	if q == "" {
		return q
	}
	params := strings.Split(q, "&")
	for i, p := range params {
		raw, _, _ := strings.Cut(p, "=")
		name := raw
		if s, err := url.QueryUnescape(raw); err == nil {
			name = s
		}
		if sensitiveKey(name) {
			params[i] = raw + "=" + Redacted
		}
	}
	return strings.Join(params, "&")
}

func redactUserinfo(u *url.Userinfo) string {
	if _, ok := u.Password(); ok {
		return u.Username() + ":" + Redacted
	}
	return u.Username()
}
