package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"supportbot/internal/audit"
	"supportbot/internal/crypto"
	"supportbot/internal/storage"
)

// run executes the command line with env as the whole environment and
// returns the exit code, standard output and standard error.
func run(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut strings.Builder
	a := &app{stdout: &out, stderr: &errOut, envFile: filepath.Join(t.TempDir(), "none.env"),
		lookup: func(k string) (string, bool) { v, ok := env[k]; return v, ok }}
	code := a.main(args)
	return code, out.String(), errOut.String()
}

func devEnv(t testing.TB) map[string]string {
	return map[string]string{"ENV": "development", "DATA_DIR": filepath.Join(t.TempDir(), "data"), "LOG_FORMAT": "text"}
}

func key(t *testing.T) string {
	k, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return crypto.EncodeKey(k)
}

func prodEnv(t *testing.T) map[string]string {
	secret, err := crypto.RandomToken(48)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]string{"SECRET_KEY": secret, "ENCRYPTION_KEY": key(t), "BLIND_INDEX_KEY": key(t),
		"TRUSTED_PROXIES": "10.0.0.0/8", "DATA_DIR": t.TempDir()}
}

func TestHelpListsEveryCommandAndEachHasHelp(t *testing.T) {
	code, out, _ := run(t, nil, "help")
	if code != 0 {
		t.Fatalf("help exit %d", code)
	}
	for _, c := range commands() {
		if !strings.Contains(out, c.name) {
			t.Errorf("help does not list %s", c.name)
		}
		if c.run == nil {
			continue
		}
		if code, _, errOut := run(t, nil, c.name, "-h"); code != 0 || !strings.Contains(errOut, "Usage: supportbot "+c.name) {
			t.Errorf("%s -h: exit %d, output %q", c.name, code, errOut)
		}
	}
	if code, _, _ := run(t, nil, "frobnicate"); code != 2 {
		t.Errorf("unknown command exit %d, want 2", code)
	}
}

func TestServeRefusesProductionWithoutSecrets(t *testing.T) {
	code, _, errOut := run(t, map[string]string{"DATA_DIR": t.TempDir()}, "serve")
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	for _, want := range []string{"SECRET_KEY", "refusing to start", "ENV=development supportbot serve"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("refusal does not mention %q:\n%s", want, errOut)
		}
	}
}

func TestServeRefusesAutomatedCardInEveryMode(t *testing.T) {
	for _, env := range []map[string]string{devEnv(t), prodEnv(t)} {
		env["PAYMENT_METHOD"] = "automated_card"
		code, _, errOut := run(t, env, "serve")
		if code != 1 || !strings.Contains(errOut, "PCI-DSS") || !strings.Contains(errOut, "manual") {
			t.Errorf("ENV=%q: exit %d, %s", env["ENV"], code, errOut)
		}
	}
}

func TestServeRefusesWildcardCORSInProduction(t *testing.T) {
	env := prodEnv(t)
	env["CORS_ALLOWED_ORIGINS"] = "*"
	code, _, errOut := run(t, env, "serve")
	if code != 1 || !strings.Contains(errOut, "CORS_ALLOWED_ORIGINS") {
		t.Fatalf("exit %d, %s", code, errOut)
	}
}

func TestServeRefusesProductionOnDoctorFailure(t *testing.T) {
	env := prodEnv(t)
	env["RATE_LIMIT_PER_MINUTE"] = "0"
	code, _, errOut := run(t, env, "serve")
	if code != 1 || !strings.Contains(errOut, "Rate limiting") {
		t.Fatalf("exit %d, %s", code, errOut)
	}
}

// listenWriter passes log output through and reports the address of the
// "server.listening" line.
type listenWriter struct {
	mu   sync.Mutex
	all  strings.Builder
	pw   *io.PipeWriter
	addr chan string
}

func newListenWriter() *listenWriter {
	pr, pw := io.Pipe()
	w := &listenWriter{pw: pw, addr: make(chan string, 1)}
	go func() {
		s := bufio.NewScanner(pr)
		for s.Scan() {
			var line struct{ Event, Addr string }
			if json.Unmarshal(s.Bytes(), &line) == nil && line.Event == "server.listening" {
				w.addr <- line.Addr
			}
		}
	}()
	return w
}

func (w *listenWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	w.all.Write(p)
	w.mu.Unlock()
	return w.pw.Write(p)
}

func (w *listenWriter) String() string { w.mu.Lock(); defer w.mu.Unlock(); return w.all.String() }

func TestServeDevelopmentAnswersHealthzAndStopsGracefully(t *testing.T) {
	env := devEnv(t)
	env["LISTEN_ADDR"] = "127.0.0.1:0"
	env["LOG_FORMAT"] = "json"
	logs := newListenWriter()
	a := &app{stdout: io.Discard, stderr: logs, envFile: filepath.Join(t.TempDir(), "none.env"),
		lookup: func(k string) (string, bool) { v, ok := env[k]; return v, ok }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() { done <- a.serve(ctx, false) }()

	var addr string
	select {
	case addr = <-logs.addr:
	case code := <-done:
		t.Fatalf("serve exited %d before listening:\n%s", code, logs)
	case <-time.After(30 * time.Second):
		t.Fatalf("serve did not listen:\n%s", logs)
	}
	resp, err := http.Get("http://" + addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Security-Policy") == "" {
		t.Errorf("healthz: %d, CSP %q", resp.StatusCode, resp.Header.Get("Content-Security-Policy"))
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("serve exit %d after shutdown:\n%s", code, logs)
	}
	for path, mode := range map[string]os.FileMode{
		env["DATA_DIR"]: 0o700,
		filepath.Join(env["DATA_DIR"], "dev-secrets.env"):      0o600,
		filepath.Join(env["DATA_DIR"], storage.SQLiteFileName): 0o600,
	} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != mode {
			t.Errorf("%s has mode %04o, want %04o", path, fi.Mode().Perm(), mode)
		}
	}
	for _, event := range []string{"server.started", "server.stopped"} {
		if !strings.Contains(logs.String(), `"event":"`+event+`"`) {
			t.Errorf("no %s log line", event)
		}
	}
}

func TestAuditVerifyNamesTheAlteredRow(t *testing.T) {
	env := devEnv(t)
	if code, _, errOut := run(t, env, "migrate"); code != 0 {
		t.Fatalf("migrate exit %d: %s", code, errOut)
	}
	// Record a few events with the same keys the command uses.
	a := &app{stdout: io.Discard, stderr: io.Discard, envFile: filepath.Join(t.TempDir(), "none.env"),
		lookup: func(k string) (string, bool) { v, ok := env[k]; return v, ok }}
	c, ok := a.validConfig(false)
	if !ok {
		t.Fatal("config")
	}
	ctx := context.Background()
	db, store, ok := a.openAudit(ctx, c)
	if !ok {
		t.Fatal("open audit")
	}
	for i := range 5 {
		if err := store.Record(ctx, audit.Event{Type: "auth.login_failed", Level: audit.LevelWarning,
			Actor: "user-" + string(rune('a'+i)), IP: "192.0.2.1", Details: "3 attempts", Status: "denied"}); err != nil {
			t.Fatal(err)
		}
	}

	code, out, errOut := run(t, env, "audit", "verify")
	if code != 0 || !strings.Contains(out, "intact: 5 events") {
		t.Fatalf("verify before tampering: exit %d, %s %s", code, out, errOut)
	}
	code, out, _ = run(t, env, "audit", "tail", "-n", "2")
	if code != 0 || !strings.Contains(out, "Timestamp | Level | Event | User | IP | Details | Status") || !strings.Contains(out, "user-e") || strings.Contains(out, "user-c") {
		t.Fatalf("tail -n 2: exit %d\n%s", code, out)
	}

	// One byte of one column of row 3.
	if _, err := db.SQL().ExecContext(ctx, "UPDATE audit_events SET details = $1 WHERE id = $2", "4 attempts", 3); err != nil {
		t.Fatal(err)
	}
	db.Close()
	code, out, _ = run(t, env, "audit", "verify")
	if code != 1 || !strings.Contains(out, "row 3") {
		t.Fatalf("verify after tampering: exit %d, %s", code, out)
	}
}

func TestConfigPrintsRedactedSecrets(t *testing.T) {
	env := devEnv(t)
	env["SECRET_KEY"] = strings.Repeat("0123456789abcdef", 5)
	code, out, errOut := run(t, env, "config")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if strings.Contains(out, env["SECRET_KEY"]) || !strings.Contains(out, "<redacted>") {
		t.Fatalf("secret shown or not redacted:\n%s", out)
	}
}

func TestDoctor(t *testing.T) {
	t.Run("development fails the checklist", func(t *testing.T) {
		code, out, _ := run(t, devEnv(t), "doctor")
		if code != 1 || !strings.Contains(out, "FAIL") || !strings.Contains(out, "ENV is production") {
			t.Fatalf("exit %d\n%s", code, out)
		}
	})
	t.Run("safe production passes with later features as warnings", func(t *testing.T) {
		code, out, _ := run(t, prodEnv(t), "doctor")
		if code != 0 || strings.Contains(out, "FAIL") {
			t.Fatalf("exit %d\n%s", code, out)
		}
		for _, item := range []string{"Strict CSP", "HSTS", "HTTPS only", "SECRET_KEY strength", "Field encryption key",
			"Rate limiting", "CORS without wildcard", "Secret file permissions", "Database TLS", "2FA for admin accounts"} {
			if !strings.Contains(out, item) {
				t.Errorf("doctor lacks %q", item)
			}
		}
	})
	t.Run("remote database without TLS fails", func(t *testing.T) {
		env := prodEnv(t)
		env["DATABASE_URL"] = "postgres://app@db.internal:5432/shop?sslmode=disable"
		code, out, _ := run(t, env, "doctor")
		if code != 1 || !strings.Contains(out, "Database TLS") || !strings.Contains(out, "sslmode") {
			t.Fatalf("exit %d\n%s", code, out)
		}
	})
}

func TestVersion(t *testing.T) {
	code, out, _ := run(t, nil, "version")
	if code != 0 || !strings.HasPrefix(out, "supportbot ") {
		t.Fatalf("exit %d %q", code, out)
	}
}

// Development cookies (no Secure, no __Host-) only ever reach development
// over plain HTTP; production always gets the secure ones.
func TestServerOptionsCookiesAndStaff2FA(t *testing.T) {
	for _, tt := range []struct {
		name       string
		env        map[string]string
		devCookies bool
		staff2FA   bool
	}{
		{"production", prodEnv(t), false, true},
		{"development over plain HTTP", devEnv(t), true, false},
		{"development behind a TLS proxy", func() map[string]string {
			e := devEnv(t)
			e["TRUSTED_PROXIES"] = "10.0.0.0/8"
			return e
		}(), false, false},
		{"production with 2FA switched off", func() map[string]string {
			e := prodEnv(t)
			e["REQUIRE_2FA_FOR_STAFF"] = "false"
			return e
		}(), false, false},
	} {
		a := &app{stdout: io.Discard, stderr: io.Discard, envFile: filepath.Join(t.TempDir(), "none.env"),
			lookup: func(k string) (string, bool) { v, ok := tt.env[k]; return v, ok }}
		c, ok := a.loadConfig(false)
		if !ok {
			t.Fatalf("%s: config", tt.name)
		}
		o := serverOptions(c)
		if o.DevCookies != tt.devCookies || o.Require2FAForStaff != tt.staff2FA {
			t.Errorf("%s: DevCookies=%v Require2FAForStaff=%v, want %v %v", tt.name, o.DevCookies, o.Require2FAForStaff, tt.devCookies, tt.staff2FA)
		}
	}
}

func TestServerGCPercentLeavesTheOperatorsGOGC(t *testing.T) {
	if p, set := serverGCPercent(func(string) string { return "" }); !set || p != 200 {
		t.Fatalf("without GOGC: %d, %v; want 200, true", p, set)
	}
	if _, set := serverGCPercent(func(k string) string { return map[string]string{"GOGC": "50"}[k] }); set {
		t.Fatal("GOGC=50 overridden")
	}
}
