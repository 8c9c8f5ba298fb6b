package request

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
)

const formSchema = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "additionalProperties": false,
  "required": ["email"],
  "properties": {
    "email": {"type": "string", "maxLength": 20},
    "next": {"type": "string"}
  }
}`

func formSchemas(t testing.TB) *Schema {
	t.Helper()
	s, err := CompileSchemas(fstest.MapFS{"form.json": {Data: []byte(formSchema)}})
	if err != nil {
		t.Fatal(err)
	}
	sch, err := s.Lookup("form")
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

func TestReadForm(t *testing.T) {
	tests := []struct {
		name  string
		body  string
		want  map[string]string // nil: refused
		field string            // the field a refusal names
	}{
		{"fields become strings", "email=a%40b.example&next=%2Fchat", map[string]string{"email": "a@b.example", "next": "/chat"}, ""},
		{"plus is a space", "email=a+b", map[string]string{"email": "a b"}, ""},
		{"an empty value is kept", "email=", map[string]string{"email": ""}, ""},
		{"empty pairs are skipped", "&email=x&&", map[string]string{"email": "x"}, ""},
		{"a repeated field is refused", "email=a&email=b", nil, "/email"},
		{"bad percent-encoding is refused", "email=%zz", nil, "/email"},
		{"invalid UTF-8 is refused", "email=%ff", nil, ""},
		{"an unknown field fails the schema", "email=a&role=admin", nil, ""},
		{"a missing required field fails the schema", "next=%2F", nil, ""},
		{"a long value fails the schema", "email=" + strings.Repeat("a", 21), nil, "/email"},
	}
	sch := formSchemas(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/", strings.NewReader(tt.body))
			data, err := ReadForm(r, sch)
			if tt.want == nil {
				var de *DecodeError
				if !errors.As(err, &de) {
					t.Fatalf("err = %v, want a DecodeError", err)
				}
				if tt.field != "" && de.Field != tt.field {
					t.Errorf("field = %q, want %q (%s)", de.Field, tt.field, de.Message)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got map[string]string
			if err := json.Unmarshal(data, &got); err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for k, v := range tt.want {
				if got[k] != v {
					t.Errorf("%s = %q, want %q", k, got[k], v)
				}
			}
		})
	}
}

func TestReadFormOverTheLimitIs413(t *testing.T) {
	rec := httptest.NewRecorder()
	r := httptest.NewRequest("POST", "/", strings.NewReader("email="+strings.Repeat("a", 100)))
	r.Body = http.MaxBytesReader(rec, r.Body, 10)
	_, err := ReadForm(r, nil)
	var tooLarge *http.MaxBytesError
	if !errors.As(err, &tooLarge) {
		t.Fatalf("err = %v, want a MaxBytesError", err)
	}
}

// FuzzFormJSON: whatever the body, FormJSON either refuses it or returns a
// JSON object of strings whose fields appear once in the input.
func FuzzFormJSON(f *testing.F) {
	for _, s := range []string{"", "a=b", "a=b&a=c", "%zz=1", "a=%ff", "a&b=&=c", "x=%E2%82%AC+1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		data, err := FormJSON(body)
		if err != nil {
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("FormJSON(%q): %v is not a DecodeError", body, err)
			}
			return
		}
		var got map[string]string
		if err := json.Unmarshal(data, &got); err != nil {
			t.Fatalf("FormJSON(%q) = %s: not an object of strings: %v", body, data, err)
		}
	})
}
