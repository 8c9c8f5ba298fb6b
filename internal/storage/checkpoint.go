package storage

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"
)

// SQLite in WAL mode appends every commit to the -wal file; a checkpoint
// copies those pages back into the database file and, once all of them
// are copied, the next writer starts the WAL again from its beginning.
// Left to itself SQLite checkpoints inside the commit that takes the WAL
// past wal_autocheckpoint pages: that writer copies about 4 MB and waits
// for two fsyncs while every other writer waits for it. Under the chat's
// group commit, the one writer all turns wait for, the two cores stood
// idle 16-17% of the time and waited for the disk another 4-5%; with the
// checkpoint moved out, 11-14% and 2-3% (bench/README.md).
//
// So a background goroutine checkpoints instead, in two steps: first
// without holding anyone up (PASSIVE: it copies what is committed and
// never blocks a writer or a reader), then, when the WAL has grown past
// restartFrames, once more while InTx lets no transaction of this process
// begin. The second step only has the pages written during the first to
// copy, and it leaves the WAL fully copied, so the next transaction starts
// it again from the beginning and it stays small. SQLite's own checkpoint
// stays as a backstop (walBackstopPages), should this one fall behind.
//
// Durability is unchanged: a commit is in the WAL before InTx returns, as
// before; a checkpoint only moves committed pages.
const (
	// checkpointEvery is the background checkpoint's period.
	checkpointEvery = 250 * time.Millisecond
	// restartFrames is how many WAL frames (pages of about 4 KB) make the
	// checkpoint pause this process's writers to let the WAL start again.
	restartFrames = 1024
	// walBackstopPages is wal_autocheckpoint, SQLite's own checkpoint, and
	// walSizeLimit the size the WAL file is cut back to after it.
	walBackstopPages = 8192
	walSizeLimit     = 64 << 20
)

// checkpointer runs DB.checkpoint every period until stop is closed; done
// is closed when it has returned.
type checkpointer struct {
	stop, done chan struct{}
	once       sync.Once
}

func (d *DB) startCheckpointer(period time.Duration) {
	c := &checkpointer{stop: make(chan struct{}), done: make(chan struct{})}
	d.ckpt = c
	go func() {
		defer close(c.done)
		t := time.NewTicker(period)
		defer t.Stop()
		failing := false
		for {
			select {
			case <-c.stop:
				return
			case <-t.C:
			}
			// Logged when it starts failing and when it recovers, not
			// four times a second.
			err := d.checkpoint(context.Background())
			switch {
			case err != nil && !failing:
				d.logger.Warn("background checkpoint failed; SQLite's own checkpoint takes over until it works again", "err", err)
			case err == nil && failing:
				d.logger.Info("background checkpoint works again")
			}
			failing = err != nil
		}
	}()
}

// stopCheckpointer stops the goroutine and waits for it; it may be called
// more than once, also concurrently.
func (d *DB) stopCheckpointer() {
	if c := d.ckpt; c != nil {
		c.once.Do(func() { close(c.stop) })
		<-c.done
	}
}

// checkpoint copies the WAL into the database file and, when the WAL has
// grown past restartFrames, finishes the copy while no transaction of this
// process can begin, so that the next one restarts the WAL.
func (d *DB) checkpoint(ctx context.Context) error {
	ctx, cancel := d.Ctx(ctx)
	defer cancel()
	frames, err := walCheckpoint(ctx, d.db)
	if err != nil || frames < restartFrames {
		return err
	}
	return d.finishCheckpoint(ctx)
}

// finishCheckpoint is the checkpoint's second step: it copies what is left
// while no transaction of this process can begin.
func (d *DB) finishCheckpoint(ctx context.Context) error {
	if err := d.lockWrites(ctx); err != nil {
		return err
	}
	defer d.unlockWrites()
	// Transactions wait while this one waits for a connection: when the
	// pool is busy for longer than a moment, try again next time.
	connCtx, cancel := context.WithTimeout(ctx, checkpointConnWait)
	defer cancel()
	conn, err := d.db.Conn(connCtx)
	if err != nil {
		return fmt.Errorf("storage: checkpoint: no connection within %s: %w", checkpointConnWait, err)
	}
	defer conn.Close()
	_, err = walCheckpoint(ctx, conn)
	return err
}

// checkpointConnWait bounds how long the checkpoint's second step, which
// holds transactions back, waits for a pooled connection.
const checkpointConnWait = 50 * time.Millisecond

// walCheckpoint runs a PASSIVE checkpoint and returns the number of frames
// in the WAL.
func walCheckpoint(ctx context.Context, q interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}) (int, error) {
	var busy, frames, copied int
	if err := q.QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &frames, &copied); err != nil {
		return 0, fmt.Errorf("storage: checkpoint: %w", err)
	}
	return frames, nil
}

// lockWrites waits until no InTx transaction of this process is open and
// keeps new ones from beginning until unlockWrites; SQLite allows one
// writer at a time anyway, and every InTx transaction on SQLite is one
// (BEGIN IMMEDIATE). Waiting here rather than in SQLite's busy handler,
// which sleeps in steps of milliseconds, also hands the lock over at once.
// It does nothing on PostgreSQL.
func (d *DB) lockWrites(ctx context.Context) error {
	if d.writes == nil {
		return nil
	}
	select {
	case d.writes <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("storage: waiting for another transaction: %w", ctx.Err())
	}
}

func (d *DB) unlockWrites() {
	if d.writes != nil {
		<-d.writes
	}
}
