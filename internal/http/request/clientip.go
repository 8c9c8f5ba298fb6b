package request

import (
	"net/http"
	"net/netip"
	"strings"
)

// maxForwardedHops bounds how many X-Forwarded-For entries are examined. Real
// deployments have one or two proxies; a longer trusted chain than this is
// treated as ending at the last hop examined.
const maxForwardedHops = 32

// TrustedProxies is the set of networks (TRUSTED_PROXIES) whose forwarding
// headers are believed. X-Forwarded-For and X-Forwarded-Proto are set by
// whoever sends the request, so they are honoured only when the immediate
// peer is one of our own proxies; otherwise any client could choose its rate
// limit bucket, its audited address or claim HTTPS (issue 2, "Client IP";
// hardening guide, "API Security" rate limits per IP).
type TrustedProxies []netip.Prefix

// Trusts reports whether addr is inside one of the trusted networks.
func (t TrustedProxies) Trusts(addr netip.Addr) bool {
	if !addr.IsValid() {
		return false
	}
	addr = addr.Unmap()
	for _, p := range t {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// ClientIP returns the address of the client that sent r: the peer address,
// or, when the peer is a trusted proxy, the first untrusted address found
// walking X-Forwarded-For from the right. The zero Addr means the peer
// address could not be parsed.
func (t TrustedProxies) ClientIP(r *http.Request) netip.Addr {
	return ResolveClientIP(r.RemoteAddr, r.Header.Values("X-Forwarded-For"), t)
}

// HTTPS reports whether the client reached us over HTTPS: r came over TLS, or
// the immediate peer is a trusted proxy whose X-Forwarded-Proto says https.
// The right-most value is used because it is the one our own proxy set or
// appended; values further left came from farther away.
func (t TrustedProxies) HTTPS(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	if len(t) == 0 {
		return false
	}
	peer, ok := ParseAddr(r.RemoteAddr)
	if !ok || !t.Trusts(peer) {
		return false
	}
	values := r.Header.Values("X-Forwarded-Proto")
	if len(values) == 0 {
		return false
	}
	last := values[len(values)-1]
	if i := strings.LastIndexByte(last, ','); i >= 0 {
		last = last[i+1:]
	}
	return strings.EqualFold(strings.TrimSpace(last), "https")
}

// ResolveClientIP is the pure form of TrustedProxies.ClientIP: remoteAddr is
// the connection's peer ("ip:port" or "ip"), forwardedFor the X-Forwarded-For
// header lines in the order received. Entries are examined right to left
// (each proxy appends the address it received the request from), skipping
// trusted hops; the first untrusted address is the client. An entry that does
// not parse ends the walk at the last good hop, since nothing to its left can
// be attributed. When every hop is trusted, the left-most one is the client.
func ResolveClientIP(remoteAddr string, forwardedFor []string, trusted TrustedProxies) netip.Addr {
	peer, ok := ParseAddr(remoteAddr)
	if !ok {
		return netip.Addr{}
	}
	if !trusted.Trusts(peer) {
		return peer
	}
	client := peer
	hops := 0
	for i := len(forwardedFor) - 1; i >= 0; i-- {
		line := forwardedFor[i]
		for end := len(line); end >= 0; {
			start := strings.LastIndexByte(line[:end], ',') + 1
			entry := strings.TrimSpace(line[start:end])
			end = start - 1
			if entry == "" {
				// "a, , b" and trailing commas carry nothing; skip them.
				continue
			}
			hops++
			if hops > maxForwardedHops {
				return client
			}
			addr, ok := ParseAddr(entry)
			if !ok {
				return client
			}
			client = addr
			if !trusted.Trusts(addr) {
				return addr
			}
		}
	}
	return client
}

// ParseAddr parses an address as found in RemoteAddr or X-Forwarded-For:
// "ip", "ip:port" or "[ipv6]:port". IPv4-mapped IPv6 addresses are unmapped
// and zones dropped, so one client has one spelling (and one rate-limit key).
func ParseAddr(s string) (netip.Addr, bool) {
	if addr, err := netip.ParseAddr(s); err == nil {
		return addr.Unmap().WithZone(""), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap().WithZone(""), true
	}
	return netip.Addr{}, false
}
