// Package card finds payment card data in text so that it is removed before
// anything stores, logs or processes it: card numbers, security codes (CVV,
// CVC, CID) and expiry dates (DESIGN.md invariant 6; first specification,
// "CVV Security" and "Secure Memory Handling": "No CVV is ever logged or
// stored"; PCI DSS v4.0 requirement 3.3.1: sensitive authentication data is
// not retained — here it is never retained at all, because supportbot never
// takes card payments).
//
// The functions are pure, need nothing beyond the standard library and run
// in time linear in the input: one left-to-right scan, no backtracking, a
// fixed amount of look-back state.
package card

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Replacement texts written in place of removed card data. Redact treats
// them as already-removed data, so redacting twice changes nothing.
const (
	NumberRemoved = "[card number removed]"
	CodeRemoved   = "[security code removed]"
	ExpiryRemoved = "[expiry date removed]"
)

// Counts says how much card data Redact removed.
type Counts struct {
	Numbers  int // card numbers (PANs)
	Codes    int // security codes (CVV, CVC, CID)
	Expiries int // expiry dates
}

// Total returns the number of removed items of every kind.
func (c Counts) Total() int { return c.Numbers + c.Codes + c.Expiries }

// maxGap is how many words may stand between a card word and the code or
// date it names: "security code on my card is 987" has four. Numbers
// further away are left alone, so "cvv? I ordered 3 items for room 101
// yesterday" keeps its numbers.
const maxGap = 4

// Redact removes card data from s and says what it removed:
//
//   - card numbers: 13 to 19 digits passing the Luhn check, with spaces,
//     dashes, dots, slashes or line breaks allowed between digit groups
//     (a group is never split, so a long tracking number is not a card);
//   - security codes: a standalone number of 3 or 4 digits within a few
//     words after a code word (cvv, cvc, cvv2, cvc2, cid, csc, "security
//     code", "code on the back", "card verification") or after a card
//     number, or else the nearest one within a few words before a code
//     word ("123 is the cvv"). Each code word names one code, so "cvv 123,
//     order 4567" keeps the order number;
//   - expiry dates: MM/YY, MM/YYYY, MM-YY, MM-YYYY or "MM / YY" within a
//     few words of an expiry word (exp, expiry, expires, expiration, valid
//     thru/through/until, good thru, card), either side — or anywhere when
//     the message holds a card number.
//
// Words are matched case-insensitively and a sentence end (". ", "?" or
// "!", not a line break) ends their reach. Text with non-ASCII characters
// is searched in its folded form (Fold), and when card data is found the
// folded text is returned with it removed. A number glued to other text by a
// dash, slash, dot or comma is part of something else — "ORD-2024-0001",
// "12/03/2025", "$12.99" — and never a code or a date; "3 items",
// "ORD123" and "room 101" keep their numbers.
//
// Redact returns s itself, without allocating, when it finds nothing, and
// Redact(Redact(s)) finds nothing: the replacement texts count as the data
// they replaced.
func Redact(s string) (string, Counts) {
	out, total := redactOnce(s)
	// The folded and the typed text can group digits differently, so a
	// removal in one can expose data in the other; repeat until nothing
	// more is found (each round only removes, so this ends quickly).
	for range 4 {
		if total.Total() == 0 {
			break
		}
		again, c := redactOnce(out)
		if c.Total() == 0 {
			break
		}
		out = again
		total.Numbers += c.Numbers
		total.Codes += c.Codes
		total.Expiries += c.Expiries
	}
	return out, total
}

// redactOnce looks in the folded text, and returns it only if something was
// found there, so text without card data is kept as typed; then in the
// text as typed, whose digit groups may differ.
func redactOnce(s string) (string, Counts) {
	if f := Fold(s); f != s {
		if out, c := redact(f); c.Total() > 0 {
			return out, c
		}
	}
	return redact(s)
}

func redact(s string) (string, Counts) {
	if !mayHold(s) {
		return s, Counts{}
	}
	var r redactor
	r.run(s)
	if len(r.spans) == 0 {
		return s, Counts{}
	}
	return r.rewrite(s)
}

// mayHold reports whether s could hold anything Redact removes: a card
// number, or a standalone number of one to four digits (a code or a date)
// and a word starting like a card word. Most chat messages are decided
// here, by one or two cheap passes that never allocate.
func mayHold(s string) bool {
	digits, short := 0, false
	for i := 0; i < len(s); {
		if !isDigit(s[i]) {
			i++
			continue
		}
		start := i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		digits += i - start
		if i-start <= 4 && (start == 0 || !isASCIILetter(s[start-1])) && (i == len(s) || !isASCIILetter(s[i])) {
			short = true
		}
	}
	if digits >= MinNumberDigits && containsNumber(s) {
		return true
	}
	if !short {
		return false
	}
	for i := 0; i < len(s); i++ {
		if isASCIILetter(s[i]) && (i == 0 || !isASCIIAlnum(s[i-1])) && startsCardWord(s[i:]) {
			return true
		}
	}
	return false
}

// startsCardWord reports whether s starts like a word that begins a card
// word or phrase (lookup), or a replacement text's word ("card", "security",
// "expiry"). False positives ("cite", "good") only cost the full scan.
func startsCardWord(s string) bool {
	switch s[0] | 0x20 {
	case 'c':
		return len(s) >= 2 && (s[1]|0x20 == 'v' || s[1]|0x20 == 'i' || s[1]|0x20 == 's') ||
			hasPrefixFold(s, "card") || hasPrefixFold(s, "code")
	case 'e':
		return hasPrefixFold(s, "exp")
	case 's':
		return hasPrefixFold(s, "security")
	case 'v':
		return hasPrefixFold(s, "valid")
	case 'g':
		return hasPrefixFold(s, "good")
	}
	return false
}

// hasPrefixFold is strings.HasPrefix ignoring ASCII case; prefix is lower
// case.
func hasPrefixFold(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		if s[i]|0x20 != prefix[i] {
			return false
		}
	}
	return true
}

// The kinds of token the scanner yields.
type kind uint8

const (
	kindWord       kind = iota // a word, or a number that is neither code nor date
	kindCode                   // a standalone number of 3 or 4 digits
	kindCodeGone               // CodeRemoved
	kindDate                   // an expiry-date-shaped number
	kindDateGone               // ExpiryRemoved
	kindNumber                 // a card number
	kindNumberGone             // NumberRemoved
)

// token is one word-like unit of the text; punctuation and spaces only
// separate tokens. A card number, a date and a replacement text are one
// token each, so the tokens of Redact's output line up one to one with
// those of its input — which is what makes Redact idempotent.
type token struct {
	kind       kind
	word       word // for kindWord
	start, end int
	idx        int  // position in the token sequence, set by redactor.run
	brk        bool // a sentence ends between the previous token and this one
}

// scanner splits text into tokens, left to right.
type scanner struct {
	s string
	i int
	// A card number found inside a word run, cut off and yielded next.
	cardStart, cardEnd int
}

// next scans the next token into t, or returns false at the end of the
// text. Filling t in place, rather than returning a token, keeps the
// common path free of struct copies.
func (sc *scanner) next(t *token) bool {
	s := sc.s
	brk := false
	i := sc.i
	if sc.cardEnd > 0 {
		*t = token{kind: kindNumber, start: sc.cardStart, end: sc.cardEnd}
		sc.i, sc.cardEnd = sc.cardEnd, 0
		return true
	}
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if isASCIIAlnum(c) {
				break
			}
			if c == '[' {
				if k, n := replacementAt(s, i); n > 0 {
					sc.i = i + n
					*t = token{kind: k, start: i, end: i + n, brk: brk}
					return true
				}
			}
			// A line break is no sentence end: numbers pasted from notes
			// put the code on the line after the card (found by review).
			if c == '?' || c == '!' || c == '.' && (i+1 == len(s) || isSpace(s[i+1])) {
				brk = true
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if isWordRune(r) {
			break
		}
		i += n
	}
	if i >= len(s) {
		sc.i = i
		return false
	}
	sc.run(t, i)
	t.brk = brk
	return true
}

// run scans the word run (letters, digits, marks) starting at s[i] into t.
// A card number starting inside the run — at any digit group, as
// forEachNumber looks for them — ends the run there.
func (sc *scanner) run(t *token, i int) {
	s := sc.s
	start := i
	digitsOnly := true
	for i < len(s) {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeRuneInString(s[i:])
			if !isWordRune(r) {
				break
			}
			digitsOnly = false
			i += n
			continue
		}
		if !isASCIIAlnum(c) {
			break
		}
		if isDigit(c) && (i == start || !isDigit(s[i-1])) {
			if end, ok := longestNumberFrom(s, i); ok {
				if i == start {
					sc.i = end
					*t = token{kind: kindNumber, start: i, end: end}
					return
				}
				sc.cardStart, sc.cardEnd = i, end
				sc.i = i
				*t = token{kind: kindWord, word: lookup(s[start:i]), start: start, end: i}
				return
			}
		}
		if !isDigit(c) {
			digitsOnly = false
		}
		i++
	}
	sc.i = i
	*t = token{kind: kindWord, start: start, end: i}
	if !digitsOnly {
		t.word = lookup(s[start:i])
		return
	}
	n := i - start
	if n <= 2 {
		if end, ok := sc.date(start, i); ok {
			sc.i = end
			t.kind, t.end = kindDate, end
		}
		return
	}
	if n <= 4 && !gluedBefore(s, start) && !gluedAfter(s, i) {
		t.kind = kindCode
	}
}

// date reports whether the month of one or two digits at s[start:end] (a
// whole run) begins an expiry-shaped date — MM/YY, MM/YYYY, MM-YY, MM-YYYY,
// or with one space either side of the slash — and where it ends. A date
// glued to more text ("12/03/2025", "ORD-12-25") is no expiry date, and
// neither is one whose year begins a card number.
func (sc *scanner) date(start, end int) (int, bool) {
	s := sc.s
	month := int(s[start] - '0')
	if end-start == 2 {
		month = month*10 + int(s[start+1]-'0')
	}
	if month < 1 || month > 12 || gluedBefore(s, start) {
		return 0, false
	}
	i := end
	switch {
	case i < len(s) && s[i] == '-':
		i++
	case i < len(s) && s[i] == '/':
		i++
		if i < len(s) && s[i] == ' ' {
			i++
		}
	case i+1 < len(s) && s[i] == ' ' && s[i+1] == '/':
		i += 2
		if i < len(s) && s[i] == ' ' {
			i++
		}
	default:
		return 0, false
	}
	y := i
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	if n := i - y; n != 2 && n != 4 {
		return 0, false
	}
	if i < len(s) {
		if c := s[i]; c < utf8.RuneSelf {
			if isASCIILetter(c) {
				return 0, false
			}
		} else if r, _ := utf8.DecodeRuneInString(s[i:]); isWordRune(r) {
			return 0, false
		}
	}
	if gluedAfter(s, i) {
		return 0, false
	}
	if _, ok := longestNumberFrom(s, y); ok {
		return 0, false
	}
	return i, true
}

// gluedBefore reports whether the number starting at s[i] is joined to the
// text before it by a dash or slash after a letter or digit ("ORD-2024",
// "12/2025"), or by a dot or comma after a digit ("12.99", "1,250"). The
// end of a replacement text counts as the digits it replaced.
func gluedBefore(s string, i int) bool {
	if i < 2 {
		return false
	}
	switch s[i-1] {
	case '-', '/':
		c := s[i-2]
		return isASCIIAlnum(c) || c >= utf8.RuneSelf || c == ']' && endsWithReplacement(s[:i-1])
	case '.', ',':
		c := s[i-2]
		return isDigit(c) || c == ']' && endsWithReplacement(s[:i-1])
	}
	return false
}

// gluedAfter is gluedBefore for the text after a number ending at s[i].
func gluedAfter(s string, i int) bool {
	if i+1 >= len(s) {
		return false
	}
	switch s[i] {
	case '-', '/':
		c := s[i+1]
		return isASCIIAlnum(c) || c >= utf8.RuneSelf || c == '[' && startsWithReplacement(s[i+1:])
	case '.', ',':
		c := s[i+1]
		return isDigit(c) || c == '[' && startsWithReplacement(s[i+1:])
	}
	return false
}

// replacementAt returns the kind and length of the replacement text at
// s[i], or n == 0.
func replacementAt(s string, i int) (k kind, n int) {
	rest := s[i:]
	switch {
	case strings.HasPrefix(rest, NumberRemoved):
		return kindNumberGone, len(NumberRemoved)
	case strings.HasPrefix(rest, CodeRemoved):
		return kindCodeGone, len(CodeRemoved)
	case strings.HasPrefix(rest, ExpiryRemoved):
		return kindDateGone, len(ExpiryRemoved)
	}
	return 0, 0
}

func startsWithReplacement(s string) bool {
	_, n := replacementAt(s, 0)
	return n > 0
}

func endsWithReplacement(s string) bool {
	return strings.HasSuffix(s, NumberRemoved) || strings.HasSuffix(s, CodeRemoved) || strings.HasSuffix(s, ExpiryRemoved)
}

// span is a stretch of the input to replace.
type span struct {
	start, end int
	kind       kind // kindNumber, kindCode or kindDate
}

// pendingCode is a code word (or a card number) waiting for the code it
// names: the first code within maxGap tokens after it, or else its backup,
// the nearest code within maxGap tokens before it.
type pendingCode struct {
	deadline int // index of the last token a forward match may be
	backup   token
	hasBack  bool
}

// maxPending bounds the code words waiting at once. Each waits at most
// maxGap+1 tokens and is one token at least, so maxGap+2 suffice.
const maxPending = maxGap + 2

// redactor holds Redact's look-back state: a fixed amount, whatever the
// length of the text.
type redactor struct {
	s     string
	spans []span

	pending  [maxPending]pendingCode
	npending int
	lastCode token // the most recent code (or removed code) since the sentence began
	hasCode  bool

	dates      [maxGap + 1]token // recent unclaimed dates, oldest first
	ndates     int
	dateReach  int // dates up to this token index are near an expiry word
	cardsKnown bool
	cards      bool // the text holds a card number, so every date goes

	// The word ids of the last three tokens (0 for non-words), newest first,
	// for phrases like "code on the back".
	hist [3]word
}

func (r *redactor) run(s string) {
	r.s = s
	r.dateReach = -1
	sc := scanner{s: s}
	var t token
	for idx := 0; sc.next(&t); idx++ {
		t.idx = idx
		if t.brk {
			r.sentenceEnd()
		}
		if r.npending > 0 {
			r.expire(idx)
		}
		r.take(&t)
	}
	r.sentenceEnd()
}

// sentenceEnd settles every waiting code word: a sentence end is as far as
// a card word reaches.
func (r *redactor) sentenceEnd() {
	for i := range r.npending {
		r.settle(r.pending[i])
	}
	r.npending = 0
	r.hasCode = false
	r.ndates = 0
	r.dateReach = -1
	r.hist = [3]word{}
}

// expire settles the code words whose forward reach ended before token idx.
func (r *redactor) expire(idx int) {
	kept := 0
	for i := range r.npending {
		if p := r.pending[i]; p.deadline < idx {
			r.settle(p)
		} else {
			r.pending[kept] = p
			kept++
		}
	}
	r.npending = kept
}

// settle takes a code word's backup when nothing followed it.
func (r *redactor) settle(p pendingCode) {
	if p.hasBack {
		r.claim(&p.backup)
	}
}

// claim removes t, unless it is a replacement text already.
func (r *redactor) claim(t *token) {
	switch t.kind {
	case kindCode, kindDate, kindNumber:
		r.spans = append(r.spans, span{start: t.start, end: t.end, kind: t.kind})
	}
}

// take processes the next token.
func (r *redactor) take(t *token) {
	idx := t.idx
	w := word(0)
	switch t.kind {
	case kindCode, kindCodeGone:
		if r.npending > 0 {
			// The first code after every waiting code word: each names it.
			r.claim(t)
			r.npending = 0
		}
		r.lastCode, r.hasCode = *t, true
	case kindDate, kindDateGone:
		if idx <= r.dateReach || r.hasCards() {
			r.claim(t)
		} else {
			r.rememberDate(t)
		}
	case kindNumber, kindNumberGone:
		r.claim(t)
		// The code typed after a card number is its security code.
		r.wait(pendingCode{deadline: idx + 1 + maxGap})
	case kindWord:
		w = t.word
		if w != 0 {
			r.keyword(idx, w)
		}
	}
	r.hist = [3]word{w, r.hist[0], r.hist[1]}
}

// keyword handles a word that may be, or complete, a card word.
func (r *redactor) keyword(idx int, w word) {
	h := r.hist
	code, expiry := -1, -1 // index of the card word's first token
	switch {
	case w&wCodeWord != 0:
		code = idx
	case w == wCode && h[0] == wSecurity:
		code = idx - 1 // security code
	case w == wBack && h[0] == wThe && h[1] == wOn && h[2] == wCode:
		code = idx - 3 // code on the back
	case w == wBack && h[0] == wOn && h[1] == wCode:
		code = idx - 2 // code on back
	case w == wVerification && h[0] == wCard:
		code = idx - 1 // card verification
	case w&wExpiryWord != 0:
		expiry = idx
	case w&wThru != 0 && (h[0] == wValid || h[0] == wGood):
		expiry = idx - 1 // valid thru, valid until, good thru
	}
	if w == wCard {
		expiry = idx
	}
	if code >= 0 {
		p := pendingCode{deadline: idx + 1 + maxGap}
		if r.hasCode && r.lastCode.idx >= code-1-maxGap {
			p.backup, p.hasBack = r.lastCode, true
		}
		r.wait(p)
	}
	if expiry >= 0 {
		for i := range r.ndates {
			if r.dates[i].idx >= expiry-1-maxGap {
				r.claim(&r.dates[i])
			}
		}
		r.ndates = 0
		r.dateReach = max(r.dateReach, idx+1+maxGap)
	}
}

// wait adds a code word to the waiting ones.
func (r *redactor) wait(p pendingCode) {
	if r.npending == maxPending { // cannot happen; settle the oldest to stay bounded
		r.settle(r.pending[0])
		copy(r.pending[:], r.pending[1:])
		r.npending--
	}
	r.pending[r.npending] = p
	r.npending++
}

// rememberDate keeps a date an expiry word later in the sentence may claim.
func (r *redactor) rememberDate(t *token) {
	if r.ndates == len(r.dates) {
		copy(r.dates[:], r.dates[1:])
		r.ndates--
	}
	r.dates[r.ndates] = *t
	r.ndates++
}

// hasCards reports, computing it once, whether the text holds a card
// number or its replacement: then every date in it goes, wherever it is.
func (r *redactor) hasCards() bool {
	if !r.cardsKnown {
		r.cards = containsNumber(r.s) || strings.Contains(r.s, NumberRemoved)
		r.cardsKnown = true
	}
	return r.cards
}

// rewrite builds the output from the claimed spans.
func (r *redactor) rewrite(s string) (string, Counts) {
	slices.SortFunc(r.spans, func(a, b span) int { return a.start - b.start })
	var (
		b    strings.Builder
		c    Counts
		last = 0
	)
	b.Grow(len(s) + 16*len(r.spans))
	for _, sp := range r.spans {
		if sp.start < last { // claimed twice
			continue
		}
		b.WriteString(s[last:sp.start])
		switch sp.kind {
		case kindNumber:
			b.WriteString(NumberRemoved)
			c.Numbers++
		case kindCode:
			b.WriteString(CodeRemoved)
			c.Codes++
		case kindDate:
			b.WriteString(ExpiryRemoved)
			c.Expiries++
		}
		last = sp.end
	}
	b.WriteString(s[last:])
	return b.String(), c
}

func isASCIILetter(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }

func isASCIIAlnum(c byte) bool { return isDigit(c) || isASCIILetter(c) }

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// isWordRune reports whether a non-ASCII rune belongs to a word, so that
// "código123" is one word while "cvv：123" (a full-width colon) is two.
func isWordRune(r rune) bool {
	return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r))
}
