package audit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"supportbot/internal/payment/card"
	"supportbot/internal/storage"
)

// ErrShortKey is returned when the chain key is shorter than MinKeyLen.
var ErrShortKey = errors.New("audit: chain key shorter than 32 bytes")

// Store is the Recorder backed by the audit_events table: each row carries an
// HMAC of its content and of its predecessor's hash, so altering, inserting,
// deleting or reordering rows is detected by Verify (issue 2 §6). It is safe
// for concurrent use, also across processes sharing one PostgreSQL.
type Store struct {
	db     *storage.DB
	key    []byte
	logger *slog.Logger
	clock  func() time.Time
}

var _ Recorder = (*Store)(nil)

// NewStore returns a Store writing to db. chainKey (at least MinKeyLen bytes,
// derived from SECRET_KEY by the caller) is kept, not copied, so the caller's
// zeroing at shutdown covers it (invariant 5). A nil logger means
// slog.Default; a nil clock means time.Now.
func NewStore(db *storage.DB, chainKey []byte, logger *slog.Logger, clock func() time.Time) *Store {
	if logger == nil {
		logger = slog.Default()
	}
	if clock == nil {
		clock = time.Now
	}
	return &Store{db: db, key: chainKey, logger: logger, clock: clock}
}

// Record appends e to the chain and then logs it. Level defaults to INFO,
// Time to the clock (both UTC, microsecond precision); Type is required. Text
// fields are cut to fixed lengths (Details 512 runes, Target 128) before they
// are hashed and stored. When the row cannot be stored the event is still
// logged, at ERROR with the failure, so it is not lost.
func (s *Store) Record(ctx context.Context, e Event) error {
	r, err := s.newRow(e)
	if err != nil {
		return err
	}
	err = s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		return s.appendRow(ctx, tx, &r)
	})
	if err != nil {
		err = fmt.Errorf("audit: record %s: %w", r.typ, err)
	}
	s.log(ctx, r, err)
	return err
}

// newRow validates and normalises e into the row to append.
func (s *Store) newRow(e Event) (row, error) {
	if len(s.key) < MinKeyLen {
		return row{}, ErrShortKey
	}
	level := e.Level
	switch level {
	case "":
		level = LevelInfo
	case LevelInfo, LevelWarning, LevelError, LevelCritical:
	default:
		return row{}, fmt.Errorf("audit: unknown level %q", clean(string(level), 16))
	}
	if e.Type == "" {
		return row{}, errors.New("audit: event type is required")
	}
	t := e.Time
	if t.IsZero() {
		t = s.clock()
	}
	return row{
		timeUS:    t.UnixMicro(),
		level:     string(level),
		typ:       clean(e.Type, maxType),
		actor:     clean(e.Actor, maxActor),
		ip:        clean(e.IP, maxIP),
		requestID: clean(e.RequestID, maxRequestID),
		target:    clean(scrub(e.Target), maxTarget),
		details:   clean(scrub(e.Details), maxDetails),
		status:    clean(e.Status, maxStatus),
	}, nil
}

// scrub removes card numbers from a free-text field. Callers put
// client-chosen text in targets (a path, an order number), and a row can
// never be changed once chained, so card data must not get in even by
// mistake (DESIGN.md invariant 6; found by review).
func scrub(s string) string {
	out, _ := card.RedactNumbers(s)
	return out
}

// appendRow links r to the newest row and inserts it. The caller's
// transaction must exclude every other appender between the read and the
// insert, or two rows would share a predecessor and the chain would fork.
func (s *Store) appendRow(ctx context.Context, tx *sql.Tx, r *row) error {
	if s.db.Dialect() == storage.DialectPostgres {
		// The one dialect branch: PostgreSQL needs an explicit lock, held to
		// commit, that excludes other appenders in any process while plain
		// reads (Verify, Tail) go on. SQLite has no LOCK TABLE and needs none:
		// storage begins every transaction IMMEDIATE, which takes the
		// database's single write lock at BEGIN.
		if _, err := tx.ExecContext(ctx, `LOCK TABLE audit_events IN EXCLUSIVE MODE`); err != nil {
			return fmt.Errorf("lock: %w", err)
		}
	}
	var lastID int64
	lastHash := GenesisHash
	err := tx.QueryRowContext(ctx, `SELECT id, hash FROM audit_events ORDER BY id DESC LIMIT 1`).Scan(&lastID, &lastHash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("read chain head: %w", err)
	}
	r.id = lastID + 1
	r.prevHash = lastHash
	r.hash = computeHash(s.key, *r)
	_, err = tx.ExecContext(ctx, `INSERT INTO audit_events
		(id, time_us, level, type, actor, ip, request_id, target, details, status, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		r.id, r.timeUS, r.level, r.typ, r.actor, r.ip, r.requestID, r.target, r.details, r.status, r.prevHash, r.hash)
	if err != nil {
		return fmt.Errorf("insert: %w", err)
	}
	return nil
}

// log writes the event with DESIGN.md's fixed keys once the row is
// committed, or with the storage error when it is not. "severity" carries
// the audit level because "level" is the log record's own key.
func (s *Store) log(ctx context.Context, r row, storeErr error) {
	level := slogLevel(Level(r.level))
	attrs := []slog.Attr{
		slog.String("event", r.typ),
		slog.String("user_id", r.actor),
		slog.String("ip", r.ip),
		slog.String("request_id", r.requestID),
		slog.String("status", r.status),
		slog.String("severity", r.level),
		slog.String("target", r.target),
		slog.String("details", r.details),
	}
	if storeErr != nil {
		level = max(level, slog.LevelError)
		attrs = append(attrs, slog.String("error", storeErr.Error()))
	} else {
		attrs = append(attrs, slog.Int64("audit_id", r.id))
	}
	s.logger.LogAttrs(ctx, level, "security event", attrs...)
}

// slogLevel maps an audit level to a log level; CRITICAL sits above ERROR.
func slogLevel(l Level) slog.Level {
	switch l {
	case LevelWarning:
		return slog.LevelWarn
	case LevelError:
		return slog.LevelError
	case LevelCritical:
		return slog.LevelError + 4
	default:
		return slog.LevelInfo
	}
}
