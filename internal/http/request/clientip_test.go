package request

import (
	"crypto/tls"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
)

var trusted = TrustedProxies{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")}

func TestResolveClientIP(t *testing.T) {
	tests := []struct {
		name   string
		remote string
		xff    []string
		want   string
	}{
		{"untrusted peer is the client", "203.0.113.5:1234", nil, "203.0.113.5"},
		{"untrusted peer's XFF is ignored", "203.0.113.5:1234", []string{"1.2.3.4"}, "203.0.113.5"},
		{"trusted peer without XFF is the client", "10.0.0.1:1234", nil, "10.0.0.1"},
		{"trusted peer's XFF gives the client", "10.0.0.1:1234", []string{"198.51.100.7"}, "198.51.100.7"},
		{"trusted hops are skipped right to left", "10.0.0.1:1234", []string{"198.51.100.7, 10.0.0.2, 10.0.0.3"}, "198.51.100.7"},
		{"the right-most untrusted entry wins over spoofed ones", "10.0.0.1:1234", []string{"6.6.6.6, 198.51.100.7"}, "198.51.100.7"},
		{"several header lines are one list", "10.0.0.1:1234", []string{"6.6.6.6", "198.51.100.7, 10.0.0.9"}, "198.51.100.7"},
		{"entries with ports are accepted", "10.0.0.1:1234", []string{"198.51.100.7:5555"}, "198.51.100.7"},
		{"IPv6 entries are accepted", "[fd00::1]:1234", []string{"2001:db8::7"}, "2001:db8::7"},
		{"bracketed IPv6 with port is accepted", "10.0.0.1:1", []string{"[2001:db8::7]:443"}, "2001:db8::7"},
		{"IPv4-mapped peers are unmapped", "[::ffff:10.0.0.1]:1234", []string{"198.51.100.7"}, "198.51.100.7"},
		{"garbage ends the walk at the last trusted hop", "10.0.0.1:1234", []string{"198.51.100.7, garbage, 10.0.0.4"}, "10.0.0.4"},
		{"empty entries are skipped", "10.0.0.1:1234", []string{"198.51.100.7, , "}, "198.51.100.7"},
		{"all-trusted chain yields the left-most hop", "10.0.0.1:1234", []string{"10.0.0.5, 10.0.0.4"}, "10.0.0.5"},
		{"zones are dropped", "[fe80::1%eth0]:1234", nil, "fe80::1"},
		{"unparsable peer is unknown", "not an address", []string{"198.51.100.7"}, "invalid IP"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ResolveClientIP(tt.remote, tt.xff, trusted).String(); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestResolveClientIPBoundsTheWalk(t *testing.T) {
	hops := strings.Repeat("10.0.0.9, ", 1000) + "10.0.0.8"
	got := ResolveClientIP("10.0.0.1:1", []string{"198.51.100.7, " + hops}, trusted)
	if !trusted.Trusts(got) {
		t.Errorf("walk went past %d hops to %s", maxForwardedHops, got)
	}
}

func TestHTTPS(t *testing.T) {
	tests := []struct {
		name   string
		remote string
		proto  []string
		tls    bool
		want   bool
	}{
		{"TLS connection", "203.0.113.5:1", nil, true, true},
		{"plain from anyone", "203.0.113.5:1", nil, false, false},
		{"untrusted peer claiming https", "203.0.113.5:1", []string{"https"}, false, false},
		{"trusted proxy saying https", "10.0.0.1:1", []string{"https"}, false, true},
		{"trusted proxy saying HTTPS in capitals", "10.0.0.1:1", []string{"HTTPS"}, false, true},
		{"trusted proxy saying http", "10.0.0.1:1", []string{"http"}, false, false},
		{"right-most value counts", "10.0.0.1:1", []string{"https, http"}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tt.remote
			for _, p := range tt.proto {
				r.Header.Add("X-Forwarded-Proto", p)
			}
			if tt.tls {
				r.TLS = &tls.ConnectionState{}
			}
			if got := trusted.HTTPS(r); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// FuzzClientIP checks that any peer address and X-Forwarded-For value give a
// client that is the peer, or an address named in the header when the peer
// is trusted, never a panic.
func FuzzClientIP(f *testing.F) {
	f.Add("10.0.0.1:1234", "198.51.100.7, 10.0.0.2")
	f.Add("203.0.113.5:1", "1.2.3.4")
	f.Add("[fd00::1]:1", "[2001:db8::1]:80,,garbage, fd00::2")
	f.Add("10.0.0.1:1", ",,,")
	f.Add("", "")
	f.Fuzz(func(t *testing.T, remote, xff string) {
		got := ResolveClientIP(remote, []string{xff}, trusted)
		peer, ok := ParseAddr(remote)
		switch {
		case !ok:
			if got.IsValid() {
				t.Fatalf("unparsable peer %q gave %s", remote, got)
			}
		case !trusted.Trusts(peer):
			if got != peer {
				t.Fatalf("untrusted peer %s: got %s", peer, got)
			}
		case got != peer:
			found := false
			for entry := range strings.SplitSeq(xff, ",") {
				if a, ok := ParseAddr(strings.TrimSpace(entry)); ok && a == got {
					found = true
				}
			}
			if !found {
				t.Fatalf("client %s is neither the peer nor in %q", got, xff)
			}
		}
		if got.Zone() != "" || got.Is4In6() {
			t.Fatalf("client %s not canonical", got)
		}
	})
}
