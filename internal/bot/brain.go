package bot

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
)

// Options configures a Brain. The zero value is the production default.
type Options struct {
	// OrderIDPattern is the order-number grammar (ORDER_ID_PATTERN), a Go
	// regexp (linear time); "" means DefaultOrderIDPattern. A pattern that
	// does not compile, or matches the empty string, makes New fail.
	OrderIDPattern string
	// MaxChars caps a message, in runes, before any matching; 0 means
	// 2000. The cap bounds the work one message can cause.
	MaxChars int
	// FAQMinScore is the BM25 score a knowledge-base entry needs to be
	// offered alongside another intent (half of the message's content
	// words must also occur in it); 0 means DefaultFAQMinScore. A faq
	// message gets the best entry whatever its score.
	FAQMinScore float64
}

// Defaults of Options.
const (
	DefaultMaxChars    = 2000
	DefaultFAQMinScore = 5.0
)

// suggestRatio is how close the runner-up's score must be to the best
// one's for the runner-up to be offered as a suggestion.
const suggestRatio = 0.85

// Understanding is what the bot made of one message.
type Understanding struct {
	Intent     Intent
	Confidence float64 // 0..1
	OrderID    string  // canonical order number, "" if none
	Email      string  // first email address, "" if none
	// FAQ is the best knowledge-base answer above the threshold, or nil.
	// It may be set whatever the intent; for IntentFAQ it is set.
	FAQ *Hit
	// Suggestion is the runner-up when its score is close to FAQ's, or nil.
	Suggestion *Hit
	// Affirmative means the message is a yes ("yes", "sure", "ok do it",
	// "yes please cancel it", "confirm").
	Affirmative bool
	// Negative means the message is a no ("no", "nope", "don't", "keep
	// it", "never mind", "cancel that" in reply to a confirmation).
	Negative bool
}

// Brain understands customer messages. It is safe for concurrent use: the
// classifier is immutable, and the knowledge base with the vocabulary built
// from it sits behind an atomic pointer that SetKnowledgeBase swaps whole.
type Brain struct {
	clf      *classifier
	orders   *orderMatcher
	maxChars int
	faqMin   float64
	// base is the lexicon of the built-in words and the corpus; every
	// knowledge-base lexicon extends a copy of it, so the ids the
	// classifier was trained on never change.
	base *lexicon
	// examples are the corpus lines per faq_id, indexed as extra
	// paraphrases of their entry.
	examples map[string][]string
	// domain marks the base lexicon's in-scope words (see domainOf).
	domain []bool
	// address marks the base lexicon's words a name of the person
	// spoken to may follow (see addressingIDs).
	address []bool
	state   atomic.Pointer[kbState]
}

// kbState is everything that depends on the knowledge base; it is built
// completely before it is published, so a reader sees an old or a new
// state, never a half-built one.
type kbState struct {
	lx    *lexicon
	corr  *corrector
	index *kbIndex
	// domain extends Brain.domain with the knowledge base's words.
	domain []bool
	// address is Brain.address (shared, read-only).
	address []bool
}

// New trains a Brain on the labelled examples and indexes the knowledge
// base. Training is deterministic: the same inputs give the same Brain.
func New(training []Example, faqs []FAQ, opts Options) (*Brain, error) {
	om, err := newOrderMatcher(opts.OrderIDPattern)
	if err != nil {
		return nil, err
	}
	b := &Brain{
		orders:   om,
		maxChars: cmp.Or(opts.MaxChars, DefaultMaxChars),
		faqMin:   cmp.Or(opts.FAQMinScore, DefaultFAQMinScore),
		examples: map[string][]string{},
	}
	if b.maxChars < 0 || b.faqMin < 0 {
		return nil, errors.New("bot: options out of range")
	}
	for i, ex := range training {
		if intentIndex(ex.Intent) < 0 {
			return nil, fmt.Errorf("bot: training example %d: unknown intent %q", i+1, ex.Intent)
		}
	}

	base := newLexicon()
	base.addBuiltins()
	builtinIDs := len(base.strs)
	for _, ex := range training {
		base.addText(ex.Text, 1)
		if ex.Intent == IntentFAQ && ex.FAQID != "" {
			b.examples[ex.FAQID] = append(b.examples[ex.FAQID], ex.Text)
		}
	}
	aliasRareTypos(base, builtinIDs)
	aliasStretched(base)
	base.finish()
	b.base = base

	// The classifier sees the corpus through the base lexicon without
	// typo correction: corpus words are all in the vocabulary anyway.
	exs := make([]exampleIDs, 0, len(training))
	sc := getScratch()
	for _, ex := range training {
		norm := nfkc(truncateRunes(ex.Text, b.maxChars))
		base.analyze(norm, nil, sc, false, true)
		exs = append(exs, exampleIDs{
			ids:      append([]int32(nil), sc.ids...),
			intent:   intentIndex(ex.Intent),
			hasOrder: om.extract(norm) != "",
		})
	}
	putScratch(sc)
	b.domain = domainOf(exs, len(base.strs), builtinIDs, offTopicIDs(base))
	b.address = addressingIDs(base)

	// The knowledge base comes first: its words are part of the domain
	// the model learns to tell from out-of-scope text.
	if err := b.SetKnowledgeBase(faqs); err != nil {
		return nil, err
	}
	st := b.state.Load()
	sc = getScratch()
	for i, ex := range training {
		exs[i].names, exs[i].addressed = st.namesOutOfDomain(b.prepare(ex.Text), sc)
	}
	putScratch(sc)
	b.clf = train(exs, len(base.strs), builtinIDs, st)
	b.clf.compileRules(base)
	b.clf.markKnown(base, exs)
	b.clf.yesno = compileYesNo(base)
	return b, nil
}

// domainOf marks the ids that belong to the shop's domain before the
// knowledge base is added: built-in words, placeholders, and words found in
// at least two in-scope training messages (a word seen once is treated
// like an unseen one, which is what the model meets at run time).
func domainOf(exs []exampleIDs, nids, builtinIDs int, offTopic map[int32]bool) []bool {
	d := make([]bool, nids)
	for id := 0; id < builtinIDs && id < nids; id++ {
		d[id] = !offTopic[int32(id)]
	}
	d[idUnknown] = false
	df := make([]int, nids)
	fallback := intentIndex(IntentFallback)
	for _, ex := range exs {
		if ex.intent == fallback {
			continue
		}
		for i, id := range ex.ids {
			if !slices.Contains(ex.ids[:i], id) {
				df[id]++
			}
		}
	}
	for id, n := range df {
		if n >= minDocFreq {
			d[id] = true
		}
	}
	return d
}

// offTopicIDs are the built-in words that only out-of-scope rules use
// ("headache", "wifi"): knowing them does not make them the shop's words.
func offTopicIDs(lx *lexicon) map[int32]bool {
	off := map[int32]bool{}
	for _, r := range ruleTable {
		if r.intent == IntentFallback {
			for _, id := range lx.idsOf(r.phrase) {
				off[id] = true
			}
		}
	}
	for _, r := range ruleTable {
		if r.intent != IntentFallback {
			for _, id := range lx.idsOf(r.phrase) {
				delete(off, id)
			}
		}
	}
	for _, w := range slices.Concat(stopWords, socialFillers, shopWords) {
		for _, id := range lx.idsOf(w) {
			delete(off, id)
		}
	}
	for from, to := range wordSynonyms {
		for _, id := range slices.Concat(lx.idsOf(from), lx.idsOf(to)) {
			delete(off, id)
		}
	}
	return off
}

// SetKnowledgeBase rebuilds the search index (and the vocabulary for typo
// correction, which includes the knowledge base's words) and swaps it in
// atomically. Concurrent Understand calls keep using the previous index
// until the new one is complete. An entry without an id is an error.
func (b *Brain) SetKnowledgeBase(faqs []FAQ) error {
	own := make([]FAQ, len(faqs))
	seen := make(map[string]bool, len(faqs))
	for i, f := range faqs {
		if f.ID == "" {
			return fmt.Errorf("bot: knowledge base entry %d has no id", i+1)
		}
		if seen[f.ID] {
			return fmt.Errorf("bot: knowledge base entry id %q repeated", f.ID)
		}
		seen[f.ID] = true
		f.Paraphrases = append([]string(nil), f.Paraphrases...)
		f.Tags = append([]string(nil), f.Tags...)
		own[i] = f
	}
	lx := b.base.clone()
	for _, f := range own {
		lx.addText(f.Question, 1)
		for _, p := range f.Paraphrases {
			lx.addText(p, 1)
		}
		for _, t := range f.Tags {
			lx.addText(t, 1)
		}
		lx.addText(f.Answer, 1)
	}
	lx.finish()
	domain := make([]bool, len(lx.strs))
	copy(domain, b.domain)
	for id := len(b.domain); id < len(domain); id++ {
		domain[id] = true // only the knowledge base adds words
	}
	sc := getScratch()
	mark := func(text string) {
		lx.analyze(text, nil, sc, false, true)
		for _, id := range sc.ids {
			domain[id] = true
		}
	}
	for _, f := range own {
		mark(f.Question)
		for _, p := range f.Paraphrases {
			mark(p)
		}
		for _, t := range f.Tags {
			mark(t)
		}
		mark(f.Answer)
	}
	putScratch(sc)
	domain[idUnknown] = false
	st := &kbState{
		lx:      lx,
		corr:    newCorrector(lx.freq),
		index:   buildIndex(own, lx, b.examples),
		domain:  domain,
		address: b.address,
	}
	b.state.Store(st)
	return nil
}

// minFAQCoverage is the share of a message's content words the offered
// entry must contain when the message is not a faq.
const minFAQCoverage = 0.5

// prepare caps and NFKC-normalises text: everything after works on this.
func (b *Brain) prepare(text string) string {
	return nfkc(truncateRunes(text, b.maxChars))
}

// Understand classifies one message and extracts what the dialogue needs.
func (b *Brain) Understand(text string) Understanding {
	st := b.state.Load()
	text = b.prepare(text)
	var u Understanding
	u.OrderID = b.orders.extract(text)
	u.Email = extractEmail(text)
	sc := getScratch()
	defer putScratch(sc)
	st.lx.analyze(text, st.corr, sc, false, true)
	sc.names, sc.addressed = st.namesOutOfDomain(text, sc)
	hits := st.index.search(sc.ids, 2, sc, st.lx)
	coverage := sc.coverage
	if len(hits) > 0 && hits[0].Score >= b.faqMin && coverage >= minFAQCoverage {
		u.FAQ = &hits[0]
		if len(hits) > 1 && hits[1].Score >= b.faqMin && hits[1].Score >= suggestRatio*hits[0].Score {
			u.Suggestion = &hits[1]
		}
	}
	var faqScore float64
	if len(hits) > 0 {
		faqScore = hits[0].Score
	}
	u.Intent, u.Confidence = b.clf.classify(sc, st, u.OrderID != "", faqScore*coverage, coverage)
	if u.Intent == IntentFAQ && u.FAQ == nil && len(hits) > 0 {
		// The classifier is sure this is a shop question (the model
		// knows more phrasings than the index); the best entry is the
		// answer even under the threshold.
		u.FAQ = &hits[0]
		if len(hits) > 1 && hits[1].Score >= suggestRatio*hits[0].Score {
			u.Suggestion = &hits[1]
		}
	}
	if u.Intent == IntentFAQ && u.FAQ == nil {
		u.Intent = IntentFallback
	}
	u.Affirmative, u.Negative = b.clf.yesno.read(sc.ids)
	return u
}

// SearchFAQ returns up to n knowledge-base entries for text, best first,
// whatever their score (the caller decides what is good enough; Understand
// applies FAQMinScore).
func (b *Brain) SearchFAQ(text string, n int) []Hit {
	if n <= 0 {
		return nil
	}
	n = min(n, 100)
	st := b.state.Load()
	sc := getScratch()
	defer putScratch(sc)
	st.lx.analyze(b.prepare(text), st.corr, sc, false, true)
	return st.index.search(sc.ids, n, sc, st.lx)
}

// ExtractOrderID returns the canonical order number in text, or "".
func (b *Brain) ExtractOrderID(text string) string {
	return b.orders.extract(b.prepare(text))
}

// CanonicalOrderID validates a bare id (from a URL path, a form field)
// against the whole pattern, anchored, and returns its canonical form. A
// leading '#' and surrounding spaces are tolerated.
func (b *Brain) CanonicalOrderID(s string) (string, bool) {
	if len(s) > 64 {
		return "", false
	}
	s = nfkc(s)
	s = trimSpaceASCII(s)
	if len(s) > 0 && s[0] == '#' {
		s = s[1:]
	}
	if s == "" || !b.orders.full.MatchString(s) {
		return "", false
	}
	return canonicalOrderID(s), true
}

func trimSpaceASCII(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}

// Tokens returns the normalised tokens of text as the Brain sees them:
// Normalize plus typo correction against the Brain's vocabulary.
func (b *Brain) Tokens(text string) []string {
	st := b.state.Load()
	sc := getScratch()
	defer putScratch(sc)
	st.lx.analyze(b.prepare(text), st.corr, sc, true, true)
	return append([]string(nil), sc.strs...)
}

// aliasRareTypos maps corpus words that look like typos of much commoner
// words ("retrun", "cancle") onto those words, so the model learns one
// feature instead of a rare one it will treat as unknown. Only words of
// five letters or more are aliased: among short words a one-letter
// difference is usually a different word ("shop", "ship").
func aliasRareTypos(lx *lexicon, builtinIDs int) {
	frequent := map[string]int{}
	for w, n := range lx.freq {
		if n >= aliasMinTarget {
			frequent[w] = n
		}
	}
	corr := newCorrector(frequent)
	for w, n := range lx.freq {
		if n > aliasMaxSource || len(w) < 5 || int(lx.words[w]) < builtinIDs {
			continue
		}
		c := corr.correct(w)
		if c == "" || frequent[c] < aliasRatio*n {
			continue
		}
		lx.words[w] = lx.words[c]
	}
}

// aliasStretched maps corpus words stretched for emphasis ("youuu",
// "pleeease", "sooo") onto the plain word when the lexicon knows it, as
// analysis does for unseen words, so the corpus teaches the plain word.
func aliasStretched(lx *lexicon) {
	for w := range lx.freq {
		sq := squeeze(w, 2)
		if sq == w {
			continue // no letter repeated three times
		}
		if id, ok := lx.words[sq]; ok {
			lx.words[w] = id
		} else if id, ok := lx.words[squeeze(sq, 1)]; ok {
			lx.words[w] = id
		}
	}
}

// Aliasing thresholds: the source is seen at most five times, the target
// at least eight times and eight times as often.
const (
	aliasMaxSource = 5
	aliasMinTarget = 8
	aliasRatio     = 8
)
