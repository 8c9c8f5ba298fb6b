package bot

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// DefaultOrderIDPattern is the order-number grammar of the demo shop, the id
// itself with no context: "ORD", an optional "-", 3-10 digits (1-10 after
// the "-", for the shop's old short "Ord-7" ids), optionally "-" and 1-10
// more digits; or a purely numeric number of 5-12 digits. It is matched
// case-insensitively. Purely numeric matches count only in an order context
// (see Brain.ExtractOrderID); the context is not part of the grammar so the
// same pattern validates a bare id from a URL path.
const DefaultOrderIDPattern = `(?i)ORD(?:-?[0-9]{3,10}|-[0-9]{1,10})(?:-[0-9]{1,10})?|[0-9]{5,12}`

// orderMatcher finds order numbers. Go's regexp is linear-time (RE2), so a
// hostile ORDER_ID_PATTERN or message cannot cause catastrophic
// backtracking.
type orderMatcher struct {
	find      *regexp.Regexp // unanchored, for extraction
	full      *regexp.Regexp // anchored, for CanonicalOrderID
	isDefault bool
}

func newOrderMatcher(pattern string) (*orderMatcher, error) {
	if pattern == "" {
		pattern = DefaultOrderIDPattern
	}
	if err := CheckOrderIDPattern(pattern); err != nil {
		return nil, fmt.Errorf("bot: order id pattern: %w", err)
	}
	// ORDER_ID_PATTERN is documented as matched case-insensitively, and
	// customers type "ord001" as often as "ORD001": the flag is added here
	// so an operator's pattern need not carry its own (?i). The pattern is
	// grouped first, so its alternatives stay inside the flag's scope.
	find := regexp.MustCompile(`(?i:` + pattern + `)`)
	full := regexp.MustCompile(`^(?i:` + pattern + `)$`)
	return &orderMatcher{find: find, full: full, isDefault: pattern == DefaultOrderIDPattern}, nil
}

// CheckOrderIDPattern reports whether pattern may be ORDER_ID_PATTERN: a Go
// regexp (RE2, so matching is linear in time) that compiles on its own —
// so it cannot close the group it is wrapped in, as "a)|(b" would, and
// match far more than it says (found by review) — and does not match an
// empty order number.
func CheckOrderIDPattern(pattern string) error {
	if _, err := regexp.Compile(pattern); err != nil {
		return fmt.Errorf("not a valid regular expression: %w", err)
	}
	if regexp.MustCompile(`(?i:` + pattern + `)`).MatchString("") {
		return errors.New("must not match an empty order number")
	}
	return nil
}

// canonicalOrderID is the stored form of an id: upper case, no leading '#'.
func canonicalOrderID(s string) string {
	return strings.ToUpper(strings.TrimLeft(s, "#"))
}

// isIDRune reports whether r would continue a word around an id, so a match
// inside "xORD001" or "ORD001abc" is not an id.
func isIDRune(r rune) bool {
	return isLetterRune(r) || isDigitRune(r) || r == '_'
}

// extract returns the first order number in s (already NFKC-normalised and
// length-capped), or "". Ids with a letter count anywhere in the text when
// they stand as a whole word; purely numeric ids only after '#' or an
// "order"/"order number"/"order no."/"order #"/"order nr" phrase, because a
// bare number is far more often a quantity, price, postcode or phone number.
func (m *orderMatcher) extract(s string) string {
	if m.isDefault && !containsASCIIDigit(s) {
		return "" // the default grammar needs a digit; skip the regexp
	}
	for _, loc := range m.find.FindAllStringIndex(s, -1) {
		start, end := loc[0], loc[1]
		if start == end {
			continue
		}
		if start > 0 {
			if r, _ := utf8.DecodeLastRuneInString(s[:start]); isIDRune(r) {
				continue
			}
		}
		if end < len(s) {
			if r, _ := utf8.DecodeRuneInString(s[end:]); isIDRune(r) {
				continue
			}
		}
		id := s[start:end]
		if isAllDigits(strings.TrimLeft(id, "#")) && !numericContext(s[:start]) {
			continue
		}
		return canonicalOrderID(id)
	}
	return ""
}

func containsASCIIDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if '0' <= s[i] && s[i] <= '9' {
			return true
		}
	}
	return false
}

func isAllDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// numericContext reports whether the text before a purely numeric match
// introduces an order number: "#", or "order" optionally followed by
// number/no./nr/num/#/id/ref and then optionally "is" or ":" (and '#').
// It reads backwards over a bounded window, so it costs a few dozen bytes
// per candidate whatever the message length.
func numericContext(before string) bool {
	if len(before) > 48 {
		before = before[len(before)-48:]
	}
	p := len(before)
	// '#' immediately before the number: "#100234".
	if p > 0 && before[p-1] == '#' {
		if p == 1 {
			return true
		}
		r, _ := utf8.DecodeLastRuneInString(before[:p-1])
		return !isIDRune(r)
	}
	p = skipSpace(before, p)
	// Optional ':' or "is".
	if p > 0 && before[p-1] == ':' {
		p = skipSpace(before, p-1)
	} else if q, ok := lastWord(before, p, "is"); ok {
		p = skipSpace(before, q)
	}
	if p > 0 && before[p-1] == '#' {
		p = skipSpace(before, p-1)
	}
	if p > 0 && before[p-1] == '.' {
		// "no." / "nr."
		if q, ok := lastWord(before, p-1, "no", "nr"); ok {
			p = skipSpace(before, q)
			_, ok = lastWord(before, p, "order", "orders")
			return ok
		}
		return false
	}
	if q, ok := lastWord(before, p, "number", "no", "nr", "num", "id", "ref", "reference"); ok {
		p = skipSpace(before, q)
	} else if p > 0 && before[p-1] == '#' {
		p = skipSpace(before, p-1)
	}
	_, ok := lastWord(before, p, "order", "orders")
	return ok
}

func skipSpace(s string, p int) int {
	for p > 0 && (s[p-1] == ' ' || s[p-1] == '\t' || s[p-1] == '\n' || s[p-1] == '\r') {
		p--
	}
	return p
}

// lastWord reports whether s[:p] ends with one of words (ASCII,
// case-insensitive) as a whole word, and returns where that word starts.
func lastWord(s string, p int, words ...string) (int, bool) {
	for _, w := range words {
		if p < len(w) {
			continue
		}
		q := p - len(w)
		if !strings.EqualFold(s[q:p], w) {
			continue
		}
		if q > 0 {
			if r, _ := utf8.DecodeLastRuneInString(s[:q]); isIDRune(r) {
				continue
			}
		}
		return q, true
	}
	return p, false
}

// nfkc returns s in Unicode NFKC, without copying plain ASCII.
func nfkc(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return norm.NFKC.String(strings.ToValidUTF8(s, "\uFFFD"))
		}
	}
	return s
}

// truncateRunes cuts s to at most n runes. It runs before any matching so
// the work per message is bounded whatever a client sends.
func truncateRunes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	count := 0
	for i := range s {
		if count == n {
			return s[:i]
		}
		count++
	}
	return s
}

// extractEmail returns the first email address in s, or "". It is a
// hand-written scanner rather than a regexp: one pass around each '@',
// accepting the common address shapes (local part of letters, digits and
// ._%+-; a dotted domain with a top-level label of two letters or more).
func extractEmail(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] != '@' {
			continue
		}
		l := i
		for l > 0 && isEmailLocal(s[l-1]) {
			l--
		}
		for l < i && s[l] == '.' {
			l++
		}
		r := i + 1
		for r < len(s) && isEmailDomain(s[r]) {
			r++
		}
		for r > i+1 && (s[r-1] == '.' || s[r-1] == '-') {
			r--
		}
		if l == i || r <= i+1 {
			continue
		}
		if validDomain(s[i+1 : r]) {
			return s[l:r]
		}
	}
	return ""
}

func isEmailLocal(c byte) bool {
	return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9') ||
		c == '.' || c == '_' || c == '%' || c == '+' || c == '-'
}

func isEmailDomain(c byte) bool {
	return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9') ||
		c == '.' || c == '-'
}

func validDomain(d string) bool {
	labels := strings.Split(d, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
	}
	tld := labels[len(labels)-1]
	if len(tld) < 2 {
		return false
	}
	for i := 0; i < len(tld); i++ {
		c := tld[i]
		if !(('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')) {
			return false
		}
	}
	return true
}
