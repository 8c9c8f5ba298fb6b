package auth

// SetBeforeHashWork makes h call fn in its worker before each bcrypt job,
// so the black-box service tests can change the world while a password is
// being compared (a lockout set by a parallel attempt). Set it before the
// job is submitted.
func SetBeforeHashWork(h *Hasher, fn func()) { h.beforeWork = fn }
