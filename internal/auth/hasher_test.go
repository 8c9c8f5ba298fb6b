package auth

import (
	"bytes"
	"context"
	"errors"
	"runtime"
	"strings"
	"sync"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

// testCost is bcrypt's minimum, so tests run fast; production refuses it.
const testCost = bcrypt.MinCost

func newTestHasher(t testing.TB, workers, queue int) *Hasher {
	t.Helper()
	h, err := NewHasherWith(HasherConfig{Cost: testCost, Workers: workers, Queue: queue, AllowLowCost: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = h.Close() })
	return h
}

// hold makes h's workers block before each job until release is called
// once per job; started receives one value per job that reached a worker.
func hold(h *Hasher) (started <-chan struct{}, release func()) {
	s := make(chan struct{}, 16)
	r := make(chan struct{})
	h.beforeWork = func() {
		s <- struct{}{}
		<-r
	}
	return s, func() { r <- struct{}{} }
}

func pw(s string) []byte { return []byte(s) }

func isZero(b []byte) bool { return bytes.Equal(b, make([]byte, len(b))) }

func TestNewHasherRefusesLowCostWithoutTheFlag(t *testing.T) {
	for _, cost := range []int{0, 4, 10, 11} {
		if _, err := NewHasher(cost, 1, 0); err == nil || !strings.Contains(err.Error(), "minimum 12") {
			t.Errorf("cost %d: err = %v, want refusal naming the minimum", cost, err)
		}
	}
	for _, cfg := range []HasherConfig{
		{Cost: 3, Workers: 1, AllowLowCost: true},
		{Cost: 17, Workers: 1},
		{Cost: 4, Workers: 0, AllowLowCost: true},
		{Cost: 4, Workers: 1, Queue: -1, AllowLowCost: true},
	} {
		if _, err := NewHasherWith(cfg); err == nil {
			t.Errorf("%+v accepted", cfg)
		}
	}
}

func TestHasherHashAndCompare(t *testing.T) {
	h := newTestHasher(t, 2, 4)
	ctx := context.Background()
	secret := pw("Tr4il-Mix-Kettle")
	hash, err := h.Hash(ctx, secret)
	if err != nil {
		t.Fatal(err)
	}
	if !isZero(secret) {
		t.Error("Hash did not zero the password")
	}
	if c, _ := bcrypt.Cost([]byte(hash)); c != testCost {
		t.Errorf("cost %d, want %d", c, testCost)
	}
	if strings.Contains(hash, "Tr4il") {
		t.Fatal("hash contains the password")
	}

	right := pw("Tr4il-Mix-Kettle")
	if err := h.Compare(ctx, hash, right); err != nil {
		t.Fatalf("right password: %v", err)
	}
	if !isZero(right) {
		t.Error("Compare did not zero the password")
	}
	for _, wrong := range []string{"tr4il-Mix-Kettle", "Tr4il-Mix-Kettle ", "", "Tr4il-Mix-Kettl"} {
		if err := h.Compare(ctx, hash, pw(wrong)); !errors.Is(err, ErrPasswordMismatch) {
			t.Errorf("%q: err = %v, want ErrPasswordMismatch", wrong, err)
		}
	}
	if got := h.Comparisons(); got != 5 {
		t.Errorf("Comparisons = %d, want 5", got)
	}
	if got := h.Hashes(); got != 1 {
		t.Errorf("Hashes = %d, want 1", got)
	}
}

func TestHasherNeverTruncates(t *testing.T) {
	h := newTestHasher(t, 1, 0)
	ctx := context.Background()
	long := bytes.Repeat([]byte("Ab1!"), 19) // 76 bytes
	if _, err := h.Hash(ctx, bytes.Clone(long)); err == nil || !strings.Contains(err.Error(), "72") {
		t.Fatalf("Hash of 76 bytes: err = %v", err)
	}
	// A hash of the first 72 bytes must not accept the 76-byte password,
	// which plain bcrypt would.
	hash, err := h.Hash(ctx, bytes.Clone(long[:72]))
	if err != nil {
		t.Fatal(err)
	}
	before := h.Comparisons()
	if err := h.Compare(ctx, hash, bytes.Clone(long)); !errors.Is(err, ErrPasswordMismatch) {
		t.Fatalf("76-byte password matched the hash of its first 72 bytes: %v", err)
	}
	if err := h.CompareDummy(ctx, bytes.Clone(long)); !errors.Is(err, ErrPasswordMismatch) {
		t.Fatalf("CompareDummy: %v", err)
	}
	if h.Comparisons() != before {
		t.Error("an over-long password cost bcrypt work")
	}
}

func TestHasherCompareDummyCostsOneComparison(t *testing.T) {
	h := newTestHasher(t, 1, 0)
	p := pw("whatever-they-typed")
	if err := h.CompareDummy(context.Background(), p); !errors.Is(err, ErrPasswordMismatch) {
		t.Fatalf("err = %v, want ErrPasswordMismatch", err)
	}
	if !isZero(p) {
		t.Error("CompareDummy did not zero the password")
	}
	if h.Comparisons() != 1 {
		t.Fatalf("Comparisons = %d, want 1", h.Comparisons())
	}
	if c, _ := bcrypt.Cost(h.dummy); c != testCost {
		t.Fatalf("dummy hash cost %d, want the hasher's %d", c, testCost)
	}
}

func TestHasherCompareMalformedHash(t *testing.T) {
	h := newTestHasher(t, 1, 0)
	err := h.Compare(context.Background(), "not-a-bcrypt-hash", pw("x"))
	if err == nil || errors.Is(err, ErrPasswordMismatch) {
		t.Fatalf("err = %v, want a hash error distinct from a mismatch", err)
	}
	if h.Comparisons() != 0 {
		t.Error("a malformed hash reached the pool")
	}
}

func TestHasherBusyWhenNoWorkerIsFree(t *testing.T) {
	h := newTestHasher(t, 1, 0)
	hash, err := h.Hash(context.Background(), pw("Tr4il-Mix-Kettle"))
	if err != nil {
		t.Fatal(err)
	}
	started, release := hold(h)

	done := make(chan error)
	go func() { done <- h.Compare(context.Background(), hash, pw("Tr4il-Mix-Kettle")) }()
	<-started // the only worker is now busy

	p := pw("Tr4il-Mix-Kettle")
	if err := h.Compare(context.Background(), hash, p); !errors.Is(err, ErrBusy) {
		t.Fatalf("err = %v, want ErrBusy", err)
	}
	if !isZero(p) {
		t.Error("a refused password was not zeroed")
	}
	if err := h.CompareDummy(context.Background(), pw("x")); !errors.Is(err, ErrBusy) {
		t.Fatalf("CompareDummy: err = %v, want ErrBusy", err)
	}
	if _, err := h.Hash(context.Background(), pw("x")); !errors.Is(err, ErrBusy) {
		t.Fatalf("Hash: err = %v, want ErrBusy", err)
	}
	release()
	if err := <-done; err != nil {
		t.Fatalf("held comparison: %v", err)
	}
}

func TestHasherQueueThenBusy(t *testing.T) {
	h := newTestHasher(t, 1, 2)
	started, release := hold(h)
	ctx := context.Background()

	var wg sync.WaitGroup
	errs := make(chan error, 3)
	submit := func() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- h.CompareDummy(ctx, pw("x"))
		}()
	}
	submit()
	<-started // one running
	submit()
	submit()
	for len(h.jobs) < 2 { // two queued
		runtime.Gosched()
	}
	if err := h.CompareDummy(ctx, pw("x")); !errors.Is(err, ErrBusy) {
		t.Fatalf("fourth request: err = %v, want ErrBusy", err)
	}
	for range 3 {
		release()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if !errors.Is(err, ErrPasswordMismatch) {
			t.Errorf("queued request: %v", err)
		}
	}
	if h.Comparisons() != 3 {
		t.Fatalf("Comparisons = %d, want 3", h.Comparisons())
	}
}

func TestHasherSkipsJobsWhoseCallerLeft(t *testing.T) {
	h := newTestHasher(t, 1, 1)
	started, release := hold(h)
	first := make(chan error)
	go func() { first <- h.CompareDummy(context.Background(), pw("x")) }()
	<-started

	ctx, cancel := context.WithCancel(context.Background())
	second := make(chan error)
	go func() { second <- h.CompareDummy(ctx, pw("y")) }()
	for len(h.jobs) < 1 {
		runtime.Gosched()
	}
	cancel()
	if err := <-second; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled request: err = %v", err)
	}
	release() // first job
	<-first
	<-started
	release() // the cancelled job reaches the worker and is skipped
	// One more job proves the worker has finished with the skipped one.
	go func() { <-started; release() }()
	_ = h.CompareDummy(context.Background(), pw("z"))
	if got := h.Comparisons(); got != 2 {
		t.Fatalf("Comparisons = %d, want 2 (the cancelled one skipped)", got)
	}
}

func TestHasherClosed(t *testing.T) {
	h := newTestHasher(t, 1, 0)
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	if err := h.Close(); err != nil {
		t.Fatal("second Close:", err)
	}
	if err := h.CompareDummy(context.Background(), pw("x")); !errors.Is(err, ErrHasherClosed) {
		t.Fatalf("err = %v, want ErrHasherClosed", err)
	}
}

func TestHasherNeedsRehash(t *testing.T) {
	h := newTestHasher(t, 1, 0)
	low, _ := bcrypt.GenerateFromPassword([]byte("x"), testCost)
	high, _ := bcrypt.GenerateFromPassword([]byte("x"), testCost+1)
	if h.NeedsRehash(string(low)) {
		t.Error("hash at the configured cost needs a rehash")
	}
	if h.NeedsRehash(string(high)) {
		t.Error("hash at a higher cost needs a rehash")
	}
	h2, err := NewHasherWith(HasherConfig{Cost: testCost + 1, Workers: 1, AllowLowCost: true})
	if err != nil {
		t.Fatal(err)
	}
	defer h2.Close()
	if !h2.NeedsRehash(string(low)) || !h2.NeedsRehash("garbage") {
		t.Error("lower cost or unreadable hash does not need a rehash")
	}
}

func TestHasherConcurrentUse(t *testing.T) {
	h := newTestHasher(t, 2, 64)
	hash, err := h.Hash(context.Background(), pw("Tr4il-Mix-Kettle"))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 32 {
		wg.Go(func() {
			p := "Tr4il-Mix-Kettle"
			if i%2 == 1 {
				p = "wrong"
			}
			err := h.Compare(context.Background(), hash, pw(p))
			if (i%2 == 0) != (err == nil) {
				t.Errorf("request %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	if h.Comparisons() != 32 {
		t.Fatalf("Comparisons = %d, want 32", h.Comparisons())
	}
}

// BenchmarkCompareCost12 measures one production-cost comparison, the
// figure that sizes the pool (bench/README.md).
func BenchmarkCompareCost12(b *testing.B) {
	h, err := NewHasher(MinBcryptCost, 1, 1)
	if err != nil {
		b.Fatal(err)
	}
	defer h.Close()
	hash, err := h.Hash(context.Background(), pw("Tr4il-Mix-Kettle"))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := h.Compare(context.Background(), hash, pw("Tr4il-Mix-Kettle")); err != nil {
			b.Fatal(err)
		}
	}
}
