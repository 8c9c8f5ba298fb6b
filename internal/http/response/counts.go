package response

import "sync/atomic"

// Counts is a snapshot of the error responses written so far, for the
// metrics export and for tests.
type Counts struct {
	ByClass  map[string]uint64 // "4xx", "5xx"
	ByStatus map[int]uint64    // 404, 429, …
	ByCode   map[string]uint64 // "not_found", "rate_limited", …
}

func (ew *ErrorWriter) count(statusCode, index int, code string) {
	if statusCode >= 500 {
		ew.byClass[1].Add(1)
	} else {
		ew.byClass[0].Add(1)
	}
	ew.byStatus[index].Add(1)
	c, ok := ew.byCode.Load(code)
	if !ok {
		// Codes come from our own code, never from requests, so this map
		// stays as small as the set of codes we define.
		c, _ = ew.byCode.LoadOrStore(code, new(atomic.Uint64))
	}
	c.(*atomic.Uint64).Add(1)
}

// Counts returns a snapshot of the error counters.
func (ew *ErrorWriter) Counts() Counts {
	c := Counts{
		ByClass:  map[string]uint64{"4xx": ew.byClass[0].Load(), "5xx": ew.byClass[1].Load()},
		ByStatus: make(map[int]uint64, len(statuses)),
		ByCode:   make(map[string]uint64),
	}
	for i := range statuses {
		if n := ew.byStatus[i].Load(); n > 0 {
			c.ByStatus[statusCodes[i]] = n
		}
	}
	ew.byCode.Range(func(k, v any) bool {
		c.ByCode[k.(string)] = v.(*atomic.Uint64).Load()
		return true
	})
	return c
}
