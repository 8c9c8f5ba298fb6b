package middleware

import "net/http"

// startedWriter records whether the response has started, so that a panic or
// an error raised after the first byte is logged rather than answered twice.
// It implements Written, which the error writer checks.
type startedWriter struct {
	http.ResponseWriter
	started bool
}

func (s *startedWriter) WriteHeader(code int) {
	if code >= 200 || code == http.StatusSwitchingProtocols {
		s.started = true
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *startedWriter) Write(b []byte) (int, error) {
	s.started = true
	return s.ResponseWriter.Write(b)
}

// Flush sends buffered data (server-sent events need it).
func (s *startedWriter) Flush() {
	s.started = true
	_ = http.NewResponseController(s.ResponseWriter).Flush()
}

// Unwrap gives http.ResponseController the underlying writer.
func (s *startedWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// Written reports whether the response has started.
func (s *startedWriter) Written() bool { return s.started }
