package storage

import (
	"testing"
	"time"
)

func TestIDsAndTimes(t *testing.T) {
	a, b := NewID(), NewID()
	if a == b || !IsID(a) || !IsID(b) {
		t.Fatalf("NewID gave %q and %q", a, b)
	}
	for _, bad := range []string{"", "0123456789ABCDEF0123456789ABCDEF", "0123456789abcdef0123456789abcde", "../../etc/passwd", "4111111111111111"} {
		if IsID(bad) {
			t.Errorf("IsID(%q) = true", bad)
		}
	}
	now := time.Date(2026, 11, 22, 10, 0, 0, 123456000, time.UTC)
	if got := Time(Micros(now)); !got.Equal(now) || got.Location() != time.UTC {
		t.Errorf("round trip = %v", got)
	}
	if Micros(time.Time{}) != 0 || !Time(0).IsZero() {
		t.Error("the zero time is not stored as 0")
	}
}
