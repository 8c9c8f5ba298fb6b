// Package ui is supportbot's server-rendered web interface: routes.go lists
// its routes, pages come from html/template files in templates/ and assets
// from static/, both embedded. Every page works under the strict CSP: no
// inline script or style, no event-handler attributes, scripts loaded with
// the response's nonce (DESIGN.md, invariant 8).
package ui
