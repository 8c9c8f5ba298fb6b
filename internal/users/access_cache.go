package users

import (
	"context"
	"fmt"
	"math"
	"sync"
	"time"
)

// The access state of every authenticated request (AccessStateOf) was a
// query each time: about a seventh of a chat turn's CPU on SQLite, where
// every commit of another connection empties a connection's page cache.
// On SQLite, the embedded single-server deployment, the Store remembers
// the answers instead and forgets one as soon as it changes:
//
//   - Migration 00009's triggers log every change of a user's role,
//     disabled flag or token generation, every deleted or inserted user
//     (REPLACE) and every revoked jti into access_changes, in the transaction that makes the
//     change, whatever makes it: this process, a terminal command run
//     beside the server or anyone else with the file.
//   - The Store reads the rows it has not seen (poll) before it answers
//     from memory whenever its last read is older than accessPollEvery, and
//     right after each change it makes itself (accessChanged), so its own
//     changes count at once and anyone else's within twice accessPollEvery
//     (while one request polls, others still answer from memory until the
//     last poll is that old).
//   - An answer read from the database is remembered only if no change was
//     applied while it was being read (gen), so a read that raced a change
//     cannot bring the old state back.
//   - When a poll fails, everything is forgotten and nothing is answered
//     from memory until a poll succeeds.
//
// A revoked jti is never remembered as such: the answer "revoked" is read
// again each time, which costs only the requests that are refused anyway.
const (
	accessPollEvery = 100 * time.Millisecond
	// maxAccessUsers bounds the users remembered, maxAccessJTIs the access
	// tokens remembered per user (one per session, renewed every 15
	// minutes): about 300 bytes a user.
	maxAccessUsers = 4096
	maxAccessJTIs  = 8
	// accessChangesKept is how many rows of access_changes a poll leaves
	// behind when it prunes the table, every accessPruneEvery rows.
	accessChangesKept = 1000
	accessPruneEvery  = 10000
	// maxAccessChangesRead is the most rows one poll applies one by one;
	// more, or a gap in the sequence, forgets everything instead.
	maxAccessChangesRead = 1000
)

type accessCache struct {
	mu     sync.Mutex
	users  map[string]*accessEntry
	owners map[string]string // jti → user id, for every remembered jti
	// gen counts the polls that forgot something.
	gen uint64
	// seq is the last access_changes row applied, polled when the last
	// poll succeeded (zero: never, or failed since), pruned the seq up to
	// which the table was last pruned.
	seq, pruned int64
	polled      time.Time
	// now is time.Now: its monotonic reading measures the poll period
	// whatever the Store's clock says; tests replace it.
	now func() time.Time

	polling sync.Mutex // one poll at a time
}

// accessEntry is a user's state and the access tokens known not revoked.
type accessEntry struct {
	state AccessState
	jtis  map[string]struct{}
}

func newAccessCache() *accessCache {
	return &accessCache{users: map[string]*accessEntry{}, owners: map[string]string{}, now: time.Now}
}

// lookup returns the remembered state of userID's token jti. When it has
// none, ok is false and remember says whether the answer the caller reads
// now may be remembered: pass gen back to remember.
func (c *accessCache) lookup(ctx context.Context, s *Store, userID, jti string) (st AccessState, ok, remember bool, gen uint64) {
	if !c.fresh(ctx, s) {
		return AccessState{}, false, false, 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.users[userID]; e != nil {
		if _, known := e.jtis[jti]; known {
			return e.state, true, false, 0
		}
	}
	return AccessState{}, false, true, c.gen
}

// fresh reports whether the remembered states may be used, polling first
// when the last poll is older than accessPollEvery. While another caller
// polls, the states stay usable until the last poll is twice that old.
//
// The poll is not the caller's alone, so a caller that gives up does not
// fail it (which would forget everything).
func (c *accessCache) fresh(ctx context.Context, s *Store) bool {
	if c.age() < accessPollEvery {
		return true
	}
	if !c.polling.TryLock() {
		if c.age() < 2*accessPollEvery {
			return true
		}
		c.polling.Lock()
	}
	defer c.polling.Unlock()
	if c.age() < accessPollEvery { // polled while this caller waited
		return true
	}
	return c.poll(context.WithoutCancel(ctx), s) == nil
}

// age is the time since the last successful poll, or forever.
func (c *accessCache) age() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.polled.IsZero() {
		return time.Duration(math.MaxInt64)
	}
	return c.now().Sub(c.polled)
}

// remember keeps st for userID's token jti, unless a poll forgot anything
// since gen was read.
func (c *accessCache) remember(userID, jti string, st AccessState, gen uint64) {
	if st.Revoked {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen || c.polled.IsZero() {
		return
	}
	e := c.users[userID]
	if e == nil || e.state != st {
		if e != nil {
			c.dropUser(userID)
		}
		if len(c.users) >= maxAccessUsers {
			for id := range c.users { // any one: map order is random
				c.dropUser(id)
				break
			}
		}
		e = &accessEntry{state: st, jtis: map[string]struct{}{}}
		c.users[userID] = e
	}
	if len(e.jtis) >= maxAccessJTIs {
		for j := range e.jtis {
			delete(c.owners, j)
		}
		clear(e.jtis)
	}
	// A jti is remembered under one user only, so that revoking it
	// reaches every entry that holds it: the same jti under two users
	// (two tokens signed with it) moves from one to the other.
	if owner, ok := c.owners[jti]; ok && owner != userID {
		delete(c.users[owner].jtis, jti)
	}
	e.jtis[jti] = struct{}{}
	c.owners[jti] = userID
}

// dropUser forgets a user and their tokens; c.mu is held.
func (c *accessCache) dropUser(userID string) {
	if e := c.users[userID]; e != nil {
		for j := range e.jtis {
			delete(c.owners, j)
		}
		delete(c.users, userID)
	}
}

// forgetAll forgets everything and marks the cache unusable until the next
// successful poll; c.mu is held.
func (c *accessCache) forgetAll() {
	clear(c.users)
	clear(c.owners)
	c.gen++
	c.polled = time.Time{}
}

// poll applies the access_changes rows after c.seq. The caller holds
// c.polling.
func (c *accessCache) poll(ctx context.Context, s *Store) (err error) {
	c.mu.Lock()
	started := c.now()
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		if err != nil {
			c.forgetAll()
			return
		}
		c.polled = started
	}()
	c.mu.Lock()
	seq := c.seq
	first := c.polled.IsZero()
	c.mu.Unlock()
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	if first {
		// Nothing is remembered before the first poll (or after a failed
		// one), so only the position is needed.
		var last int64
		if err := s.db.SQL().QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM access_changes`).Scan(&last); err != nil {
			return fmt.Errorf("users: access changes: %w", err)
		}
		c.mu.Lock()
		c.forgetAll()
		c.seq = last
		c.mu.Unlock()
		return nil
	}
	rows, err := s.db.SQL().QueryContext(ctx, `SELECT seq, user_id, jti FROM access_changes WHERE seq > $1 ORDER BY seq LIMIT $2`,
		seq, maxAccessChangesRead+1)
	if err != nil {
		return fmt.Errorf("users: access changes: %w", err)
	}
	defer rows.Close()
	type change struct {
		seq         int64
		userID, jti string
	}
	var changes []change
	for rows.Next() {
		var ch change
		if err := rows.Scan(&ch.seq, &ch.userID, &ch.jti); err != nil {
			return fmt.Errorf("users: access changes: %w", err)
		}
		changes = append(changes, ch)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("users: access changes: %w", err)
	}
	if len(changes) == 0 {
		return nil
	}
	c.mu.Lock()
	// Too many rows, or rows missing (pruned by another process before
	// this one read them): forget everything rather than miss a change.
	if len(changes) > maxAccessChangesRead || changes[0].seq != seq+1 {
		c.forgetAll()
	} else {
		for _, ch := range changes {
			if ch.userID != "" {
				c.dropUser(ch.userID)
			}
			if owner, ok := c.owners[ch.jti]; ok && ch.jti != "" {
				delete(c.users[owner].jtis, ch.jti)
				delete(c.owners, ch.jti)
			}
		}
		c.gen++
	}
	last := changes[len(changes)-1].seq
	c.seq = last
	prune := last-c.pruned >= accessPruneEvery
	if prune {
		c.pruned = last
	}
	c.mu.Unlock()
	if prune {
		if _, err := s.db.SQL().ExecContext(ctx, `DELETE FROM access_changes WHERE seq <= $1`, last-accessChangesKept); err != nil {
			return fmt.Errorf("users: prune access changes: %w", err)
		}
	}
	return nil
}

// accessChanged is called after this Store changed, or tried to change,
// someone's access state, whatever the outcome (a commit can succeed and
// still report an error): it applies the change to what is remembered
// before the caller goes on, so that the next request already sees it.
func (s *Store) accessChanged(ctx context.Context) {
	c := s.access
	if c == nil {
		return
	}
	c.polling.Lock()
	defer c.polling.Unlock()
	_ = c.poll(context.WithoutCancel(ctx), s) // a failed poll forgets everything
}
