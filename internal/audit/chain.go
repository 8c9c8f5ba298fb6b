package audit

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"strings"
	"unicode/utf8"
)

// GenesisHash is the prev_hash of the first row: a fixed value, so a row
// claiming to be first cannot choose its predecessor.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// MinKeyLen is the shortest chain key accepted: 256 bits, the HMAC-SHA256
// output size (OWASP ASVS 11.2: approved key sizes).
const MinKeyLen = 32

// hashDomain separates this use of the key from any other and versions the
// encoding: a change of encoding gets a new domain, never a silent reinterpretation.
const hashDomain = "supportbot/audit_events/v1"

// Field limits, in runes. Bounding what is hashed and stored keeps one event
// from flooding the table or the log (hardening guide, "Logging &
// Monitoring"); longer values are cut, not refused, so the event is kept.
const (
	maxType      = 64
	maxActor     = 128
	maxIP        = 64
	maxRequestID = 128
	maxTarget    = 128
	maxDetails   = 512
	maxStatus    = 64
)

// row is one audit_events row as stored: the exact values the hash covers.
type row struct {
	id        int64
	timeUS    int64
	level     string
	typ       string
	actor     string
	ip        string
	requestID string
	target    string
	details   string
	status    string
	prevHash  string
	hash      string
}

// computeHash returns hex(HMAC-SHA256(key, canonical(r))) over every column
// but hash itself. The canonical form writes the id and time as fixed 8-byte
// big-endian integers and each text as an 8-byte length then its bytes, so two
// different rows never share an encoding (no "ab"+"c" = "a"+"bc").
func computeHash(key []byte, r row) string {
	mac := hmac.New(sha256.New, key)
	writeString(mac, hashDomain)
	writeInt(mac, r.id)
	writeInt(mac, r.timeUS)
	for _, s := range []string{r.level, r.typ, r.actor, r.ip, r.requestID, r.target, r.details, r.status, r.prevHash} {
		writeString(mac, s)
	}
	return hex.EncodeToString(mac.Sum(nil))
}

func writeInt(h hash.Hash, v int64) {
	_ = binary.Write(h, binary.BigEndian, v) // two's complement; hash.Hash.Write never fails
}

func writeString(h hash.Hash, s string) {
	writeInt(h, int64(len(s)))
	_, _ = h.Write([]byte(s))
}

// clean makes s storable and hashable the same way on both databases: invalid
// UTF-8 and NUL (which PostgreSQL TEXT rejects) become U+FFFD, and the result
// is cut to max runes. Control characters are kept; they are escaped where
// printed (FormatTable) and by the log handler.
func clean(s string, max int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\x00", "\uFFFD")
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	n := 0
	for i := range s {
		if n == max {
			return s[:i]
		}
		n++
	}
	return s
}
