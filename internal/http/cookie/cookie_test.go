package cookie_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"supportbot/internal/http/cookie"
)

var now = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func clock() time.Time { return now }

// setCookies returns the Set-Cookie lines by cookie name.
func setCookies(t *testing.T, h http.Header) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, line := range h.Values("Set-Cookie") {
		name, _, _ := strings.Cut(line, "=")
		if _, dup := out[name]; dup {
			t.Fatalf("cookie %s set twice", name)
		}
		out[name] = line
	}
	return out
}

func TestSetSession(t *testing.T) {
	tests := []struct {
		name            string
		jar             cookie.Jar
		access, refresh string
		secure          bool
	}{
		{"production", cookie.Jar{Secure: true, Clock: clock}, "__Host-sb_access", "__Host-sb_refresh", true},
		{"development over HTTP", cookie.Jar{Clock: clock}, "sb_access", "sb_refresh", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.jar.AccessName() != tt.access || tt.jar.RefreshName() != tt.refresh {
				t.Fatalf("names = %s, %s", tt.jar.AccessName(), tt.jar.RefreshName())
			}
			rec := httptest.NewRecorder()
			tt.jar.SetSession(rec, "acc.ess.tok", now.Add(15*time.Minute), "refresh-tok", now.Add(7*24*time.Hour))
			got := setCookies(t, rec.Header())
			if len(got) != 2 {
				t.Fatalf("Set-Cookie = %v", got)
			}
			for name, want := range map[string][]string{
				tt.access:  {tt.access + "=acc.ess.tok", "Max-Age=900", "Expires=Fri, 02 Jan 2026 03:19:05 GMT"},
				tt.refresh: {tt.refresh + "=refresh-tok", "Max-Age=604800"},
			} {
				line := got[name]
				for _, attr := range append(want, "Path=/", "HttpOnly", "SameSite=Strict") {
					if !strings.Contains(line, attr) {
						t.Errorf("%s: %q lacks %q", name, line, attr)
					}
				}
				if strings.Contains(line, "Secure") != tt.secure {
					t.Errorf("%s: %q, want Secure %t", name, line, tt.secure)
				}
				if strings.Contains(line, "Domain") {
					t.Errorf("%s: %q has a Domain; __Host- forbids it and host-only is safer anyway", name, line)
				}
			}
		})
	}
}

func TestClear(t *testing.T) {
	rec := httptest.NewRecorder()
	cookie.Jar{Secure: true, Clock: clock}.Clear(rec)
	got := setCookies(t, rec.Header())
	for _, name := range []string{cookie.AccessName, cookie.RefreshName} {
		line := got[name]
		for _, attr := range []string{name + "=;", "Max-Age=0", "Path=/", "Secure", "HttpOnly", "SameSite=Strict"} {
			if !strings.Contains(line, attr) {
				t.Errorf("%s: %q lacks %q", name, line, attr)
			}
		}
	}
}

func TestRefresh(t *testing.T) {
	jar := cookie.Jar{Secure: true}
	tests := []struct {
		name   string
		cookie string
		token  string
		ok     bool
	}{
		{"present", "__Host-sb_refresh=r1; __Host-sb_access=a1", "r1", true},
		{"absent", "__Host-sb_access=a1", "", false},
		{"empty", "__Host-sb_refresh=", "", false},
		{"planted duplicate", "__Host-sb_refresh=r1; __Host-sb_refresh=r2", "", false},
		{"development name is not the production one", "sb_refresh=r1", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/api/v1/auth/refresh", nil)
			r.Header.Set("Cookie", tt.cookie)
			token, ok := jar.Refresh(r)
			if token != tt.token || ok != tt.ok {
				t.Errorf("Refresh = %q, %t; want %q, %t", token, ok, tt.token, tt.ok)
			}
		})
	}
}
