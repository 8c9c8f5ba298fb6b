package users

import "time"

// SetAccessPollEvery changes how old the last read of access_changes may
// be before AccessStateOf reads it again (SQLite).
func SetAccessPollEvery(s *Store, d time.Duration) {
	s.access.mu.Lock()
	defer s.access.mu.Unlock()
	s.access.every = d
}

// AccessRemembered reports whether AccessStateOf would answer userID's
// token jti from memory.
func AccessRemembered(s *Store, userID, jti string) bool {
	s.access.mu.Lock()
	defer s.access.mu.Unlock()
	e := s.access.users[userID]
	if e == nil {
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
	MaxAccessUsers = maxAccessUsers
	MaxAccessJTIs  = maxAccessJTIs
)
