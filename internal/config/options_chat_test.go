package config

import (
	"strings"
	"testing"
)

func TestOrderIDPatternOption(t *testing.T) {
	tests := []struct {
		name, value, wantErr string
	}{
		{"default grammar", defaultOrderIDPattern, ""},
		{"custom grammar", `SO[0-9]{6}`, ""},
		{"not a regexp", `ORD(`, "not a valid regular expression"},
		{"backreference is not RE2", `(a)\1`, "not a valid regular expression"},
		{"matches the empty number", `[0-9]*`, "must not match an empty order number"},
		{"breaks out of the anchoring group", `a)|(b`, "not a valid regular expression"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got string
			err := orderIDPattern(&got, tt.value)
			if tt.wantErr == "" {
				if err != nil || got != tt.value {
					t.Fatalf("orderIDPattern(%q) = %q, %v", tt.value, got, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("orderIDPattern(%q) error = %v, want %q", tt.value, err, tt.wantErr)
			}
		})
	}
}

func TestPaymentLinkOption(t *testing.T) {
	for _, ok := range []string{"", "https://pay.example.com/northwind"} {
		var got string
		if err := httpsURL(&got, ok); err != nil || got != ok {
			t.Errorf("httpsURL(%q) = %q, %v; want accepted", ok, got, err)
		}
	}
	for _, bad := range []string{"http://pay.example.com", "https://user:pw@pay.example.com", "pay.example.com", "javascript:alert(1)", "https://"} {
		var got string
		if err := httpsURL(&got, bad); err == nil {
			t.Errorf("httpsURL(%q) accepted; want refused", bad)
		}
	}
}
