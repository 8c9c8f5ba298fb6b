package server_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"supportbot/internal/ratelimit"
	"supportbot/internal/server"
)

// allowAll is the cheapest possible limiter, so the benchmarks measure the
// chain rather than a limiter implementation.
type allowAll struct{}

func (allowAll) Allow(context.Context, string, ratelimit.Limit) (ratelimit.Decision, error) {
	return ratelimit.Decision{Allowed: true, Limit: 60, Remaining: 59}, nil
}

// discardWriter is a ResponseWriter that keeps nothing but its headers.
type discardWriter struct {
	h      http.Header
	status int
}

func (d *discardWriter) Header() http.Header         { return d.h }
func (d *discardWriter) WriteHeader(code int)        { d.status = code }
func (d *discardWriter) Write(b []byte) (int, error) { return len(b), nil }

func benchServer(b *testing.B) http.Handler {
	b.Helper()
	srv, err := server.New(server.Options{StrictCSP: true}, server.Deps{
		Logger: discard(), DB: fakeDB{}, Audit: &fakeRecorder{}, Limiter: allowAll{},
	})
	if err != nil {
		b.Fatal(err)
	}
	return srv.Handler()
}

// BenchmarkChainHealthz is GET /healthz through every step of the chain.
func BenchmarkChainHealthz(b *testing.B) {
	h := benchServer(b)
	r := httptest.NewRequest("GET", "/healthz", nil)
	w := &discardWriter{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		h.ServeHTTP(w, r)
	}
	if w.status != 200 {
		b.Fatalf("status %d", w.status)
	}
}

// BenchmarkChainJSONPost is a CSP report through every step: CORS and
// cross-origin checks, content type and size, rate limit, JSON Schema
// validation, the deadline and strict decoding in the handler.
func BenchmarkChainJSONPost(b *testing.B) {
	h := benchServer(b)
	body := strings.NewReader(validLegacyReport)
	r := httptest.NewRequest("POST", "/api/v1/csp-report", nil)
	r.Header.Set("Content-Type", "application/csp-report")
	r.Header.Set("Sec-Fetch-Site", "same-origin")
	r.ContentLength = int64(len(validLegacyReport))
	r.Body = io.NopCloser(body)
	w := &discardWriter{h: http.Header{}}
	b.ReportAllocs()
	b.SetBytes(int64(len(validLegacyReport)))
	for b.Loop() {
		clear(w.h)
		body.Reset(validLegacyReport)
		h.ServeHTTP(w, r)
	}
	if w.status != http.StatusNoContent {
		b.Fatalf("status %d", w.status)
	}
}
