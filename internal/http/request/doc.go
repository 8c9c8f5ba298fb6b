// Package request holds what the HTTP layer learns about an incoming request
// (request ID, client IP, CSP nonce, whether it arrived over HTTPS) and the
// parsers of untrusted request input: the client-IP resolution behind trusted
// proxies and strict, schema-validated JSON decoding (DESIGN.md, "A request's
// way through"; hardening guide, "Input Validation").
package request
