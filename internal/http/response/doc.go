// Package response writes what leaves the server: JSON bodies and, through
// one ErrorWriter, every error response (DESIGN.md, "Errors leave through one
// writer"). Handlers return errors (after GoToSocial's style); the router
// turns them into a JSON error for the API or an HTML page for the UI, with a
// fixed safe message and the request ID, while the log gets the full error
// (OWASP ASVS 4.0.3 V7.4.1; hardening guide, "Error Handling").
package response
