package audit

import (
	"context"
	"crypto/hmac"
	"fmt"
)

// Result is the outcome of Verify.
type Result struct {
	OK         bool   // every row checked out
	Checked    int    // rows read, including the bad one
	FirstBadID int64  // id of the first bad row; 0 when OK
	Reason     string // what is wrong with it; "" when OK
	// LastID and LastHash identify the newest verified row. Deleting the
	// newest rows leaves a valid shorter chain, which only an anchor kept
	// outside the database reveals: record these (in the log, a ticket, a
	// second system) and check later that the chain still contains them.
	LastID   int64
	LastHash string
}

// Verify walks the chain in id order and reports the first row whose hash
// does not match its content (altered), whose prev_hash is not its
// predecessor's hash (inserted, deleted or reordered), or whose id does not
// follow its predecessor's (deleted). A bad chain is a Result, not an error;
// the error is for failing to read. It reads with ctx as given, not the
// per-query timeout, because a long trail takes long to walk.
func (s *Store) Verify(ctx context.Context) (Result, error) {
	if len(s.key) < MinKeyLen {
		return Result{}, ErrShortKey
	}
	rows, err := s.db.SQL().QueryContext(ctx, `SELECT
		id, time_us, level, type, actor, ip, request_id, target, details, status, prev_hash, hash
		FROM audit_events ORDER BY id`)
	if err != nil {
		return Result{}, fmt.Errorf("audit: verify: %w", err)
	}
	defer rows.Close()

	res := Result{LastHash: GenesisHash}
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.timeUS, &r.level, &r.typ, &r.actor, &r.ip, &r.requestID,
			&r.target, &r.details, &r.status, &r.prevHash, &r.hash); err != nil {
			return Result{}, fmt.Errorf("audit: verify: %w", err)
		}
		res.Checked++
		if reason := check(s.key, r, res.LastID, res.LastHash); reason != "" {
			res.FirstBadID = r.id
			res.Reason = reason
			return res, nil
		}
		res.LastID, res.LastHash = r.id, r.hash
	}
	if err := rows.Err(); err != nil {
		return Result{}, fmt.Errorf("audit: verify: %w", err)
	}
	res.OK = true
	return res, nil
}

// check returns why r cannot follow the row (prevID, prevHash), or "".
// The id is checked first: a gap says "deleted" more precisely than the
// prev_hash mismatch it also causes.
func check(key []byte, r row, prevID int64, prevHash string) string {
	switch {
	case r.id != prevID+1 && prevID == 0:
		return fmt.Sprintf("row %d: the chain starts at id %d, not 1: rows deleted from its start, or a row inserted before it", r.id, r.id)
	case r.id != prevID+1:
		return fmt.Sprintf("row %d: ids %d to %d are missing: rows deleted", r.id, prevID+1, r.id-1)
	case !hmac.Equal([]byte(r.prevHash), []byte(prevHash)):
		if prevID == 0 {
			return fmt.Sprintf("row %d: prev_hash is not the genesis value: row altered or inserted", r.id)
		}
		return fmt.Sprintf("row %d: prev_hash does not match row %d: row inserted, replaced or reordered", r.id, prevID)
	case !hmac.Equal([]byte(r.hash), []byte(computeHash(key, r))):
		return fmt.Sprintf("row %d: hash does not match its content: row altered", r.id)
	}
	return ""
}
