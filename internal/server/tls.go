package server

import (
	"crypto/tls"
	"fmt"
)

// tls12Suites are the only TLS 1.2 cipher suites offered when TLS_MIN_VERSION
// is 1.2: forward-secret ECDHE key exchange with AEAD ciphers (issue 2,
// "TLS"; OWASP ASVS 4.0.3 V9.1.2). TLS 1.3 suites are all of that kind and
// are not configurable in Go.
var tls12Suites = []uint16{
	tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
}

// tlsConfig loads the certificate and returns the server's TLS settings, or
// nil when TLS is not configured (TLS terminated by a trusted proxy, or
// development).
func tlsConfig(o Options) (*tls.Config, error) {
	if o.TLSCertFile == "" && o.TLSKeyFile == "" {
		return nil, nil
	}
	if o.TLSCertFile == "" || o.TLSKeyFile == "" {
		return nil, fmt.Errorf("server: TLS needs both a certificate and a key file")
	}
	min, err := tlsVersion(o.TLSMinVersion)
	if err != nil {
		return nil, err
	}
	cert, err := tls.LoadX509KeyPair(o.TLSCertFile, o.TLSKeyFile)
	if err != nil {
		return nil, fmt.Errorf("server: load TLS certificate: %w", err)
	}
	cfg := &tls.Config{
		MinVersion:   min,
		Certificates: []tls.Certificate{cert},
	}
	if min == tls.VersionTLS12 {
		cfg.CipherSuites = tls12Suites
	}
	return cfg, nil
}

// tlsVersion parses TLS_MIN_VERSION; only 1.2 and 1.3 exist for us (ASVS
// 4.0.3 V9.1.3).
func tlsVersion(v string) (uint16, error) {
	switch v {
	case "", "1.3":
		return tls.VersionTLS13, nil
	case "1.2":
		return tls.VersionTLS12, nil
	}
	return 0, fmt.Errorf("server: TLS minimum version %q: want 1.2 or 1.3", v)
}
