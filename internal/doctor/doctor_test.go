package doctor

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"supportbot/internal/config"
	"supportbot/internal/crypto"
)

func safeProduction(t *testing.T) map[string]string {
	t.Helper()
	secret, err := crypto.RandomToken(48)
	if err != nil {
		t.Fatal(err)
	}
	k1, _ := crypto.GenerateKey()
	k2, _ := crypto.GenerateKey()
	return map[string]string{"SECRET_KEY": secret, "ENCRYPTION_KEY": crypto.EncodeKey(k1),
		"BLIND_INDEX_KEY": crypto.EncodeKey(k2), "TRUSTED_PROXIES": "10.0.0.0/8", "DATA_DIR": t.TempDir()}
}

func check(t *testing.T, env map[string]string, x Extra) Report {
	t.Helper()
	c, err := config.Load(func(k string) (string, bool) { v, ok := env[k]; return v, ok },
		filepath.Join(t.TempDir(), "none.env"))
	if err != nil {
		t.Fatal(err)
	}
	return Check(c, x)
}

func status(r Report, item string) (Result, bool) {
	for _, res := range r {
		if res.Item == item {
			return res, true
		}
	}
	return Result{}, false
}

func TestSafeProductionPasses(t *testing.T) {
	r := check(t, safeProduction(t), Extra{DatabaseTLS: func(string) error { return nil }})
	if r.Failed() {
		var b strings.Builder
		_ = r.Write(&b)
		t.Fatalf("safe production fails:\n%s", b.String())
	}
	for _, later := range []string{"Alert channels (Telegram/Email/Webhook)", "Automated backups", "Key age and rotation"} {
		if res, ok := status(r, later); !ok || res.Status != Warn || !strings.Contains(res.Detail, "not available yet") {
			t.Errorf("%s: want WARN not available yet, got %+v", later, res)
		}
	}
}

func TestEachItemFails(t *testing.T) {
	tests := []struct {
		item   string
		change func(map[string]string)
		extra  Extra
	}{
		{"ENV is production", func(m map[string]string) { m["ENV"] = "development" }, Extra{}},
		{"Strict CSP", func(m map[string]string) { m["CSP_STRICT"] = "false" }, Extra{}},
		{"HTTPS only", func(m map[string]string) { delete(m, "TRUSTED_PROXIES") }, Extra{}},
		{"HSTS", func(m map[string]string) { m["CSP_STRICT"] = "false" }, Extra{}},
		{"SECRET_KEY strength", func(m map[string]string) { m["SECRET_KEY"] = "short" }, Extra{}},
		{"Field encryption key", func(m map[string]string) { delete(m, "BLIND_INDEX_KEY") }, Extra{}},
		{"Rate limiting", func(m map[string]string) { m["RATE_LIMIT_PER_MINUTE"] = "0" }, Extra{}},
		{"Chat rate limiting", func(m map[string]string) { m["CHAT_RATE_LIMIT_PER_MINUTE"] = "0" }, Extra{}},
		{"2FA for admin accounts", func(m map[string]string) { m["REQUIRE_2FA_FOR_STAFF"] = "false" }, Extra{}},
		{"Password hashing", func(m map[string]string) { m["BCRYPT_COST"] = "10" }, Extra{}},
		{"Database TLS", func(map[string]string) {}, Extra{DatabaseTLS: func(string) error { return errors.New("needs sslmode") }}},
	}
	for _, tt := range tests {
		t.Run(tt.item, func(t *testing.T) {
			env := safeProduction(t)
			tt.change(env)
			r := check(t, env, tt.extra)
			res, ok := status(r, tt.item)
			if !ok || res.Status != Fail || res.Fix == "" {
				t.Fatalf("want FAIL with a fix, got %+v", res)
			}
			if !r.Failed() || len(r.Failures()) == 0 {
				t.Fatal("report does not count the failure")
			}
		})
	}
}
