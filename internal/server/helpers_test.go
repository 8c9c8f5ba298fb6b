package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"supportbot/api"
	"supportbot/internal/audit"
	"supportbot/internal/http/middleware"
	"supportbot/internal/http/request"
	"supportbot/internal/ratelimit"
	"supportbot/internal/server"
)

// fakeLimiter allows `allow` events per key (unlimited when allow is 0),
// refuses keys listed in deny, and fails with err when set.
type fakeLimiter struct {
	mu    sync.Mutex
	allow int
	deny  map[string]bool
	err   error
	seen  map[string]int
}

func (f *fakeLimiter) Allow(_ context.Context, key string, l ratelimit.Limit) (ratelimit.Decision, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return ratelimit.Decision{}, f.err
	}
	if f.seen == nil {
		f.seen = map[string]int{}
	}
	f.seen[key]++
	n := f.seen[key]
	d := ratelimit.Decision{Allowed: true, Limit: l.Burst, Remaining: l.Burst - n, ResetAfter: 30*time.Second + 200*time.Millisecond}
	refuse := f.deny[key] || (f.allow > 0 && n > f.allow)
	if strings.HasPrefix(key, "audit:") {
		refuse = n > 1 // like the real one-a-minute audit limit, with a frozen clock
	}
	if refuse {
		d.Allowed, d.Remaining, d.RetryAfter = false, 0, 1500*time.Millisecond
	}
	return d, nil
}

func (f *fakeLimiter) calls(prefix string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for k, v := range f.seen {
		if strings.HasPrefix(k, prefix) {
			n += v
		}
	}
	return n
}

// fakeRecorder keeps audit events.
type fakeRecorder struct {
	mu     sync.Mutex
	events []audit.Event
}

func (f *fakeRecorder) Record(_ context.Context, e audit.Event) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.events = append(f.events, e)
	return nil
}

func (f *fakeRecorder) all() []audit.Event {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]audit.Event(nil), f.events...)
}

// fakeDB answers pings with err.
type fakeDB struct{ err error }

func (f fakeDB) Ping(context.Context) error { return f.err }

// syncBuffer is a log sink safe to read while handlers write to it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// fixture is a server built through server.New with probe routes.
type fixture struct {
	srv     *server.Server
	h       http.Handler
	log     *syncBuffer
	limiter *fakeLimiter
	audit   *fakeRecorder
	probed  *atomic.Int64 // how many times the JSON probe handler ran
}

// probeSchema is a request schema used only by the probe route, added next
// to the real schemas.
const probeSchema = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "additionalProperties": false,
  "required": ["name"],
  "properties": {
    "name": {"type": "string", "minLength": 1, "maxLength": 20},
    "count": {"type": "integer", "minimum": 0}
  }
}`

// schemasWithProbe is api.Schemas() plus probe.json.
func schemasWithProbe(t testing.TB) fs.FS {
	t.Helper()
	m := fstest.MapFS{"probe.json": &fstest.MapFile{Data: []byte(probeSchema)}}
	err := fs.WalkDir(api.Schemas(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(api.Schemas(), p)
		m[p] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

type probeBody struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

// probeRoutes are test-only routes added through the same route builder as
// the real ones, so they pass the real chain.
func probeRoutes(probed *atomic.Int64, release <-chan struct{}, started chan<- struct{}) []middleware.Route {
	return []middleware.Route{
		{Method: "POST", Pattern: "/api/v1/probe", Policy: middleware.PolicyPublic, Schema: "probe",
			Handler: func(w http.ResponseWriter, r *http.Request) error {
				probed.Add(1)
				var b probeBody
				if err := request.DecodeJSON(r, &b, nil); err != nil {
					return err
				}
				return writeJSON(w, b)
			}},
		{Method: "GET", Pattern: "/api/v1/probe/ip", Policy: middleware.PolicyPublic,
			Handler: func(w http.ResponseWriter, r *http.Request) error {
				return writeJSON(w, map[string]any{"ip": request.ClientIP(r.Context()).String(), "https": request.IsHTTPS(r.Context())})
			}},
		{Method: "GET", Pattern: "/api/v1/probe/panic", Policy: middleware.PolicyPublic,
			Handler: func(http.ResponseWriter, *http.Request) error {
				panic("probe exploded: secret=hunter2 at /srv/supportbot/internal/orders/store.go:42")
			}},
		{Method: "GET", Pattern: "/probe/panic", Policy: middleware.PolicyPublic,
			Handler: func(http.ResponseWriter, *http.Request) error {
				panic("ui probe exploded: secret=hunter2")
			}},
		{Method: "GET", Pattern: "/api/v1/probe/error", Policy: middleware.PolicyPublic,
			Handler: func(http.ResponseWriter, *http.Request) error {
				return errors.New(`orders: query "SELECT * FROM users WHERE email = 'x'" at /srv/supportbot/internal/storage/db.go:42: password authentication failed`)
			}},
		{Method: "GET", Pattern: "/api/v1/probe/slow", Policy: middleware.PolicyPublic,
			Handler: func(w http.ResponseWriter, r *http.Request) error {
				<-r.Context().Done()
				return r.Context().Err()
			}},
		{Method: "GET", Pattern: "/api/v1/probe/block", Policy: middleware.PolicyPublic,
			Handler: func(w http.ResponseWriter, r *http.Request) error {
				if started != nil {
					started <- struct{}{}
				}
				if release != nil {
					<-release
				}
				return writeJSON(w, map[string]string{"finished": "yes"})
			}},
	}
}

func writeJSON(w http.ResponseWriter, v any) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	return json.NewEncoder(w).Encode(v)
}

// setup lets a test change options and dependencies before New.
type setup struct {
	opts    server.Options
	db      error
	pinger  server.Pinger // replaces fakeDB{db} when set
	clock   func() time.Time
	limiter *fakeLimiter
	release <-chan struct{}
	started chan<- struct{}
}

func newFixture(t testing.TB, change func(*setup)) *fixture {
	t.Helper()
	s := &setup{
		opts: server.Options{
			StrictCSP:          true,
			TrustedProxies:     []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")},
			CORSAllowedOrigins: []string{"https://shop.example"},
		},
		limiter: &fakeLimiter{deny: map[string]bool{"ip:192.0.2.99": true}},
		clock:   func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) },
	}
	if change != nil {
		change(s)
	}
	var db server.Pinger = fakeDB{err: s.db}
	if s.pinger != nil {
		db = s.pinger
	}
	f := &fixture{log: &syncBuffer{}, limiter: s.limiter, audit: &fakeRecorder{}, probed: &atomic.Int64{}}
	srv, err := server.New(s.opts, server.Deps{
		Logger:  slog.New(slog.NewJSONHandler(f.log, &slog.HandlerOptions{Level: slog.LevelDebug})),
		DB:      db,
		Audit:   f.audit,
		Limiter: f.limiter,
		Clock:   s.clock,
		Schemas: schemasWithProbe(t),
	}, probeRoutes(f.probed, s.release, s.started)...)
	if err != nil {
		t.Fatalf("server.New: %v", err)
	}
	f.srv, f.h = srv, srv.Handler()
	return f
}

// do sends r through the real router.
func (f *fixture) do(r *http.Request) *http.Response {
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, r)
	return rec.Result()
}

func body(t testing.TB, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// apiError is the JSON error body.
type apiError struct {
	Error struct {
		Code      string `json:"code"`
		Message   string `json:"message"`
		Field     string `json:"field"`
		RequestID string `json:"request_id"`
	} `json:"error"`
}

func decodeError(t testing.TB, s string) apiError {
	t.Helper()
	var e apiError
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		t.Fatalf("error body %q is not the error shape: %v", s, err)
	}
	return e
}

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }
