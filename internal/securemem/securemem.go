// Package securemem zeroes secret bytes after use and keeps them out of logs
// and encoded output (first specification, "Secure Memory Handling":
// secure_zero_memory and the SecureCVV context manager; DESIGN.md invariant 5).
//
// Go gives weaker guarantees than C here, and callers should know them:
// strings are immutable and cannot be zeroed, so secrets must travel as
// []byte; append and copy can leave older copies behind; the garbage
// collector does not clear freed memory. The helpers shrink the window in
// which a secret sits in memory; they cannot close it completely.
package securemem

import "runtime"

// Zero overwrites every byte of b with zero.
//
// clear compiles to a plain memory clear. A compiler may delete stores to
// memory that is never read again (dead-store elimination); Go's compiler
// does not do so today for a slice's backing array, and runtime.KeepAlive
// keeps b reachable until after the clear, so the clear is observable and
// cannot be dropped or reordered past the point where b may be freed.
// This is the Go counterpart of secure_zero_memory (ASVS 4.0.3 8.3.6:
// sensitive data in memory is overwritten as soon as it is not needed).
func Zero(b []byte) {
	clear(b)
	runtime.KeepAlive(b)
}

// With calls fn with b and zeroes b when fn returns, also when fn fails or
// panics. It is the Go counterpart of the SecureCVV context manager: the
// secret is usable only inside fn and is wiped as soon as fn is done.
// fn must not keep b (or a sub-slice of it) after it returns.
func With(b []byte, fn func([]byte) error) error {
	defer Zero(b)
	return fn(b)
}
