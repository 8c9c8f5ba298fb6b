package card

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Fold returns s in the form card data is looked for in: Unicode NFKC
// (full-width "４１１１" becomes "4111"), every other decimal digit as its
// ASCII digit (Arabic-Indic "٤١١١" too), dashes as '-', spaces as ' ',
// line and paragraph separators as '\n', and invisible format characters
// (zero-width spaces, bidirectional marks, soft hyphens) removed, except a
// zero-width joiner inside an emoji sequence. Without it, a card number
// typed on a phone keyboard or pasted with invisible characters would pass
// the scan and then be normalised by the bot into a plain number (found by
// review). ASCII text is returned as is, without allocating.
func Fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	s = norm.NFKC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	prevDigit := false
	for i, r := range s {
		switch {
		case r < utf8.RuneSelf:
			b.WriteByte(byte(r)) // #nosec G115 -- r < 0x80
		case unicode.IsDigit(r):
			b.WriteByte(byte('0' + digitValue(r))) // #nosec G115 -- digitValue is 0 to 9
		case unicode.Is(unicode.Pd, r):
			b.WriteByte('-')
		case unicode.Is(unicode.Zs, r):
			b.WriteByte(' ')
		case r == '\u2028' || r == '\u2029':
			b.WriteByte('\n')
		case r == '\u200d': // zero-width joiner: kept in emoji, dropped between digits
			next, _ := utf8.DecodeRuneInString(s[i+utf8.RuneLen(r):])
			if !prevDigit && !unicode.IsDigit(next) {
				b.WriteRune(r)
			}
			continue
		case unicode.Is(unicode.Cf, r):
			continue // invisible: keeps prevDigit as it was
		default:
			b.WriteRune(r)
		}
		prevDigit = unicode.IsDigit(r)
	}
	return b.String()
}

// digitValue returns the value of the decimal digit r. Unicode encodes
// every set of decimal digits as a contiguous run from 0 to 9 (a stability
// guarantee), and adjacent sets each start at 0, so the value is the
// distance from the start of the block of digits, modulo 10.
func digitValue(r rune) int {
	start := r
	for n := 0; n < 64 && unicode.IsDigit(start-1); n++ {
		start--
	}
	return int(r-start) % 10
}
