package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A .env that says production wins over the demo's development default:
// the demo must never seed accounts into a production database.
func TestDemoRefusesAProductionDotenv(t *testing.T) {
	env := prodEnv(t)
	dotenv := filepath.Join(t.TempDir(), ".env")
	if err := os.WriteFile(dotenv, []byte("ENV=production\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errOut strings.Builder
	a := &app{stdout: &out, stderr: &errOut, envFile: dotenv,
		lookup: func(k string) (string, bool) { v, ok := env[k]; return v, ok }}
	if code := a.main([]string{"demo"}); code != 1 {
		t.Fatalf("demo exit %d, want 1; stderr %s", code, errOut.String())
	}
	if !strings.Contains(errOut.String(), "refusing to seed demo accounts outside development") {
		t.Errorf("stderr %q does not say why", errOut.String())
	}
	if strings.Contains(out.String(), "PASSWORD") {
		t.Errorf("demo printed logins in production: %s", out.String())
	}
}

func TestBotClassifyReadsJSONLinesAndRedactsCards(t *testing.T) {
	var out, errOut strings.Builder
	a := &app{stdin: strings.NewReader(`{"text":"I want to cancel my order ORD003"}
{"text":"How long does shipping take?"}
{"text":"my card is 4111 1111 1111 1111"}
not json
`), stdout: &out, stderr: &errOut, envFile: filepath.Join(t.TempDir(), "none.env"),
		lookup: func(k string) (string, bool) { return "", false }}
	code := a.main([]string{"bot", "classify"})
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if code != 1 || len(lines) != 3 || !strings.Contains(errOut.String(), "line 4") {
		t.Fatalf("exit %d, %d lines, stderr %q; want 3 answers and line 4 refused", code, len(lines), errOut.String())
	}
	for i, want := range []string{`"intent":"cancel_order"`, `"faq_id":"shipping-times"`, `[card number removed]`} {
		if !strings.Contains(lines[i], want) {
			t.Errorf("line %d = %s, want %s", i+1, lines[i], want)
		}
	}
	if !strings.Contains(lines[0], `"order_id":"ORD003"`) || strings.Contains(out.String(), "4111") {
		t.Errorf("output %s", out.String())
	}
}

func TestDemoNeverTouchesPostgreSQL(t *testing.T) {
	// The scheme in any case: storage opens POSTGRES://… as PostgreSQL too.
	for _, u := range []string{"postgres://shop@db.example/shop?sslmode=verify-full", "POSTGRESQL://shop@db.example/shop?sslmode=verify-full"} {
		env := devEnv(t)
		env["DATABASE_URL"] = u
		code, out, errOut := run(t, env, "demo")
		if code != 1 || !strings.Contains(errOut, "unset DATABASE_URL") || strings.Contains(out, "PASSWORD") {
			t.Fatalf("demo on %s: exit %d, stdout %q, stderr %q", u, code, out, errOut)
		}
	}
}
