//go:build !unix

package filelock

import (
	"errors"
	"os"
)

// errUnsupported keeps a platform without flock from silently running work
// twice: supportbot targets Unix hosts.
var errUnsupported = errors.New("file locks are supported on Unix only")

func lockFile(*os.File) error   { return errUnsupported }
func unlockFile(*os.File) error { return errUnsupported }
