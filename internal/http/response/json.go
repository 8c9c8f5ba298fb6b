package response

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// JSON writes v as the JSON body of a status response with
// "Content-Type: application/json; charset=utf-8" (OWASP ASVS 4.0.3
// V14.4.1). v is encoded before anything is written, so an encoding failure
// is returned (and becomes a clean 500) instead of a half-written body.
func JSON(w http.ResponseWriter, status int, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("response: encode %T: %w", v, err)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	// A write error means the client went away; there is no one to tell.
	// Two writes rather than append(body, '\n'), which copied the body.
	if _, err := w.Write(body); err == nil {
		_, _ = w.Write(newline)
	}
	return nil
}

var newline = []byte{'\n'}

// HTML writes body, an already rendered page, with
// "Content-Type: text/html; charset=utf-8".
func HTML(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// NoContent answers 204 with no body.
func NoContent(w http.ResponseWriter) {
	w.WriteHeader(http.StatusNoContent)
}
