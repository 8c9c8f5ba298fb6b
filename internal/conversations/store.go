// Package conversations keeps customer conversations and their messages,
// runs each chat turn (clean → redact card data → understand → dialogue →
// store, encrypted) and carries the hand-off to support staff (issue 4,
// "Dialogue", "API and storage").
package conversations

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"supportbot/internal/auth"
	"supportbot/internal/bot/dialogue"
	"supportbot/internal/crypto"
	"supportbot/internal/storage"
)

// Status is where a conversation stands.
type Status string

// The statuses.
const (
	StatusBot       Status = "bot"               // the bot answers
	StatusWaiting   Status = "waiting_for_agent" // handed off, in the support queue
	StatusWithAgent Status = "with_agent"        // claimed by a staff member; the bot stays quiet
	StatusClosed    Status = "closed"
)

// Sender says who wrote a message.
type Sender string

// The senders.
const (
	SenderCustomer Sender = "customer"
	SenderBot      Sender = "bot"
	SenderAgent    Sender = "agent"
	SenderSystem   Sender = "system"
)

// Conversation is one chat between a customer and the shop.
type Conversation struct {
	ID             string
	CustomerID     string
	AssigneeID     string
	Status         Status
	State          dialogue.State
	Version        int64
	LastSeq        int64
	CreatedAt      time.Time
	UpdatedAt      time.Time
	LastActivityAt time.Time
	HandoffAt      time.Time
	ClosedAt       time.Time
}

// Resource describes the conversation for auth.Authorize: the customer owns
// it, the staff member who claimed it is its assignee, and a handed-off
// one waits in the queue that all support staff may see.
func (c Conversation) Resource() auth.Resource {
	return auth.Resource{Exists: true, OwnerID: c.CustomerID, AssigneeID: c.AssigneeID, Queued: c.Status == StatusWaiting}
}

// Meta is what a bot message says besides its text. It never holds
// customer text.
type Meta struct {
	Confidence  float64  `json:"confidence,omitempty"`
	OrderID     string   `json:"order_id,omitempty"`
	FAQID       string   `json:"faq_id,omitempty"`
	Suggestions []string `json:"suggestions,omitempty"`
	Handoff     bool     `json:"handoff,omitempty"`
}

// Message is one message of a conversation.
type Message struct {
	ConversationID string
	Seq            int64
	Sender         Sender
	AuthorID       string // the customer or agent; "" for the bot and the system
	Text           string // decrypted, card data already removed
	Intent         string // the bot's reading of a customer message, or the intent a bot reply answers
	Redactions     int    // card numbers, codes and dates removed before storage
	Meta           Meta
	CreatedAt      time.Time
}

var (
	// ErrNotFound means no conversation has the id.
	ErrNotFound = errors.New("conversations: not found")
	// ErrConflict means the conversation changed since it was read; the
	// caller reads it again and retries.
	ErrConflict = errors.New("conversations: changed concurrently")
)

// Store persists conversations and messages. Message text is encrypted
// with its conversation and sequence number as associated data.
type Store struct {
	db    *storage.DB
	keys  *crypto.Keyring
	clock func() time.Time
	group groupCommit
	// recent holds conversations as this Store last wrote or read them, on
	// SQLite only (see latest).
	recent *recentConversations

	prepared [numStatements]atomic.Pointer[sql.Stmt]
}

// The statements of every chat turn, prepared once: parsing them again on
// every turn cost about a sixth of a turn's CPU on SQLite.
const (
	sqlGet = iota
	sqlUpdate
	sqlUpdateTurn
	sqlInsertMessage
	numStatements
)

var statements = [numStatements]string{
	sqlGet: selectConversation + ` WHERE id = $1`,
	sqlUpdate: `UPDATE conversations SET status = $3, assignee_id = $4, state = $5, version = $6, last_seq = $7,
		updated_at = $8, last_activity_at = $9, handoff_at = $10, closed_at = $11 WHERE id = $1 AND version = $2`,
	// Most turns change neither status nor assignee: leaving those columns
	// out of the statement keeps SQLite from rewriting the indexes that hold
	// them (migration 00008).
	sqlUpdateTurn: `UPDATE conversations SET state = $3, version = $4, last_seq = $5, updated_at = $6, last_activity_at = $7
		WHERE id = $1 AND version = $2`,
	sqlInsertMessage: `INSERT INTO messages (conversation_id, seq, sender, author_id, text_enc, intent, redactions, meta, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
}

// prepare prepares the statements not prepared yet, on the pool. It is
// called before a transaction begins, never inside one: preparing on the
// pool while holding a transaction's connection could wait for a
// connection forever with a pool of one (found by review). A failure is
// not kept; the next call tries again.
func (s *Store) prepare(ctx context.Context) {
	for i := range s.prepared {
		if s.prepared[i].Load() != nil {
			continue
		}
		st, err := s.db.SQL().PrepareContext(ctx, statements[i])
		if err != nil {
			return // stmt prepares on the transaction instead
		}
		if !s.prepared[i].CompareAndSwap(nil, st) {
			_ = st.Close()
		}
	}
}

// stmt returns statement i: the prepared one (bound to tx when tx is not
// nil), or one prepared for this use when prepare could not.
func (s *Store) stmt(ctx context.Context, tx *sql.Tx, i int) (*sql.Stmt, error) {
	st := s.prepared[i].Load()
	switch {
	case st != nil && tx != nil:
		return tx.StmtContext(ctx, st), nil
	case st != nil:
		return st, nil
	case tx != nil:
		return tx.PrepareContext(ctx, statements[i])
	}
	return s.db.SQL().PrepareContext(ctx, statements[i])
}

// NewStore returns a Store. A nil clock means time.Now.
func NewStore(db *storage.DB, keys *crypto.Keyring, clock func() time.Time) *Store {
	if clock == nil {
		clock = time.Now
	}
	s := &Store{db: db, keys: keys, clock: clock}
	if db.Dialect() == storage.DialectSQLite {
		s.recent = &recentConversations{m: map[string]Conversation{}}
	}
	return s
}

// maxRecent bounds the conversations Store.latest remembers: about 300
// bytes each.
const maxRecent = 4096

// recentConversations remembers the last version of recently used
// conversations. SQLite is the embedded, single-server deployment
// (DESIGN.md, "One process, two deployments"): what this Store last wrote
// is the current version unless another process — a terminal command such
// as `supportbot chat` — wrote since, and that is caught where it matters,
// because every change is a compare-and-set on the version (Apply), which
// answers ErrConflict and forgets the entry.
type recentConversations struct {
	mu sync.Mutex
	m  map[string]Conversation
}

func (r *recentConversations) get(id string) (Conversation, bool) {
	if r == nil {
		return Conversation{}, false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	c, ok := r.m[id]
	return c, ok
}

func (r *recentConversations) put(c Conversation) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	old, ok := r.m[c.ID]
	if ok && old.Version > c.Version {
		return // two writers finished out of order: keep the newer
	}
	if !ok && len(r.m) >= maxRecent {
		for id := range r.m { // an arbitrary one: the map's order is random
			delete(r.m, id)
			break
		}
	}
	r.m[c.ID] = c
}

func (r *recentConversations) forget(id string) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.m, id)
}

// latest returns the conversation as this Store last wrote or read it, if
// it remembers it, without reading the database: a chat turn starts from
// it and saves a read. The caller must only act on it through Apply,
// whose compare-and-set refuses a stale version, and must not base a
// change outside the conversation (an order cancelled on a "yes") on it.
// Always false on PostgreSQL, where several instances write.
func (s *Store) latest(id string) (Conversation, bool) { return s.recent.get(id) }

func aad(conversationID string, seq int64) crypto.AAD {
	return crypto.AAD{Table: "messages", Column: "text", RowID: conversationID + "/" + strconv.FormatInt(seq, 10)}
}

const selectConversation = `SELECT id, customer_id, assignee_id, status, state, version, last_seq, created_at, updated_at, last_activity_at, handoff_at, closed_at FROM conversations`

func scanConversation(row storage.Scanner) (Conversation, error) {
	var (
		c                                       Conversation
		status, state                           string
		created, updated, active, handoff, done int64
	)
	if err := row.Scan(&c.ID, &c.CustomerID, &c.AssigneeID, &status, &state, &c.Version, &c.LastSeq,
		&created, &updated, &active, &handoff, &done); err != nil {
		return Conversation{}, err
	}
	if err := json.Unmarshal([]byte(state), &c.State); err != nil {
		return Conversation{}, fmt.Errorf("state of %s: %w", c.ID, err)
	}
	c.Status = Status(status)
	c.CreatedAt, c.UpdatedAt, c.LastActivityAt = storage.Time(created), storage.Time(updated), storage.Time(active)
	c.HandoffAt, c.ClosedAt = storage.Time(handoff), storage.Time(done)
	return c, nil
}

// Get returns the conversation with id, or ErrNotFound.
func (s *Store) Get(ctx context.Context, id string) (Conversation, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	s.prepare(ctx)
	get, err := s.stmt(ctx, nil, sqlGet)
	if err != nil {
		return Conversation{}, fmt.Errorf("conversations: get: %w", err)
	}
	c, err := scanConversation(get.QueryRowContext(ctx, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Conversation{}, ErrNotFound
	}
	if err != nil {
		return Conversation{}, fmt.Errorf("conversations: get: %w", err)
	}
	s.recent.put(c)
	return c, nil
}

// Create starts a conversation for customerID with the given opening
// messages (the bot's welcome).
func (s *Store) Create(ctx context.Context, customerID string, opening []Message) (Conversation, []Message, error) {
	now := s.clock().UTC().Truncate(time.Microsecond)
	c := Conversation{ID: storage.NewID(), CustomerID: customerID, Status: StatusBot, Version: 1,
		CreatedAt: now, UpdatedAt: now, LastActivityAt: now}
	rows, err := s.seal(c.ID, 0, opening, now)
	if err != nil {
		return Conversation{}, nil, fmt.Errorf("conversations: create: %w", err)
	}
	s.prepare(ctx)
	err = s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO conversations (id, customer_id, status, state, version, last_seq, created_at, updated_at, last_activity_at) VALUES ($1, $2, $3, '{}', 1, 0, $4, $4, $4)`,
			c.ID, customerID, string(StatusBot), now.UnixMicro()); err != nil {
			return err
		}
		if err := insertMessages(ctx, &txStatements{s: s, tx: tx}, rows); err != nil {
			return err
		}
		c.LastSeq = int64(len(rows))
		_, err := tx.ExecContext(ctx, `UPDATE conversations SET last_seq = $2 WHERE id = $1`, c.ID, c.LastSeq)
		return err
	})
	if err != nil {
		return Conversation{}, nil, fmt.Errorf("conversations: create: %w", err)
	}
	s.recent.put(c)
	return c, messagesOf(rows), nil
}

// Change is what one step does to a conversation: messages to append and
// the conversation's new status, assignee and dialogue state.
type Change struct {
	Messages []Message
	Status   Status
	Assignee string
	State    dialogue.State
	// Activity marks a customer or agent message, which restarts the idle
	// timer; a status change alone does not.
	Activity bool
}

// write is one Apply on its way to the database.
type write struct {
	before  Conversation
	after   Conversation
	state   string
	rows    []sealed // the messages, sealed before the transaction (seal)
	now     time.Time
	err     error
	written chan struct{}
}

// Apply appends ch to c if c is still at the version read, in one
// transaction, and returns the conversation after it and the stored
// messages (with their sequence numbers). A conversation changed in the
// meantime, by this or any other instance, is ErrConflict: nothing is
// written.
//
// On SQLite, which has one writer at a time anyway, concurrent Applies are
// committed together (group commit): the first caller to find no commit
// in progress writes every Apply waiting at that moment in one
// transaction, and repeats until none is left. Each Apply keeps its own
// compare-and-set, so one conflicting Apply does not affect the others;
// each caller returns only after the transaction holding its write has
// committed, so nothing acknowledged can be lost in a crash.
func (s *Store) Apply(ctx context.Context, c Conversation, ch Change) (Conversation, []Message, error) {
	now := s.clock().UTC().Truncate(time.Microsecond)
	state, err := json.Marshal(ch.State)
	if err != nil {
		return Conversation{}, nil, fmt.Errorf("conversations: encode state: %w", err)
	}
	next := c
	next.Status, next.AssigneeID, next.State = ch.Status, ch.Assignee, ch.State
	next.Version++
	next.LastSeq += int64(len(ch.Messages))
	next.UpdatedAt = now
	if ch.Activity {
		next.LastActivityAt = now
	}
	if ch.Status == StatusWaiting && c.Status != StatusWaiting {
		next.HandoffAt = now
	}
	if ch.Status == StatusClosed && c.Status != StatusClosed {
		next.ClosedAt = now
	}
	rows, err := s.seal(c.ID, c.LastSeq, ch.Messages, now)
	if err != nil {
		return Conversation{}, nil, fmt.Errorf("conversations: apply to %s: %w", c.ID, err)
	}
	w := &write{before: c, after: next, state: string(state), rows: rows, now: now}
	s.prepare(ctx)
	if s.db.Dialect() == storage.DialectSQLite {
		if err := s.group.commit(ctx, w, func(batch []*write) {
			// The batch is everyone's: one caller giving up must not
			// cancel it, but it gets one query timeout in all.
			bctx, cancel := s.db.Ctx(context.WithoutCancel(ctx))
			defer cancel()
			s.writeBatch(bctx, batch)
		}); err != nil {
			s.recent.forget(c.ID) // the write may yet commit
			return Conversation{}, nil, fmt.Errorf("conversations: apply to %s: %w", c.ID, err)
		}
	} else {
		s.writeBatch(ctx, []*write{w})
	}
	if w.err != nil {
		s.recent.forget(c.ID)
		if errors.Is(w.err, ErrConflict) {
			return Conversation{}, nil, ErrConflict
		}
		return Conversation{}, nil, fmt.Errorf("conversations: apply to %s: %w", c.ID, w.err)
	}
	s.recent.put(next)
	return next, messagesOf(w.rows), nil
}

// maxBatch bounds the Applies written in one transaction.
const maxBatch = 256

// groupCommit gathers concurrent writes so one transaction commits many.
type groupCommit struct {
	mu      sync.Mutex
	pending []*write
	leading bool
}

// commit queues w and returns once it is written: by this goroutine, if no
// other is writing (it then writes batches until the queue is empty), or
// by the goroutine that is. A caller whose ctx ends first returns
// ctx.Err() at once; its write may still be committed.
func (g *groupCommit) commit(ctx context.Context, w *write, run func([]*write)) error {
	w.written = make(chan struct{})
	g.mu.Lock()
	g.pending = append(g.pending, w)
	lead := !g.leading
	g.leading = true
	g.mu.Unlock()
	if lead {
		g.lead(run)
	}
	select {
	case <-w.written:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// lead writes batches until the queue is empty. Should run panic, every
// write it holds or that waits fails and leadership is released, so no
// caller waits forever.
func (g *groupCommit) lead(run func([]*write)) {
	var batch []*write
	defer func() {
		p := recover()
		if p == nil {
			return
		}
		g.mu.Lock()
		batch = append(batch, g.pending...)
		g.pending, g.leading = nil, false
		g.mu.Unlock()
		for _, b := range batch {
			b.err = fmt.Errorf("conversations: group commit failed: %v", p)
			close(b.written)
		}
		panic(p)
	}()
	for {
		g.gather()
		g.mu.Lock()
		batch = g.pending
		if len(batch) > maxBatch {
			batch = batch[:maxBatch]
		}
		g.pending = g.pending[len(batch):]
		if len(batch) == 0 {
			g.leading = false
			g.mu.Unlock()
			return
		}
		g.mu.Unlock()
		run(batch)
		for _, b := range batch {
			close(b.written)
		}
		batch = nil
	}
}

// A batch has fixed costs (BEGIN, COMMIT, the WAL frames of the pages every
// turn shares) that a bigger batch spreads over more turns. Under load the
// leader found about three turns waiting; yielding the processor a few
// times first lets the turns already on their way arrive. Up to four
// yields while fewer than eight waited made batches of about ten, and p99
// 2-4 ms lower; up to eight while fewer than sixteen wait makes about 12.5,
// and was faster in three alternating pairs of bench/chat.sh rounds
// (bench/README.md). With nothing else to run, a yield returns at once, so
// a lone turn is not delayed.
const (
	gatherTarget = 16
	gatherYields = 8
)

// gather yields until gatherTarget writes wait or gatherYields yields
// have passed.
func (g *groupCommit) gather() {
	for range gatherYields {
		g.mu.Lock()
		n := len(g.pending)
		g.mu.Unlock()
		if n >= gatherTarget {
			return
		}
		runtime.Gosched()
	}
}

// writeBatch writes the batch in one transaction and sets each write's
// outcome. If the transaction fails as a whole, each write is retried in a
// transaction of its own, so one bad write cannot fail the others.
func (s *Store) writeBatch(ctx context.Context, batch []*write) {
	err := s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if s.db.Dialect() == storage.DialectSQLite {
			// The statements run without ctx's deadline: the SQLite
			// driver starts a goroutine to watch every statement's context
			// that can end, three or more a turn. The transaction keeps
			// it: when ctx ends, database/sql refuses the commit, rolls
			// back and runs no further statement, but it no longer
			// interrupts the one running, so the bound is the deadline
			// plus one statement. These are point writes of microseconds
			// in a transaction that already holds the write lock (BEGIN
			// IMMEDIATE, which does honour the deadline), so nothing in
			// them waits for a lock; a stalled disk is not interruptible
			// either way.
			ctx = context.WithoutCancel(ctx)
		}
		stmts := &txStatements{s: s, tx: tx}
		for _, w := range batch {
			w.err = nil
			if err := s.writeOne(ctx, stmts, w); err != nil && !errors.Is(err, ErrConflict) {
				return err
			}
		}
		return nil
	})
	if err == nil {
		return
	}
	if len(batch) == 1 {
		batch[0].err = err
		return
	}
	for _, w := range batch {
		s.writeBatch(ctx, []*write{w})
	}
}

// txStatements are the turn's statements bound to one transaction, each
// bound on first use and kept for the rest of the transaction, which
// closes them.
type txStatements struct {
	s  *Store
	tx *sql.Tx
	st [numStatements]*sql.Stmt
}

func (t *txStatements) get(ctx context.Context, i int) (*sql.Stmt, error) {
	if t.st[i] == nil {
		st, err := t.s.stmt(ctx, t.tx, i)
		if err != nil {
			return nil, err
		}
		t.st[i] = st
	}
	return t.st[i], nil
}

// writeOne is one compare-and-set update and its messages. A conflict is
// recorded in w.err and writes nothing.
func (s *Store) writeOne(ctx context.Context, stmts *txStatements, w *write) error {
	c, next := w.before, w.after
	// Most turns change neither status nor assignee, nor therefore
	// handoff_at and closed_at (Apply): the narrow update leaves them out.
	which, args := sqlUpdateTurn, []any{
		c.ID, c.Version, w.state, next.Version, next.LastSeq, w.now.UnixMicro(), next.LastActivityAt.UnixMicro()}
	if next.Status != c.Status || next.AssigneeID != c.AssigneeID {
		which, args = sqlUpdate, []any{
			c.ID, c.Version, string(next.Status), next.AssigneeID, w.state, next.Version, next.LastSeq,
			w.now.UnixMicro(), next.LastActivityAt.UnixMicro(), storage.Micros(next.HandoffAt), storage.Micros(next.ClosedAt)}
	}
	update, err := stmts.get(ctx, which)
	if err != nil {
		return err
	}
	res, err := update.ExecContext(ctx, args...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n != 1 {
		w.err = ErrConflict
		return ErrConflict
	}
	return insertMessages(ctx, stmts, w.rows)
}

// sealed is a message ready to be inserted: numbered, its text encrypted
// and its meta encoded.
type sealed struct {
	m          Message
	text, meta string
}

// seal numbers msgs after sequence number after, encrypts their text with
// the conversation and sequence number as associated data and encodes
// their meta. It runs before the transaction, in the caller's goroutine:
// the group commit has one writer, which then spends its time on the
// database only.
func (s *Store) seal(id string, after int64, msgs []Message, now time.Time) ([]sealed, error) {
	out := make([]sealed, len(msgs))
	for i, m := range msgs {
		m.ConversationID, m.Seq, m.CreatedAt = id, after+int64(i)+1, now
		enc, err := s.keys.EncryptString(m.Text, aad(id, m.Seq))
		if err != nil {
			return nil, fmt.Errorf("encrypt message: %w", err)
		}
		meta, err := json.Marshal(m.Meta)
		if err != nil {
			return nil, fmt.Errorf("encode meta: %w", err)
		}
		out[i] = sealed{m: m, text: enc, meta: string(meta)}
	}
	return out, nil
}

func messagesOf(rows []sealed) []Message {
	out := make([]Message, len(rows))
	for i, r := range rows {
		out[i] = r.m
	}
	return out
}

func insertMessages(ctx context.Context, stmts *txStatements, rows []sealed) error {
	if len(rows) == 0 {
		return nil
	}
	insert, err := stmts.get(ctx, sqlInsertMessage)
	if err != nil {
		return err
	}
	for _, r := range rows {
		m := r.m
		if _, err := insert.ExecContext(ctx,
			m.ConversationID, m.Seq, string(m.Sender), m.AuthorID, r.text, m.Intent, m.Redactions, r.meta, m.CreatedAt.UnixMicro()); err != nil {
			return err
		}
	}
	return nil
}

// Page selects messages by sequence number: those after After (0: from the
// start) or, when Before is set, the Limit messages just before it (for
// scrolling back), always in ascending order.
type Page struct {
	After, Before int64
	Limit         int
}

// MaxPage bounds one page of messages or conversations.
const MaxPage = 200

// Messages returns a page of the conversation's messages, decrypted.
func (s *Store) Messages(ctx context.Context, id string, p Page) ([]Message, error) {
	if p.Limit <= 0 || p.Limit > MaxPage {
		p.Limit = MaxPage
	}
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	const cols = `SELECT seq, sender, author_id, text_enc, intent, redactions, meta, created_at FROM messages`
	var (
		rows *sql.Rows
		err  error
	)
	if p.Before > 0 {
		rows, err = s.db.SQL().QueryContext(ctx, `SELECT * FROM (`+cols+` WHERE conversation_id = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3) AS page ORDER BY seq`, id, p.Before, p.Limit)
	} else {
		rows, err = s.db.SQL().QueryContext(ctx, cols+` WHERE conversation_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`, id, p.After, p.Limit)
	}
	if err != nil {
		return nil, fmt.Errorf("conversations: messages of %s: %w", id, err)
	}
	defer func() { _ = rows.Close() }()
	var out []Message
	for rows.Next() {
		var (
			m               Message
			sender, enc, mt string
			created         int64
		)
		if err := rows.Scan(&m.Seq, &sender, &m.AuthorID, &enc, &m.Intent, &m.Redactions, &mt, &created); err != nil {
			return nil, fmt.Errorf("conversations: messages of %s: %w", id, err)
		}
		if m.Text, err = s.keys.DecryptString(enc, aad(id, m.Seq)); err != nil {
			return nil, fmt.Errorf("conversations: message %s/%d: %w", id, m.Seq, err)
		}
		if err := json.Unmarshal([]byte(mt), &m.Meta); err != nil {
			return nil, fmt.Errorf("conversations: meta of %s/%d: %w", id, m.Seq, err)
		}
		m.ConversationID, m.Sender, m.CreatedAt = id, Sender(sender), storage.Time(created)
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("conversations: messages of %s: %w", id, err)
	}
	return out, nil
}

// Filter selects conversations for a list. Every set field narrows it,
// except that Queue adds the hand-off queue to an assignee's list.
type Filter struct {
	CustomerID string // only this customer's
	AssigneeID string // only those claimed by this staff member…
	Queue      bool   // …plus those waiting for an agent
	Status     Status // only this status
	Limit      int    // 1..MaxPage; 0 = 50
	// Before is the cursor from a previous page: last_activity_at and id of
	// its last conversation.
	Before Cursor
}

// Cursor marks a place in a list ordered by last activity, newest first.
type Cursor struct {
	ActivityUS int64
	ID         string
}

// List returns conversations matching f, most recently active first, and
// the cursor of the next page (zero when this is the last).
func (s *Store) List(ctx context.Context, f Filter) ([]Conversation, Cursor, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	f.Limit = min(f.Limit, MaxPage)
	q := selectConversation + ` WHERE 1 = 1`
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if f.CustomerID != "" {
		q += ` AND customer_id = ` + arg(f.CustomerID)
	}
	switch {
	case f.AssigneeID != "" && f.Queue:
		q += ` AND (assignee_id = ` + arg(f.AssigneeID) + ` OR status = ` + arg(string(StatusWaiting)) + `)`
	case f.AssigneeID != "":
		q += ` AND assignee_id = ` + arg(f.AssigneeID)
	case f.Queue:
		q += ` AND status = ` + arg(string(StatusWaiting))
	}
	if f.Status != "" {
		q += ` AND status = ` + arg(string(f.Status))
	}
	if f.Before.ID != "" {
		a, i := arg(f.Before.ActivityUS), arg(f.Before.ID)
		q += ` AND (last_activity_at < ` + a + ` OR (last_activity_at = ` + a + ` AND id < ` + i + `))`
	}
	q += ` ORDER BY last_activity_at DESC, id DESC LIMIT ` + arg(f.Limit+1)
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	rows, err := s.db.SQL().QueryContext(ctx, q, args...)
	if err != nil {
		return nil, Cursor{}, fmt.Errorf("conversations: list: %w", err)
	}
	defer func() { _ = rows.Close() }()
	var out []Conversation
	for rows.Next() {
		c, err := scanConversation(rows)
		if err != nil {
			return nil, Cursor{}, fmt.Errorf("conversations: list: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, Cursor{}, fmt.Errorf("conversations: list: %w", err)
	}
	var next Cursor
	if len(out) > f.Limit {
		out = out[:f.Limit]
		last := out[len(out)-1]
		next = Cursor{ActivityUS: last.LastActivityAt.UnixMicro(), ID: last.ID}
	}
	return out, next, nil
}
