package request

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
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
