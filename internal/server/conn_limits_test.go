package server_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// A client that sends its headers slowly (Slowloris) is cut off by
// ReadHeaderTimeout instead of holding the connection.
func TestSlowHeadersAreCutOff(t *testing.T) {
	f := newFixture(t, func(s *setup) { s.opts.ReadHeaderTimeout = 200 * time.Millisecond })
	rn := start(t, f, false)
	conn, err := net.Dial("tcp", rn.main)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: "); err != nil {
		t.Fatal(err)
	}
	// The server must close the connection by itself; the client-side
	// deadline only keeps a broken server from hanging the test.
	if err := conn.SetReadDeadline(time.Now().Add(20 * time.Second)); err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(conn)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatal("server kept a connection with unfinished headers open")
	}
	if strings.Contains(string(got), "200 OK") {
		t.Fatalf("unfinished request was served: %q", got)
	}
}

// A header block over MaxHeaderBytes is refused before any handler runs.
func TestOversizedHeadersAreRefused(t *testing.T) {
	f := newFixture(t, func(s *setup) { s.opts.MaxHeaderBytes = 4 << 10 })
	rn := start(t, f, false)
	conn, err := net.Dial("tcp", rn.main)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	req := "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", 64<<10) + "\r\n\r\n"
	if _, err := io.WriteString(conn, req); err != nil {
		t.Fatal(err)
	}
	if err := conn.SetReadDeadline(time.Now().Add(20 * time.Second)); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Fatalf("status %d, want 431", resp.StatusCode)
	}
}
