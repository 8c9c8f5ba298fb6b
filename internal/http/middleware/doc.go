// Package middleware is supportbot's HTTP security layer: the steps a request
// passes through, one small file each, the router that resolves routes with
// their policies, and New, where the chain is declared once, top to bottom,
// in the order of DESIGN.md's "A request's way through".
package middleware
