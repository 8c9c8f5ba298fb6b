package response

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"supportbot/internal/http/request"
)

// Log keys; they match internal/logging's fixed keys (DESIGN.md, "Style").
const (
	keyEvent     = "event"
	keyRequestID = "request_id"
	keyStatus    = "status"
	keyIP        = "ip"
)

// maxLoggedPath caps the request path written to the log.
const maxLoggedPath = 256

// PageRenderer renders the HTML error page for UI requests into w. The UI
// package supplies one that uses the site's layout and stylesheet.
type PageRenderer func(w io.Writer, p ErrorPage) error

// ErrorPage is what the HTML error page shows.
type ErrorPage struct {
	Status    int
	Title     string // short heading, e.g. "Page not found"
	Message   string // the fixed, friendly message
	RequestID string // for the customer to quote to support
	Nonce     string // this response's CSP nonce, should the page need it
}

// written is implemented by the middleware's response writers, so an error
// raised after the response has started is logged instead of being appended
// to a half-sent body.
type written interface{ Written() bool }

// ErrorWriter is the one way errors leave the server. It is safe for
// concurrent use.
type ErrorWriter struct {
	log  *slog.Logger
	page PageRenderer

	byClass  [2]atomic.Uint64             // 4xx, 5xx
	byStatus [len(statuses)]atomic.Uint64 // indexed by status.index
	byCode   sync.Map                     // code string → *atomic.Uint64
}

// NewErrorWriter returns an ErrorWriter logging to log and rendering UI
// errors with page; a nil page uses a plain built-in page.
func NewErrorWriter(log *slog.Logger, page PageRenderer) *ErrorWriter {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if page == nil {
		page = defaultPage
	}
	return &ErrorWriter{log: log, page: page}
}

// IsAPI reports whether r is answered in JSON (the API and the health
// probes) rather than HTML.
func IsAPI(r *http.Request) bool {
	p := r.URL.Path
	return strings.HasPrefix(p, "/api/") || p == "/healthz" || p == "/readyz"
}

// Write answers r with err: the status and safe message of err's class, the
// request ID, JSON for the API and an HTML page for the UI. The full error
// goes to the log. Headers a step set before (Allow, Retry-After, the
// security headers) are kept.
func (ew *ErrorWriter) Write(w http.ResponseWriter, r *http.Request, err error) {
	e := classify(err)
	st := statusOf(e.Status)
	if statusCodes[st.index] != e.Status {
		// A status outside the fixed set answers 500 with 500's own words:
		// a message written for another status must not leak through.
		e = Error{Status: statusCodes[st.index], Err: err}
	}
	info := request.InfoFrom(r.Context())
	var id, nonce, ip string
	if info != nil {
		id, nonce = info.ID, info.Nonce
		if info.ClientIP.IsValid() {
			ip = info.ClientIP.String()
		}
	}

	ew.count(e.Status, st.index, e.code())
	level := slog.LevelInfo
	if e.Status >= 500 {
		level = slog.LevelError
	}
	path := r.URL.Path
	if len(path) > maxLoggedPath {
		path = path[:maxLoggedPath]
	}
	ew.log.LogAttrs(r.Context(), level, "request failed",
		slog.String(keyEvent, "http.error"),
		slog.String(keyRequestID, id),
		slog.Int(keyStatus, e.Status),
		slog.String("code", e.code()),
		slog.String("method", r.Method),
		slog.String("path", path),
		slog.String(keyIP, ip),
		slog.String("error", errorText(err)),
	)

	if ww, ok := w.(written); ok && ww.Written() {
		// The status line is gone; all we can do is log (done above).
		return
	}
	h := w.Header()
	// A handler may have set these for the body it meant to send.
	for _, k := range [...]string{"Content-Length", "Content-Encoding", "Content-Disposition", "Etag", "Last-Modified"} {
		delete(h, k)
	}
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")

	if IsAPI(r) {
		body, _ := json.Marshal(errorBody{Error: errorDetail{
			Code: e.code(), Message: e.message(), Field: e.Field, RequestID: id,
		}})
		body = append(body, '\n')
		h.Set("Content-Type", "application/json; charset=utf-8")
		h.Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(e.Status)
		_, _ = w.Write(body)
		return
	}

	var buf bytes.Buffer
	p := ErrorPage{Status: e.Status, Title: st.title, Message: e.message(), RequestID: id, Nonce: nonce}
	if perr := ew.page(&buf, p); perr != nil {
		ew.log.LogAttrs(r.Context(), slog.LevelError, "error page failed",
			slog.String(keyEvent, "http.error_page_failed"),
			slog.String(keyRequestID, id),
			slog.String("error", perr.Error()))
		buf.Reset()
		_ = defaultPage(&buf, p)
	}
	// Content-Length lets the deadline step's 503, written while a stuck
	// handler still holds the connection, reach the client complete.
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(e.Status)
	_, _ = w.Write(buf.Bytes())
}

// classify maps any error to the *Error it answers with. It never returns
// err itself, so normalising the status cannot alter the caller's value.
func classify(err error) Error {
	if e, ok := errors.AsType[*Error](err); ok && e != nil {
		return *e
	}
	if tooLarge, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return Error{Status: http.StatusRequestEntityTooLarge, Err: tooLarge}
	}
	if de, ok := errors.AsType[*request.DecodeError](err); ok {
		return Error{Status: http.StatusBadRequest, Field: de.Field, Message: de.Message, Err: de}
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, http.ErrHandlerTimeout) {
		return Error{Status: http.StatusServiceUnavailable, Err: err}
	}
	return Error{Status: http.StatusInternalServerError, Err: err}
}

func errorText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	Field     string `json:"field,omitempty"`
	RequestID string `json:"request_id"`
}
