package storage_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"supportbot/internal/storage"
)

// walFrameBytes is a WAL frame: a 24-byte header and a 4 KiB page.
const walFrameBytes = 24 + 4096

// TestCheckpointKeepsTheWALSmallUnderConstantWrites writes without a pause
// while checkpoints run, as the chat's group commit does under load. A
// PASSIVE checkpoint alone never catches up with such a writer, so the
// WAL would never start again and would grow by a frame for every commit
// until SQLite's backstop; the checkpoint's second step, which holds InTx
// back, lets it start again.
func TestCheckpointKeepsTheWALSmallUnderConstantWrites(t *testing.T) {
	db := openSQLite(t, storage.Options{DataDir: t.TempDir()})
	ctx := context.Background()
	if _, err := db.SQL().ExecContext(ctx, `CREATE TABLE wal_probe (v TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	const commits = 4 * storage.RestartFrames // at least one frame each; under the backstop
	done := make(chan error, 1)
	go func() {
		for i := range commits {
			if err := db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
				_, err := tx.ExecContext(ctx, `INSERT INTO wal_probe (v) VALUES ($1)`, strings.Repeat("x", 200+i%50))
				return err
			}); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	for running := true; running; {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
			running = false
		default:
			if err := db.Checkpoint(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	fi, err := os.Stat(db.Path() + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	if frames := fi.Size() / walFrameBytes; frames > 2*storage.RestartFrames {
		t.Fatalf("the WAL grew to %d frames over %d commits: it never started again", frames, commits)
	}
}

func TestInTxWaitsForTheCheckpoint(t *testing.T) {
	db := openSQLite(t, storage.Options{DataDir: t.TempDir()})
	ctx := context.Background()
	if err := db.LockWrites(ctx); err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	ran := false
	err := db.InTx(short, func(context.Context, *sql.Tx) error { ran = true; return nil })
	if !errors.Is(err, context.DeadlineExceeded) || ran {
		t.Fatalf("InTx while writes are held = %v (ran %v), want a deadline error without running", err, ran)
	}
	db.UnlockWrites()
	if err := db.InTx(ctx, func(context.Context, *sql.Tx) error { ran = true; return nil }); err != nil || !ran {
		t.Fatalf("InTx after the hold = %v (ran %v)", err, ran)
	}
}

// The checkpoint's second step holds every transaction back; when the pool
// has no connection to give it, it lets go at once instead of holding them
// back until the query timeout.
func TestHeldCheckpointDoesNotWaitForABusyPool(t *testing.T) {
	const queryTimeout = 30 * time.Second
	db := openSQLite(t, storage.Options{DataDir: t.TempDir(), MaxOpenConns: 1, QueryTimeout: queryTimeout})
	ctx := context.Background()
	conn, err := db.SQL().Conn(ctx) // the only connection, busy elsewhere
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	err = db.FinishCheckpoint(ctx)
	if err == nil || !strings.Contains(err.Error(), "no connection within") {
		t.Fatalf("FinishCheckpoint with the pool busy = %v, want it to give up waiting for a connection", err)
	}
	// It gives up after 50 ms; a third of the query timeout is only there
	// to tell that from waiting the whole timeout on a slow machine.
	if waited := time.Since(start); waited > queryTimeout/3 {
		t.Fatalf("held transactions back for %s", waited)
	}
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if err := db.LockWrites(short); err != nil {
		t.Fatalf("the checkpoint kept transactions held back: %v", err)
	}
	db.UnlockWrites()
	_ = conn.Close()
	if err := db.FinishCheckpoint(ctx); err != nil {
		t.Fatalf("FinishCheckpoint with a free connection: %v", err)
	}
}
