// Package config holds supportbot's one typed option table and reads it from
// environment variables, an optional .env file and NAME_FILE files for
// secrets. Production is the default and fails closed: an unsafe setting
// stops the server with a message naming the option (DESIGN.md invariant 7).
package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strings"
)

// origin says where an option's value came from.
type origin string

const (
	fromDefault origin = "default"
	fromEnv     origin = "environment"
	fromDotenv  origin = ".env"
	fromFile    origin = "file"
	fromDevFile origin = "generated"
)

// source is where one option's value came from; path is set for values read
// from a file, so its permissions can be checked.
type source struct {
	origin origin
	path   string
	raw    string
}

// Error is a problem with one option. Its message names the option so an
// operator knows exactly what to fix.
type Error struct {
	Option string
	Msg    string
	err    error // the parser's error, for errors.Is
}

func (e *Error) Error() string { return e.Option + ": " + e.Msg }

// Unwrap returns the underlying error, such as ErrAutomatedCard.
func (e *Error) Unwrap() error { return e.err }

// Lookup returns the value of an environment variable; os.LookupEnv in
// production code, a map in tests.
type Lookup func(name string) (string, bool)

// Load builds the configuration from lookup, the optional .env file at
// envFile (missing is fine; empty means ".env") and NAME_FILE files. It
// reports every bad option at once, joined. Load only parses; Validate
// applies the production rules.
func Load(lookup Lookup, envFile string) (*Config, error) {
	if envFile == "" {
		envFile = ".env"
	}
	dotenv, err := readDotenv(envFile)
	if err != nil {
		return nil, err
	}
	c := &Config{sources: make(map[string]source)}
	if dotenv != nil {
		c.sources[".env"] = source{origin: fromDotenv, path: envFile}
	}
	var errs []error
	known := make(map[string]bool, len(options))
	for _, o := range options {
		known[o.name] = true
		v, src, err := resolve(o, lookup, dotenv, envFile)
		if err != nil {
			errs = append(errs, &Error{Option: o.name, Msg: err.Error()})
			continue
		}
		if err := o.set(c, v); err != nil {
			errs = append(errs, &Error{Option: o.name, Msg: err.Error(), err: err})
			continue
		}
		src.raw = v
		c.sources[o.name] = src
	}
	// A misspelt name in .env would otherwise be silently ignored, leaving
	// the safe-looking default in force; say so instead.
	for _, k := range sortedKeys(dotenv) {
		if !known[strings.TrimSuffix(k, "_FILE")] {
			errs = append(errs, &Error{Option: k, Msg: fmt.Sprintf("unknown option in %s", envFile)})
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return c, nil
}

// resolve picks one option's value: the environment first, then NAME_FILE
// (secrets only), then .env, then the default. Setting a secret both
// directly and as NAME_FILE is refused: which one wins would be a guess.
func resolve(o option, lookup Lookup, dotenv map[string]string, envFile string) (string, source, error) {
	get := func(name string) (string, origin, bool) {
		if v, ok := lookup(name); ok && v != "" {
			return v, fromEnv, true
		}
		if v, ok := dotenv[name]; ok && v != "" {
			return v, fromDotenv, true
		}
		return "", "", false
	}
	v, vFrom, hasValue := get(o.name)
	path, _, hasFile := get(o.name + "_FILE")
	switch {
	case hasFile && !o.secret:
		return "", source{}, fmt.Errorf("%s_FILE is only accepted for secrets; set %s directly", o.name, o.name)
	case hasFile && hasValue:
		return "", source{}, fmt.Errorf("set either %s or %s_FILE, not both", o.name, o.name)
	case hasFile:
		data, err := os.ReadFile(path) // #nosec G304 -- NAME_FILE is chosen by the operator on purpose
		if err != nil {
			return "", source{}, fmt.Errorf("reading %s_FILE: %w", o.name, errors.Unwrap(err))
		}
		// Secret managers usually end files with a newline; it is not part
		// of the secret.
		return strings.TrimRight(string(data), "\r\n"), source{origin: fromFile, path: path}, nil
	case hasValue:
		s := source{origin: vFrom}
		if vFrom == fromDotenv {
			s.path = envFile
		}
		return v, s, nil
	}
	return o.def, source{origin: fromDefault}, nil
}

func readDotenv(path string) (map[string]string, error) {
	data, err := os.ReadFile(path) // #nosec G304 -- the .env path is the operator's
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("config: reading %s: %w", path, err)
	}
	m, err := parseDotenv(string(data))
	if err != nil {
		return nil, fmt.Errorf("config: %s: %w", path, err)
	}
	return m, nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// StrictCSP reports whether the strict Content-Security-Policy applies:
// CSP_STRICT when set, otherwise strict everywhere but development.
func (c *Config) StrictCSP() bool {
	if c.CSPStrict != nil {
		return *c.CSPStrict
	}
	return !c.Development
}

// StaffNeed2FA reports whether support and admin users must use TOTP:
// REQUIRE_2FA_FOR_STAFF when set, otherwise everywhere but development.
func (c *Config) StaffNeed2FA() bool {
	if c.Require2FAForStaff != nil {
		return *c.Require2FAForStaff
	}
	return !c.Development
}

// TLSEnabled reports whether the server terminates TLS itself.
func (c *Config) TLSEnabled() bool { return c.TLSCertFile != "" && c.TLSKeyFile != "" }
