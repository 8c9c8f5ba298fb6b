package server_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"supportbot/internal/server"
)

// running is a server serving on fresh 127.0.0.1 listeners.
type running struct {
	main, redirect string
	stop           context.CancelFunc // what SIGTERM does in production
	served         chan error         // Serve's result
}

// start runs f's server until stop is called or the test ends.
func start(t *testing.T, f *fixture, withRedirect bool) *running {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var red net.Listener
	rn := &running{main: ln.Addr().String(), served: make(chan error, 1)}
	if withRedirect {
		if red, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
			t.Fatal(err)
		}
		rn.redirect = red.Addr().String()
	}
	ctx, stop := context.WithCancel(context.Background())
	rn.stop = stop
	go func() { rn.served <- f.srv.Serve(ctx, ln, red) }()
	t.Cleanup(stop)
	return rn
}

// shutdown stops the server and returns what Serve returned.
func (rn *running) shutdown() error {
	rn.stop()
	return <-rn.served
}

func TestGracefulShutdownFinishesInFlightRequests(t *testing.T) {
	release := make(chan struct{})
	started := make(chan struct{}, 1)
	f := newFixture(t, func(s *setup) { s.release, s.started = release, started })
	shutdownBegan := make(chan struct{})
	server.SetOnShutdown(f.srv, func() { close(shutdownBegan) })
	rn := start(t, f, false)

	type result struct {
		status int
		body   string
		err    error
	}
	got := make(chan result, 1)
	go func() {
		resp, err := http.Get("http://" + rn.main + "/api/v1/probe/block")
		if err != nil {
			got <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		got <- result{resp.StatusCode, string(b), err}
	}()

	<-started // the request is in the handler
	rn.stop()
	<-shutdownBegan
	select {
	case err := <-rn.served:
		t.Fatalf("Serve returned (%v) while a request was in flight", err)
	default:
	}
	close(release) // let the handler finish
	r := <-got
	if r.err != nil || r.status != 200 || !strings.Contains(r.body, `"finished":"yes"`) {
		t.Fatalf("in-flight request: %d %q %v, want 200 finished", r.status, r.body, r.err)
	}
	if err := <-rn.served; err != nil {
		t.Fatalf("Serve after graceful shutdown: %v", err)
	}
	if !containsAll(f.log.String(), `"event":"server.listening"`, rn.main) {
		t.Errorf("no listening line naming %s:\n%s", rn.main, f.log.String())
	}
}

func TestRedirectListener(t *testing.T) {
	f := newFixture(t, nil)
	rn := start(t, f, true)
	redAddr := rn.redirect
	_, mainPort, _ := net.SplitHostPort(rn.main)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	tests := []struct {
		name     string
		path     string
		status   int
		location string
	}{
		{"pages redirect to https with path and query", "/chat?order=ORD001", 301, "https://127.0.0.1:" + mainPort + "/chat?order=ORD001"},
		{"API paths redirect too", "/api/v1/csp-report", 301, "https://127.0.0.1:" + mainPort + "/api/v1/csp-report"},
		{"liveness is answered over plain HTTP", "/healthz", 200, ""},
		{"readiness is answered over plain HTTP", "/readyz", 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := client.Get("http://" + redAddr + tt.path)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
			if got := resp.Header.Get("Location"); got != tt.location {
				t.Errorf("Location = %q, want %q", got, tt.location)
			}
			if resp.Header.Get("X-Content-Type-Options") != "nosniff" || resp.Header.Get("X-Request-Id") == "" {
				t.Error("redirect listener response lacks the security headers")
			}
		})
	}
	t.Run("a forged Host is refused, not echoed", func(t *testing.T) {
		conn, err := net.Dial("tcp", redAddr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		_, _ = io.WriteString(conn, "GET / HTTP/1.1\r\nHost: evil.example\\@other\r\nConnection: close\r\n\r\n")
		b, _ := io.ReadAll(conn)
		if !strings.HasPrefix(string(b), "HTTP/1.1 400") || strings.Contains(string(b), "Location:") {
			t.Errorf("got %q", firstLine(string(b)))
		}
	})
	if err := rn.shutdown(); err != nil {
		t.Fatalf("Serve: %v", err)
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\r\n")
	return line
}

// selfSigned writes a fresh certificate and key for 127.0.0.1 and returns
// their paths and a pool trusting the certificate.
func selfSigned(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "supportbot test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

func TestTLS(t *testing.T) {
	certFile, keyFile, pool := selfSigned(t)
	tests := []struct {
		name    string
		min     string
		client  *tls.Config
		wantErr bool
	}{
		{"TLS 1.3 is served by default", "", &tls.Config{MinVersion: tls.VersionTLS13}, false},
		{"TLS 1.2 is refused by default", "", &tls.Config{MaxVersion: tls.VersionTLS12}, true},
		{"TLS 1.2 with AES-GCM is allowed when configured", "1.2",
			&tls.Config{MaxVersion: tls.VersionTLS12, CipherSuites: []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256}}, false},
		{"TLS 1.2 with ChaCha20-Poly1305 is allowed when configured", "1.2",
			&tls.Config{MaxVersion: tls.VersionTLS12, CipherSuites: []uint16{tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256}}, false},
		{"TLS 1.2 with CBC is refused", "1.2",
			&tls.Config{MaxVersion: tls.VersionTLS12, CipherSuites: []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA}}, true},
		{"TLS 1.1 is refused even when 1.2 is allowed", "1.2", &tls.Config{MaxVersion: tls.VersionTLS11}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, func(s *setup) {
				s.opts.TLSCertFile, s.opts.TLSKeyFile, s.opts.TLSMinVersion = certFile, keyFile, tt.min
			})
			rn := start(t, f, false)
			cfg := tt.client.Clone()
			cfg.RootCAs = pool
			client := &http.Client{Transport: &http.Transport{TLSClientConfig: cfg}}
			resp, err := client.Get("https://" + rn.main + "/healthz")
			if tt.wantErr {
				if err == nil {
					resp.Body.Close()
					t.Fatalf("handshake succeeded with %s", tls.VersionName(resp.TLS.Version))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Fatalf("status %d", resp.StatusCode)
			}
			if got := resp.Header.Get("Strict-Transport-Security"); got != "max-age=31536000; includeSubDomains" {
				t.Errorf("HSTS over TLS in strict mode = %q", got)
			}
			if err := rn.shutdown(); err != nil {
				t.Fatalf("Serve: %v", err)
			}
		})
	}
}

func TestBadTLSSettingsFailNew(t *testing.T) {
	certFile, keyFile, _ := selfSigned(t)
	for name, o := range map[string]server.Options{
		"certificate without key": {TLSCertFile: certFile},
		"unknown minimum version": {TLSCertFile: certFile, TLSKeyFile: keyFile, TLSMinVersion: "1.0"},
		"unreadable certificate":  {TLSCertFile: certFile + ".missing", TLSKeyFile: keyFile},
	} {
		t.Run(name, func(t *testing.T) {
			o.RateLimitPerMinute = -1
			if _, err := server.New(o, server.Deps{Logger: discard(), DB: fakeDB{}}); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}

func TestHandlerIgnoringItsDeadlineStillGets503InTime(t *testing.T) {
	release := make(chan struct{})
	f := newFixture(t, func(s *setup) {
		s.opts.RequestTimeout = time.Millisecond
		s.release = release
	})
	rn := start(t, f, false)
	resp, err := http.Get("http://" + rn.main + "/api/v1/probe/block") // blocks until release, ignoring its context
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(resp.Body) // complete although the handler is still running
	resp.Body.Close()
	close(release)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(b), `"code":"service_unavailable"`) {
		t.Fatalf("got %d %s, want 503", resp.StatusCode, b)
	}
	if resp.Header.Get("Content-Security-Policy") == "" {
		t.Error("503 lacks the security headers")
	}
	if err := rn.shutdown(); err != nil {
		t.Fatal(err)
	}
}
