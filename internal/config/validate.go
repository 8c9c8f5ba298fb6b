package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strings"

	"supportbot/internal/crypto"
)

// MinSecretKeyLength is the shortest SECRET_KEY production accepts (first
// specification, "Use strong secrets (64+ characters for SECRET_KEY)").
const MinSecretKeyLength = 64

// knownExampleSecrets are values copied from documentation and tutorials,
// including both specifications; a key that anyone can read is no key.
var knownExampleSecrets = []string{
	"your-very-long-secret-key-here", "your-secret-key", "your_secret_key", "secret_key",
	"secret-key", "secretkey", "changeme", "change-me", "change_me", "changethis",
	"please-change", "supersecret", "super-secret", "mysecret", "my-secret", "example",
	"replace-me", "replaceme", "insecure", "password", "development", "dev-secret",
	"0123456789abcdef0123456789abcdef", "abcdefghijklmnopqrstuvwxyz",
}

// Validate applies the rules that hold in every mode and, outside
// development, the production rules. Each problem names its option; all are
// reported at once.
func (c *Config) Validate() error {
	var errs []error
	add := func(option, format string, args ...any) {
		errs = append(errs, &Error{Option: option, Msg: fmt.Sprintf(format, args...)})
	}

	if (c.TLSCertFile == "") != (c.TLSKeyFile == "") {
		if c.TLSCertFile == "" {
			add("TLS_CERT_FILE", "is required when TLS_KEY_FILE is set")
		} else {
			add("TLS_KEY_FILE", "is required when TLS_CERT_FILE is set")
		}
	}
	if c.HTTPRedirectAddr != "" && !c.TLSEnabled() {
		add("HTTP_REDIRECT_ADDR", "redirects to HTTPS, so TLS_CERT_FILE and TLS_KEY_FILE must be set")
	}
	for _, k := range []struct{ name, value string }{
		{"ENCRYPTION_KEY", c.EncryptionKey}, {"BLIND_INDEX_KEY", c.BlindIndexKey},
	} {
		if k.value == "" {
			continue
		}
		if _, err := crypto.ParseKey(k.value); err != nil {
			add(k.name, "%v", err)
		}
	}
	for i, k := range c.EncryptionOldKeys {
		if _, err := crypto.ParseKey(k); err != nil {
			add("ENCRYPTION_OLD_KEYS", "entry %d: %v", i+1, err)
		}
	}
	if c.EncryptionKey != "" && c.EncryptionKey == c.BlindIndexKey {
		add("BLIND_INDEX_KEY", "must differ from ENCRYPTION_KEY (one key, one purpose)")
	}

	if c.SecretKeyPrevious != "" && c.SecretKeyPrevious == c.SecretKey {
		add("SECRET_KEY_PREVIOUS", "must differ from SECRET_KEY")
	}
	if c.SecretKeyPrevious != "" && c.SecretKeyPrevUntil.IsZero() {
		add("SECRET_KEY_PREVIOUS_UNTIL", "is required with SECRET_KEY_PREVIOUS: the time its tokens stop being accepted (rotation time + ACCESS_TOKEN_TTL)")
	}
	if c.SecretKeyPrevious == "" && !c.SecretKeyPrevUntil.IsZero() {
		add("SECRET_KEY_PREVIOUS_UNTIL", "is set without SECRET_KEY_PREVIOUS")
	}
	if !c.Development {
		errs = append(errs, c.productionErrors()...)
	}
	return errors.Join(errs...)
}

func (c *Config) productionErrors() []error {
	var errs []error
	add := func(option, format string, args ...any) {
		errs = append(errs, &Error{Option: option, Msg: fmt.Sprintf(format, args...)})
	}
	if msg := SecretKeyProblem(c.SecretKey); msg != "" {
		add("SECRET_KEY", "%s", msg)
	}
	if c.BcryptCost < 12 {
		add("BCRYPT_COST", "is %d; production needs at least 12 (both specifications)", c.BcryptCost)
	}
	if c.EncryptionKey == "" {
		add("ENCRYPTION_KEY", "is required in production: 32 random bytes, base64 (openssl rand -base64 32)")
	}
	if c.BlindIndexKey == "" {
		add("BLIND_INDEX_KEY", "is required in production: 32 random bytes, base64 (openssl rand -base64 32)")
	}
	if !c.TLSEnabled() && len(c.TrustedProxies) == 0 {
		add("TLS_CERT_FILE", "production serves HTTPS only: set TLS_CERT_FILE and TLS_KEY_FILE, or TRUSTED_PROXIES for a TLS-terminating proxy")
	}
	for _, f := range c.secretFiles() {
		if err := checkPrivate(f.path); err != nil {
			add(f.option, "%v", err)
		}
	}
	return errs
}

// SecretKeyProblem says what is wrong with a SECRET_KEY value for
// production, or "" when it is acceptable.
func SecretKeyProblem(key string) string {
	if key == "" {
		return "is required in production: a random value of at least 64 characters (openssl rand -hex 32)"
	}
	if len(key) < MinSecretKeyLength {
		return fmt.Sprintf("is %d characters; production needs at least %d (openssl rand -hex 32)", len(key), MinSecretKeyLength)
	}
	lower := strings.ToLower(key)
	for _, ex := range knownExampleSecrets {
		if strings.Contains(lower, ex) {
			return "is a well-known example value; generate a random one (openssl rand -hex 32)"
		}
	}
	// A hex key of 64 random characters uses nearly all 16 digits; a long
	// key made of a handful of characters is typed, not generated.
	distinct := make(map[rune]bool)
	for _, r := range key {
		distinct[r] = true
	}
	if len(distinct) < 10 {
		return "is not random enough (too few distinct characters); generate one with openssl rand -hex 32"
	}
	return ""
}

type secretFile struct{ option, path string }

// secretFiles lists the files holding secrets: .env, every NAME_FILE and the
// TLS private key.
func (c *Config) secretFiles() []secretFile {
	seen := make(map[string]bool)
	var out []secretFile
	addFile := func(option, path string) {
		if path != "" && !seen[path] {
			seen[path] = true
			out = append(out, secretFile{option, path})
		}
	}
	names := make([]string, 0, len(c.sources))
	for n := range c.sources {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		s := c.sources[n]
		switch s.origin {
		case fromDotenv:
			addFile(n, s.path)
		case fromFile:
			addFile(n+"_FILE", s.path)
		}
	}
	addFile("TLS_KEY_FILE", c.TLSKeyFile)
	return out
}

// checkPrivate refuses a secret file that group or others may read or
// write: anyone else on the host could take or replace the secret.
func checkPrivate(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("%s does not exist", path)
		}
		return fmt.Errorf("checking %s: %w", path, errors.Unwrap(err))
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return fmt.Errorf("%s has mode %04o; it must not be readable or writable by group or others (chmod 600 %s)", path, perm, path)
	}
	return nil
}

// SecretFileProblems lists, for doctor, every secret file (.env, NAME_FILE,
// TLS key) that group or others may read or write.
func (c *Config) SecretFileProblems() []string {
	var out []string
	for _, f := range c.secretFiles() {
		if err := checkPrivate(f.path); err != nil {
			out = append(out, f.option+": "+err.Error())
		}
	}
	return out
}
