package request

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"
)

const testSchema = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "additionalProperties": false,
  "required": ["email"],
  "properties": {
    "email": {"type": "string", "format": "email", "maxLength": 100},
    "code": {"type": "string", "pattern": "^[0-9]{6}$"},
    "role": {"enum": ["customer", "support"]},
    "qty": {"type": "integer", "minimum": 1, "maximum": 10},
    "items": {"type": "array", "maxItems": 2, "items": {
      "type": "object", "additionalProperties": false, "required": ["sku"],
      "properties": {"sku": {"type": "string"}}
    }}
  }
}`

type testBody struct {
	Email string `json:"email"`
	Code  string `json:"code"`
	Role  string `json:"role"`
	Qty   int    `json:"qty"`
	Items []struct {
		SKU string `json:"sku"`
	} `json:"items"`
}

func testSchemas(t testing.TB) *Schema {
	t.Helper()
	s, err := CompileSchemas(fstest.MapFS{"test.json": {Data: []byte(testSchema)}})
	if err != nil {
		t.Fatal(err)
	}
	sch, err := s.Lookup("test")
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

func jsonRequest(body string) *http.Request {
	return httptest.NewRequest("POST", "/", strings.NewReader(body))
}

func TestDecodeJSON(t *testing.T) {
	schema := testSchemas(t)
	tests := []struct {
		name    string
		body    string
		field   string // "" and ok true: success
		ok      bool
		message string // part of the client message
	}{
		{"valid body decodes", `{"email":"a@b.example","qty":2,"items":[{"sku":"X1"}]}`, "", true, ""},
		{"unknown field is named", `{"email":"a@b.example","admin":true}`, "/admin", false, "not an allowed field"},
		{"nested unknown field is named with its path", `{"email":"a@b.example","items":[{"sku":"a","price":1}]}`, "/items/0/price", false, "not an allowed field"},
		{"missing required field is named", `{}`, "/email", false, "is required"},
		{"wrong type is named", `{"email":7}`, "/email", false, "must be of type string"},
		{"pattern violation does not echo the value", `{"email":"a@b.example","code":"SECRET1"}`, "/code", false, "invalid format"},
		{"format violation", `{"email":"not-an-email"}`, "/email", false, "valid email"},
		{"enum violation", `{"email":"a@b.example","role":"admin"}`, "/role", false, "allowed values"},
		{"range violation", `{"email":"a@b.example","qty":11}`, "/qty", false, "at most 10"},
		{"too many items", `{"email":"a@b.example","items":[{"sku":"a"},{"sku":"b"},{"sku":"c"}]}`, "/items", false, "at most 2 items"},
		{"malformed JSON", `{"email":`, "", false, "malformed JSON"},
		{"syntax error gives the offset", `{"email" "x"}`, "", false, "at byte"},
		{"trailing value", `{"email":"a@b.example"}{}`, "", false, "unexpected data"},
		{"trailing garbage", `{"email":"a@b.example"} nope`, "", false, "unexpected data"},
		{"empty body", ``, "", false, "is empty"},
		{"invalid UTF-8", "{\"email\":\"a\xffb@c.example\"}", "", false, "not valid UTF-8"},
		{"whitespace body", "  \n ", "", false, "is empty"},
		{"wrong top-level type", `["a"]`, "", false, "must be of type object"},
		{"repeated member is refused, not last-wins", `{"email":"a@b.example","email":"b@b.example"}`, "/email", false, "is repeated"},
		{"repeated member hiding an invalid copy is refused", `{"email":"a@b.example","items":[{"sku":"a"}],"items":[]}`, "/items", false, "is repeated"},
		{"repeated nested member is named with its path", `{"email":"a@b.example","items":[{"sku":"a"},{"sku":"b","sku":"c"}]}`, "/items/1/sku", false, "is repeated"},
		{"repeated member spelled with an escape is refused", `{"email":"a@b.example","\u0065mail":"c@b.example"}`, "/email", false, "is repeated"},
		{"repetition is refused before the schema runs", `{"role":"admin","role":"admin"}`, "/role", false, "is repeated"},
		{"nesting deeper than the limit is refused", `{"email":"a@b.example","items":` + strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth) + `}`,
			"/items" + strings.Repeat("/0", MaxDepth-1), false, "nested more than 32 levels"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var dst testBody
			err := DecodeJSON(jsonRequest(tt.body), &dst, schema)
			if tt.ok {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			de, ok := errors.AsType[*DecodeError](err)
			if !ok {
				t.Fatalf("error %v (%T) is not a *DecodeError", err, err)
			}
			if de.Field != tt.field {
				t.Errorf("field = %q, want %q (message %q)", de.Field, tt.field, de.Message)
			}
			if !strings.Contains(de.Message, tt.message) {
				t.Errorf("message %q lacks %q", de.Message, tt.message)
			}
			if strings.Contains(de.Message, "SECRET1") || strings.Contains(de.Error(), "SECRET1") {
				t.Errorf("the rejected value is echoed: %q / %q", de.Message, de.Error())
			}
		})
	}
}

func TestUnmarshalStrictWithoutSchema(t *testing.T) {
	tests := []struct {
		name  string
		body  string
		field string
	}{
		{"unknown field", `{"email":"x","nope":1}`, "/nope"},
		{"wrong type names the nested field", `{"items":[{"sku":5}]}`, "/items/sku"},
		{"number into string does not echo the number", `{"email":4111111111111111}`, "/email"},
		// Struct decoding would merge the two copies of an object into one.
		{"repeated object is refused, not merged", `{"items":[{"sku":"a"}],"items":[]}`, "/items"},
		{"repeated member of a nested object", `{"items":[{"sku":"a","sku":"b"}]}`, "/items/0/sku"},
		{"trailing data", `{"email":"x"} {}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var dst testBody
			err := UnmarshalStrict([]byte(tt.body), &dst)
			de, ok := errors.AsType[*DecodeError](err)
			if !ok {
				t.Fatalf("error %v is not a *DecodeError", err)
			}
			if de.Field != tt.field {
				t.Errorf("field = %q, want %q", de.Field, tt.field)
			}
			if strings.Contains(de.Error(), "4111") {
				t.Errorf("error echoes the value: %s", de.Error())
			}
		})
	}
}

func TestDecodeJSONTooLarge(t *testing.T) {
	r := jsonRequest(`{"email":"` + strings.Repeat("a", 100) + `"}`)
	r.Body = http.MaxBytesReader(httptest.NewRecorder(), r.Body, 32)
	var dst testBody
	err := DecodeJSON(r, &dst, nil)
	if _, ok := errors.AsType[*http.MaxBytesError](err); !ok {
		t.Fatalf("error %v does not wrap *http.MaxBytesError", err)
	}
}

// The declared length sizes the buffer but decides nothing: a body longer
// or shorter than declared, or without a declared length, reads whole, and
// the size limit still holds when the declared length understates it.
func TestReadJSONWhateverTheDeclaredLength(t *testing.T) {
	body := `{"email":"` + strings.Repeat("a", 3000) + `@example.com"}`
	for _, declared := range []int64{-1, 0, 1, int64(len(body)) - 1, int64(len(body)), int64(len(body)) + 1, 1 << 40} {
		r := jsonRequest(body)
		r.ContentLength = declared
		data, err := ReadJSON(r, nil)
		if err != nil || string(data) != body {
			t.Errorf("declared %d: read %d bytes, %v", declared, len(data), err)
		}
		r = jsonRequest(body)
		r.ContentLength = declared
		r.Body = http.MaxBytesReader(httptest.NewRecorder(), r.Body, 100)
		if _, err := ReadJSON(r, nil); !errors.As(err, new(*http.MaxBytesError)) {
			t.Errorf("declared %d, limit 100: %v", declared, err)
		}
	}
}

func TestLongFieldNamesAreCappedAndCleaned(t *testing.T) {
	schema := testSchemas(t)
	key := strings.Repeat("k", 1000) + "\x00\u202e"
	err := DecodeJSON(jsonRequest(`{"email":"a@b.example","`+key+`":1}`), nil, schema)
	de, ok := errors.AsType[*DecodeError](err)
	if !ok {
		t.Fatalf("error %v", err)
	}
	if len(de.Field) > maxFieldLen+len("…") || strings.ContainsAny(de.Field, "\x00\u202e") {
		t.Errorf("field %q not capped and cleaned", de.Field)
	}
}

func TestCompileSchemasRefusesBrokenOrRemoteSchemas(t *testing.T) {
	for name, doc := range map[string]string{
		"not JSON":         `{`,
		"invalid keyword":  `{"type": 5}`,
		"remote reference": `{"$ref": "https://example.com/schema.json"}`,
		"file reference":   `{"$ref": "file:///etc/passwd"}`,
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := CompileSchemas(fstest.MapFS{"x.json": {Data: []byte(doc)}}); err == nil {
				t.Fatal("compiled")
			}
		})
	}
}

// FuzzDecodeJSON feeds arbitrary bodies through the strict decoder and the
// schema: it must never panic, every failure must be a *DecodeError whose
// client-facing text is short, valid UTF-8 and free of control characters,
// and every success must round-trip into the target type.
func FuzzDecodeJSON(f *testing.F) {
	schema := testSchemas(f)
	for _, seed := range []string{
		`{"email":"a@b.example","qty":2,"items":[{"sku":"X1"}]}`,
		`{"email":"a@b.example","x":1}`,
		`{"email":`, `[]`, `null`, `{"email":"a@b.example"}{}`, "\xff\xfe", `{"items":[{"sku":{"a":[[[[1]]]]}}]}`,
		`{"email":"a@b.example","qty":1e400}`, `{"` + "\u0000" + `":1}`,
		`{"email":"a@b.example","email":"b@b.example"}`, `{"items":[{"sku":"a","s\u006bu":"b"}],"email":"a@b.example"}`,
		`{"email":"a@b.example","items":[{"sku":"a"}],"items":[{"sku":"a","price":1}]}`,
		strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1),
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var dst testBody
		r := httptest.NewRequest("POST", "/", bytes.NewReader(body))
		r.Body = http.MaxBytesReader(httptest.NewRecorder(), io.NopCloser(bytes.NewReader(body)), 1<<16)
		err := DecodeJSON(r, &dst, schema)
		if err == nil {
			return
		}
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return
		}
		de, ok := errors.AsType[*DecodeError](err)
		if !ok {
			t.Fatalf("error %v (%T) is not a *DecodeError", err, err)
		}
		for _, s := range []string{de.Field, de.Message} {
			if !utf8.ValidString(s) || len(s) > 400 || strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
				t.Fatalf("unsafe client text %q", s)
			}
		}
	})
}

func TestCheckStructure(t *testing.T) {
	many := func(n int, extra string) string {
		var sb strings.Builder
		sb.WriteString("{")
		for i := range n {
			fmt.Fprintf(&sb, `"k%d":%d,`, i, i)
		}
		sb.WriteString(extra + "}")
		return sb.String()
	}
	tests := []struct {
		name    string
		body    string
		field   string // "" and ok: accepted
		ok      bool
		message string
	}{
		{"distinct members pass", `{"a":1,"b":{"a":2},"c":[{"a":3},{"a":4}]}`, "", true, ""},
		{"the same name in sibling objects passes", `[{"a":1},{"a":2}]`, "", true, ""},
		{"a name equal to a string value passes", `{"a":"b","b":"a"}`, "", true, ""},
		{"names differing in case are distinct", `{"a":1,"A":2}`, "", true, ""},
		{"exactly MaxDepth levels pass", strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth), "", true, ""},
		{"one level more is refused", strings.Repeat(`{"a":`, MaxDepth) + "[]" + strings.Repeat("}", MaxDepth),
			strings.Repeat("/a", MaxDepth), false, "nested more than"},
		{"repeated top-level member", `{"a":1,"b":2,"a":3}`, "/a", false, "is repeated"},
		{"repeated member after a nested object closed", `{"a":{"b":1,"c":2},"b":1,"a":2}`, "/a", false, "is repeated"},
		{"repeated member in an array element", `[1,{"x":1},{"y":1,"y":2}]`, "/2/y", false, "is repeated"},
		{"escaped repetition", `{"a/b":1,"a\/b":2}`, "/a~1b", false, "is repeated"},
		{"unicode-escaped repetition", `{"é":1,"\u00e9":2}`, "/é", false, "is repeated"},
		{"repetition in a large object", many(40, `"k7":0`), "/k7", false, "is repeated"},
		{"repetition right at the switch to a set", many(linearKeys, `"k0":0`), "/k0", false, "is repeated"},
		{"a large object without repetition passes", many(200, `"last":0`), "", true, ""},
		{"quotes and brackets inside strings are text", `{"a":"\"b\":[{","b":"]}"}`, "", true, ""},
		{"malformed JSON", `{"a":1,"a"}`, "", false, "malformed JSON"},
		{"cut short", `{"a":[1,`, "", false, "ends too early"},
		{"trailing value", `{"a":1}{"a":1}`, "", false, "unexpected data"},
		{"empty", ``, "", false, "is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckStructure([]byte(tt.body))
			if tt.ok {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			de, ok := errors.AsType[*DecodeError](err)
			if !ok {
				t.Fatalf("error %v (%T) is not a *DecodeError", err, err)
			}
			if de.Field != tt.field {
				t.Errorf("field = %q, want %q", de.Field, tt.field)
			}
			if !strings.Contains(de.Message, tt.message) {
				t.Errorf("message %q lacks %q", de.Message, tt.message)
			}
		})
	}
}

// referenceStructure is a slow, obviously correct CheckStructure for data
// that json.Valid accepts: a walk with json.Decoder.Token and a map per
// object. It returns the pointer and kind ("repeated", "deep") of the first
// fault, or "" when there is none.
func referenceStructure(t *testing.T, data []byte) (field, fault string) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var path []string
	var walk func(depth int) bool
	walk = func(depth int) bool {
		tok, err := dec.Token()
		if err != nil {
			t.Fatalf("reference walk: %v", err)
		}
		d, ok := tok.(json.Delim)
		if !ok {
			return true
		}
		if depth == MaxDepth {
			field, fault = pointer(path), "deep"
			return false
		}
		if d == '[' {
			for i := 0; dec.More(); i++ {
				path = append(path, strconv.Itoa(i))
				if !walk(depth + 1) {
					return false
				}
				path = path[:len(path)-1]
			}
		} else {
			seen := map[string]bool{}
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					t.Fatalf("reference walk: %v", err)
				}
				key := k.(string)
				path = append(path, key)
				if seen[key] {
					field, fault = pointer(path), "repeated"
					return false
				}
				seen[key] = true
				if !walk(depth + 1) {
					return false
				}
				path = path[:len(path)-1]
			}
		}
		if _, err := dec.Token(); err != nil {
			t.Fatalf("reference walk: %v", err)
		}
		return true
	}
	walk(0)
	return field, fault
}

// FuzzCheckStructure compares CheckStructure, which follows bytes, with
// referenceStructure on well-formed JSON, and checks that it never panics
// and refuses malformed JSON.
func FuzzCheckStructure(f *testing.F) {
	for _, seed := range []string{
		`{"a":1,"b":{"a":2},"a":3}`, `[{"a":1},{"a":2,"a":3}]`, `{"a\"":1,"a\u0022":2}`,
		`{"\ud800":1,"\udbff":2}`, "{\"\xff\":1,\"\xfe\":2}", `{"a":"{\"a\":1,\"a\":2}"}`,
		`{"csp-report":{"disposition":"INJECTED","line-number":-5},"csp-report":{}}`,
		`[{"type":"csp-violation","body":{"lineNumber":-1},"body":{}}]`,
		strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth),
		strings.Repeat(`{"":`, MaxDepth+1) + "0" + strings.Repeat("}", MaxDepth+1),
		`{"k0":0,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9,"ka":0,"kb":0,"kc":0,"kd":0,"ke":0,"kf":0,"kg":0,"k3":0}`,
		`{"a":[1,2,{"b":[3,{"c":4,"c":5}]}]}`, ` {"a" : 1 , "a" : 2} `, `"a"`, `1e400`, `{"a":1,}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		err := CheckStructure(data)
		if !json.Valid(data) {
			if err == nil {
				t.Fatalf("malformed JSON accepted: %q", data)
			}
			return
		}
		field, fault := referenceStructure(t, data)
		if fault == "" {
			if err != nil {
				t.Fatalf("refused %q: %v", data, err)
			}
			return
		}
		de, ok := errors.AsType[*DecodeError](err)
		if !ok {
			t.Fatalf("%q: want a %s fault at %q, got %v", data, fault, field, err)
		}
		if de.Field != safeField(field) {
			t.Fatalf("%q: field = %q, want %q (%s)", data, de.Field, safeField(field), fault)
		}
		if got := strings.Contains(de.Message, "repeated"); got != (fault == "repeated") {
			t.Fatalf("%q: message %q, want a %s fault", data, de.Message, fault)
		}
	})
}

// BenchmarkCheckStructure is the structure check of a typical report body,
// which every validated request body now pays.
func BenchmarkCheckStructure(b *testing.B) {
	data := []byte(`{"csp-report": {"document-uri": "https://shop.example/chat", "referrer": "",
	  "violated-directive": "script-src-elem", "effective-directive": "script-src-elem",
	  "original-policy": "default-src 'self'", "disposition": "enforce",
	  "blocked-uri": "https://cdn.evil.example/x.js", "status-code": 200, "line-number": 3,
	  "column-number": 7, "source-file": "https://shop.example/static/app.js"}}`)
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if err := CheckStructure(data); err != nil {
			b.Fatal(err)
		}
	}
}
