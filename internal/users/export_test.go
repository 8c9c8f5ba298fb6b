package users

import "time"

// AccessPollEvery is how old the last read of access_changes may be before
// AccessStateOf reads it again (SQLite).
const AccessPollEvery = accessPollEvery

// SetAccessClock replaces the clock that times those reads.
func SetAccessClock(s *Store, now func() time.Time) {
	s.access.mu.Lock()
	defer s.access.mu.Unlock()
	s.access.now = now
}

// HoldAccessPoll stands for a read of access_changes that takes long: no
// other read can start until release is called.
func HoldAccessPoll(s *Store) (release func()) {
	s.access.polling.Lock()
	return s.access.polling.Unlock
}

// AccessRemembered reports whether AccessStateOf would answer userID's
// token jti from memory.
func AccessRemembered(s *Store, userID, jti string) bool {
	s.access.mu.Lock()
	defer s.access.mu.Unlock()
	e := s.access.users[userID]
	if e == nil || s.access.owners[jti] != userID {
		return false
	}
	_, ok := e.jtis[jti]
	return ok
}

// AccessCacheSize returns the users and the tokens remembered.
func AccessCacheSize(s *Store) (users, tokens int) {
	s.access.mu.Lock()
	defer s.access.mu.Unlock()
	return len(s.access.users), len(s.access.owners)
}

const (
	MaxAccessUsers    = maxAccessUsers
	MaxAccessJTIs     = maxAccessJTIs
	AccessChangesKept = accessChangesKept
)
