package users_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"supportbot/internal/storage"
	"supportbot/internal/storage/storagetest"
	"supportbot/internal/users"
)

const lockFor = 15 * time.Minute

func TestLockoutSequence(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		u := f.createUser("ann@shop.example")
		fail := func(wantFailures int, wantUntil time.Time) {
			t.Helper()
			n, until, err := f.store.RecordLoginFailure(ctx, u.ID, 3, lockFor)
			if err != nil {
				t.Fatal(err)
			}
			if n != wantFailures || !until.Equal(wantUntil) {
				t.Fatalf("RecordLoginFailure = %d, %v; want %d, %v", n, until, wantFailures, wantUntil)
			}
		}

		fail(1, time.Time{})
		fail(2, time.Time{})
		if got := f.get(u.ID); got.FailedLogins != 2 || got.Locked(f.clock.Now()) {
			t.Fatalf("after 2 failures: %+v", got)
		}
		lockedAt := f.clock.Now()
		until := lockedAt.Add(lockFor)
		fail(3, until)
		got := f.get(u.ID)
		if got.FailedLogins != 0 || !got.LockedUntil.Equal(until) || !got.Locked(f.clock.Now()) {
			t.Fatalf("after the locking failure: %+v", got)
		}

		// While locked, failures are neither counted nor extend the lock.
		f.clock.Advance(time.Minute)
		fail(0, until)
		fail(0, until)
		if got := f.get(u.ID); got.FailedLogins != 0 || !got.LockedUntil.Equal(until) {
			t.Fatalf("failures during the lock changed it: %+v", got)
		}

		// The lock ends exactly at lockedUntil; counting starts afresh.
		f.clock.Advance(lockFor - time.Minute)
		if f.get(u.ID).Locked(f.clock.Now()) {
			t.Fatal("still locked at lockedUntil")
		}
		fail(1, time.Time{})
		if err := f.store.RecordLoginSuccess(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		if got := f.get(u.ID); got.FailedLogins != 0 {
			t.Fatalf("success did not reset the count: %+v", got)
		}

		// An admin unlocks early.
		fail(1, time.Time{})
		fail(2, time.Time{})
		fail(3, f.clock.Now().Add(lockFor))
		if err := f.store.RecordLoginSuccess(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		if !f.get(u.ID).Locked(f.clock.Now()) {
			t.Fatal("RecordLoginSuccess lifted a lock")
		}
		if err := f.store.Unlock(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		if got := f.get(u.ID); got.Locked(f.clock.Now()) || got.FailedLogins != 0 || !got.LockedUntil.IsZero() {
			t.Fatalf("after Unlock: %+v", got)
		}
		fail(1, time.Time{})

		_, _, err := f.store.RecordLoginFailure(ctx, "missing", 3, lockFor)
		wantErr(t, err, users.ErrNotFound)
		wantErr(t, f.store.RecordLoginSuccess(ctx, "missing"), users.ErrNotFound)
		wantErr(t, f.store.Unlock(ctx, "missing"), users.ErrNotFound)
		if _, _, err := f.store.RecordLoginFailure(ctx, u.ID, 0, lockFor); err == nil {
			t.Fatal("threshold 0 accepted")
		}
		if _, _, err := f.store.RecordLoginFailure(ctx, u.ID, 3, 0); err == nil {
			t.Fatal("lock duration 0 accepted")
		}
	})
}

func TestConcurrentLoginFailuresLockExactlyOnce(t *testing.T) {
	// Issue 3: wrong passwords for one account spread over 20 IPs lock it
	// after 5, whichever instance handles each.
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		u := f.createUser("ann@shop.example")
		until := f.clock.Now().Add(lockFor)

		var mu sync.Mutex
		var counted []int
		locks, notCounted := 0, 0
		errs := concurrently(20, func(int) error {
			n, lockedUntil, err := f.store.RecordLoginFailure(ctx, u.ID, 5, lockFor)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil:
			case n == 5 && lockedUntil.Equal(until):
				locks++
				counted = append(counted, n)
			case n == 0 && lockedUntil.Equal(until):
				notCounted++
			case n > 0 && n < 5 && lockedUntil.IsZero():
				counted = append(counted, n)
			default:
				t.Errorf("RecordLoginFailure = %d, %v", n, lockedUntil)
			}
			return err
		})
		countErrs(t, errs, nil)
		slices.Sort(counted)
		if locks != 1 || notCounted != 15 || !slices.Equal(counted, []int{1, 2, 3, 4, 5}) {
			t.Fatalf("locks %d, not counted %d, counts %v; want 1, 15, [1 2 3 4 5]", locks, notCounted, counted)
		}
		if got := f.get(u.ID); got.FailedLogins != 0 || !got.LockedUntil.Equal(until) {
			t.Fatalf("final state: %+v", got)
		}
	})
}

func TestConcurrentLoginFailuresAreNeverLost(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		u := f.createUser("ann@shop.example")
		const workers, each = 20, 5
		var mu sync.Mutex
		var seen []int
		errs := concurrently(workers, func(int) error {
			for range each {
				n, _, err := f.store.RecordLoginFailure(ctx, u.ID, 1000, lockFor)
				if err != nil {
					return err
				}
				mu.Lock()
				seen = append(seen, n)
				mu.Unlock()
			}
			return nil
		})
		countErrs(t, errs, nil)
		slices.Sort(seen)
		for i, n := range seen {
			if n != i+1 {
				t.Fatalf("counts %v: not each of 1..%d exactly once", seen, workers*each)
			}
		}
		if got := f.get(u.ID); got.FailedLogins != workers*each {
			t.Fatalf("FailedLogins = %d, want %d", got.FailedLogins, workers*each)
		}
	})
}
