package api_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"supportbot/api"
	apiroutes "supportbot/internal/api"
	"supportbot/internal/http/request"
)

type nopDB struct{}

func (nopDB) Ping(context.Context) error { return nil }

// TestOpenAPIDescribesEveryRoute keeps api/openapi.yaml in step with
// routes.go: every route's path and method are documented, with its policy.
func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	doc := string(api.OpenAPI())
	for _, rt := range apiroutes.Routes(apiroutes.Deps{Log: slog.New(slog.DiscardHandler), DB: nopDB{}}) {
		i := strings.Index(doc, "\n  "+rt.Pattern+":\n")
		if i < 0 {
			t.Errorf("%s is not in openapi.yaml", rt)
			continue
		}
		section := doc[i+1:]
		if j := strings.Index(section[1:], "\n  /"); j >= 0 {
			section = section[:j+1]
		}
		if !strings.Contains(section, "\n    "+strings.ToLower(rt.Method)+":\n") {
			t.Errorf("%s: method not documented", rt)
		}
		if !strings.Contains(section, "x-policy: "+string(rt.Policy)) {
			t.Errorf("%s: policy %q not documented", rt, rt.Policy)
		}
		if rt.Schema != "" && !strings.Contains(section, "./schemas/"+rt.Schema+".json") {
			t.Errorf("%s: schema %s not referenced", rt, rt.Schema)
		}
	}
}

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
