package config

import (
	"fmt"
	"strings"
)

// parseDotenv reads the KEY=VALUE lines of a .env file: blank lines and
// lines starting with # are skipped, an `export ` prefix is allowed, and a
// value may be wrapped in single or double quotes. Nothing is expanded or
// executed. Errors name the line number but never echo its content, which
// may be a secret.
func parseDotenv(data string) (map[string]string, error) {
	out := make(map[string]string)
	for i, line := range strings.Split(data, "\n") {
		line = strings.TrimSpace(strings.TrimSuffix(line, "\r"))
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		line = strings.TrimPrefix(line, "export ")
		key, value, ok := strings.Cut(line, "=")
		key = strings.TrimSpace(key)
		if !ok || !validKey(key) {
			return nil, fmt.Errorf("line %d: expected NAME=value", i+1)
		}
		value = strings.TrimSpace(value)
		if n := len(value); n >= 2 && (value[0] == '"' || value[0] == '\'') {
			if value[n-1] != value[0] {
				return nil, fmt.Errorf("line %d: unterminated quote", i+1)
			}
			value = value[1 : n-1]
		}
		if _, dup := out[key]; dup {
			return nil, fmt.Errorf("line %d: %s is set twice", i+1, key)
		}
		out[key] = value
	}
	return out, nil
}

func validKey(k string) bool {
	if k == "" {
		return false
	}
	for i, r := range k {
		switch {
		case r == '_', r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z':
		case r >= '0' && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}
