package response

import (
	"net/http"
	"strconv"
)

// Error is an error with the HTTP status it should answer. Code and Message
// are what the client sees; when empty they default to the status's fixed
// code and message. Message must be written by us (never err.Error() of a
// lower layer), because it reaches the client as is. Err is the internal
// cause: logged with the request ID, never shown.
type Error struct {
	Status  int    // one of 400, 401, 403, 404, 405, 413, 415, 429, 500, 503
	Code    string // machine-readable, e.g. "not_found"; defaults from Status
	Message string // client-safe sentence; defaults from Status
	Field   string // offending request field (JSON pointer) for 400s
	Err     error  // cause, for the log only
}

// Error returns the status, code and the internal cause, for logs.
func (e *Error) Error() string {
	s := "http " + strconv.Itoa(e.Status) + " " + e.code()
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the internal cause.
func (e *Error) Unwrap() error { return e.Err }

func (e *Error) code() string {
	if e.Code != "" {
		return e.Code
	}
	return statusOf(e.Status).code
}

func (e *Error) message() string {
	if e.Message != "" {
		return e.Message
	}
	return statusOf(e.Status).message
}

// status is the fixed public face of one status code.
type status struct {
	index   int // position in the per-status counters
	code    string
	title   string // HTML page heading
	message string
}

// statuses are the only statuses errors answer with (DESIGN.md). The
// messages are fixed so nothing internal can leak through them.
var statuses = [...]status{
	{0, "bad_request", "Invalid request", "The request is invalid."},
	{1, "unauthorized", "Sign-in required", "Authentication is required."},
	{2, "forbidden", "Access denied", "You are not allowed to do this."},
	{3, "not_found", "Page not found", "The requested resource was not found."},
	{4, "method_not_allowed", "Method not allowed", "This method is not allowed for this resource."},
	{5, "payload_too_large", "Request too large", "The request body is too large."},
	{6, "unsupported_media_type", "Unsupported content type", "The request content type is not supported."},
	{7, "rate_limited", "Too many requests", "Too many requests. Please wait and try again."},
	{8, "internal_error", "Something went wrong", "Something went wrong on our side. Please try again later."},
	{9, "service_unavailable", "Service unavailable", "The service is temporarily unavailable. Please try again later."},
}

// statusCodes maps statuses' indexes back to their HTTP status codes.
var statusCodes = [len(statuses)]int{400, 401, 403, 404, 405, 413, 415, 429, 500, 503}

// internalIndex is the status every code outside statusCodes answers as.
const internalIndex = 8

// statusOf returns the public face of code; any status outside the fixed
// set is treated as 500 so a mistake never invents a new public message.
func statusOf(code int) status {
	for i, c := range statusCodes {
		if c == code {
			return statuses[i]
		}
	}
	return statuses[internalIndex]
}

// New returns an *Error with status's fixed code and message and err as
// cause.
func New(status int, err error) *Error { return &Error{Status: status, Err: err} }

// BadRequest is a 400 naming field (a JSON pointer, or "") with a
// client-safe message.
func BadRequest(field, message string, err error) *Error {
	return &Error{Status: http.StatusBadRequest, Field: field, Message: message, Err: err}
}

// Unauthorized is a 401.
func Unauthorized(err error) *Error { return New(http.StatusUnauthorized, err) }

// Forbidden is a 403.
func Forbidden(err error) *Error { return New(http.StatusForbidden, err) }

// NotFound is a 404. It is also the answer for someone else's resource
// (DESIGN.md, invariant 2), so its message never says which.
func NotFound(err error) *Error { return New(http.StatusNotFound, err) }

// MethodNotAllowed is a 405; the caller sets the Allow header.
func MethodNotAllowed(err error) *Error { return New(http.StatusMethodNotAllowed, err) }

// TooLarge is a 413.
func TooLarge(err error) *Error { return New(http.StatusRequestEntityTooLarge, err) }

// UnsupportedMediaType is a 415.
func UnsupportedMediaType(err error) *Error { return New(http.StatusUnsupportedMediaType, err) }

// TooManyRequests is a 429; the caller sets Retry-After.
func TooManyRequests(err error) *Error { return New(http.StatusTooManyRequests, err) }

// Internal is a 500.
func Internal(err error) *Error { return New(http.StatusInternalServerError, err) }

// Unavailable is a 503.
func Unavailable(err error) *Error { return New(http.StatusServiceUnavailable, err) }
