package audit

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"
)

// Tail limits.
const (
	DefaultTail = 50
	MaxTail     = 10000
)

// Entry is a stored event with its position in the chain.
type Entry struct {
	ID int64
	Event
}

// Filter narrows Tail; a zero field matches everything.
type Filter struct {
	Type  string    // exact event type, e.g. "auth.login_failed"
	Actor string    // exact user id
	Level Level     // exact level
	Since time.Time // events at or after this instant
}

// Tail returns the newest n events matching f, oldest first. n <= 0 means
// DefaultTail; n is capped at MaxTail.
func (s *Store) Tail(ctx context.Context, n int, f Filter) ([]Entry, error) {
	if n <= 0 {
		n = DefaultTail
	}
	n = min(n, MaxTail)
	since := int64(math.MinInt64)
	if !f.Since.IsZero() {
		since = f.Since.UnixMicro()
	}
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	// One static text: an empty filter value disables its condition, so
	// nothing is ever concatenated into the SQL.
	rows, err := s.db.SQL().QueryContext(ctx, `SELECT
		id, time_us, level, type, actor, ip, request_id, target, details, status
		FROM audit_events
		WHERE ($1 = '' OR type = $1)
		  AND ($2 = '' OR actor = $2)
		  AND ($3 = '' OR level = $3)
		  AND time_us >= $4
		ORDER BY id DESC
		LIMIT $5`,
		f.Type, f.Actor, string(f.Level), since, n)
	if err != nil {
		return nil, fmt.Errorf("audit: tail: %w", err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		var us int64
		var level string
		if err := rows.Scan(&e.ID, &us, &level, &e.Type, &e.Actor, &e.IP, &e.RequestID,
			&e.Target, &e.Details, &e.Status); err != nil {
			return nil, fmt.Errorf("audit: tail: %w", err)
		}
		e.Time = time.UnixMicro(us).UTC()
		e.Level = Level(level)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("audit: tail: %w", err)
	}
	slices.Reverse(out)
	return out, nil
}
