package main

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestOnlyLoopbackTargets(t *testing.T) {
	for _, ok := range []string{"http://127.0.0.1:8080/healthz", "http://localhost/x", "https://[::1]:8443/", "http://127.8.9.10/"} {
		if _, err := checkTarget(ok); err != nil {
			t.Errorf("%s refused: %v", ok, err)
		}
	}
	for _, bad := range []string{"http://10.0.0.1/", "http://192.168.1.2/", "http://example.com/", "ftp://127.0.0.1/", "http://0.0.0.0/", "127.0.0.1"} {
		if _, err := checkTarget(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

func TestRunCountsEveryRequest(t *testing.T) {
	var got atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.Add(1)
		if r.Header.Get("Authorization") != "Bearer tok" {
			w.WriteHeader(http.StatusUnauthorized)
		}
		if got.Load()%2 == 0 { // a chunked answer, larger than a read buffer, on the same connection
			_, _ = w.Write([]byte(strings.Repeat("x", 40<<10)))
		}
	}))
	defer srv.Close()
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	r := run(u, "tok", 4, 200, time.Minute, 0)
	if r.sent != 200 || r.statuses[200] != 200 || got.Load() != 200 || r.failed != 0 {
		t.Fatalf("sent %d, statuses %v, server saw %d", r.sent, r.statuses, got.Load())
	}
	if !strings.Contains(r.String(), "requests 200") {
		t.Fatalf("report: %s", r)
	}
}

func TestCPUTimeAdvances(t *testing.T) {
	before := cpuTime(os.Getpid())
	for deadline := time.Now().Add(5 * time.Second); cpuTime(os.Getpid()) <= before; {
		if time.Now().After(deadline) {
			t.Fatal("cpuTime did not advance over 5 s of busy work")
		}
	}
	if cpuTime(0) != 0 || cpuTime(-1) != 0 {
		t.Fatal("no pid must read as 0")
	}
	r := result{sent: 4, elapsed: time.Second, serverCPU: 2 * time.Millisecond}
	if !strings.Contains(r.String(), "server CPU 500 µs/request") {
		t.Fatalf("report: %s", r)
	}
}
