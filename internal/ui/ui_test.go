package ui

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"regexp"
	"strings"
	"testing"

	"supportbot/internal/http/response"
)

type nopDB struct{}

func (nopDB) Ping(context.Context) error { return nil }

func newUI(t *testing.T) *UI {
	t.Helper()
	u, err := New(Deps{Log: slog.New(slog.DiscardHandler), DB: nopDB{}})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestAssetURLCarriesTheContentHash(t *testing.T) {
	u := newUI(t)
	body, err := staticFiles.ReadFile("static/app.css")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(body)
	want := "/static/app." + hex.EncodeToString(sum[:])[:hashLen] + ".css"
	if got, err := u.AssetURL("app.css"); err != nil || got != want {
		t.Errorf("AssetURL(app.css) = %q, %v; want %q", got, err, want)
	}
	if _, err := u.AssetURL("missing.css"); err == nil {
		t.Error("a missing asset has a URL")
	}
}

func TestErrorPageEscapesAndShowsTheReference(t *testing.T) {
	u := newUI(t)
	var buf bytes.Buffer
	err := u.ErrorPage(&buf, response.ErrorPage{
		Status: 404, Title: "Page not found", Message: `<script>alert(1)</script>`, RequestID: "abc123", Nonce: "n",
	})
	if err != nil {
		t.Fatal(err)
	}
	html := buf.String()
	if strings.Contains(html, "<script>alert") {
		t.Error("message not escaped")
	}
	if !strings.Contains(html, "<code>abc123</code>") || !strings.Contains(html, "Error 404") {
		t.Errorf("page lacks the status or reference:\n%s", html)
	}
}

// checkStrict fails on anything the strict CSP forbids (issue 5, "Rules
// for every page"); the real-HTTP tests in internal/server check the same
// with assertStrictHTML.
func checkStrict(t *testing.T, html string) {
	t.Helper()
	for _, bad := range []*regexp.Regexp{
		regexp.MustCompile(`<style`),
		regexp.MustCompile(`\sstyle=`),
		regexp.MustCompile(`<script(?:\s[^>]*)?>[^<]+</script>`),
		regexp.MustCompile(`\son[a-z]+=`),
		regexp.MustCompile(`javascript:`),
		regexp.MustCompile(`(?:src|href|action)="(?:https?:)?//`),
	} {
		if loc := bad.FindStringIndex(html); loc != nil {
			t.Errorf("page breaks the strict-CSP rules at %q", html[max(loc[0]-20, 0):min(loc[1]+20, len(html))])
		}
	}
	// Every input, select and textarea has a label (issue 5, accessible).
	for _, m := range regexp.MustCompile(`<(?:input|select|textarea)[^>]*\sid="([^"]+)"`).FindAllStringSubmatch(html, -1) {
		if !strings.Contains(html, `<label for="`+m[1]+`"`) {
			t.Errorf("control #%s has no label", m[1])
		}
	}
}

// wantAll fails unless html contains every part.
func wantAll(t *testing.T, html string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(html, p) {
			t.Errorf("page lacks %q", p)
		}
	}
}
