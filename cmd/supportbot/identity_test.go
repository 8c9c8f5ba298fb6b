package main

import (
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"supportbot/internal/audit"
	"supportbot/internal/auth"
	"supportbot/internal/clock"
	"supportbot/internal/ratelimit"
	"supportbot/internal/storage/storagetest"
	"supportbot/internal/users"
)

// The previous signing key's grace ends at an absolute time: a restart must
// not open a new window for it (review finding), and a start after the end
// refuses, naming the option.
func TestPreviousSecretKeyGraceIsAbsolute(t *testing.T) {
	rotation := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	oldSecret := strings.Repeat("0a1b2c3d4e5f6789", 5)
	env := devEnv(t)
	env["BCRYPT_COST"] = "4"
	env["SECRET_KEY"] = strings.Repeat("f0e1d2c3b4a59687", 5)
	env["SECRET_KEY_PREVIOUS"] = oldSecret
	env["SECRET_KEY_PREVIOUS_UNTIL"] = rotation.Add(15 * time.Minute).Format(time.RFC3339)
	a := &app{stdout: io.Discard, stderr: io.Discard, envFile: filepath.Join(t.TempDir(), "none.env"),
		lookup: func(k string) (string, bool) { v, ok := env[k]; return v, ok }}
	c, ok := a.validConfig(true)
	if !ok {
		t.Fatal("config")
	}
	k, err := openKeys(c)
	if err != nil {
		t.Fatal(err)
	}
	defer k.close()
	db := storagetest.SQLite(t)
	clk := clock.NewManual(rotation.Add(5 * time.Minute))
	start := func() (*identity, error) {
		return newIdentity(c, k, users.NewStore(db, k.fields, k.blind, clk.Now),
			ratelimit.NewMemory(clk.Now, 100), &audit.Memory{}, clk.Now)
	}

	id, err := start()
	if err != nil {
		t.Fatalf("start inside the grace period: %v", err)
	}
	id.close()

	clk.Set(rotation.Add(30 * 24 * time.Hour))
	if _, err := start(); err == nil || !strings.Contains(err.Error(), "SECRET_KEY_PREVIOUS_UNTIL") {
		t.Fatalf("start 30 days after the rotation: want a refusal naming SECRET_KEY_PREVIOUS_UNTIL, got %v", err)
	}

	// Inside the window, a token signed with the old key verifies only until
	// the configured end, whenever the server started.
	clk.Set(rotation.Add(5 * time.Minute))
	oldTokens, err := auth.NewTokens(auth.TokensConfig{Current: []byte(oldSecret), Issuer: tokenIssuer,
		Audience: tokenAudience, AccessTTL: time.Hour, Clock: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := oldTokens.IssueAccess(auth.Claims{Subject: "u1", Role: auth.RoleCustomer, Generation: 1})
	if err != nil {
		t.Fatal(err)
	}
	current, err := auth.NewTokens(auth.TokensConfig{Current: []byte(c.SecretKey), Previous: [][]byte{[]byte(oldSecret)},
		GraceUntil: c.SecretKeyPrevUntil, Issuer: tokenIssuer, Audience: tokenAudience, Clock: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := current.VerifyAccess(tok); err != nil {
		t.Fatalf("old-key token inside the window: %v", err)
	}
	clk.Set(rotation.Add(16 * time.Minute))
	if _, err := current.VerifyAccess(tok); err == nil {
		t.Fatal("old-key token accepted after SECRET_KEY_PREVIOUS_UNTIL")
	}
}
