package server

import (
	"errors"
	"net"
	"net/http"
	"net/netip"
	"strings"

	"supportbot/internal/http/response"
)

// redirectHandler serves the plain-HTTP listener (HTTP_REDIRECT_ADDR): 301 to
// the same path on HTTPS, except the health probes, which load balancers
// call over plain HTTP (issue 2, "TLS"). Redirects get the same request ID
// and security headers as every other response.
func (s *Server) redirectHandler(httpsPort string) http.Handler {
	redirect := s.router.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, ok := redirectHost(r.Host)
		if !ok || !strings.HasPrefix(r.URL.Path, "/") {
			s.errs.Write(w, r, response.BadRequest("", "", errors.New("server: redirect: unusable Host or path")))
			return
		}
		if httpsPort != "443" {
			host = net.JoinHostPort(strings.Trim(host, "[]"), httpsPort)
		}
		w.Header().Set("Location", "https://"+host+r.URL.RequestURI())
		w.WriteHeader(http.StatusMovedPermanently)
	}))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/healthz" || r.URL.Path == "/readyz" {
			s.router.ServeHTTP(w, r)
			return
		}
		redirect.ServeHTTP(w, r)
	})
}

// redirectHost returns the host name of a Host header without its port,
// accepting only a DNS name or an IP literal: the header is chosen by the
// client and goes into Location.
func redirectHost(hostport string) (string, bool) {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	if host == "" || len(host) > 253 {
		return "", false
	}
	if addr, err := netip.ParseAddr(host); err == nil {
		if addr.Is6() && addr.Zone() == "" {
			return "[" + addr.String() + "]", true
		}
		if addr.Is4() {
			return addr.String(), true
		}
		return "", false
	}
	for label := range strings.SplitSeq(host, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return "", false
		}
		for _, c := range label {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return "", false
			}
		}
	}
	return host, true
}
