package middleware

import (
	"context"
	"errors"
	"log/slog"
	"maps"
	"net/http"
	"sync"
	"time"

	"supportbot/internal/http/request"
	"supportbot/internal/http/response"
)

// deadline bounds a handler's time to timeout (REQUEST_TIMEOUT, 30 s:
// hardening guide, "Request Validation"). The handler runs in the serving
// goroutine with a context carrying the deadline, which database and Redis
// calls honour. When the deadline passes before the handler has started its
// response, the client gets 503 through the error writer at once, even if
// the handler ignores its context, and whatever the handler writes later is
// discarded. If it had already started, nothing more is written: a second
// answer would corrupt the first.
//
// Unlike http.TimeoutHandler nothing is buffered, and unlike a goroutine per
// request the common case costs only a timer: the 503 is written from a
// context.AfterFunc callback that exists only once the deadline has passed.
// Streaming routes (Route.Stream) skip this step; the guarded writer does
// not expose the underlying one (no Unwrap), so a handler cannot bypass it.
func deadline(timeout time.Duration, withTimeout func(context.Context, time.Duration) (context.Context, context.CancelFunc),
	log *slog.Logger, errs *response.ErrorWriter) step {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx, cancel := withTimeout(r.Context(), timeout)
			defer cancel()
			dw := &deadlineWriter{w: w}
			stop := context.AfterFunc(ctx, func() {
				// Only the deadline counts: a client that left needs no answer.
				if errors.Is(ctx.Err(), context.DeadlineExceeded) && r.Context().Err() == nil {
					dw.expire(func() {
						errs.Write(w, r, response.Unavailable(errorf("handler deadline of %s exceeded", timeout)))
						_ = http.NewResponseController(w).Flush()
					}, func() {
						log.LogAttrs(ctx, slog.LevelWarn, "handler deadline exceeded after the response started",
							slog.String("event", "http.deadline_exceeded"),
							slog.String("request_id", request.ID(ctx)),
							slog.Duration("timeout", timeout))
					})
				}
			})
			defer func() {
				// Runs on return and on panic. stop first, so the common
				// case never starts the callback's goroutine; finish then
				// waits out a callback that is already writing.
				stop()
				dw.finish()
			}()
			next.ServeHTTP(dw, r.WithContext(ctx))
		})
	}
}

// deadlineWriter lets the serving goroutine (running the handler) and the
// deadline callback share one response safely. The handler sets headers in
// its own map, merged over the chain's headers when it starts the response,
// so the callback can write a 503 while a late handler still touches its
// headers. A handler can override a header the chain set (Cache-Control for
// static assets) but not delete it, and reads only what it set itself.
type deadlineWriter struct {
	w http.ResponseWriter
	h http.Header // the handler's headers; allocated on first use

	mu       sync.Mutex
	started  bool // the handler has started its response
	expired  bool // the callback answered 503: drop the handler's writes
	finished bool // the handler returned: the callback must not touch w
}

// Header returns the handler's own header map. Only the handler's goroutine
// calls it, as with any ResponseWriter.
func (dw *deadlineWriter) Header() http.Header {
	if dw.h == nil {
		dw.h = make(http.Header, 4)
	}
	return dw.h
}

func (dw *deadlineWriter) WriteHeader(code int) {
	dw.mu.Lock()
	defer dw.mu.Unlock()
	dw.writeHeaderLocked(code)
}

func (dw *deadlineWriter) writeHeaderLocked(code int) {
	if dw.expired || dw.started {
		return
	}
	maps.Copy(dw.w.Header(), dw.h)
	if code >= 200 || code == http.StatusSwitchingProtocols {
		dw.started = true
	}
	dw.w.WriteHeader(code)
}

func (dw *deadlineWriter) Write(b []byte) (int, error) {
	dw.mu.Lock()
	defer dw.mu.Unlock()
	if dw.expired {
		return 0, http.ErrHandlerTimeout
	}
	if !dw.started {
		dw.writeHeaderLocked(http.StatusOK)
	}
	return dw.w.Write(b)
}

// Flush sends what has been written so far.
func (dw *deadlineWriter) Flush() {
	dw.mu.Lock()
	defer dw.mu.Unlock()
	if dw.expired {
		return
	}
	if !dw.started {
		dw.writeHeaderLocked(http.StatusOK)
	}
	_ = http.NewResponseController(dw.w).Flush()
}

// Written reports whether the response has started or was answered by the
// deadline, so the error writer does not answer twice.
func (dw *deadlineWriter) Written() bool {
	dw.mu.Lock()
	defer dw.mu.Unlock()
	return dw.started || dw.expired
}

// expire is the deadline callback's work: answer (if the handler has not
// started and is still running) or note that it is too late to.
func (dw *deadlineWriter) expire(answer, tooLate func()) {
	dw.mu.Lock()
	defer dw.mu.Unlock()
	switch {
	case dw.finished:
	case dw.started:
		tooLate()
	default:
		dw.expired = true
		answer()
	}
}

// finish marks the handler as returned; once it holds the lock no callback
// is writing and none will.
func (dw *deadlineWriter) finish() {
	dw.mu.Lock()
	defer dw.mu.Unlock()
	dw.finished = true
}
