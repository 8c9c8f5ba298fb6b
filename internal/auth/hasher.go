package auth

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"golang.org/x/crypto/bcrypt"

	"supportbot/internal/securemem"
)

// bcrypt cost limits. MinBcryptCost is the hardening guide's floor ("bcrypt
// with salt rounds >= 12"; production checklist "All passwords hashed with
// bcrypt (rounds >= 12)"; ASVS 4.0.3 2.4.4); issue 3's BCRYPT_COST defaults
// to it.
// MaxBcryptCost keeps one comparison under a few seconds: every step doubles
// the work, and the dummy hash is computed at start-up.
const (
	MinBcryptCost = 12
	MaxBcryptCost = 16
)

var (
	// ErrBusy means every bcrypt worker is busy and the queue is full. The
	// HTTP layer answers 503 with Retry-After: a login flood must wait its
	// turn instead of starving chat traffic of CPU (issue 3, "bcrypt work
	// runs in a bounded pool").
	ErrBusy = errors.New("auth: password hashing is busy")

	// ErrPasswordMismatch means the password does not match the hash.
	ErrPasswordMismatch = errors.New("auth: password does not match")

	// ErrHasherClosed is returned after Close.
	ErrHasherClosed = errors.New("auth: password hasher is closed")
)

// HasherConfig configures a Hasher. Most callers use NewHasher.
type HasherConfig struct {
	// Cost is the bcrypt cost, MinBcryptCost to MaxBcryptCost.
	Cost int
	// Workers is the number of goroutines doing bcrypt work, at least 1;
	// about one per core leaves the rest of the server responsive.
	Workers int
	// Queue is how many requests may wait for a worker; 0 means a request is
	// accepted only when a worker is idle.
	Queue int
	// AllowLowCost permits Cost from bcrypt's minimum (4) up to 11. It exists
	// only so development mode and tests run fast; production configuration
	// must never set it (hardening guide, "bcrypt with salt rounds >= 12";
	// DESIGN.md invariant 7).
	AllowLowCost bool
}

// Hasher hashes and compares passwords with bcrypt in a bounded pool of
// worker goroutines. When the pool and its queue are full, Hash and Compare
// fail at once with ErrBusy instead of piling up goroutines. A Hasher is safe
// for concurrent use.
//
// Passwords are passed as []byte and zeroed before Hash or Compare returns
// (DESIGN.md invariant 5, ASVS 4.0.3 8.3.6). The worker hashes a private copy
// that it zeroes when done; bcrypt's own internal buffers are outside our
// reach (see package securemem on Go's limits).
type Hasher struct {
	cost  int
	slots chan struct{} // one per running or queued job: workers + queue
	jobs  chan *hashJob // never blocks: its buffer equals slots'
	quit  chan struct{}
	wg    sync.WaitGroup
	dummy []byte // a hash of a random, forgotten password at cost

	mu     sync.RWMutex // guards closed against concurrent enqueues
	closed bool

	comparisons atomic.Int64
	hashes      atomic.Int64

	// beforeWork, when set (only by tests), runs in the worker before each
	// job, so a test can hold workers busy without sleeping.
	beforeWork func()
}

type hashJob struct {
	ctx  context.Context
	pw   []byte // the job's own copy, zeroed by whoever finishes the job
	hash []byte // nil: hash pw; otherwise compare pw with hash
	done chan hashResult
}

type hashResult struct {
	hash []byte
	err  error
}

// NewHasher returns a Hasher with the given bcrypt cost (at least
// MinBcryptCost), number of workers and queue length. It computes the dummy
// hash used by CompareDummy before returning, which takes one bcrypt
// computation (about 0.25 s at cost 12).
func NewHasher(cost, workers, queue int) (*Hasher, error) {
	return NewHasherWith(HasherConfig{Cost: cost, Workers: workers, Queue: queue})
}

// NewHasherWith returns a Hasher configured by cfg; see NewHasher.
func NewHasherWith(cfg HasherConfig) (*Hasher, error) {
	minCost := MinBcryptCost
	if cfg.AllowLowCost {
		minCost = bcrypt.MinCost
	}
	switch {
	case cfg.Cost < minCost && !cfg.AllowLowCost:
		return nil, fmt.Errorf("auth: bcrypt cost %d is below the minimum %d (hardening guide: bcrypt rounds >= 12)", cfg.Cost, MinBcryptCost)
	case cfg.Cost < minCost || cfg.Cost > MaxBcryptCost:
		return nil, fmt.Errorf("auth: bcrypt cost %d, want %d to %d", cfg.Cost, minCost, MaxBcryptCost)
	case cfg.Workers < 1:
		return nil, fmt.Errorf("auth: %d bcrypt workers, want at least 1", cfg.Workers)
	case cfg.Queue < 0:
		return nil, fmt.Errorf("auth: bcrypt queue of %d, want 0 or more", cfg.Queue)
	}

	// The dummy hash is of a random password nobody knows, at the same cost
	// as real hashes, so comparing against it takes as long as a real
	// comparison (OWASP Authentication Cheat Sheet, "Authentication and
	// Error Messages": no user enumeration through response times).
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return nil, fmt.Errorf("auth: dummy password: %w", err)
	}
	var dummy []byte
	err := securemem.With(secret, func(pw []byte) error {
		var err error
		dummy, err = bcrypt.GenerateFromPassword(pw, cfg.Cost)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("auth: dummy hash: %w", err)
	}

	h := &Hasher{
		cost:  cfg.Cost,
		slots: make(chan struct{}, cfg.Workers+cfg.Queue),
		jobs:  make(chan *hashJob, cfg.Workers+cfg.Queue),
		quit:  make(chan struct{}),
		dummy: dummy,
	}
	h.wg.Add(cfg.Workers)
	for range cfg.Workers {
		go h.work()
	}
	return h, nil
}

// Cost returns the bcrypt cost of new hashes.
func (h *Hasher) Cost() int { return h.cost }

// Comparisons returns how many bcrypt comparisons have run, including dummy
// ones. Tests use it to assert that rate limits stop the work itself
// ("100 wrong passwords: at most 5 bcrypt comparisons").
func (h *Hasher) Comparisons() int64 { return h.comparisons.Load() }

// Hashes returns how many bcrypt hashes have been computed by Hash.
func (h *Hasher) Hashes() int64 { return h.hashes.Load() }

// Hash returns the bcrypt hash of pw and zeroes pw. A password longer than
// MaxPasswordBytes is refused, never truncated; callers check the full policy
// with CheckPassword first.
func (h *Hasher) Hash(ctx context.Context, pw []byte) (string, error) {
	defer securemem.Zero(pw)
	if len(pw) > MaxPasswordBytes {
		return "", fmt.Errorf("auth: hash password: longer than %d bytes, bcrypt's limit", MaxPasswordBytes)
	}
	r, err := h.submit(ctx, pw, nil)
	if err != nil {
		return "", fmt.Errorf("auth: hash password: %w", err)
	}
	return string(r), nil
}

// Compare reports whether pw matches hash: nil when it does,
// ErrPasswordMismatch when it does not, ErrBusy when the pool is full, or
// another error (a malformed hash, ctx ending). pw is zeroed. A password
// longer than MaxPasswordBytes never matches and costs no bcrypt work: no
// such password can have been set, and bcrypt would compare only its first
// 72 bytes.
func (h *Hasher) Compare(ctx context.Context, hash string, pw []byte) error {
	defer securemem.Zero(pw)
	if _, err := bcrypt.Cost([]byte(hash)); err != nil {
		return fmt.Errorf("auth: compare password: stored hash: %w", err)
	}
	if len(pw) > MaxPasswordBytes {
		return ErrPasswordMismatch
	}
	if _, err := h.submit(ctx, pw, []byte(hash)); err != nil {
		if errors.Is(err, ErrPasswordMismatch) {
			return ErrPasswordMismatch
		}
		return fmt.Errorf("auth: compare password: %w", err)
	}
	return nil
}

// CompareDummy runs one comparison of pw against the dummy hash and returns
// ErrPasswordMismatch (or ErrBusy, or ctx's error). Login calls it for an
// unknown email so that the response takes as long as for a known one and
// timing does not reveal which emails have accounts (issue 3, "Unknown users
// still cost one bcrypt comparison"). pw is zeroed.
func (h *Hasher) CompareDummy(ctx context.Context, pw []byte) error {
	defer securemem.Zero(pw)
	if len(pw) > MaxPasswordBytes {
		return ErrPasswordMismatch
	}
	_, err := h.submit(ctx, pw, h.dummy)
	switch {
	case err == nil, errors.Is(err, ErrPasswordMismatch):
		return ErrPasswordMismatch
	default:
		return fmt.Errorf("auth: compare password: %w", err)
	}
}

// NeedsRehash reports whether hash was made with a lower cost than the
// Hasher's (or cannot be read), so the service can rehash the password the
// user just typed correctly after BCRYPT_COST is raised.
func (h *Hasher) NeedsRehash(hash string) bool {
	c, err := bcrypt.Cost([]byte(hash))
	return err != nil || c < h.cost
}

// Close stops the workers after their current job. Later calls fail with
// ErrHasherClosed. Close is safe to call more than once.
func (h *Hasher) Close() error {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return nil
	}
	h.closed = true
	close(h.quit)
	h.mu.Unlock()
	h.wg.Wait()
	// Jobs still queued will never run: wipe their passwords.
	for {
		select {
		case j := <-h.jobs:
			securemem.Zero(j.pw)
		default:
			return nil
		}
	}
}

// submit hands a copy of pw to the pool and waits for the result. The
// caller's pw is left for the caller to zero.
func (h *Hasher) submit(ctx context.Context, pw, hash []byte) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	j := &hashJob{
		ctx:  ctx,
		pw:   append(make([]byte, 0, len(pw)), pw...),
		hash: hash,
		done: make(chan hashResult, 1),
	}
	h.mu.RLock()
	if h.closed {
		h.mu.RUnlock()
		securemem.Zero(j.pw)
		return nil, ErrHasherClosed
	}
	// Admission is decided by counting, not by whether a worker happens to
	// be parked on a channel receive at this instant: at most workers jobs
	// run and queue jobs wait; one more is refused at once.
	select {
	case h.slots <- struct{}{}:
		h.jobs <- j // cannot block: the buffer has room for every slot
		h.mu.RUnlock()
	default:
		h.mu.RUnlock()
		securemem.Zero(j.pw)
		return nil, ErrBusy
	}
	select {
	case r := <-j.done:
		return r.hash, r.err
	case <-ctx.Done():
		// The worker skips or finishes the job and zeroes its copy.
		return nil, ctx.Err()
	case <-h.quit:
		return nil, ErrHasherClosed
	}
}

func (h *Hasher) work() {
	defer h.wg.Done()
	for {
		select {
		case <-h.quit:
			return
		case j := <-h.jobs:
			r := h.run(j)
			<-h.slots // free the slot before the caller can submit again
			j.done <- r
		}
	}
}

func (h *Hasher) run(j *hashJob) hashResult {
	if h.beforeWork != nil {
		h.beforeWork()
	}
	var r hashResult
	r.err = securemem.With(j.pw, func(pw []byte) error {
		// A request whose client gave up while queued costs nothing.
		if err := j.ctx.Err(); err != nil {
			return err
		}
		if j.hash == nil {
			h.hashes.Add(1)
			hash, err := bcrypt.GenerateFromPassword(pw, h.cost)
			r.hash = hash
			return err
		}
		h.comparisons.Add(1)
		err := bcrypt.CompareHashAndPassword(j.hash, pw)
		if errors.Is(err, bcrypt.ErrMismatchedHashAndPassword) {
			return ErrPasswordMismatch
		}
		return err
	})
	return r
}
