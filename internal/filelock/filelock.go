// Package filelock serialises processes on one host with an advisory lock
// on a file, for work that must not run twice at once: generating the
// development secrets, migrating an SQLite database.
package filelock

import (
	"errors"
	"fmt"
	"os"
)

// Lock blocks until this process holds the exclusive lock on path (created
// 0600 if missing) and returns the function that releases it. The lock is
// released by the kernel if the process dies, so a crash never leaves it
// held.
func Lock(path string) (unlock func() error, err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600) // #nosec G304 -- a lock file in the operator's data directory
	if err != nil {
		return nil, fmt.Errorf("filelock: %w", err)
	}
	if err := lockFile(f); err != nil {
		return nil, fmt.Errorf("filelock: %s: %w", path, errors.Join(err, f.Close()))
	}
	return func() error {
		return errors.Join(unlockFile(f), f.Close())
	}, nil
}
