package card

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Fold returns s in the form card data is looked for in: Unicode NFKC
// (full-width "４１１１" becomes "4111"), every other decimal digit, and the
// dingbat, keycap and outlined digits NFKC leaves alone, as its ASCII digit;
// dashes as '-', slash and dot lookalikes as '/' and '.', blank-looking
// characters as ' ', line and paragraph separators as '\n'; invisible
// characters (format characters, variation selectors, joiners) and the
// combining marks typed on a digit or a blank removed; and the Cyrillic and
// Greek letters that look like the Latin letters of card words mapped to
// them. Without it, a card number typed on a phone keyboard or pasted with
// invisible characters would pass the scan and then be normalised by the
// bot into a plain number (found by review, twice). ASCII text is returned
// as is, without allocating.
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
	var last rune // the last rune written
	for i, r := range s {
		var out rune
		switch {
		case r < utf8.RuneSelf:
			out = r
		case unicode.IsDigit(r):
			out = '0' + rune(digitValue(r)) // #nosec G115 -- 0 to 9
		case digitLike(r) >= 0:
			out = '0' + rune(digitLike(r)) // #nosec G115 -- 0 to 9
		case unicode.Is(unicode.Pd, r):
			out = '-'
		case r == '\u2215' || r == '\u2044' || r == '\u29f8': // division slash, fraction slash, big solidus
			out = '/'
		case r == '\u00b7' || r == '\u2022' || r == '\u2219' || r == '\u30fb' || r == '\u2027': // middle dots and bullets
			out = '.'
		case r == '\u2028' || r == '\u2029':
			out = '\n'
		case unicode.Is(unicode.Zs, r) || blank(r):
			out = ' '
		case r == '\u200d': // zero-width joiner: kept inside an emoji sequence only
			next, _ := utf8.DecodeRuneInString(s[i+utf8.RuneLen(r):])
			if last < utf8.RuneSelf || next < utf8.RuneSelf {
				continue
			}
			out = r
		case unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Variation_Selector, r) || unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r):
			continue
		case unicode.In(r, unicode.Mn, unicode.Me) && (last < utf8.RuneSelf && (isDigit(byte(last)) || last == ' ')): // #nosec G115 -- last < 0x80
			continue // a mark typed on a digit or a blank: keycaps, underlines, circles
		default:
			out = confusable(r)
		}
		b.WriteRune(out)
		last = out
	}
	return b.String()
}

// digitLike returns the value of the single-digit characters that are not
// decimal digits and that NFKC does not turn into one — dingbat circled
// digits (❶ ➀ ➊) and the outlined digits of Unicode 16 — or -1.
func digitLike(r rune) int {
	switch {
	case r >= 0x2776 && r <= 0x277e: // ❶..❾
		return int(r-0x2776) + 1
	case r >= 0x2780 && r <= 0x2788: // ➀..➈
		return int(r-0x2780) + 1
	case r >= 0x278a && r <= 0x2792: // ➊..➒
		return int(r-0x278a) + 1
	case r >= 0x1ccf0 && r <= 0x1ccf9: // outlined digits 0..9
		return int(r - 0x1ccf0)
	}
	return -1
}

// blank reports characters that show as empty space but are no Unicode
// space: the Hangul fillers and the blank braille pattern.
func blank(r rune) bool {
	switch r {
	case '\u3164', '\u115f', '\u1160', '\uffa0', '\u2800':
		return true
	}
	return false
}

// confusable maps the Cyrillic and Greek letters that look like the Latin
// letters of card words ("cvv", "exp", "card", "security code") to them;
// any other rune is returned as is.
func confusable(r rune) rune {
	switch r {
	case 'а', 'А', 'α', 'Α':
		return 'a'
	case 'с', 'С', 'ϲ':
		return 'c'
	case 'е', 'Е', 'ε', 'Ε':
		return 'e'
	case 'і', 'І', 'ι', 'Ι':
		return 'i'
	case 'о', 'О', 'ο', 'Ο':
		return 'o'
	case 'р', 'Р', 'ρ', 'Ρ':
		return 'p'
	case 'ѕ', 'Ѕ':
		return 's'
	case 'у', 'У', 'υ':
		return 'y'
	case 'х', 'Х', 'χ', 'Χ':
		return 'x'
	case 'ѵ', 'Ѵ', 'ν':
		return 'v'
	case 'т', 'Т', 'τ', 'Τ':
		return 't'
	case 'к', 'К', 'κ', 'Κ':
		return 'k'
	case 'н', 'Н', 'Η':
		return 'h'
	case 'м', 'М', 'Μ':
		return 'm'
	case 'в', 'В', 'Β':
		return 'b'
	case 'ԁ':
		return 'd'
	}
	return r
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
