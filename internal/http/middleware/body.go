package middleware

import (
	"bytes"
	"io"
	"net/http"

	"supportbot/internal/http/request"
	"supportbot/internal/http/response"
)

// validateBody reads the request body (bounded by the limits step) and
// refuses it unless it is one well-formed JSON value valid against the
// route's schema: 400 naming the field, or 413 when it outgrows the limit
// (issue 2, "Request rules"; hardening guide, "Validate JSON schema before
// processing"; ASVS 4.0.3 V13.2.2). It runs after the rate limit and the
// policy check, so neither anonymous floods nor unauthorised callers make
// the server parse large bodies. The handler gets the validated bytes and
// decodes them into its own type with request.DecodeJSON.
//
// A Form route's body is an HTML form instead, read by request.ReadForm into
// the JSON object the schema checks and the handler decodes.
//
// With optional (Route.OptionalBody) a request without a body (Content-Length
// 0) passes unread; a chunked one is read and must be valid like any other.
func validateBody(schema *request.Schema, optional, form bool, errs *response.ErrorWriter) step {
	if schema == nil {
		return nil
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if optional && r.ContentLength == 0 {
				next.ServeHTTP(w, r)
				return
			}
			read := request.ReadJSON
			if form {
				read = request.ReadForm
			}
			data, err := read(r, schema)
			if err != nil {
				errs.Write(w, r, err)
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(data))
			r.ContentLength = int64(len(data))
			next.ServeHTTP(w, r)
		})
	}
}
