package middleware

import (
	"mime"
	"net/http"
	"slices"
	"strings"

	"supportbot/internal/http/request"
	"supportbot/internal/http/response"
)

// defaultContentTypes is what a route accepts unless it says otherwise
// (hardening guide, "Request Validation": Content-Type is application/json).
var defaultContentTypes = []string{"application/json"}

// MaxFormBytes bounds the body of a UI form route, whatever
// Options.MaxBodyBytes says: the largest form (a knowledge-base entry, or a
// chat message of 10,000 characters, every one percent-encoded as up to 12
// bytes) is under 200 KiB, and the public forms (sign-in, registration)
// have no rate limit in front of the parser.
const MaxFormBytes int64 = 256 << 10

// limits applies the request rules that need only the headers, before the
// rate limit and long before anyone reads the body (issue 2, "Request
// rules"; hardening guide, "Request Validation"):
//
//   - a declared Content-Length over maxBytes is 413 before a byte is read;
//     any body is also wrapped in http.MaxBytesReader, so an undeclared
//     (chunked) one is cut off at maxBytes, 413 as well;
//   - a media type the route does not accept is 415 (ASVS 4.0.3 V13.1.5);
//   - a body sent to a route that takes none is 400.
//
// The method was settled by the router (405) before this step.
func limits(rt Route, hasSchema bool, maxBytes int64, errs *response.ErrorWriter) step {
	accepted := rt.ContentTypes
	switch {
	case rt.Form:
		accepted = []string{request.FormContentType}
	case len(accepted) == 0:
		accepted = defaultContentTypes
	}
	if rt.Form {
		maxBytes = min(maxBytes, MaxFormBytes)
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			// ContentLength is -1 for a body of unknown length (chunked).
			hasBody := r.ContentLength != 0
			switch {
			case !hasBody:
			case !hasSchema:
				errs.Write(w, r, response.BadRequest("", "This endpoint takes no request body.", errorf("unexpected body on %s", rt)))
				return
			case r.ContentLength > maxBytes:
				errs.Write(w, r, response.TooLarge(errorf("declared body of %d bytes over the %d limit", r.ContentLength, maxBytes)))
				return
			default:
				if err := acceptable(r.Header.Get("Content-Type"), accepted); err != nil {
					errs.Write(w, r, response.UnsupportedMediaType(err))
					return
				}
				r.Body = http.MaxBytesReader(w, r.Body, maxBytes)
			}
			next.ServeHTTP(w, r)
		})
	}
}

// acceptable checks a Content-Type header against the accepted media types.
// A charset other than UTF-8 is refused too: JSON is UTF-8 (RFC 8259).
func acceptable(contentType string, accepted []string) error {
	if contentType == "" {
		return errorf("no Content-Type")
	}
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return errorf("Content-Type %q: %w", contentType, err)
	}
	if !slices.Contains(accepted, mt) {
		return errorf("Content-Type %q not accepted", mt)
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return errorf("charset %q not accepted", cs)
	}
	return nil
}
