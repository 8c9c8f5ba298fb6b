package kb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"supportbot/internal/audit"
	"supportbot/internal/storage"
)

// Store keeps the entries. It is safe for concurrent use, also by several
// instances sharing one PostgreSQL.
type Store struct {
	db    *storage.DB
	rec   audit.Recorder
	clock func() time.Time
}

// NewStore returns a Store on db that audits every edit to rec. A nil clock
// means time.Now.
func NewStore(db *storage.DB, rec audit.Recorder, clock func() time.Time) *Store {
	if clock == nil {
		clock = time.Now
	}
	return &Store{db: db, rec: rec, clock: clock}
}

// Editor says who changes the knowledge base, for the audit trail.
type Editor struct {
	UserID, IP, RequestID string
}

const selectEntry = `SELECT id, question, paraphrases, answer, tags, created_at, updated_at FROM faq_entries`

// List returns every entry ordered by id.
func (s *Store) List(ctx context.Context) ([]Entry, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	rows, err := s.db.SQL().QueryContext(ctx, selectEntry+` ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("kb: list: %w", err)
	}
	defer func() { _ = rows.Close() }()
	var out []Entry
	for rows.Next() {
		e, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("kb: list: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("kb: list: %w", err)
	}
	return out, nil
}

// Get returns the entry with id, or ErrNotFound.
func (s *Store) Get(ctx context.Context, id string) (Entry, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	e, err := scan(s.db.SQL().QueryRowContext(ctx, selectEntry+` WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Entry{}, fmt.Errorf("kb: get %s: %w", logID(id), ErrNotFound)
	}
	if err != nil {
		return Entry{}, fmt.Errorf("kb: get %s: %w", logID(id), err)
	}
	return e, nil
}

// Revision returns the change counter: it grows with every create, update
// and delete.
func (s *Store) Revision(ctx context.Context) (int64, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	var rev int64
	if err := s.db.SQL().QueryRowContext(ctx, `SELECT revision FROM kb_revision WHERE id = 1`).Scan(&rev); err != nil {
		return 0, fmt.Errorf("kb: revision: %w", err)
	}
	return rev, nil
}

// Create adds a new entry; an existing id is ErrExists.
func (s *Store) Create(ctx context.Context, by Editor, e Entry) (Entry, error) {
	e, err := Normalize(e)
	if err != nil {
		return Entry{}, err
	}
	now := s.clock().UTC().Truncate(time.Microsecond)
	e.CreatedAt, e.UpdatedAt = now, now
	para, tags := encodeList(e.Paraphrases), encodeList(e.Tags)
	err = s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM faq_entries`).Scan(&n); err != nil {
			return err
		}
		if n >= MaxEntries {
			return ErrFull
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO faq_entries (id, question, paraphrases, answer, tags, created_at, updated_at, updated_by)
			SELECT $1, $2, $3, $4, $5, $6, $6, $7 WHERE NOT EXISTS (SELECT 1 FROM faq_entries WHERE id = $1)`,
			e.ID, e.Question, para, e.Answer, tags, now.UnixMicro(), by.UserID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrExists
		}
		return bump(ctx, tx)
	})
	if err != nil {
		return Entry{}, fmt.Errorf("kb: create %s: %w", e.ID, err)
	}
	s.audit(ctx, by, "kb.entry_created", e.ID)
	return e, nil
}

// Update replaces the entry e.ID; a missing one is ErrNotFound.
func (s *Store) Update(ctx context.Context, by Editor, e Entry) (Entry, error) {
	e, err := Normalize(e)
	if err != nil {
		return Entry{}, err
	}
	now := s.clock().UTC().Truncate(time.Microsecond)
	err = s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE faq_entries SET question = $2, paraphrases = $3, answer = $4, tags = $5, updated_at = $6, updated_by = $7 WHERE id = $1`,
			e.ID, e.Question, encodeList(e.Paraphrases), e.Answer, encodeList(e.Tags), now.UnixMicro(), by.UserID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return bump(ctx, tx)
	})
	if err != nil {
		return Entry{}, fmt.Errorf("kb: update %s: %w", e.ID, err)
	}
	s.audit(ctx, by, "kb.entry_updated", e.ID)
	return s.Get(ctx, e.ID)
}

// Delete removes the entry with id; a missing one is ErrNotFound.
func (s *Store) Delete(ctx context.Context, by Editor, id string) error {
	err := s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM faq_entries WHERE id = $1`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return bump(ctx, tx)
	})
	if err != nil {
		return fmt.Errorf("kb: delete %s: %w", logID(id), err)
	}
	s.audit(ctx, by, "kb.entry_deleted", id)
	return nil
}

// SeedIfEmpty stores entries when the knowledge base has none, in one
// transaction, and reports whether it did. The demo shop uses it.
func (s *Store) SeedIfEmpty(ctx context.Context, by Editor, entries []Entry) (bool, error) {
	clean := make([]Entry, len(entries))
	for i, e := range entries {
		var err error
		if clean[i], err = Normalize(e); err != nil {
			return false, fmt.Errorf("kb: seed entry %d: %w", i, err)
		}
	}
	now := s.clock().UnixMicro()
	seeded := false
	err := s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM faq_entries`).Scan(&n); err != nil || n > 0 {
			return err
		}
		for _, e := range clean {
			if _, err := tx.ExecContext(ctx, `INSERT INTO faq_entries (id, question, paraphrases, answer, tags, created_at, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $6, $7)`,
				e.ID, e.Question, encodeList(e.Paraphrases), e.Answer, encodeList(e.Tags), now, by.UserID); err != nil {
				return err
			}
		}
		seeded = true
		return bump(ctx, tx)
	})
	if err != nil {
		return false, fmt.Errorf("kb: seed: %w", err)
	}
	if seeded {
		s.audit(ctx, by, "kb.seeded", fmt.Sprintf("%d entries", len(clean)))
	}
	return seeded, nil
}

func bump(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `UPDATE kb_revision SET revision = revision + 1 WHERE id = 1`)
	return err
}

// audit records an edit. The entry was changed, so a failure to record is
// logged by the recorder and not returned: the admin's change stands.
func (s *Store) audit(ctx context.Context, by Editor, typ, target string) {
	if s.rec == nil {
		return
	}
	_ = s.rec.Record(context.WithoutCancel(ctx), audit.Event{
		Type: typ, Level: audit.LevelInfo, Actor: by.UserID, IP: by.IP, RequestID: by.RequestID,
		Target: "faq:" + target, Status: "success",
	})
}

func scan(row storage.Scanner) (Entry, error) {
	var (
		e                Entry
		para, tags       string
		created, updated int64
	)
	if err := row.Scan(&e.ID, &e.Question, &para, &e.Answer, &tags, &created, &updated); err != nil {
		return Entry{}, err
	}
	if err := json.Unmarshal([]byte(para), &e.Paraphrases); err != nil {
		return Entry{}, fmt.Errorf("paraphrases of %s: %w", e.ID, err)
	}
	if err := json.Unmarshal([]byte(tags), &e.Tags); err != nil {
		return Entry{}, fmt.Errorf("tags of %s: %w", e.ID, err)
	}
	e.CreatedAt, e.UpdatedAt = time.UnixMicro(created).UTC(), time.UnixMicro(updated).UTC()
	return e, nil
}

func encodeList(l []string) string {
	if l == nil {
		l = []string{}
	}
	b, _ := json.Marshal(l) // a []string always encodes
	return string(b)
}

// logID shortens a client-chosen id for error messages.
func logID(id string) string {
	if len(id) > maxIDChars {
		return fmt.Sprintf("%q…", id[:maxIDChars])
	}
	return fmt.Sprintf("%q", id)
}
