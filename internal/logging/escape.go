package logging

import "strings"

const hexDigits = "0123456789abcdef"

// cleanString returns s with card numbers removed and control characters
// escaped, and whether anything changed. It allocates only when something
// changes.
func cleanString(s string) (string, bool) {
	ctrl, digits := scan(s)
	changed := false
	if digits >= minCardDigits {
		if r, ok := redactCards(s); ok {
			s, changed = r, true
		}
	}
	if ctrl {
		s, changed = escape(s), true
	}
	return s, changed
}

// needsCleaning reports whether cleanString could change s. It never
// allocates; a string with 13 or more digits is checked for card numbers
// here too, so a long order number alone does not cost an allocation.
func needsCleaning(s string) bool {
	ctrl, digits := scan(s)
	return ctrl || digits >= minCardDigits && hasCard(s)
}

// scan reports whether s holds a character escape would change, and how
// many ASCII digits it holds.
func scan(s string) (ctrl bool, digits int) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case '0' <= c && c <= '9':
			digits++
		case c < 0x20 || c == 0x7f:
			ctrl = true
		case c == 0xc2 || c == 0xe2:
			if _, n := escapeAt(s, i); n > 0 {
				ctrl = true
			}
		}
	}
	return ctrl, digits
}

// escapeAt returns the escape for the character starting at s[i] and its
// length in bytes, or n == 0 when it needs none. Escaped: C0 controls (CR,
// LF and tab by their usual names), DEL, the C1 controls U+0080–U+009F, and
// U+2028/U+2029, which some viewers and JavaScript treat as line breaks.
func escapeAt(s string, i int) (esc string, n int) {
	switch c := s[i]; {
	case c == '\n':
		return `\n`, 1
	case c == '\r':
		return `\r`, 1
	case c == '\t':
		return `\t`, 1
	case c < 0x20 || c == 0x7f:
		return `\u00` + string(hexDigits[c>>4]) + string(hexDigits[c&0xf]), 1
	case c == 0xc2 && i+1 < len(s) && 0x80 <= s[i+1] && s[i+1] <= 0x9f:
		d := s[i+1]
		return `\u00` + string(hexDigits[d>>4]) + string(hexDigits[d&0xf]), 2
	case c == 0xe2 && i+2 < len(s) && s[i+1] == 0x80 && (s[i+2] == 0xa8 || s[i+2] == 0xa9):
		if s[i+2] == 0xa8 {
			return `\u2028`, 3
		}
		return `\u2029`, 3
	}
	return "", 0
}

// escape rewrites every character escapeAt names; it leaves invalid UTF-8
// to the output handler, which replaces or quotes it.
func escape(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i := 0; i < len(s); {
		if esc, n := escapeAt(s, i); n > 0 {
			b.WriteString(esc)
			i += n
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

// escapeKey escapes an attribute key or group name the same way; keys are
// usually constants, so this is almost always a no-op.
func escapeKey(k string) string {
	if !keyNeedsEscape(k) {
		return k
	}
	return escape(k)
}

func keyNeedsEscape(k string) bool {
	ctrl, _ := scan(k)
	return ctrl
}
