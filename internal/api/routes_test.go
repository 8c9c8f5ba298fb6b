package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"log/slog"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"supportbot/api"
	apiroutes "supportbot/internal/api"
	"supportbot/internal/audit"
	"supportbot/internal/auth"
	"supportbot/internal/conversations"
	"supportbot/internal/crypto"
	"supportbot/internal/http/middleware"
	"supportbot/internal/http/request"
	"supportbot/internal/kb"
	"supportbot/internal/orders"
	"supportbot/internal/payment"
	"supportbot/internal/ratelimit"
	"supportbot/internal/storage/storagetest"
	"supportbot/internal/users"
)

type nopDB struct{}

func (nopDB) Ping(context.Context) error { return nil }

// testService is a real auth.Service on a fresh SQLite database, so Routes
// lists the identity routes too.
func testService(t *testing.T) *auth.Service {
	t.Helper()
	db := storagetest.SQLite(t)
	keys, err := crypto.NewKeyring(bytes.Repeat([]byte{1}, crypto.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	index, err := crypto.NewBlindIndex(bytes.Repeat([]byte{2}, crypto.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	hasher, err := auth.NewHasherWith(auth.HasherConfig{Cost: 4, AllowLowCost: true, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = hasher.Close() })
	tokens, err := auth.NewTokens(auth.TokensConfig{Current: bytes.Repeat([]byte{3}, 64), Issuer: "supportbot", Audience: "supportbot-api", Clock: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := auth.NewService(auth.ServiceConfig{RegistrationOpen: true}, auth.ServiceDeps{
		Users: users.NewStore(db, keys, index, time.Now), Hasher: hasher, Tokens: tokens,
		Limiter: ratelimit.NewMemory(time.Now, 0), Audit: nopAudit{}, Clock: time.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

type nopAudit struct{}

func (nopAudit) Record(context.Context, audit.Event) error { return nil }

// TestOpenAPIDescribesEveryRoute keeps api/openapi.yaml in step with
// routes.go: every route's path and method are documented, the operation
// with its policy, its action and its request schema.
func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	doc := string(api.OpenAPI())
	// Every optional surface on (the services are never called here).
	routes := apiroutes.Routes(apiroutes.Deps{Log: slog.New(slog.DiscardHandler), DB: nopDB{}, Auth: testService(t),
		Chat: &conversations.Service{}, KB: &kb.Store{}, Orders: &orders.Service{}, Payments: &payment.Service{}})
	for _, p := range []string{"/api/v1/me", "/api/v1/conversations/{id}/messages", "/api/v1/faq/{id}", "/api/v1/orders/{id}/payment-requests"} {
		if !slices.ContainsFunc(routes, func(rt middleware.Route) bool { return rt.Pattern == p }) {
			t.Fatalf("%s is not listed with every Deps service set", p)
		}
	}
	for _, rt := range routes {
		i := strings.Index(doc, "\n  "+rt.Pattern+":\n")
		if i < 0 {
			t.Errorf("%s is not in openapi.yaml", rt)
			continue
		}
		section := doc[i+1:]
		if j := strings.Index(section[1:], "\n  /"); j >= 0 {
			section = section[:j+1]
		}
		// The operation: from its method line to the next line indented
		// like it.
		k := strings.Index(section, "\n    "+strings.ToLower(rt.Method)+":\n")
		if k < 0 {
			t.Errorf("%s: method not documented", rt)
			continue
		}
		op := section[k+1:]
		if j := operationEnd.FindStringIndex(op[1:]); j != nil {
			op = op[:j[0]+1]
		}
		if !strings.Contains(op, "\n      x-policy: "+string(rt.Policy)+"\n") {
			t.Errorf("%s: policy %q not documented", rt, rt.Policy)
		}
		if rt.Action != "" && !strings.Contains(op, "\n      x-action: "+string(rt.Action)+"\n") {
			t.Errorf("%s: action %q not documented", rt, rt.Action)
		}
		if rt.Schema != "" && !strings.Contains(op, "./schemas/"+rt.Schema+".json") {
			t.Errorf("%s: schema %s not referenced", rt, rt.Schema)
		}
		if rt.OptionalBody != strings.Contains(op, "requestBody:\n        required: false\n") {
			t.Errorf("%s: OptionalBody %t, but the request body's required flag says otherwise", rt, rt.OptionalBody)
		}
	}
}

// operationEnd finds the line after an operation: the next one indented by
// four spaces (another method or the path's parameters).
var operationEnd = regexp.MustCompile(`\n    [a-z]+:\n`)

// TestEverySchemaCompiles checks the embedded schemas the way the server
// loads them at start.
func TestEverySchemaCompiles(t *testing.T) {
	s, err := request.CompileSchemas(api.Schemas())
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Names()) == 0 {
		t.Fatal("no schemas embedded")
	}
}

// TestEveryObjectSchemaIsClosed walks every schema in api/schemas and fails
// on an object schema that lets unknown members through. Handlers decode
// bodies with encoding/json, which matches member names to struct fields
// case-insensitively ("EMAIL" fills Email); the schema, which compares
// names exactly, is what refuses such spellings, and it can only when every
// object it accepts is closed with "additionalProperties": false (or
// "unevaluatedProperties": false around a composition). A subschema that
// accepts any value ({} or true) is refused too: it accepts any object.
func TestEveryObjectSchemaIsClosed(t *testing.T) {
	files, err := fs.Glob(api.Schemas(), "*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no schemas: %v", err)
	}
	for _, f := range files {
		data, err := fs.ReadFile(api.Schemas(), f)
		if err != nil {
			t.Fatal(err)
		}
		var doc any
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, p := range openSchemas(doc) {
			t.Errorf("%s#%s", f, p)
		}
	}
}

// TestOpenSchemasFindsOpenObjects checks the check above on schemas that
// are open and closed in each way it knows.
func TestOpenSchemasFindsOpenObjects(t *testing.T) {
	tests := []struct {
		name   string
		schema string
		open   []string // pointers of the offending subschemas
	}{
		{"closed object", `{"type":"object","additionalProperties":false,"properties":{"a":{"type":"string"}}}`, nil},
		{"object without additionalProperties", `{"type":"object","properties":{"a":{"type":"string"}}}`, []string{" is an object schema without"}},
		{"additionalProperties true", `{"type":"object","additionalProperties":true}`, []string{" is an object schema without"}},
		{"additionalProperties as a schema", `{"type":"object","additionalProperties":{"type":"string"}}`, []string{" is an object schema without"}},
		{"object recognised by its keywords", `{"required":["a"],"properties":{"a":{"type":"string"}}}`, []string{" is an object schema without"}},
		{"open nested object", `{"type":"object","additionalProperties":false,"properties":{"a":{"type":["object","null"]}}}`, []string{"/properties/a is an object schema"}},
		{"open object in $defs", `{"$defs":{"x":{"type":"object"}},"$ref":"#/$defs/x"}`, []string{"/$defs/x is an object"}},
		{"open object in items", `{"type":"array","items":{"type":"object","properties":{}}}`, []string{"/items is an object"}},
		{"member accepting anything", `{"type":"object","additionalProperties":false,"properties":{"a":{}}}`, []string{"/properties/a accepts any value"}},
		{"member schema true", `{"type":"object","additionalProperties":false,"properties":{"a":true}}`, []string{"/properties/a accepts any value"}},
		{"composition closed by unevaluatedProperties", `{"type":"object","unevaluatedProperties":false,"allOf":[{"properties":{"a":{"type":"string"}}}]}`, nil},
		{"open composition", `{"type":"object","additionalProperties":false,"allOf":[{"type":"object"}],"properties":{"a":{"anyOf":[{"type":"object"},{"type":"string"}]}}}`,
			[]string{"/allOf/0 is an object", "/properties/a/anyOf/0 is an object"}},
		{"if/then/else branches", `{"if":{"type":"array"},"then":{"type":"array"},"else":{"type":"object"}}`, []string{"/else is an object"}},
		{"conditions are not acceptance", `{"if":{"properties":{"a":{"const":1}}},"then":{"type":"string"},"else":{"type":"integer"}}`, nil},
		{"scalars are fine", `{"type":"object","additionalProperties":false,"properties":{"a":{"enum":["x"]},"b":{"const":1},"c":{"$ref":"#/$defs/c"}},"$defs":{"c":{"type":"integer"}}}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var doc any
			if err := json.Unmarshal([]byte(tt.schema), &doc); err != nil {
				t.Fatal(err)
			}
			got := openSchemas(doc)
			if len(got) != len(tt.open) {
				t.Fatalf("found %q, want %d like %q", got, len(tt.open), tt.open)
			}
			for i, want := range tt.open {
				if !strings.HasPrefix(got[i], want) {
					t.Errorf("finding %d = %q, want it to start with %q", i, got[i], want)
				}
			}
		})
	}
}

// openSchemas returns, as "POINTER reason", every subschema of a JSON Schema
// (2020-12) document that accepts objects with members it does not name.
// Subschemas of "if", "not" and "propertyNames" are skipped: they are
// conditions (or name strings) and accept nothing themselves.
func openSchemas(doc any) []string {
	var found []string
	// closedAround: an enclosing schema applying this one in place has
	// "unevaluatedProperties": false, which closes what this one opens.
	var walk func(node any, ptr string, closedAround, acceptsInstance bool)
	walk = func(node any, ptr string, closedAround, acceptsInstance bool) {
		s, ok := node.(map[string]any)
		if !ok {
			if b, isBool := node.(bool); isBool && b && acceptsInstance {
				found = append(found, ptr+" accepts any value, objects with any members included")
			}
			return
		}
		closed := s["additionalProperties"] == false || s["unevaluatedProperties"] == false
		if isObjectSchema(s) && !closed && !closedAround {
			found = append(found, ptr+` is an object schema without "additionalProperties": false`)
		}
		if acceptsInstance && !constrainsType(s) {
			found = append(found, ptr+" accepts any value, objects with any members included")
		}
		inPlace := closedAround || s["unevaluatedProperties"] == false
		for _, kw := range sortedKeys(s) {
			sub := s[kw]
			switch kw {
			case "properties", "patternProperties", "$defs", "definitions", "dependentSchemas":
				m, _ := sub.(map[string]any)
				for _, name := range sortedKeys(m) {
					walk(m[name], ptr+"/"+kw+"/"+escape(name), kw == "dependentSchemas" && inPlace, kw != "$defs" && kw != "definitions")
				}
			case "allOf", "anyOf", "oneOf", "prefixItems":
				list, _ := sub.([]any)
				for i, item := range list {
					walk(item, ptr+"/"+kw+"/"+strconv.Itoa(i), kw != "prefixItems" && inPlace, kw == "prefixItems")
				}
			case "then", "else":
				walk(sub, ptr+"/"+kw, inPlace, false)
			case "items", "contains", "unevaluatedItems":
				walk(sub, ptr+"/"+kw, false, true)
			case "additionalProperties":
				// true or false: the enclosing object was judged above.
				if _, isSchema := sub.(map[string]any); isSchema {
					walk(sub, ptr+"/"+kw, false, true)
				}
			}
		}
	}
	walk(doc, "", false, false)
	return found
}

// isObjectSchema reports whether s describes objects: by its type or by
// keywords that apply only to objects.
func isObjectSchema(s map[string]any) bool {
	switch t := s["type"].(type) {
	case string:
		if t == "object" {
			return true
		}
	case []any:
		if slices.Contains(t, any("object")) {
			return true
		}
	}
	for _, kw := range []string{"properties", "patternProperties", "additionalProperties", "unevaluatedProperties",
		"required", "propertyNames", "minProperties", "maxProperties", "dependentRequired", "dependentSchemas"} {
		if _, ok := s[kw]; ok {
			return true
		}
	}
	return false
}

// constrainsType reports whether s limits the kind of value it accepts
// (or hands that to schemas that are walked themselves).
func constrainsType(s map[string]any) bool {
	for _, kw := range []string{"type", "enum", "const", "$ref", "$dynamicRef", "allOf", "anyOf", "oneOf"} {
		if _, ok := s[kw]; ok {
			return true
		}
	}
	_, hasIf := s["if"]
	_, hasThen := s["then"]
	_, hasElse := s["else"]
	return hasIf && hasThen && hasElse
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func escape(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}
