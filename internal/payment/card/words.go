package card

// word identifies the words that make up card words; every other word is 0.
// Each word has exactly one bit, so phrases compare with ==.
type word uint16

const (
	wCodeWord     word = 1 << iota // cvv, cvc, cvv2, cvc2, cid, csc: a code word on its own
	wExpiryWord                    // exp, expiry, expires, expiration, …: an expiry word on its own
	wThru                          // thru, through, until, till (after valid or good)
	wSecurity                      // security (code)
	wCode                          // (security) code, code (on the back)
	wOn                            // (code) on (the back)
	wThe                           // (code on) the (back)
	wBack                          // (code on the) back
	wVerification                  // (card) verification
	wCard                          // card: an expiry word, and (card) verification
	wValid                         // valid (thru)
	wGood                          // good (thru)
)

// maxWordLen is the longest word lookup knows ("verification").
const maxWordLen = 12

// lookup returns the id of the ASCII word w, case-insensitively, or 0. It
// never allocates: the lower-case copy lives on the stack and the switch
// compares without converting.
func lookup(w string) word {
	if len(w) < 2 || len(w) > maxWordLen {
		return 0
	}
	var buf [maxWordLen]byte
	for i := 0; i < len(w); i++ {
		c := w[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	switch string(buf[:len(w)]) {
	case "cvv", "cvc", "cvv2", "cvc2", "cid", "csc":
		return wCodeWord
	case "exp", "expiry", "expires", "expire", "expired", "expiring", "expiration":
		return wExpiryWord
	case "thru", "through", "until", "till":
		return wThru
	case "security":
		return wSecurity
	case "code":
		return wCode
	case "on":
		return wOn
	case "the":
		return wThe
	case "back":
		return wBack
	case "verification":
		return wVerification
	case "card":
		return wCard
	case "valid":
		return wValid
	case "good":
		return wGood
	}
	return 0
}
