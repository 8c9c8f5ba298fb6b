package main

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"supportbot/internal/audit"
)

// TestDashboardChecklistIsDoctors: the admin dashboard's checklist (serve's
// Deps.Doctor: checklist with checkDatabase on the server's own database)
// is the report `supportbot doctor` prints, line for line, whether the
// audit chain holds or not.
func TestDashboardChecklistIsDoctors(t *testing.T) {
	env := prodEnv(t)
	if code, _, errOut := run(t, env, "migrate"); code != 0 {
		t.Fatalf("migrate: %s", errOut)
	}
	a := &app{stdout: io.Discard, stderr: io.Discard, envFile: filepath.Join(t.TempDir(), "none.env"),
		lookup: func(k string) (string, bool) { v, ok := env[k]; return v, ok }}
	c, ok := a.loadConfig(false)
	if !ok {
		t.Fatal("config")
	}
	ctx := context.Background()
	db, ok := a.openDB(ctx, c, slog.New(slog.DiscardHandler))
	if !ok {
		t.Fatal("open database")
	}
	defer db.Close()
	key, err := auditChainKey(c)
	if err != nil {
		t.Fatal(err)
	}
	trail := audit.NewStore(db, key, slog.New(slog.DiscardHandler), time.Now)
	for _, typ := range []string{"server.started", "auth.login_failed", "server.started"} {
		if err := trail.Record(ctx, audit.Event{Type: typ, Level: audit.LevelInfo, Status: "success"}); err != nil {
			t.Fatal(err)
		}
	}
	dashboard := func() string {
		dbResult, chainResult := checkDatabase(ctx, db, trail.Verify)
		var b strings.Builder
		if err := checklist(c, dbResult, chainResult).Write(&b); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}

	_, cli, _ := run(t, env, "doctor")
	if got := dashboard(); got != cli || !strings.Contains(cli, "3 events verified") {
		t.Fatalf("dashboard:\n%s\ndoctor:\n%s", got, cli)
	}
	if _, err := db.SQL().ExecContext(ctx, `UPDATE audit_events SET details = 'edited' WHERE id = 2`); err != nil {
		t.Fatal(err)
	}
	_, cli, _ = run(t, env, "doctor")
	if got := dashboard(); got != cli || !strings.Contains(cli, "broken at row 2") {
		t.Fatalf("tampered chain: dashboard:\n%s\ndoctor:\n%s", got, cli)
	}
}
