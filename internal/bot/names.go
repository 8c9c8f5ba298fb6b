package bot

import (
	"slices"
	"unicode"
	"unicode/utf8"
)

// namesOutOfDomain counts the capitalised words inside a sentence of text
// (not its first word) that the shop's domain does not know: names of
// other shops, brands, people and places ("my Amazon parcel", "reset my
// Gmail password", "the Tour de France"). A shop question names the shop's
// own things, and those are in its vocabulary; such a name is the clearest
// sign that a question worded like a shop question is about something else.
// text is the prepared message (before case folding). A message written
// all in capitals has no names to tell apart and counts none.
//
// A name right after small talk is the person spoken to ("thanks Anna",
// "good morning Tom"), not a subject: it is counted apart, in addressed,
// and the classifier does not hold it against small talk.
func (st *kbState) namesOutOfDomain(text string, sc *scratch) (names, addressed int) {
	lower, upper := 0, 0
	for _, r := range text {
		if unicode.IsLower(r) {
			lower++
		} else if unicode.IsUpper(r) {
			upper++
		}
	}
	if upper == 0 || lower == 0 {
		return 0, 0
	}
	sentenceStart := true
	buf := sc.buf[:0]
	prevStart, prevEnd := -1, -1
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !unicode.IsLetter(r) {
			if r == '.' || r == '!' || r == '?' || r == '¿' || r == '¡' {
				sentenceStart = true
			} else if unicode.IsDigit(r) {
				sentenceStart = false
			}
			i += size
			continue
		}
		start := i
		capital := false
		for i < len(text) {
			r, size := utf8.DecodeRuneInString(text[i:])
			if !unicode.IsLetter(r) && !unicode.IsMark(r) {
				break
			}
			capital = capital || unicode.IsUpper(r)
			i += size
		}
		first := sentenceStart
		sentenceStart = false
		ps, pe := prevStart, prevEnd
		prevStart, prevEnd = start, i
		if first || !capital || i-start < 2 {
			continue
		}
		if partOfID(text, start, i) {
			continue // "ORD001", "Ord-7", "ORD-2024-0001" are ids, not names
		}
		buf = buf[:0]
		for _, r := range text[start:i] {
			buf = utf8.AppendRune(buf, unicode.ToLower(r))
		}
		if _, ok := expansions[string(buf)]; ok {
			continue // "ASAP", "IDK": chat abbreviations, not names
		}
		id, ok := st.lx.words[string(buf)]
		if ok && id != idUnknown && (int(id) >= len(st.domain) || st.domain[id]) {
			continue
		}
		if ps >= 0 && st.addressing(text[ps:pe], sc) {
			addressed++ // "thanks Anna", "hi Tom": the person spoken to
			continue
		}
		names++
	}
	sc.buf = buf[:0]
	return names, addressed
}

// partOfID reports whether the word text[start:end] touches a digit,
// directly or across a hyphen, as the letters of an order number do.
func partOfID(text string, start, end int) bool {
	if end < len(text) {
		next := text[end]
		if next == '-' && end+1 < len(text) {
			next = text[end+1]
		}
		if '0' <= next && next <= '9' {
			return true
		}
	}
	if start > 0 {
		prev := text[start-1]
		if prev == '-' && start > 1 {
			prev = text[start-2]
		}
		if '0' <= prev && prev <= '9' {
			return true
		}
	}
	return false
}

// addressing reports whether a name may follow word (as written) as the
// person spoken to (see addressingIDs).
func (st *kbState) addressing(word string, sc *scratch) bool {
	buf := sc.buf[:0]
	for _, r := range word {
		buf = utf8.AppendRune(buf, unicode.ToLower(r))
	}
	id, ok := st.lx.words[string(buf)]
	sc.buf = buf[:0]
	return ok && int(id) < len(st.address) && st.address[id]
}

// addressWords may stand right before the name of the person spoken to
// ("thank you so much Anna", "hi there Tom", "dear Sarah").
var addressWords = []string{"dear", "much", "lot", "again", "there", "all", "everyone", "you"}

// addressingIDs marks the ids of lx after which a capitalised word is a
// person spoken to rather than something the message is about: the last
// word of every greeting, thanks and goodbye phrase ("thanks Anna", "good
// morning Tom") and addressWords.
func addressingIDs(lx *lexicon) []bool {
	a := make([]bool, len(lx.strs))
	for _, r := range ruleTable {
		if !r.intent.social() {
			continue
		}
		ids := lx.idsOf(r.phrase)
		if len(ids) == 0 {
			continue
		}
		// A stop word ends "thank you for" but not a greeting: "for
		// the Tour de France" names the subject.
		if last := ids[len(ids)-1]; len(ids) == 1 || !isStopID(lx, last) {
			a[last] = true
		}
	}
	for _, w := range slices.Concat(addressWords, []string{"hello", "thank", "bye"}) {
		for _, id := range lx.idsOf(w) {
			a[id] = true
		}
	}
	return a
}
