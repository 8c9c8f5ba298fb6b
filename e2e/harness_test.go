package e2e

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"flag"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

const (
	// stepTimeout bounds one browser step (a navigation, a wait, a click).
	stepTimeout = 20 * time.Second
	// startTimeout bounds the server's start: migrations, bcrypt-hashing
	// the demo passwords, then /readyz.
	startTimeout = 45 * time.Second
	// pollInterval is how often a condition is checked while waiting for it.
	pollInterval = 50 * time.Millisecond
)

// Set up once by TestMain.
var (
	skipReason   string // why the browser tests do not run here, or ""
	chromiumPath string
	moduleRoot   string
	binaryPath   string // the supportbot binary built from this checkout
	certFile     string // self-signed ECDSA certificate for 127.0.0.1
	keyFile      string
	certPool     *x509.CertPool // trusts certFile, for the Go-side probes
)

func TestMain(m *testing.M) {
	os.Exit(setUp(m))
}

func setUp(m *testing.M) int {
	flag.Parse()
	required := os.Getenv("SUPPORTBOT_E2E") == "1"
	chromiumPath = os.Getenv("CHROMIUM")
	if chromiumPath == "" {
		chromiumPath = "/usr/bin/chromium"
	}
	if _, err := exec.LookPath(chromiumPath); err != nil {
		if required {
			fmt.Fprintf(os.Stderr, "e2e: SUPPORTBOT_E2E=1 but there is no Chromium at %s (%v): apt-get install -y chromium, or set CHROMIUM to its path\n", chromiumPath, err)
			return 1
		}
		skipReason = fmt.Sprintf("browser tests skipped: no Chromium at %s (apt-get install -y chromium, or set CHROMIUM; SUPPORTBOT_E2E=1 makes this a failure)", chromiumPath)
		return m.Run()
	}
	if testing.Short() && !required {
		skipReason = "browser tests skipped in -short mode"
		return m.Run()
	}

	tmp, err := os.MkdirTemp("", "supportbot-e2e-")
	if err != nil {
		fmt.Fprintf(os.Stderr, "e2e: %v\n", err)
		return 1
	}
	defer os.RemoveAll(tmp)

	gomod, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil || strings.TrimSpace(string(gomod)) == "" || strings.TrimSpace(string(gomod)) == os.DevNull {
		fmt.Fprintf(os.Stderr, "e2e: cannot find the module root with `go env GOMOD`: %v\n", err)
		return 1
	}
	moduleRoot = filepath.Dir(strings.TrimSpace(string(gomod)))
	binaryPath = filepath.Join(tmp, "supportbot")
	if err := writeCertificate(tmp); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: %v\n", err)
		return 1
	}
	return m.Run()
}

// writeCertificate makes a self-signed ECDSA P-256 certificate for
// 127.0.0.1, valid for a day, with its key file readable by the owner only.
func writeCertificate(dir string) error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "supportbot e2e"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return err
	}
	certFile = filepath.Join(dir, "cert.pem")
	keyFile = filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		return err
	}
	certPool = x509.NewCertPool()
	certPool.AddCert(cert)
	return nil
}

// The binary is built once, by the first test that starts a server.
var (
	buildOnce sync.Once
	buildErr  error
)

func buildBinary() error {
	buildOnce.Do(func() {
		build := exec.Command("go", "build", "-o", binaryPath, "./cmd/supportbot")
		build.Dir = moduleRoot
		build.Env = append(os.Environ(), "GOFLAGS="+withoutRace(os.Getenv("GOFLAGS")))
		if out, err := build.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build ./cmd/supportbot: %v\n%s", err, out)
		}
	})
	return buildErr
}

// withoutRace drops -race from GOFLAGS (.ci/run sets it for the tests): the
// server binary is built without the race detector, under which bcrypt at
// cost 12 makes the demo's seeding take minutes. The tests' own code still
// runs under -race when asked.
func withoutRace(goflags string) string {
	var keep []string
	for _, f := range strings.Fields(goflags) {
		if f != "-race" && f != "--race" && !strings.HasPrefix(f, "-race=") && !strings.HasPrefix(f, "--race=") {
			keep = append(keep, f)
		}
	}
	return strings.Join(keep, " ")
}

// requireBrowser skips the test when TestMain found no browser.
func requireBrowser(t *testing.T) {
	t.Helper()
	if skipReason != "" {
		t.Skip(skipReason)
	}
}

// ---------------------------------------------------------------------------
// The server under test.

// login is one row of the table `supportbot demo` prints.
type login struct{ Role, Email, Password string }

// server is one `supportbot demo` process with its own empty DATA_DIR.
type server struct {
	URL    string
	logins []login
	stdout *syncBuffer
	stderr *syncBuffer
}

// startServer starts `supportbot demo` over HTTPS on a free port with the
// strict CSP forced on, waits for /readyz and reads the printed logins. It is
// stopped with SIGTERM when the test ends.
func startServer(t *testing.T) *server {
	t.Helper()
	requireBrowser(t)
	if err := buildBinary(); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	addr := freeAddr(t)
	s := &server{URL: "https://" + addr, stdout: &syncBuffer{}, stderr: &syncBuffer{}}

	cmd := exec.Command(binaryPath, "demo")
	cmd.Dir = dir // no .env is read from the checkout
	cmd.Env = []string{
		"ENV=development",
		"CSP_STRICT=true",
		"TLS_CERT_FILE=" + certFile,
		"TLS_KEY_FILE=" + keyFile,
		"LISTEN_ADDR=" + addr,
		"DATA_DIR=" + filepath.Join(dir, "data"),
	}
	cmd.Stdout = s.stdout
	cmd.Stderr = s.stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start supportbot demo: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		timer := time.NewTimer(20 * time.Second)
		defer timer.Stop()
		select {
		case err := <-exited:
			if err != nil {
				t.Errorf("supportbot demo exited with %v after SIGTERM", err)
			}
		case <-timer.C:
			_ = cmd.Process.Kill()
			<-exited
			t.Errorf("supportbot demo did not stop within 20s of SIGTERM")
		}
		if t.Failed() {
			s.logServerProblems(t)
		}
	})

	client := &http.Client{
		Timeout:   2 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: certPool, MinVersion: tls.VersionTLS12}},
	}
	defer client.CloseIdleConnections()
	ticker := time.NewTicker(pollInterval)
	defer ticker.Stop()
	deadline := time.NewTimer(startTimeout)
	defer deadline.Stop()
	for ready := false; !ready; {
		select {
		case err := <-exited:
			exited <- err // for the cleanup
			t.Fatalf("supportbot demo exited before it was ready (%v)\nstdout:\n%s\nstderr:\n%s", err, s.stdout, s.stderr)
		case <-deadline.C:
			t.Fatalf("supportbot demo not ready within %s\nstderr:\n%s", startTimeout, s.stderr)
		case <-ticker.C:
			resp, err := client.Get(s.URL + "/readyz")
			if err == nil {
				resp.Body.Close()
				ready = resp.StatusCode == http.StatusOK
			}
		}
	}
	s.logins = parseLogins(s.stdout.String())
	if len(s.logins) == 0 {
		t.Fatalf("no logins in the output of supportbot demo:\n%s", s.stdout)
	}
	return s
}

// parseLogins reads the ROLE EMAIL PASSWORD table of `supportbot demo`.
func parseLogins(out string) []login {
	var logins []login
	in := false
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) == 3 && f[0] == "ROLE" && f[1] == "EMAIL" && f[2] == "PASSWORD":
			in = true
		case in && len(f) == 3:
			logins = append(logins, login{Role: f[0], Email: f[1], Password: f[2]})
		case in:
			return logins
		}
	}
	return logins
}

// user returns the demo login with this email.
func (s *server) user(t *testing.T, email string) login {
	t.Helper()
	for _, l := range s.logins {
		if l.Email == email {
			return l
		}
	}
	t.Fatalf("no demo login for %s in %v", email, s.logins)
	return login{}
}

// logServerProblems logs the server's warnings and errors, for a failed test.
func (s *server) logServerProblems(t *testing.T) {
	t.Helper()
	var lines []string
	sc := bufio.NewScanner(strings.NewReader(s.stderr.String()))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "{") || strings.Contains(line, `"level":"WARN"`) || strings.Contains(line, `"level":"ERROR"`) {
			lines = append(lines, line)
		}
	}
	if len(lines) > 60 {
		lines = lines[len(lines)-60:]
	}
	if len(lines) > 0 {
		t.Logf("server warnings and errors:\n%s", strings.Join(lines, "\n"))
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("find a free port: %v", err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}

// syncBuffer is a bytes.Buffer safe for the process's copying goroutine and
// the test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// ---------------------------------------------------------------------------
// The browser.

// browser is one headless Chromium for one test. Each tab is a separate
// browser context, so each has its own cookies: one per signed-in person.
type browser struct {
	t    *testing.T
	srv  *server
	root context.Context
}

// newBrowser starts Chromium; it is closed when the test ends.
func newBrowser(t *testing.T, srv *server) *browser {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.IgnoreCertErrors,
		chromedp.WindowSize(1280, 900),
		// A fresh user-data dir: the allocator makes a temporary one and
		// removes it when the browser ends.
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	root, cancelRoot := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelRoot()
		cancelAlloc()
	})
	if err := chromedp.Do(root); err != nil { // starts the browser, with no timeout
		t.Fatalf("start Chromium (%s): %v", chromiumPath, err)
	}
	return &browser{t: t, srv: srv, root: root}
}

// violation is one securitypolicyviolation event, as the page reports it.
type violation struct {
	Doc       string `json:"doc"`
	N         int    `json:"n"`
	Page      string `json:"page"`
	Directive string `json:"directive"`
	Blocked   string `json:"blocked"`
	Source    string `json:"source"`
	Line      int    `json:"line"`
	Sample    string `json:"sample"`
}

func (v violation) String() string {
	return fmt.Sprintf("%s blocked %q (source %s:%d, sample %q) on %s", v.Directive, v.Blocked, v.Source, v.Line, v.Sample, v.Page)
}

// violationScript runs first in every document of a tab (DevTools injects
// it, so the CSP does not apply to it). It keeps every violation in a window
// array and reports each one to Go at once, so a violation on a page that a
// form submission leaves is not lost.
const violationScript = `(() => {
  if (window.__e2eViolations) return;
  const doc = Math.random().toString(36).slice(2);
  const list = [];
  Object.defineProperty(window, '__e2eViolations', {value: list});
  document.addEventListener('securitypolicyviolation', (e) => {
    const v = {doc, n: list.length, page: String(location.href),
      directive: e.effectiveDirective || e.violatedDirective, blocked: String(e.blockedURI || ''),
      source: String(e.sourceFile || ''), line: e.lineNumber || 0, sample: String(e.sample || '')};
    list.push(v);
    if (typeof window.__e2eReport === 'function') window.__e2eReport(v).catch(() => {});
  }, true);
})();`

// tab is one page in its own browser context, with the CSP violations and
// console errors seen in every document it loaded.
type tab struct {
	t    *testing.T
	srv  *server
	name string
	ctx  context.Context

	mu         sync.Mutex
	violations map[string]violation // by doc and n
	errors     []string
	expected   bool // the harness self-test provokes violations on purpose
	// allowed are HTTP error statuses a step expects for a page (a form
	// re-rendered with 401 after a wrong password): Chromium logs "Failed
	// to load resource: ... status of 401" for it, which is then no error.
	allowed []int

	reportedViolations map[string]bool // already failed the test
	reportedErrors     int
}

// newTab opens a tab in a new browser context. Its violations and console
// errors are checked when the test ends, and a failed test leaves a
// screenshot of it in e2e/artifacts/.
func (b *browser) newTab(name string) *tab {
	b.t.Helper()
	tb := &tab{t: b.t, srv: b.srv, name: name, violations: map[string]violation{}, reportedViolations: map[string]bool{}}
	ctx, cancel := chromedp.NewContext(b.root, chromedp.WithNewBrowserContext(), chromedp.WithListener(tb.onEvent))
	tb.ctx = ctx
	b.t.Cleanup(func() {
		tb.finish()
		cancel()
	})
	if err := chromedp.Do(ctx); err != nil { // opens the tab, with no timeout
		b.t.Fatalf("%s: open a tab: %v", name, err)
	}
	tb.do("install the CSP violation listener",
		chromedp.ExposeFunc("__e2eReport", func(_ context.Context, v violation) (chromedp.Void, error) {
			tb.addViolation(v)
			return chromedp.Void{}, nil
		}),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: violationScript})
			return err
		}),
	)
	return tb
}

// onEvent runs in the tab's event loop: it only records.
func (tb *tab) onEvent(ev any) {
	var msg string
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type != runtime.ConsoleAPICalledTypeError && ev.Type != runtime.ConsoleAPICalledTypeAssert {
			return
		}
		var parts []string
		for _, a := range ev.Args {
			switch {
			case len(a.Value) > 0:
				parts = append(parts, string(a.Value))
			case a.Description != "":
				parts = append(parts, a.Description)
			default:
				parts = append(parts, string(a.Type))
			}
		}
		msg = fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(parts, " "))
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		if d == nil {
			return
		}
		text := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			text += " " + d.Exception.Description
		}
		msg = fmt.Sprintf("uncaught exception: %s (%s:%d)", text, d.URL, d.LineNumber+1)
	case *log.EventEntryAdded:
		if ev.Entry == nil || ev.Entry.Level != log.EntryLevelError {
			return
		}
		if ev.Entry.Source == log.EntrySourceNetwork && tb.consumeAllowed(ev.Entry.Text, ev.Entry.URL) {
			return
		}
		msg = fmt.Sprintf("log %s error: %s (%s)", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL)
	default:
		return
	}
	tb.mu.Lock()
	tb.errors = append(tb.errors, msg)
	tb.mu.Unlock()
}

// allow expects one page of the server to answer with an error status.
func (tb *tab) allow(status int) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	tb.allowed = append(tb.allowed, status)
}

// consumeAllowed reports whether a network error entry is the one an
// allowed status announced, and uses that allowance up.
func (tb *tab) consumeAllowed(text, url string) bool {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	if tb.srv == nil || !strings.HasPrefix(url, tb.srv.URL+"/") {
		return false
	}
	for i, status := range tb.allowed {
		if strings.Contains(text, fmt.Sprintf("status of %d ", status)) {
			tb.allowed = append(tb.allowed[:i], tb.allowed[i+1:]...)
			return true
		}
	}
	return false
}

func (tb *tab) addViolation(v violation) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	tb.violations[fmt.Sprintf("%s/%d", v.Doc, v.N)] = v
}

// collectPageViolations reads the window array of the current document, in
// case a report through the binding was lost.
func (tb *tab) collectPageViolations() {
	ctx, cancel := context.WithTimeout(tb.ctx, 5*time.Second)
	defer cancel()
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](`JSON.stringify(window.__e2eViolations || null)`))
	if err != nil {
		return // no document (yet), or it is navigating
	}
	var s string
	var list []violation
	if json.Unmarshal(raw, &s) != nil || json.Unmarshal([]byte(s), &list) != nil {
		return
	}
	for _, v := range list {
		tb.addViolation(v)
	}
}

// problems returns the violations and console errors seen so far.
func (tb *tab) problems() (violations []violation, errs []string) {
	tb.collectPageViolations()
	tb.mu.Lock()
	defer tb.mu.Unlock()
	for _, v := range tb.violations {
		violations = append(violations, v)
	}
	return violations, append([]string(nil), tb.errors...)
}

// newProblems returns the violations and console errors not reported yet,
// and marks them reported.
func (tb *tab) newProblems() (violations []violation, errs []string) {
	tb.collectPageViolations()
	tb.mu.Lock()
	defer tb.mu.Unlock()
	for k, v := range tb.violations {
		if !tb.reportedViolations[k] {
			tb.reportedViolations[k] = true
			violations = append(violations, v)
		}
	}
	errs = append([]string(nil), tb.errors[tb.reportedErrors:]...)
	tb.reportedErrors = len(tb.errors)
	return violations, errs
}

// finish checks the tab once more at the end of the test.
func (tb *tab) finish() {
	if !tb.expected {
		tb.checkClean()
	}
	if tb.t.Failed() {
		tb.failureScreenshot()
	}
}

// checkClean fails the test for every CSP violation or console error not
// reported yet. Every tab is checked when the test ends; a test may check
// earlier too.
func (tb *tab) checkClean() {
	tb.t.Helper()
	violations, errs := tb.newProblems()
	if len(violations) > 0 {
		var lines []string
		for _, v := range violations {
			lines = append(lines, "  "+v.String())
		}
		tb.t.Errorf("%s: %d Content-Security-Policy violation(s), want 0:\n%s", tb.name, len(violations), strings.Join(lines, "\n"))
	}
	if len(errs) > 0 {
		tb.t.Errorf("%s: %d console error(s), want 0:\n  %s", tb.name, len(errs), strings.Join(errs, "\n  "))
	}
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// failureScreenshot saves the tab as e2e/artifacts/TEST-TAB.png.
func (tb *tab) failureScreenshot() {
	dir := filepath.Join(moduleRoot, "e2e", "artifacts")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.t.Logf("screenshot: %v", err)
		return
	}
	ctx, cancel := context.WithTimeout(tb.ctx, 10*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		tb.t.Logf("%s: no failure screenshot: %v", tb.name, err)
		return
	}
	file := filepath.Join(dir, unsafeName.ReplaceAllString(tb.t.Name()+"-"+tb.name, "_")+".png")
	if err := os.WriteFile(file, png, 0o644); err != nil {
		tb.t.Logf("screenshot: %v", err)
		return
	}
	tb.t.Logf("%s: screenshot of %s at failure: %s", tb.name, tb.location(), file)
}
