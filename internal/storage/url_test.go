package storage_test

import (
	"context"
	"strings"
	"testing"

	"supportbot/internal/storage"
)

func TestRedactURL(t *testing.T) {
	tests := []struct {
		name, in, secret string
		keep             []string
	}{
		{"password in user info", "postgres://app:s3cr3t@db.example.com:5432/shop?sslmode=require", "s3cr3t", []string{"app", "db.example.com", "sslmode=require"}},
		{"password query parameter", "postgres://db.example.com/shop?password=s3cr3t&sslmode=verify-full", "s3cr3t", []string{"sslmode=verify-full"}},
		{"sslpassword query parameter", "postgres://db.example.com/shop?sslpassword=s3cr3t", "s3cr3t", nil},
		{"unparseable URL is hidden whole", "postgres://app:s3cr3t@db example.com:bad/%zz", "s3cr3t", nil},
		{"key=value connection string", "host=db.example.com password=s3cr3t sslmode=require", "s3cr3t", []string{"host=db.example.com", "sslmode=require"}},
		{"key=value quoted password", "host=db password='s3 cr\\'3t' user=app", "cr", []string{"user=app"}},
		{"no password unchanged", "postgres://app@127.0.0.1/test?sslmode=disable", "", []string{"postgres://app@127.0.0.1/test?sslmode=disable"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := storage.RedactURL(tt.in)
			if tt.secret != "" && strings.Contains(got, tt.secret) {
				t.Fatalf("RedactURL(%q) = %q, still holds the password", tt.in, got)
			}
			for _, k := range tt.keep {
				if !strings.Contains(got, k) {
					t.Errorf("RedactURL(%q) = %q, lost %q", tt.in, got, k)
				}
			}
		})
	}
}

func TestCheckRemoteTLS(t *testing.T) {
	// The decision must not depend on the developer's environment.
	t.Setenv("PGSSLMODE", "")
	t.Setenv("PGHOST", "")
	tests := []struct {
		name string
		url  string
		ok   bool
	}{
		{"remote without sslmode refused", "postgres://app:pw@db.example.com/shop", false},
		{"remote sslmode=disable refused", "postgres://app:pw@db.example.com/shop?sslmode=disable", false},
		{"remote sslmode=prefer refused (falls back to plain text)", "postgres://app:pw@db.example.com/shop?sslmode=prefer", false},
		{"remote sslmode=allow refused", "postgres://app:pw@10.0.0.7/shop?sslmode=allow", false},
		{"one plain remote among several hosts refused", "postgres://app:pw@127.0.0.1,db.example.com/shop?sslmode=disable", false},
		{"remote sslmode=require allowed", "postgres://app:pw@db.example.com/shop?sslmode=require", true},
		{"remote sslmode=verify-full allowed", "postgresql://app:pw@db.example.com/shop?sslmode=verify-full", true},
		{"loopback IPv4 without TLS allowed", "postgres://app@127.0.0.1:5432/shop?sslmode=disable", true},
		{"loopback IPv6 without TLS allowed", "postgres://app@[::1]:5432/shop?sslmode=disable", true},
		{"localhost without TLS allowed", "postgres://app@localhost/shop?sslmode=disable", true},
		{"unix socket allowed", "postgres://app@/shop?host=/var/run/postgresql&sslmode=disable", true},
		{"sqlite needs no TLS", "sqlite:data/x.db", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := storage.CheckRemoteTLS(tt.url)
			if tt.ok {
				if err != nil {
					t.Fatalf("CheckRemoteTLS: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("CheckRemoteTLS accepted a remote host without TLS")
			}
			for _, want := range []string{"DATABASE_URL", "sslmode"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not name %s", err, want)
				}
			}
			if strings.Contains(err.Error(), "pw") {
				t.Errorf("error %q leaks the password", err)
			}
		})
	}
}

func TestOpenProductionRefusesRemotePostgresWithoutTLS(t *testing.T) {
	t.Setenv("PGSSLMODE", "")
	// 192.0.2.0/24 is TEST-NET-1: nothing answers there, and the check must
	// refuse before any connection attempt.
	_, err := storage.Open(context.Background(), storage.Options{
		URL:        "postgres://app:hunter2@192.0.2.10/shop?sslmode=disable",
		Production: true,
	})
	if err == nil || !strings.Contains(err.Error(), "DATABASE_URL") || !strings.Contains(err.Error(), "sslmode") {
		t.Fatalf("Open = %v, want a refusal naming DATABASE_URL and sslmode", err)
	}
	if strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("error %q leaks the password", err)
	}
}

func TestOpenRejectsUnknownURLs(t *testing.T) {
	tests := []struct{ name, url string }{
		{"other scheme", "mysql://app:hunter2@db.example.com/shop"},
		{"key=value connection string", "host=db.example.com password=hunter2"},
		{"sqlite URL with pragmas", "sqlite:data/x.db?_pragma=secure_delete(0)"},
		{"in-memory sqlite", ":memory:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := storage.Open(context.Background(), storage.Options{URL: tt.url, DataDir: t.TempDir()})
			if err == nil {
				t.Fatal("Open accepted it")
			}
			if !strings.Contains(err.Error(), "DATABASE_URL") {
				t.Errorf("error %q does not name DATABASE_URL", err)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error %q leaks the password", err)
			}
		})
	}
}
