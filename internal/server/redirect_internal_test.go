package server

import "testing"

func TestRedirectHost(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"shop.example", "shop.example", true},
		{"shop.example:80", "shop.example", true},
		{"127.0.0.1:8080", "127.0.0.1", true},
		{"[::1]:80", "[::1]", true},
		{"", "", false},
		{"evil.example\\@other", "", false},
		{"a..b", "", false},
		{"-bad.example", "", false},
		{"shop.example/x", "", false},
		{"[fe80::1%eth0]:80", "", false},
	}
	for _, tt := range tests {
		got, ok := redirectHost(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("redirectHost(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
