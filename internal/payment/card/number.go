package card

import "strings"

// Card numbers (PANs) are 13 to 19 digits (ISO/IEC 7812), typed with
// separators (isSeparator) between groups, and end in a Luhn check digit.
const (
	// MinNumberDigits is the fewest digits a card number has: a string
	// with fewer ASCII digits holds none, which lets callers skip the scan.
	MinNumberDigits = 13
	// MaxNumberDigits is the most digits a card number has.
	MaxNumberDigits = 19
	maxSeparators   = 8 // "4111 1111", "4111 - 1111", or a few more blanks
)

// ContainsNumber reports whether s, as typed or folded (Fold), contains a
// card number, as RedactNumbers would find it. It never allocates for
// ASCII text.
func ContainsNumber(s string) bool {
	if f := Fold(s); f != s && containsNumber(f) {
		return true
	}
	return containsNumber(s)
}

func containsNumber(s string) bool {
	found := false
	forEachNumber(s, func(_, _ int) bool {
		found = true
		return false
	})
	return found
}

// RedactNumbers replaces every card number in s with NumberRemoved and
// returns the result and how many it replaced. Security codes and expiry
// dates are left alone: RedactNumbers is for text such as log lines and
// audit fields, where a three-digit number is no sign of a card; chat text
// goes through Redact. Like Redact it also looks in the folded text (Fold),
// returning it only when a number was found there. It returns s itself
// when nothing was found.
func RedactNumbers(s string) (string, int) {
	if f := Fold(s); f != s {
		if out, n := redactNumbers(f); n > 0 {
			return out, n
		}
	}
	return redactNumbers(s)
}

func redactNumbers(s string) (string, int) {
	var b strings.Builder
	last, n := 0, 0
	forEachNumber(s, func(start, end int) bool {
		if n == 0 {
			b.Grow(len(s) + len(NumberRemoved))
		}
		n++
		b.WriteString(s[last:start])
		b.WriteString(NumberRemoved)
		last = end
		return true
	})
	if n == 0 {
		return s, 0
	}
	b.WriteString(s[last:])
	return b.String(), n
}

// forEachNumber calls fn with the byte span of each card number in s, left
// to right, until fn returns false. A candidate is a sequence of whole digit
// groups (maximal runs of digits) joined by one to three separators,
// holding 13 to 19 digits and passing Luhn; from each group the longest
// such candidate wins. Groups are never split, so a card number is not
// "found" inside a longer identifier like a 25-digit tracking number.
func forEachNumber(s string, fn func(start, end int) bool) {
	i := 0
	for i < len(s) {
		if !isDigit(s[i]) {
			i++
			continue
		}
		start := i
		end, ok := longestNumberFrom(s, start)
		if ok {
			if !fn(start, end) {
				return
			}
			i = end
			continue
		}
		// Skip this digit group; the next candidate starts at the next one.
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
}

// longestNumberFrom returns the end of the longest Luhn-valid candidate
// that starts at the digit group at s[start]. Its work is bounded by the
// group itself plus at most MaxNumberDigits digits after it, so calling it
// at every group start keeps a scan linear.
func longestNumberFrom(s string, start int) (end int, ok bool) {
	digits := 0
	i := start
	for {
		g := i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		digits += i - g
		if digits > MaxNumberDigits {
			return end, ok
		}
		if digits >= MinNumberDigits && Luhn(s[start:i]) {
			end, ok = i, true
		}
		// Join the next group only across 1–3 separators.
		j := i
		for j < len(s) && j-i < maxSeparators && isSeparator(s[j]) {
			j++
		}
		if j == i || j >= len(s) || !isDigit(s[j]) {
			return end, ok
		}
		i = j
	}
}

// Luhn reports whether the ASCII digits of s (other characters ignored)
// pass the Luhn check (ISO/IEC 7812-1 annex B). A string without digits
// passes: callers check the length first.
func Luhn(s string) bool {
	sum, double := 0, false
	for i := len(s) - 1; i >= 0; i-- {
		c := s[i]
		if !isDigit(c) {
			continue
		}
		d := int(c - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// isSeparator reports the characters a card number's digit groups may be
// typed with between them: spaces, dashes, dots, slashes, line breaks and
// brackets ("4111.1111.1111.1111", one group per line, "(4)(1)…" as NFKC
// spells parenthesised digits). Commas are not among them,
// so a list of order numbers is not read as one long number.
func isSeparator(c byte) bool {
	switch c {
	case ' ', '-', '.', '/', '\n', '\r', '\t', '(', ')':
		return true
	}
	return false
}
