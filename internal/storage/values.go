package storage

import (
	"crypto/rand"
	"encoding/hex"
	"time"
)

// Scanner is a *sql.Row or *sql.Rows: what a store's scan function reads
// one row from.
type Scanner interface{ Scan(dest ...any) error }

// NewID returns a random 128-bit id in lowercase hex, the form of every
// row id the stores create.
func NewID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand, Go 1.24+)
	return hex.EncodeToString(b[:])
}

// IsID reports whether s has the form NewID returns. Checking it before a
// lookup keeps client-chosen text out of queries and audit targets.
func IsID(s string) bool {
	if len(s) != 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// Micros is the stored form of a time: unix microseconds UTC, with the
// zero time ("never", "not yet") as 0.
func Micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

// Time reverses Micros.
func Time(us int64) time.Time {
	if us == 0 {
		return time.Time{}
	}
	return time.UnixMicro(us).UTC()
}
