// Package api is supportbot's JSON API: routes.go lists every route with its
// policy and schema, and each handler lives in its own noun_verb.go file.
// Handlers stay thin: decode → authorize → call a package → encode
// (DESIGN.md, "Layout").
package api
