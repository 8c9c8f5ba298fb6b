package request

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// schemaBase is the URL prefix the embedded schemas are registered under. It
// names no reachable host: the compiler is given no loader, so a schema can
// only refer to other embedded schemas, never to the network or the disk.
const schemaBase = "https://supportbot.invalid/schemas/"

// Schema is one compiled JSON Schema that request bodies are validated against.
type Schema struct {
	name     string
	compiled *jsonschema.Schema
}

// Name returns the schema's name (its file name without ".json").
func (s *Schema) Name() string { return s.name }

// Schemas is the set of request-body schemas, compiled once at start so a
// broken schema stops the server instead of failing one request later
// (OWASP ASVS 4.0.3 V13.2.2, schema validation of JSON input).
type Schemas struct {
	byName map[string]*Schema
}

// CompileSchemas compiles every NAME.json at the top of fsys (normally
// api.Schemas()). Formats ("email", "uri", …) are asserted, not just
// annotated, and regular expressions use Go's RE2 engine, which cannot be
// driven into catastrophic backtracking.
func CompileSchemas(fsys fs.FS) (*Schemas, error) {
	files, err := fs.Glob(fsys, "*.json")
	if err != nil {
		return nil, fmt.Errorf("request: list schemas: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.UseLoader(jsonschema.SchemeURLLoader{})
	c.AssertFormat()
	for _, f := range files {
		data, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, fmt.Errorf("request: read schema %s: %w", f, err)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("request: parse schema %s: %w", f, err)
		}
		if err := c.AddResource(schemaBase+f, doc); err != nil {
			return nil, fmt.Errorf("request: add schema %s: %w", f, err)
		}
	}
	s := &Schemas{byName: make(map[string]*Schema, len(files))}
	for _, f := range files {
		compiled, err := c.Compile(schemaBase + f)
		if err != nil {
			return nil, fmt.Errorf("request: compile schema %s: %w", f, err)
		}
		name := strings.TrimSuffix(path.Base(f), ".json")
		s.byName[name] = &Schema{name: name, compiled: compiled}
	}
	return s, nil
}

// Lookup returns the schema called name, or an error naming it when there is
// none; route building calls it so a typo fails at start.
func (s *Schemas) Lookup(name string) (*Schema, error) {
	if s != nil {
		if sch, ok := s.byName[name]; ok {
			return sch, nil
		}
	}
	return nil, fmt.Errorf("request: no JSON schema %q in api/schemas", name)
}

// Names returns the names of all schemas, sorted.
func (s *Schemas) Names() []string {
	names := make([]string, 0, len(s.byName))
	for n := range s.byName {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
