package middleware

import (
	"bufio"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"supportbot/internal/http/response"
)

func newTestRouter(t testing.TB, o Options, routes ...Route) *Router {
	t.Helper()
	log := slog.New(slog.DiscardHandler)
	r, err := New(o, Deps{Log: log, Errors: response.NewErrorWriter(log, nil)}, routes)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestStreamRoutesSkipTheDeadline(t *testing.T) {
	type seen struct {
		hasDeadline bool
		flushErr    error
	}
	got := map[string]seen{}
	probe := func(name string) HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) error {
			_, ok := r.Context().Deadline()
			_, _ = w.Write([]byte("data: hi\n\n"))
			got[name] = seen{ok, http.NewResponseController(w).Flush()}
			return nil
		}
	}
	rt := newTestRouter(t, Options{RequestTimeout: time.Hour},
		Route{Method: "GET", Pattern: "/api/v1/events", Policy: PolicyPublic, Stream: true, Handler: probe("stream")},
		Route{Method: "GET", Pattern: "/api/v1/plain", Policy: PolicyPublic, Handler: probe("plain")},
	)
	for _, p := range []string{"/api/v1/events", "/api/v1/plain"} {
		rec := httptest.NewRecorder()
		rt.ServeHTTP(rec, httptest.NewRequest("GET", p, nil))
		if !rec.Flushed {
			t.Errorf("%s: Flush did not reach the connection", p)
		}
	}
	if got["stream"].hasDeadline || got["stream"].flushErr != nil {
		t.Errorf("stream route: %+v, want no deadline and a working Flush", got["stream"])
	}
	if !got["plain"].hasDeadline || got["plain"].flushErr != nil {
		t.Errorf("plain route: %+v, want a deadline and a working Flush", got["plain"])
	}
}

func TestWrapAddsTheOuterSteps(t *testing.T) {
	rt := newTestRouter(t, Options{StrictCSP: true})
	h := rt.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(301) }))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/x", nil))
	for _, k := range []string{"Content-Security-Policy", "X-Request-Id", "X-Frame-Options", "Cache-Control"} {
		if rec.Header().Get(k) == "" {
			t.Errorf("no %s", k)
		}
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("entropy exhausted") }

func TestRandomnessFailureIsA500NotAPanic(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	rt, err := New(Options{}, Deps{Log: log, Errors: response.NewErrorWriter(log, nil), Random: failingReader{}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	rt.ServeHTTP(rec, httptest.NewRequest("GET", "/healthz", nil))
	if rec.Code != 500 {
		t.Fatalf("status %d, want 500", rec.Code)
	}
}

func TestCheckOrigin(t *testing.T) {
	for origin, ok := range map[string]bool{
		"https://shop.example":        true,
		"https://shop.example:8443":   true,
		"http://localhost:5173":       true,
		"*":                           false,
		"null":                        false,
		"https://*.shop.example":      false,
		"https://shop.example/":       false,
		"https://shop.example/path":   false,
		"https://user@shop.example":   false,
		"ftp://shop.example":          false,
		"shop.example":                false,
		"https://Shop.Example":        false,
		"https://shop.example?x=1":    false,
		"https://shop.example#frag":   false,
		"https://shop.example\n.evil": false,
	} {
		if err := CheckOrigin(origin); (err == nil) != ok {
			t.Errorf("CheckOrigin(%q) = %v, want ok=%v", origin, err, ok)
		}
	}
}

func TestCeilSeconds(t *testing.T) {
	for d, want := range map[time.Duration]int64{0: 0, -time.Second: 0, time.Nanosecond: 1, time.Second: 1, 1500 * time.Millisecond: 2, time.Minute: 60} {
		if got := ceilSeconds(d); got != want {
			t.Errorf("ceilSeconds(%v) = %d, want %d", d, got, want)
		}
	}
}

func TestClientKey(t *testing.T) {
	for ip, want := range map[string]string{
		"198.51.100.7":                     "198.51.100.7",
		"::ffff:198.51.100.7":              "198.51.100.7",
		"2001:db8:1:2:3:4:5:6":             "2001:db8:1:2::/64",
		"2001:db8:1:2:ffff:ffff:ffff:ffff": "2001:db8:1:2::/64",
		"fe80::1%eth0":                     "fe80::/64",
		"::1":                              "::/64",
		"":                                 "unknown",
	} {
		addr, _ := netip.ParseAddr(ip)
		if got := clientKey(addr); got != want {
			t.Errorf("clientKey(%q) = %q, want %q", ip, got, want)
		}
	}
}

// FuzzNonCanonicalPaths sends arbitrary request targets through the
// router: the mux's own redirects (307) never come out, a redirect is a 301
// to a same-origin path that is already clean, and canonical paths are
// never redirected.
func FuzzNonCanonicalPaths(f *testing.F) {
	for _, seed := range []string{"/x", "//x", "/api/../x", "/./", "///evil.example/", `/./\evil.example`, "/%2e%2e/x",
		"/a/b/../../x?q=1", "*", "/x/.", "/x/..", "/.well-known/x", "/%2F%2Fevil.example/..", "/a//b/"} {
		f.Add(seed)
	}
	ok := func(w http.ResponseWriter, _ *http.Request) error { w.WriteHeader(http.StatusOK); return nil }
	rt := newTestRouter(f, Options{},
		Route{Method: "GET", Pattern: "/x", Policy: PolicyPublic, Handler: ok},
		Route{Method: "GET", Pattern: "/api/v1/x", Policy: PolicyPublic, Handler: ok})
	f.Fuzz(func(t *testing.T, target string) {
		r, err := http.ReadRequest(bufio.NewReader(strings.NewReader("GET " + target + " HTTP/1.1\r\nHost: shop.example\r\n\r\n")))
		if err != nil {
			return
		}
		rec := httptest.NewRecorder()
		rt.ServeHTTP(rec, r)
		switch rec.Code {
		case http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
			t.Fatalf("%q: the mux's own redirect %d leaked", target, rec.Code)
		case http.StatusMovedPermanently:
			loc, err := url.Parse(rec.Header().Get("Location"))
			if err != nil || loc.Scheme != "" || loc.Host != "" || !strings.HasPrefix(loc.Path, "/") ||
				strings.HasPrefix(loc.EscapedPath(), "//") || strings.Contains(loc.EscapedPath(), "\\") {
				t.Fatalf("%q: unsafe Location %q", target, rec.Header().Get("Location"))
			}
			if p := loc.EscapedPath(); cleanPath(p) != p {
				t.Fatalf("%q: Location %q is not clean", target, rec.Header().Get("Location"))
			}
			if p := r.URL.EscapedPath(); cleanPath(p) == p {
				t.Fatalf("%q: a canonical path was redirected", target)
			}
		}
	})
}

func TestRouteCheckExplainsEveryProblem(t *testing.T) {
	err := Route{Method: "TRACE", Pattern: "x"}.check()
	if err == nil {
		t.Fatal("accepted")
	}
	for _, want := range []string{"method", "pattern", "policy", "handler"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
}

func TestOptionalBodyNeedsASchema(t *testing.T) {
	ok := func(http.ResponseWriter, *http.Request) error { return nil }
	err := Route{Method: "POST", Pattern: "/x", Policy: PolicyPublic, NoBody: true, OptionalBody: true, Handler: ok}.check()
	if err == nil || !strings.Contains(err.Error(), "OptionalBody needs a Schema") {
		t.Errorf("err = %v", err)
	}
	if err := (Route{Method: "POST", Pattern: "/x", Policy: PolicyPublic, Schema: "s", OptionalBody: true, Handler: ok}).check(); err != nil {
		t.Errorf("a schema route with an optional body: %v", err)
	}
}

// cue is a deadline context that expires when the test says so, so deadline
// tests are exact instead of racing a clock (DESIGN.md, invariant 9).
type cue struct {
	context.Context
	done chan struct{}
	once sync.Once
}

func (c *cue) Done() <-chan struct{} { return c.done }

func (c *cue) Err() error {
	select {
	case <-c.done:
		return context.DeadlineExceeded
	default:
		return nil
	}
}

func (c *cue) expire() { c.once.Do(func() { close(c.done) }) }

func TestDeadline(t *testing.T) {
	tests := []struct {
		name    string
		handler func(c *cue) HandlerFunc
		status  int
		body    string
	}{
		// A handler that ignores its deadline altogether is tested over real
		// HTTP in internal/server (TestHandlerIgnoringItsDeadlineStillGets503InTime).
		{"a handler that returns the deadline error gets 503", func(c *cue) HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) error {
				c.expire()
				<-r.Context().Done()
				return r.Context().Err()
			}
		}, 503, `"code":"service_unavailable"`},
		{"a handler that already answered is not answered twice", func(c *cue) HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) error {
				w.Header().Set("Content-Type", "text/plain; charset=utf-8")
				_, _ = w.Write([]byte("partial"))
				c.expire()
				<-r.Context().Done()
				return r.Context().Err()
			}
		}, 200, "partial"},
		{"a handler within its deadline is untouched", func(c *cue) HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) error {
				return response.JSON(w, 200, map[string]string{"status": "ok"})
			}
		}, 200, `{"status":"ok"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &cue{Context: context.Background(), done: make(chan struct{})}
			log := slog.New(slog.DiscardHandler)
			rt, err := New(Options{}, Deps{Log: log, Errors: response.NewErrorWriter(log, nil),
				WithTimeout: func(parent context.Context, _ time.Duration) (context.Context, context.CancelFunc) {
					c.Context = parent
					return c, c.expire
				}}, []Route{{Method: "GET", Pattern: "/api/v1/x", Policy: PolicyPublic, Handler: tt.handler(c)}})
			if err != nil {
				t.Fatal(err)
			}
			rec := httptest.NewRecorder()
			rt.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/x", nil))
			if rec.Code != tt.status || !strings.Contains(rec.Body.String(), tt.body) {
				t.Fatalf("got %d %q, want %d with %q", rec.Code, rec.Body.String(), tt.status, tt.body)
			}
			if tt.status == 503 && rec.Header().Get("Content-Security-Policy") == "" {
				t.Error("503 lacks the security headers")
			}
		})
	}
}
