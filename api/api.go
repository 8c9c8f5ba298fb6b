// Package api holds the public contract of supportbot's HTTP API: the OpenAPI
// description and the JSON Schemas every request body is validated against
// (DESIGN.md, "Layout"; hardening guide, "Input Validation"). Both are
// embedded so the binary validates exactly what it documents.
package api

import (
	"embed"
	"io/fs"
)

//go:embed openapi.yaml schemas/*.json
var files embed.FS

// OpenAPI returns the OpenAPI 3.1 description of the API.
func OpenAPI() []byte {
	b, err := files.ReadFile("openapi.yaml")
	if err != nil {
		// The file is embedded at build time; a failure here is a build bug.
		panic("api: openapi.yaml is not embedded: " + err.Error())
	}
	return b
}

// Schemas returns the JSON Schemas of request bodies, one file per schema
// named NAME.json; routes refer to a schema by NAME.
func Schemas() fs.FS {
	sub, err := fs.Sub(files, "schemas")
	if err != nil {
		panic("api: schemas are not embedded: " + err.Error())
	}
	return sub
}
