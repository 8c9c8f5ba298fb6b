package logging

// sensitiveWords are matched anywhere in a key after lowercasing it and
// dropping every ASCII character that is not a letter or digit, so
// "X-Auth-Token", "refreshToken", "api_key" and "API-KEY" all match
// (first specification, "Never log sensitive data"; ASVS 4.0.3 7.1.1).
// Over-redaction ("discard_count") is the safe failure.
var sensitiveWords = [...]string{
	"password", "passwd", "passphrase",
	"token", "secret", "authorization", "cookie", "session",
	"cvv", "cvc", "card",
	"apikey", "privatekey", "credential", "bearer",
}

// sensitiveSegments are short words matched only as a whole segment of the
// key (split at non-alphanumerics and camelCase humps), because as
// substrings they occur in harmless keys: "pan" in "company", "otp" in
// "footprint", "pin" in "shipping".
var sensitiveSegments = [...]string{"pan", "otp", "pin", "pwd", "jwt"}

// word is an entry of wordsByFirst; segment words need a second look.
type word struct {
	s       string
	segment bool
}

// wordsByFirst indexes both lists by first letter so a key is scanned once;
// the segment split runs only for keys that contain a segment word at all.
var wordsByFirst = func() (t [256][]word) {
	for _, w := range sensitiveWords {
		t[w[0]] = append(t[w[0]], word{s: w})
	}
	for _, w := range sensitiveSegments {
		t[w[0]] = append(t[w[0]], word{s: w, segment: true})
	}
	return t
}()

// sensitiveKey reports whether values under key must be redacted. It does
// not allocate for keys up to 64 bytes.
func sensitiveKey(key string) bool {
	var buf [64]byte
	var norm []byte
	if len(key) <= len(buf) {
		norm = buf[:0]
	} else {
		norm = make([]byte, 0, len(key))
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		switch {
		case 'A' <= c && c <= 'Z':
			norm = append(norm, c+'a'-'A')
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9', c >= 0x80:
			norm = append(norm, c)
		}
	}
	maybeSegment := false
	for i := range norm {
		for _, w := range wordsByFirst[norm[i]] {
			if len(norm)-i >= len(w.s) && string(norm[i:i+len(w.s)]) == w.s {
				if !w.segment {
					return true
				}
				maybeSegment = true
			}
		}
	}
	return maybeSegment && hasSensitiveSegment(key)
}

// hasSensitiveSegment splits key into words ("cardPAN" → card, PAN;
// "user_otp" → user, otp; "PANNumber" → PAN, Number) and compares each with
// sensitiveSegments, ignoring ASCII case.
func hasSensitiveSegment(key string) bool {
	start := 0
	for i := 0; i <= len(key); i++ {
		inWord := i < len(key) && isAlnum(key[i])
		if inWord && (i == start || !wordStartsAt(key, i)) {
			continue
		}
		if segmentIsSensitive(key[start:i]) {
			return true
		}
		if inWord {
			start = i
		} else {
			start = i + 1
		}
	}
	return false
}

// wordStartsAt reports a camelCase boundary inside an alphanumeric run: a
// hump ("cardPan" at P) or the end of an acronym ("PANNumber" at N).
func wordStartsAt(key string, i int) bool {
	if !isUpper(key[i]) {
		return false
	}
	prev := key[i-1]
	if !isUpper(prev) {
		return true
	}
	return i+1 < len(key) && isLower(key[i+1])
}

func segmentIsSensitive(seg string) bool {
	for _, w := range sensitiveSegments {
		if len(seg) == len(w) && equalFoldASCII(seg, w) {
			return true
		}
	}
	return false
}

func equalFoldASCII(s, lower string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isUpper(c) {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

func isUpper(c byte) bool { return 'A' <= c && c <= 'Z' }
func isLower(c byte) bool { return 'a' <= c && c <= 'z' }
func isAlnum(c byte) bool { return isUpper(c) || isLower(c) || '0' <= c && c <= '9' }
