package audit

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"supportbot/internal/storage"
	"supportbot/internal/storage/storagetest"
)

var testKey = []byte("0123456789abcdef0123456789abcdef")

// fakeClock advances one second per reading, so times are exact and no test
// sleeps (invariant 9).
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock {
	return &fakeClock{t: time.Date(2025, 1, 15, 14, 30, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

// syncBuffer is a log sink safe for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newTestStore(db *storage.DB) (*Store, *syncBuffer) {
	buf := &syncBuffer{}
	logger := slog.New(slog.NewJSONHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return NewStore(db, testKey, logger, newClock().Now), buf
}

func sampleEvent(i int) Event {
	return Event{
		Type:      "auth.login_failed",
		Level:     LevelWarning,
		Actor:     fmt.Sprintf("user%d", i),
		IP:        "192.168.1.1",
		RequestID: fmt.Sprintf("req-%d", i),
		Target:    fmt.Sprintf("account:%d", i),
		Details:   fmt.Sprintf("%d attempts", i),
		Status:    "locked",
	}
}

func recordN(t testing.TB, s *Store, n int) {
	t.Helper()
	for i := 1; i <= n; i++ {
		if err := s.Record(context.Background(), sampleEvent(i)); err != nil {
			t.Fatalf("Record %d: %v", i, err)
		}
	}
}

func verify(t *testing.T, s *Store) Result {
	t.Helper()
	res, err := s.Verify(context.Background())
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	return res
}

func wantBad(t *testing.T, res Result, id int64, reasonPart string) {
	t.Helper()
	if res.OK || res.FirstBadID != id || !strings.Contains(res.Reason, reasonPart) {
		t.Fatalf("Verify = %+v, want row %d reported (%q)", res, id, reasonPart)
	}
}

func exec(t *testing.T, db *storage.DB, query string, args ...any) {
	t.Helper()
	if _, err := db.SQL().ExecContext(context.Background(), query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

func TestChainOfEventsVerifies(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s, _ := newTestStore(db)
		if res := verify(t, s); !res.OK || res.Checked != 0 || res.LastHash != GenesisHash {
			t.Fatalf("empty trail: %+v", res)
		}
		recordN(t, s, 20)
		res := verify(t, s)
		if !res.OK || res.Checked != 20 || res.LastID != 20 || len(res.LastHash) != 64 || res.FirstBadID != 0 {
			t.Fatalf("Verify = %+v, want 20 good rows", res)
		}
	})
}

func TestChangingOneByteOfAnyColumnIsDetected(t *testing.T) {
	textColumns := []string{"level", "type", "actor", "ip", "request_id", "target", "details", "status", "prev_hash", "hash"}
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s, _ := newTestStore(db)
		recordN(t, s, 5)
		ctx := context.Background()
		const victim = 3
		for _, col := range textColumns {
			t.Run(col, func(t *testing.T) {
				var orig string
				// Column names are test constants; values are parameters.
				if err := db.SQL().QueryRowContext(ctx, "SELECT "+col+" FROM audit_events WHERE id = $1", victim).Scan(&orig); err != nil {
					t.Fatal(err)
				}
				b := []byte(orig)
				b[len(b)-1] ^= 0x01 // one bit of one byte, still ASCII
				exec(t, db, "UPDATE audit_events SET "+col+" = $1 WHERE id = $2", string(b), victim)
				res := verify(t, s)
				if col == "prev_hash" {
					wantBad(t, res, victim, "prev_hash does not match row 2")
				} else {
					wantBad(t, res, victim, "row altered")
				}
				exec(t, db, "UPDATE audit_events SET "+col+" = $1 WHERE id = $2", orig, victim)
				if res := verify(t, s); !res.OK {
					t.Fatalf("after restoring: %+v", res)
				}
			})
		}
		t.Run("time_us", func(t *testing.T) {
			exec(t, db, "UPDATE audit_events SET time_us = time_us + 1 WHERE id = $1", victim)
			wantBad(t, verify(t, s), victim, "row altered")
			exec(t, db, "UPDATE audit_events SET time_us = time_us - 1 WHERE id = $1", victim)
		})
		t.Run("id", func(t *testing.T) {
			exec(t, db, "UPDATE audit_events SET id = 1003 WHERE id = $1", victim)
			wantBad(t, verify(t, s), victim+1, "ids 3 to 3 are missing")
			exec(t, db, "UPDATE audit_events SET id = $1 WHERE id = 1003", victim)
		})
		if res := verify(t, s); !res.OK {
			t.Fatalf("after restoring all: %+v", res)
		}
	})
}

func TestDeletedRowIsDetected(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s, _ := newTestStore(db)
		recordN(t, s, 5)
		exec(t, db, "DELETE FROM audit_events WHERE id = $1", 3)
		wantBad(t, verify(t, s), 4, "rows deleted")
		exec(t, db, "DELETE FROM audit_events WHERE id = $1", 1)
		wantBad(t, verify(t, s), 2, "starts at id 2")
	})
}

// insertRow writes r as an attacker with SQL access but without the key
// would.
func insertRow(t *testing.T, db *storage.DB, r row) {
	t.Helper()
	exec(t, db, `INSERT INTO audit_events
		(id, time_us, level, type, actor, ip, request_id, target, details, status, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		r.id, r.timeUS, r.level, r.typ, r.actor, r.ip, r.requestID, r.target, r.details, r.status, r.prevHash, r.hash)
}

func headHash(t *testing.T, db *storage.DB, id int64) string {
	t.Helper()
	var h string
	if err := db.SQL().QueryRowContext(context.Background(), "SELECT hash FROM audit_events WHERE id = $1", id).Scan(&h); err != nil {
		t.Fatal(err)
	}
	return h
}

func TestForgedRowIsDetected(t *testing.T) {
	wrongKey := []byte("ffffffffffffffffffffffffffffffff")
	forged := func(id int64, prev string) row {
		r := row{id: id, timeUS: 1, level: "INFO", typ: "auth.login", actor: "admin", status: "success", prevHash: prev}
		r.hash = computeHash(wrongKey, r)
		return r
	}
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s, _ := newTestStore(db)
		recordN(t, s, 5)
		// Appended after the head, chained to it correctly but keyed wrongly.
		insertRow(t, db, forged(6, headHash(t, db, 5)))
		wantBad(t, verify(t, s), 6, "row altered")
		exec(t, db, "DELETE FROM audit_events WHERE id = $1", 6)

		// In the middle: shift rows 3..5 up by one (newest first, so the
		// primary key never collides) and slip a row in at 3.
		for id := int64(5); id >= 3; id-- {
			exec(t, db, "UPDATE audit_events SET id = id + 1 WHERE id = $1", id)
		}
		insertRow(t, db, forged(3, headHash(t, db, 2)))
		wantBad(t, verify(t, s), 3, "row altered")
	})
}

func TestSwappedRowsAreDetected(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s, _ := newTestStore(db)
		recordN(t, s, 5)
		ctx := context.Background()
		// Move row 2 to id 100, row 4 to 2, then 100 to 4: every column but
		// the id travels with the row.
		err := db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
			for _, m := range [][2]int64{{2, 100}, {4, 2}, {100, 4}} {
				if _, err := tx.ExecContext(ctx, "UPDATE audit_events SET id = $1 WHERE id = $2", m[1], m[0]); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		wantBad(t, verify(t, s), 2, "prev_hash does not match row 1")
	})
}

func TestConcurrentRecordKeepsOneChain(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s, _ := newTestStore(db)
		const goroutines, each = 8, 25
		var wg sync.WaitGroup
		errs := make(chan error, goroutines*each)
		for g := range goroutines {
			wg.Go(func() {
				for i := range each {
					if err := s.Record(context.Background(), sampleEvent(g*100+i)); err != nil {
						errs <- err
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		res := verify(t, s)
		if !res.OK || res.Checked != goroutines*each {
			t.Fatalf("Verify = %+v, want %d good rows", res, goroutines*each)
		}
	})
}

func TestRecordLogsTheEventWithFixedKeys(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s, buf := newTestStore(db)
		if err := s.Record(context.Background(), sampleEvent(7)); err != nil {
			t.Fatal(err)
		}
		var got map[string]any
		if err := json.Unmarshal([]byte(buf.String()), &got); err != nil {
			t.Fatalf("log %q: %v", buf.String(), err)
		}
		want := map[string]any{
			"level": "WARN", "msg": "security event", "event": "auth.login_failed", "user_id": "user7",
			"ip": "192.168.1.1", "request_id": "req-7", "status": "locked", "severity": "WARNING",
			"target": "account:7", "details": "7 attempts", "audit_id": float64(1),
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("log %s = %v, want %v", k, got[k], v)
			}
		}
	})
}

func TestRecordFailureIsStillLogged(t *testing.T) {
	db := storagetest.SQLite(t)
	s, buf := newTestStore(db)
	exec(t, db, "DROP TABLE audit_events")
	if err := s.Record(context.Background(), sampleEvent(1)); err == nil {
		t.Fatal("Record succeeded without a table")
	}
	log := buf.String()
	for _, want := range []string{`"level":"ERROR"`, `"event":"auth.login_failed"`, `"error":"audit: record auth.login_failed`} {
		if !strings.Contains(log, want) {
			t.Errorf("log %q lacks %s", log, want)
		}
	}
}

func TestRecordNormalisesFields(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s, _ := newTestStore(db)
		ctx := context.Background()
		explicit := time.Date(2024, 2, 29, 23, 59, 58, 123456789, time.FixedZone("X", 3600))
		events := []Event{
			{Type: "config.changed"}, // level and time defaulted
			{Type: "data.export", Level: LevelCritical, Time: explicit},
			{
				Type:    "access.denied",
				Target:  strings.Repeat("t", 200),
				Details: strings.Repeat("é", 600) + "tail",
				Actor:   "bad\x00actor\xff",
			},
		}
		for _, e := range events {
			if err := s.Record(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.Tail(ctx, 10, Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 3 {
			t.Fatalf("%d entries, want 3", len(got))
		}
		if got[0].Level != LevelInfo || !got[0].Time.Equal(time.Date(2025, 1, 15, 14, 30, 1, 0, time.UTC)) {
			t.Errorf("defaults: %+v", got[0])
		}
		if want := explicit.UTC().Truncate(time.Microsecond); !got[1].Time.Equal(want) || got[1].Time.Location() != time.UTC {
			t.Errorf("time = %v, want %v in UTC", got[1].Time, want)
		}
		if n := len([]rune(got[2].Target)); n != 128 {
			t.Errorf("target kept %d runes, want 128", n)
		}
		if d := got[2].Details; len([]rune(d)) != 512 || strings.Contains(d, "tail") {
			t.Errorf("details kept %d runes, want 512", len([]rune(d)))
		}
		if a := got[2].Actor; a != "bad\uFFFDactor\uFFFD" {
			t.Errorf("actor = %q, want NUL and invalid UTF-8 replaced", a)
		}
		if res := verify(t, s); !res.OK {
			t.Fatalf("Verify = %+v", res)
		}
	})
}

func TestRecordRejectsBadInput(t *testing.T) {
	db := storagetest.SQLite(t)
	ctx := context.Background()
	s, _ := newTestStore(db)
	if err := s.Record(ctx, Event{Type: "x", Level: "DEBUG"}); err == nil {
		t.Error("unknown level accepted")
	}
	if err := s.Record(ctx, Event{Level: LevelInfo}); err == nil {
		t.Error("empty type accepted")
	}
	short := NewStore(db, []byte("short"), nil, nil)
	if err := short.Record(ctx, Event{Type: "x"}); err != ErrShortKey {
		t.Errorf("short key: Record = %v, want ErrShortKey", err)
	}
	if _, err := short.Verify(ctx); err != ErrShortKey {
		t.Errorf("short key: Verify = %v, want ErrShortKey", err)
	}
}

func TestHashEncodingIsUnambiguous(t *testing.T) {
	a := row{id: 1, actor: "ab", ip: "c", prevHash: GenesisHash}
	b := row{id: 1, actor: "a", ip: "bc", prevHash: GenesisHash}
	if computeHash(testKey, a) == computeHash(testKey, b) {
		t.Fatal("moving a byte between fields kept the hash")
	}
	c := a
	c.id = 2
	if computeHash(testKey, a) == computeHash(testKey, c) {
		t.Fatal("the id is not covered by the hash")
	}
}

func TestTail(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s, _ := newTestStore(db)
		ctx := context.Background()
		events := []Event{
			{Type: "auth.login_failed", Level: LevelWarning, Actor: "alice"},
			{Type: "auth.login", Actor: "bob"},
			{Type: "access.denied", Level: LevelError, Actor: "alice"},
			{Type: "auth.login_failed", Level: LevelWarning, Actor: "bob"},
			{Type: "auth.login", Actor: "alice"},
		}
		for _, e := range events {
			if err := s.Record(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		ids := func(es []Entry) []int64 {
			var out []int64
			for _, e := range es {
				out = append(out, e.ID)
			}
			return out
		}
		tests := []struct {
			name string
			n    int
			f    Filter
			want []int64
		}{
			{"newest n oldest first", 3, Filter{}, []int64{3, 4, 5}},
			{"zero n means default", 0, Filter{}, []int64{1, 2, 3, 4, 5}},
			{"by type", 10, Filter{Type: "auth.login_failed"}, []int64{1, 4}},
			{"by actor", 10, Filter{Actor: "alice"}, []int64{1, 3, 5}},
			{"by level", 10, Filter{Level: LevelError}, []int64{3}},
			{"since", 10, Filter{Since: time.Date(2025, 1, 15, 14, 30, 4, 0, time.UTC)}, []int64{4, 5}},
			{"combined", 1, Filter{Actor: "alice", Type: "auth.login"}, []int64{5}},
			{"no match", 10, Filter{Actor: "mallory"}, nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := s.Tail(ctx, tt.n, tt.f)
				if err != nil {
					t.Fatal(err)
				}
				if fmt.Sprint(ids(got)) != fmt.Sprint(tt.want) {
					t.Fatalf("ids %v, want %v", ids(got), tt.want)
				}
			})
		}
	})
}

func BenchmarkRecord(b *testing.B) {
	db := storagetest.SQLite(b)
	s := NewStore(db, testKey, slog.New(slog.DiscardHandler), nil)
	e := sampleEvent(1)
	ctx := context.Background()
	for b.Loop() {
		if err := s.Record(ctx, e); err != nil {
			b.Fatal(err)
		}
	}
}

func TestCardNumbersNeverEnterTheTrail(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s, _ := newTestStore(db)
		for _, target := range []string{"path:/api/v1/conversations/4111111111111111", "order:ORD-４１１１１１１１１１-１１１１１１"} {
			if err := s.Record(context.Background(), Event{Type: "access.denied", Target: target, Details: "tried 4111 1111 1111 1111"}); err != nil {
				t.Fatal(err)
			}
		}
		var rows []string
		r, err := db.SQL().QueryContext(context.Background(), `SELECT target || ' ' || details FROM audit_events`)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		for r.Next() {
			var s string
			if err := r.Scan(&s); err != nil {
				t.Fatal(err)
			}
			rows = append(rows, s)
		}
		for _, row := range rows {
			if strings.Contains(strings.ReplaceAll(row, " ", ""), "41111111") || strings.Contains(row, "１１１１") {
				t.Errorf("audit row holds card data: %q", row)
			}
		}
		if len(rows) != 2 || !verify(t, s).OK {
			t.Errorf("rows %q; the chain must still verify", rows)
		}
	})
}
