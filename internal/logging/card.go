package logging

import "strings"

// Card numbers (PANs) are 13 to 19 digits (ISO/IEC 7812), typed with spaces
// or dashes between groups, and end in a Luhn check digit.
const (
	minCardDigits = 13
	maxCardDigits = 19
	maxSeparators = 3 // "4111 1111", "4111-1111" or "4111 - 1111"
)

// hasCard reports whether s contains a card number; it never allocates.
func hasCard(s string) bool {
	found := false
	forEachCard(s, func(_, _ int) bool {
		found = true
		return false
	})
	return found
}

// redactCards replaces every card number in s with CardRemoved and reports
// whether it replaced any.
func redactCards(s string) (string, bool) {
	var b strings.Builder
	last, found := 0, false
	forEachCard(s, func(start, end int) bool {
		if !found {
			b.Grow(len(s) + len(CardRemoved))
			found = true
		}
		b.WriteString(s[last:start])
		b.WriteString(CardRemoved)
		last = end
		return true
	})
	if !found {
		return s, false
	}
	b.WriteString(s[last:])
	return b.String(), true
}

// forEachCard calls fn with the byte span of each card number in s, left to
// right, until fn returns false. A candidate is a sequence of whole digit
// groups (maximal runs of digits) joined by one to three spaces or dashes,
// holding 13 to 19 digits and passing Luhn; from each group the longest
// such candidate wins. Groups are never split, so a card number is not
// "found" inside a longer identifier like a 25-digit tracking number.
func forEachCard(s string, fn func(start, end int) bool) {
	i := 0
	for i < len(s) {
		if !isDigit(s[i]) {
			i++
			continue
		}
		start := i
		end, ok := longestCardFrom(s, start)
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

// longestCardFrom returns the end of the longest Luhn-valid candidate that
// starts at the digit group at s[start].
func longestCardFrom(s string, start int) (end int, ok bool) {
	digits := 0
	i := start
	for {
		g := i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		digits += i - g
		if digits > maxCardDigits {
			return end, ok
		}
		if digits >= minCardDigits && luhn(s[start:i]) {
			end, ok = i, true
		}
		// Join the next group only across 1–3 separators.
		j := i
		for j < len(s) && j-i < maxSeparators && (s[j] == ' ' || s[j] == '-') {
			j++
		}
		if j == i || j >= len(s) || !isDigit(s[j]) {
			return end, ok
		}
		i = j
	}
}

// luhn reports whether the digits of s (other characters ignored) pass the
// Luhn check (ISO/IEC 7812-1 annex B).
func luhn(s string) bool {
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
