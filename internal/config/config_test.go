package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"supportbot/internal/crypto"
)

func env(m map[string]string) Lookup {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func newKey(t *testing.T) string {
	t.Helper()
	k, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return crypto.EncodeKey(k)
}

// production returns a complete, valid production environment.
func production(t *testing.T) map[string]string {
	t.Helper()
	secret, err := crypto.RandomToken(48)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]string{
		"ENV":             "production",
		"SECRET_KEY":      secret,
		"ENCRYPTION_KEY":  newKey(t),
		"BLIND_INDEX_KEY": newKey(t),
		"TRUSTED_PROXIES": "10.0.0.0/8",
		"DATA_DIR":        t.TempDir(),
	}
}

func load(t *testing.T, m map[string]string) (*Config, error) {
	t.Helper()
	c, err := Load(env(m), filepath.Join(t.TempDir(), "missing.env"))
	if err != nil {
		return nil, err
	}
	return c, c.Validate()
}

// optionErr returns the *Error for option inside a joined error, or nil.
func optionErr(err error, option string) *Error {
	var list []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		list = j.Unwrap()
	} else if err != nil {
		list = []error{err}
	}
	for _, e := range list {
		var oe *Error
		if errors.As(e, &oe) && oe.Option == option {
			return oe
		}
	}
	return nil
}

func TestEnvModes(t *testing.T) {
	for env, dev := range map[string]bool{
		"development": true, "dev": true, "local": true, "testing": true, "test": true,
		"": false, "production": false, "staging": false, "Development": false, "prod": false,
	} {
		c, err := Load(func(k string) (string, bool) {
			if k == "ENV" {
				return env, true
			}
			return "", false
		}, filepath.Join(t.TempDir(), "none"))
		if err != nil {
			t.Fatalf("ENV=%q: %v", env, err)
		}
		if c.Development != dev {
			t.Errorf("ENV=%q: development = %v, want %v", env, c.Development, dev)
		}
		if c.StrictCSP() == dev {
			t.Errorf("ENV=%q: strict CSP = %v", env, c.StrictCSP())
		}
	}
}

func TestValidProductionConfigurationStarts(t *testing.T) {
	if _, err := load(t, production(t)); err != nil {
		t.Fatalf("valid production configuration refused: %v", err)
	}
}

func TestProductionRefusesUnsafeSettings(t *testing.T) {
	tests := []struct {
		name   string
		change func(m map[string]string)
		option string
		says   string
	}{
		{"unset ENV without secrets names SECRET_KEY", func(m map[string]string) { delete(m, "ENV"); delete(m, "SECRET_KEY") }, "SECRET_KEY", "required"},
		{"short secret key", func(m map[string]string) { m["SECRET_KEY"] = "a1b2c3d4e5f6g7h8i9" }, "SECRET_KEY", "at least 64"},
		{"example secret key", func(m map[string]string) {
			m["SECRET_KEY"] = "your-very-long-secret-key-here-" + strings.Repeat("x1y2z3", 8)
		}, "SECRET_KEY", "example"},
		{"low-entropy secret key", func(m map[string]string) { m["SECRET_KEY"] = strings.Repeat("ab", 40) }, "SECRET_KEY", "random"},
		{"missing encryption key", func(m map[string]string) { delete(m, "ENCRYPTION_KEY") }, "ENCRYPTION_KEY", "required"},
		{"encryption key not 32 bytes", func(m map[string]string) { m["ENCRYPTION_KEY"] = "c2hvcnQ=" }, "ENCRYPTION_KEY", ""},
		{"encryption key not random", func(m map[string]string) { m["ENCRYPTION_KEY"] = strings.Repeat("A", 43) + "=" }, "ENCRYPTION_KEY", ""},
		{"missing blind index key", func(m map[string]string) { delete(m, "BLIND_INDEX_KEY") }, "BLIND_INDEX_KEY", "required"},
		{"blind index key reuses encryption key", func(m map[string]string) { m["BLIND_INDEX_KEY"] = m["ENCRYPTION_KEY"] }, "BLIND_INDEX_KEY", "differ"},
		{"wildcard CORS origin", func(m map[string]string) { m["CORS_ALLOWED_ORIGINS"] = "https://shop.example,*" }, "CORS_ALLOWED_ORIGINS", "never *"},
		{"null CORS origin", func(m map[string]string) { m["CORS_ALLOWED_ORIGINS"] = "null" }, "CORS_ALLOWED_ORIGINS", "null"},
		{"neither TLS nor trusted proxy", func(m map[string]string) { delete(m, "TRUSTED_PROXIES") }, "TLS_CERT_FILE", "HTTPS"},
		{"bcrypt cost below 12", func(m map[string]string) { m["BCRYPT_COST"] = "10" }, "BCRYPT_COST", "at least 12"},
		{"previous secret equal to current", func(m map[string]string) { m["SECRET_KEY_PREVIOUS"] = m["SECRET_KEY"] }, "SECRET_KEY_PREVIOUS", "differ"},
		{"previous secret without an end", func(m map[string]string) {
			m["SECRET_KEY_PREVIOUS"] = strings.Repeat("9f8e7d6c5b4a", 6)
		}, "SECRET_KEY_PREVIOUS_UNTIL", "required"},
		{"previous secret end not a time", func(m map[string]string) {
			m["SECRET_KEY_PREVIOUS"] = strings.Repeat("9f8e7d6c5b4a", 6)
			m["SECRET_KEY_PREVIOUS_UNTIL"] = "15m"
		}, "SECRET_KEY_PREVIOUS_UNTIL", "RFC 3339"},
		{"TLS key without certificate", func(m map[string]string) { m["TLS_KEY_FILE"] = "/x/key.pem" }, "TLS_CERT_FILE", "required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := production(t)
			tt.change(m)
			_, err := load(t, m)
			oe := optionErr(err, tt.option)
			if oe == nil {
				t.Fatalf("want an error naming %s, got %v", tt.option, err)
			}
			if !strings.Contains(oe.Msg, tt.says) {
				t.Errorf("message %q does not say %q", oe.Msg, tt.says)
			}
		})
	}
}

func TestDevelopmentAllowsLocalSettings(t *testing.T) {
	_, err := load(t, map[string]string{"ENV": "development", "CORS_ALLOWED_ORIGINS": "http://localhost:3000", "DATA_DIR": t.TempDir()})
	if err != nil {
		t.Fatalf("development refused: %v", err)
	}
}

func TestWildcardCORSRefusedInEveryMode(t *testing.T) {
	for _, mode := range []string{"development", "production"} {
		for _, origin := range []string{"*", "null", "https://*.shop.example", "https://Shop.example", "https://shop.example/app"} {
			m := production(t)
			m["ENV"] = mode
			m["CORS_ALLOWED_ORIGINS"] = "https://shop.example," + origin
			if _, err := load(t, m); optionErr(err, "CORS_ALLOWED_ORIGINS") == nil {
				t.Errorf("%s: CORS_ALLOWED_ORIGINS=%q accepted", mode, origin)
			}
		}
	}
}

func TestIdentityDefaults(t *testing.T) {
	prod, err := load(t, production(t))
	if err != nil {
		t.Fatal(err)
	}
	if prod.BcryptCost != 12 || prod.LoginMaxAttempts != 5 || prod.LoginWindow.Minutes() != 15 ||
		prod.LockoutThreshold != 5 || prod.LockoutDuration.Minutes() != 15 || prod.AccessTokenTTL.Minutes() != 15 ||
		prod.RefreshTokenTTL.Hours() != 168 || !prod.RegistrationOpen {
		t.Errorf("identity defaults differ from the specifications: %+v", prod)
	}
	if !prod.StaffNeed2FA() {
		t.Error("production must require 2FA for staff by default")
	}
	dev, err := load(t, map[string]string{"ENV": "development", "DATA_DIR": t.TempDir(), "BCRYPT_COST": "4"})
	if err != nil {
		t.Fatalf("development may lower the bcrypt cost: %v", err)
	}
	if dev.StaffNeed2FA() {
		t.Error("development defaults to optional 2FA for staff")
	}
}

func TestAutomatedCardPaymentRefusedInEveryMode(t *testing.T) {
	for _, mode := range []string{"development", "production"} {
		m := production(t)
		m["ENV"] = mode
		m["PAYMENT_METHOD"] = "automated_card"
		_, err := load(t, m)
		oe := optionErr(err, "PAYMENT_METHOD")
		if oe == nil || !strings.Contains(oe.Msg, "PCI-DSS") || !strings.Contains(oe.Msg, "manual") {
			t.Errorf("%s: want PCI-DSS refusal naming manual, got %v", mode, err)
		}
		if !errors.Is(err, ErrAutomatedCard) {
			t.Errorf("%s: error is not ErrAutomatedCard", mode)
		}
	}
}

func TestBadValuesAreNamedAndNotEchoed(t *testing.T) {
	tests := map[string]string{
		"DB_MAX_OPEN_CONNS":    "lots",
		"REQUEST_TIMEOUT":      "-1s",
		"LISTEN_ADDR":          "8080",
		"TRUSTED_PROXIES":      "10.0.0.0/99",
		"CORS_ALLOWED_ORIGINS": "https://shop.example/path",
		"DATABASE_URL":         "mysql://root:hunter2@db/shop",
		"TLS_MIN_VERSION":      "1.0",
		"CSP_STRICT":           "maybe",
		"LOG_FORMAT":           "xml",
	}
	for name, value := range tests {
		_, err := Load(env(map[string]string{name: value}), filepath.Join(t.TempDir(), "none"))
		if optionErr(err, name) == nil {
			t.Errorf("%s=%q: want an error naming it, got %v", name, value, err)
		}
		if name == "DATABASE_URL" && strings.Contains(err.Error(), "hunter2") {
			t.Errorf("DATABASE_URL error leaks the password: %v", err)
		}
	}
}

func TestTrustedProxiesMustBeNarrow(t *testing.T) {
	for _, value := range []string{"0.0.0.0/0", "10.0.0.0/8,::/0", "128.0.0.0/1", "2001::/16"} {
		_, err := Load(env(map[string]string{"TRUSTED_PROXIES": value}), filepath.Join(t.TempDir(), "none"))
		if oe := optionErr(err, "TRUSTED_PROXIES"); oe == nil || !strings.Contains(oe.Msg, "too many") {
			t.Errorf("TRUSTED_PROXIES=%q: want refusal, got %v", value, err)
		}
	}
	for _, value := range []string{"10.0.0.0/8", "192.168.1.10", "2001:db8::/32", "fd00::1"} {
		if _, err := Load(env(map[string]string{"TRUSTED_PROXIES": value}), filepath.Join(t.TempDir(), "none")); err != nil {
			t.Errorf("TRUSTED_PROXIES=%q refused: %v", value, err)
		}
	}
}

func TestSecretFromFile(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(dir, "secret_key")
	want := strings.Repeat("0123456789abcdefghijklmnopqrstuv", 3)
	if err := os.WriteFile(secret, []byte(want+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	m := production(t)
	delete(m, "SECRET_KEY")
	m["SECRET_KEY_FILE"] = secret
	c, err := load(t, m)
	if err != nil {
		t.Fatal(err)
	}
	if c.SecretKey != want {
		t.Errorf("SECRET_KEY from file = %q, want the file's content without the newline", c.SecretKey)
	}

	t.Run("group-readable file refused in production", func(t *testing.T) {
		if err := os.Chmod(secret, 0o640); err != nil {
			t.Fatal(err)
		}
		_, err := load(t, m)
		if oe := optionErr(err, "SECRET_KEY_FILE"); oe == nil || !strings.Contains(oe.Msg, "chmod 600") {
			t.Fatalf("want permission error naming SECRET_KEY_FILE, got %v", err)
		}
	})
	t.Run("both value and file refused", func(t *testing.T) {
		m := production(t)
		m["SECRET_KEY_FILE"] = secret
		if _, err := load(t, m); optionErr(err, "SECRET_KEY") == nil {
			t.Fatalf("want an error naming SECRET_KEY, got %v", err)
		}
	})
	t.Run("_FILE refused for non-secret", func(t *testing.T) {
		m := production(t)
		m["LOG_LEVEL_FILE"] = secret
		if _, err := load(t, m); optionErr(err, "LOG_LEVEL") == nil {
			t.Fatalf("want an error naming LOG_LEVEL, got %v", err)
		}
	})
	t.Run("missing file", func(t *testing.T) {
		m := production(t)
		delete(m, "SECRET_KEY")
		m["SECRET_KEY_FILE"] = filepath.Join(dir, "nope")
		if _, err := load(t, m); optionErr(err, "SECRET_KEY") == nil {
			t.Fatalf("want an error naming SECRET_KEY, got %v", err)
		}
	})
}

func TestDotenv(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, ".env")
	body := "# comment\nexport LOG_LEVEL=debug\nLOG_FORMAT='text'\n\nRATE_LIMIT_PER_MINUTE=\"120\"\n"
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(env(map[string]string{"LOG_LEVEL": "warn"}), path)
	if err != nil {
		t.Fatal(err)
	}
	if c.LogLevel != "warn" || c.LogFormat != "text" || c.RateLimitPerMinute != 120 {
		t.Errorf("environment must beat .env: got level %q format %q limit %d", c.LogLevel, c.LogFormat, c.RateLimitPerMinute)
	}

	t.Run("world-readable .env refused in production", func(t *testing.T) {
		m := production(t)
		p := filepath.Join(t.TempDir(), ".env")
		if err := os.WriteFile(p, []byte("LOG_LEVEL=info\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, 0o644); err != nil {
			t.Fatal(err)
		}
		c, err := Load(env(m), p)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "chmod 600") {
			t.Fatalf("want a permission error, got %v", err)
		}
	})
	t.Run("unknown option named", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), ".env")
		if err := os.WriteFile(p, []byte("SECRET_KEYY=x\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := Load(env(nil), p); optionErr(err, "SECRET_KEYY") == nil {
			t.Fatalf("want an error naming SECRET_KEYY, got %v", err)
		}
	})
	t.Run("malformed line names the line, not its content", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), ".env")
		if err := os.WriteFile(p, []byte("LOG_LEVEL=info\nhunter2 is my password\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := Load(env(nil), p)
		if err == nil || !strings.Contains(err.Error(), "line 2") || strings.Contains(err.Error(), "hunter2") {
			t.Fatalf("want a line-2 error without the content, got %v", err)
		}
	})
}

func TestDevSecretsGeneratedOnceAndKept(t *testing.T) {
	dataDir := filepath.Join(t.TempDir(), "data")
	m := map[string]string{"ENV": "development", "DATA_DIR": dataDir}
	first, err := load(t, m)
	if err != nil {
		t.Fatal(err)
	}
	if err := first.EnsureDevSecrets(true); err != nil {
		t.Fatal(err)
	}
	if err := first.Validate(); err != nil {
		t.Fatalf("generated secrets invalid: %v", err)
	}
	if SecretKeyProblem(first.SecretKey) != "" || first.EncryptionKey == "" || first.BlindIndexKey == "" {
		t.Fatal("secrets not generated")
	}
	for path, want := range map[string]os.FileMode{dataDir: 0o700, filepath.Join(dataDir, DevSecretsFile): 0o600} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s mode %04o, want %04o", path, fi.Mode().Perm(), want)
		}
	}
	second, _ := load(t, m)
	if err := second.EnsureDevSecrets(true); err != nil {
		t.Fatal(err)
	}
	if second.SecretKey != first.SecretKey || second.EncryptionKey != first.EncryptionKey || second.BlindIndexKey != first.BlindIndexKey {
		t.Error("a restart generated new secrets instead of reusing the stored ones")
	}

	t.Run("production never generates", func(t *testing.T) {
		c, _ := Load(env(map[string]string{"DATA_DIR": t.TempDir()}), filepath.Join(t.TempDir(), "none"))
		if err := c.EnsureDevSecrets(true); err != nil || c.SecretKey != "" {
			t.Fatalf("production got secrets generated: %v", err)
		}
	})
}

func TestPrintRedactsSecrets(t *testing.T) {
	m := production(t)
	m["DATABASE_URL"] = "postgres://app:hunter2@db.internal/shop?sslmode=verify-full"
	c, err := load(t, m)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := c.Print(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, secret := range []string{m["SECRET_KEY"], m["ENCRYPTION_KEY"], m["BLIND_INDEX_KEY"], "hunter2"} {
		if strings.Contains(out, secret) {
			t.Errorf("config output contains a secret value")
		}
	}
	if !strings.Contains(out, Redacted) || !strings.Contains(out, "10.0.0.0/8") {
		t.Errorf("output lacks <redacted> or a plain value:\n%s", out)
	}
}

func TestConfigurationDocIsCurrent(t *testing.T) {
	got, err := os.ReadFile("../../docs/CONFIGURATION.md")
	if err != nil {
		t.Fatalf("reading docs/CONFIGURATION.md: %v (generate it with: go run ./cmd/supportbot config --markdown)", err)
	}
	if string(got) != Markdown() {
		t.Fatal("docs/CONFIGURATION.md is stale: run go run ./cmd/supportbot config --markdown")
	}
}

func TestEveryOptionDocumented(t *testing.T) {
	seen := map[string]bool{}
	for _, o := range options {
		if o.doc == "" || o.kind == "" || o.set == nil {
			t.Errorf("%s lacks doc, kind or parser", o.name)
		}
		if seen[o.name] {
			t.Errorf("%s listed twice", o.name)
		}
		seen[o.name] = true
		// Every default must itself be valid.
		if err := o.set(&Config{}, o.def); err != nil {
			t.Errorf("%s default %q invalid: %v", o.name, o.def, err)
		}
	}
}

func FuzzParseDotenv(f *testing.F) {
	for _, s := range []string{"A=1\n", "export B='x'\n# c\n", "C=\"unterminated\n", "=x", "D=1\nD=2", "\r\nE=\"\"\r\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		m, err := parseDotenv(data)
		if err != nil {
			if m != nil {
				t.Fatal("map returned with error")
			}
			return
		}
		for k := range m {
			if !validKey(k) {
				t.Fatalf("invalid key %q accepted", k)
			}
		}
	})
}

// Servers starting at once on a fresh DATA_DIR must agree on one set of
// development secrets (found by review: the last writer used to win).
func TestConcurrentDevSecretGenerationAgrees(t *testing.T) {
	dataDir := filepath.Join(t.TempDir(), "data")
	const n = 8
	keys := make(chan string, n)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			c, err := Load(env(map[string]string{"ENV": "development", "DATA_DIR": dataDir}), filepath.Join(dataDir, "none.env"))
			if err != nil {
				t.Error(err)
				return
			}
			if err := c.EnsureDevSecrets(true); err != nil {
				t.Error(err)
				return
			}
			keys <- c.SecretKey + c.EncryptionKey + c.BlindIndexKey
		})
	}
	wg.Wait()
	close(keys)
	first := <-keys
	for k := range keys {
		if k != first {
			t.Fatal("concurrent starts generated different secrets")
		}
	}
}
