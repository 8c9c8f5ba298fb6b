package conversations

import (
	"context"
	"fmt"
	"time"

	"supportbot/internal/auth"
)

// MaxActivityHours bounds the hours one TurnsPerHour call counts: the
// dashboard shows a day, and a month is the most any caller may ask for.
const MaxActivityHours = 31 * 24

// hourUS is an hour in the unit of created_at (microseconds).
const hourUS = int64(time.Hour / time.Microsecond)

// TurnsPerHour counts the customer messages written from since up to and
// including until, one count per hour from since: element i counts
// [since+i h, since+(i+1) h). Only the sender and the time are read — the
// text stays encrypted. At most MaxActivityHours are counted, the first
// ones from since.
func (s *Store) TurnsPerHour(ctx context.Context, since, until time.Time) ([]int, error) {
	if until.Before(since) {
		return []int{}, nil
	}
	n := int(until.Sub(since)/time.Hour) + 1
	if n > MaxActivityHours {
		n = MaxActivityHours
		until = since.Add(time.Duration(n)*time.Hour - time.Microsecond)
	}
	from, to := since.UnixMicro(), until.UnixMicro()
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	// Integer division buckets the rows by hour on both databases
	// (created_at and the bounds are integers), in one text.
	rows, err := s.db.SQL().QueryContext(ctx, `SELECT (created_at - $1) / $3 AS bucket, COUNT(*)
		FROM messages
		WHERE sender = 'customer' AND created_at >= $1 AND created_at <= $2
		GROUP BY bucket`, from, to, hourUS)
	if err != nil {
		return nil, fmt.Errorf("conversations: turns per hour: %w", err)
	}
	defer func() { _ = rows.Close() }()
	out := make([]int, n)
	for rows.Next() {
		var bucket, count int64
		if err := rows.Scan(&bucket, &count); err != nil {
			return nil, fmt.Errorf("conversations: turns per hour: %w", err)
		}
		if bucket >= 0 && bucket < int64(n) {
			out[bucket] = int(count)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("conversations: turns per hour: %w", err)
	}
	return out, nil
}

// IntentCounts counts the customer messages the bot read from since up to
// and including until, by the intent it recognised in each (messages a
// person answered carry no intent and are left out).
func (s *Store) IntentCounts(ctx context.Context, since, until time.Time) (map[string]int, error) {
	out := map[string]int{}
	if until.Before(since) {
		return out, nil
	}
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	rows, err := s.db.SQL().QueryContext(ctx, `SELECT intent, COUNT(*)
		FROM messages
		WHERE sender = 'customer' AND intent <> '' AND created_at >= $1 AND created_at <= $2
		GROUP BY intent`, since.UnixMicro(), until.UnixMicro())
	if err != nil {
		return nil, fmt.Errorf("conversations: intent counts: %w", err)
	}
	defer func() { _ = rows.Close() }()
	for rows.Next() {
		var intent string
		var count int64
		if err := rows.Scan(&intent, &count); err != nil {
			return nil, fmt.Errorf("conversations: intent counts: %w", err)
		}
		out[intent] = int(count)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("conversations: intent counts: %w", err)
	}
	return out, nil
}

// TurnsPerHour counts the customers' chat turns in each hour from since
// until now, for the admin dashboard (auth.ActionStatsRead).
func (s *Service) TurnsPerHour(ctx context.Context, c Caller, since time.Time) ([]int, error) {
	if err := auth.Authorize(c.Actor, auth.ActionStatsRead, auth.Resource{}); err != nil {
		return nil, fmt.Errorf("conversations: turns per hour: %w: %w", ErrForbidden, err)
	}
	return s.store.TurnsPerHour(ctx, since, s.opts.Clock())
}

// IntentCounts counts the intents the bot recognised in customer messages
// since then, for the admin dashboard (auth.ActionStatsRead).
func (s *Service) IntentCounts(ctx context.Context, c Caller, since time.Time) (map[string]int, error) {
	if err := auth.Authorize(c.Actor, auth.ActionStatsRead, auth.Resource{}); err != nil {
		return nil, fmt.Errorf("conversations: intent counts: %w: %w", ErrForbidden, err)
	}
	return s.store.IntentCounts(ctx, since, s.opts.Clock())
}
