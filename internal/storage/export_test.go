package storage

import "context"

// Checkpoint runs one round of the background checkpoint now.
func (d *DB) Checkpoint(ctx context.Context) error { return d.checkpoint(ctx) }

// FinishCheckpoint runs the checkpoint's second step alone.
func (d *DB) FinishCheckpoint(ctx context.Context) error {
	ctx, cancel := d.Ctx(ctx)
	defer cancel()
	return d.finishCheckpoint(ctx)
}

// LockWrites and UnlockWrites hold InTx's lock as the checkpoint does.
func (d *DB) LockWrites(ctx context.Context) error { return d.lockWrites(ctx) }
func (d *DB) UnlockWrites()                        { d.unlockWrites() }

// RestartFrames is the WAL size, in frames, that makes a checkpoint restart it.
const RestartFrames = restartFrames
