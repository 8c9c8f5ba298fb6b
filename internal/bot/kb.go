package bot

import (
	"math"
	"slices"
)

// FAQ is one knowledge-base entry as the index sees it.
type FAQ struct {
	ID          string
	Question    string
	Paraphrases []string
	Answer      string
	Tags        []string
}

// Hit is a knowledge-base entry with its BM25 score for one query. The
// entry's slices are shared with the index: treat them as read-only.
type Hit struct {
	FAQ   FAQ
	Score float64
}

// BM25 parameters: the usual k1 and b. Question and paraphrases weigh more
// than the answer because they are written the way customers ask, while the
// answer is long and mentions many topics in passing.
const (
	bm25K1         = 2.0
	bm25B          = 0.75
	weightQuestion = 3.0
	weightExample  = 1.0 // training lines labelled with the entry's faq_id
	weightTags     = 1.5
	weightAnswer   = 1.0
)

// kbIndex is an immutable BM25 index over FAQ entries. Each posting
// carries its precomputed contribution (idf × saturated, length-normalised
// term frequency), so a query only adds floats.
type kbIndex struct {
	faqs     []FAQ
	postings map[int32][]posting
}

type posting struct {
	doc int32
	w   float32
}

// buildIndex indexes faqs with lx (which must already contain their words).
// extra holds additional customer phrasings per entry id (from the
// training corpus), indexed like paraphrases with a lower weight.
func buildIndex(faqs []FAQ, lx *lexicon, extra map[string][]string) *kbIndex {
	idx := &kbIndex{faqs: faqs, postings: map[int32][]posting{}}
	n := len(faqs)
	if n == 0 {
		return idx
	}
	tfs := make([]map[int32]float64, n)
	lens := make([]float64, n)
	sc := getScratch()
	defer putScratch(sc)
	add := func(doc int, text string, weight float64) {
		lx.analyze(text, nil, sc, false, true)
		for _, id := range sc.ids {
			if id < firstWord || isStopID(lx, id) {
				continue
			}
			tfs[doc][id] += weight
			lens[doc] += weight
		}
	}
	for i, f := range faqs {
		tfs[i] = map[int32]float64{}
		add(i, f.Question, weightQuestion)
		for _, p := range f.Paraphrases {
			add(i, p, weightQuestion)
		}
		for _, e := range extra[f.ID] {
			add(i, e, weightExample)
		}
		for _, t := range f.Tags {
			add(i, t, weightTags)
		}
		add(i, f.Answer, weightAnswer)
	}
	var total float64
	for _, l := range lens {
		total += l
	}
	avg := total / float64(n)
	if avg == 0 {
		avg = 1
	}
	df := map[int32]int{}
	for _, tf := range tfs {
		for id := range tf {
			df[id]++
		}
	}
	for doc, tf := range tfs {
		norm := bm25K1 * (1 - bm25B + bm25B*lens[doc]/avg)
		for id, f := range tf {
			idf := math.Log(1 + (float64(n)-float64(df[id])+0.5)/(float64(df[id])+0.5))
			w := idf * f * (bm25K1 + 1) / (f + norm)
			idx.postings[id] = append(idx.postings[id], posting{doc: int32(doc), w: float32(w)})
		}
	}
	return idx
}

// docScore is one scored document.
type docScore struct {
	doc   int
	score float64
}

// searchDocs is search without building Hits: the top n documents.
func (idx *kbIndex) searchDocs(ids []int32, n int, sc *scratch) []docScore {
	if idx == nil || len(idx.faqs) == 0 || n <= 0 {
		return nil
	}
	if cap(sc.score) < len(idx.faqs) {
		sc.score = make([]float64, len(idx.faqs))
	}
	score := sc.score[:len(idx.faqs)]
	touched := sc.docs[:0]
	for i, id := range ids {
		if id < firstWord || slices.Contains(ids[:i], id) {
			continue
		}
		for _, p := range idx.postings[id] {
			if score[p.doc] == 0 {
				touched = append(touched, p.doc)
			}
			score[p.doc] += float64(p.w)
		}
	}
	top := sc.top[:0]
	for _, d := range touched {
		c := docScore{int(d), score[d]}
		score[d] = 0
		if len(top) < n {
			top = append(top, c)
		} else if better(c, top[len(top)-1]) {
			top[len(top)-1] = c
		} else {
			continue
		}
		for i := len(top) - 1; i > 0 && better(top[i], top[i-1]); i-- {
			top[i], top[i-1] = top[i-1], top[i]
		}
	}
	sc.docs = touched[:0]
	sc.top = top
	return top
}

// better orders scored documents: higher score, then lower index.
func better(a, b docScore) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	return a.doc < b.doc
}

// search scores the query token ids and returns up to n hits, best first,
// with ties broken by entry order so results are deterministic. It also
// sets sc.coverage for the best hit.
func (idx *kbIndex) search(ids []int32, n int, sc *scratch, lx *lexicon) []Hit {
	sc.coverage = 0
	top := idx.searchDocs(ids, n, sc)
	if len(top) == 0 {
		return nil
	}
	hits := make([]Hit, len(top))
	for i, c := range top {
		hits[i] = Hit{FAQ: idx.faqs[c.doc], Score: c.score}
	}
	sc.coverage = idx.coverage(ids, int32(top[0].doc), lx) // #nosec G115 -- a document index, at most kb.MaxEntries
	return hits
}

// coverage is the share of the query's content words that occur in doc: a
// high BM25 score reached through one shared word ("how do I make
// pancakes" meeting "make") is weak evidence of a shop question.
func (idx *kbIndex) coverage(ids []int32, doc int32, lx *lexicon) float64 {
	content, hit := 0, 0
	for i, id := range ids {
		if slices.Contains(ids[:i], id) {
			continue
		}
		if id == idUnknown {
			content++
			continue
		}
		if id < firstWord || isStopID(lx, id) {
			continue
		}
		content++
		ps := idx.postings[id]
		if j, ok := slices.BinarySearchFunc(ps, doc, func(p posting, d int32) int { return int(p.doc - d) }); ok && j >= 0 {
			hit++
		}
	}
	if content == 0 {
		return 0
	}
	return float64(hit) / float64(content)
}

// stopWords carry no topic; BM25 ignores them so that "how do I" does not
// make every how-to entry look relevant.
var stopWords = []string{
	"a", "an", "the", "i", "me", "my", "mine", "myself", "we", "our", "us", "you", "your",
	"it", "its", "this", "that", "these", "those", "is", "am", "are", "was", "were", "be",
	"been", "being", "do", "does", "did", "doing", "have", "has", "had", "to", "of", "in",
	"on", "at", "by", "for", "with", "from", "and", "or", "but", "so", "if", "then",
	"can", "could", "would", "should", "will", "shall", "may", "might", "must", "please",
	"there", "here", "what", "which", "who", "whom", "how", "when", "where", "why", "any",
	"some", "just", "also", "too", "very", "really", "about", "into", "up", "out", "as",
	"hi", "hello", "hey", "thanks", "thank", "ok", "okay", "get", "got", "one", "s",
	// The function words of the neighbouring languages, so a question in
	// German, French, Spanish, Italian, Dutch or Portuguese is judged by
	// its content words ("kan ik een medewerker spreken"), as an English
	// one is. Words that are also English content words ("hat", "die",
	// "van", "son") are left out.
	"der", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "und", "ich", "du",
	"wir", "ihr", "mit", "von", "zu", "für", "auf", "ist", "sind", "kann", "können", "mein",
	"meine", "meinen", "wie", "wo", "wann", "warum", "nicht", "haben", "habe", "mir", "mich",
	"le", "la", "les", "un", "une", "du", "et", "est", "je", "tu", "il", "elle", "nous",
	"vous", "avec", "pour", "dans", "sur", "par", "que", "qui", "quoi", "mon", "ma", "mes",
	"votre", "vos", "ne", "pas", "puis", "peux", "pouvez", "comment", "où", "quand",
	"el", "los", "las", "una", "y", "en", "con", "por", "para", "qué", "es", "mi", "mis",
	"su", "sus", "yo", "se", "lo", "puedo", "puede", "cómo", "cuándo", "dónde", "hacen",
	"gli", "di", "da", "che", "è", "io", "mio", "mia", "posso", "può", "sono", "come",
	"het", "een", "ik", "jij", "wij", "mijn", "kan", "kunnen", "voor", "naar", "hoe", "wat",
	"waar", "wanneer", "niet", "heb", "ben", "jullie",
	"os", "um", "uma", "do", "da", "em", "na", "com", "eu", "meu", "minha", "pode", "vocês",
}

// isStopID reports whether id is a stop word in lx.
func isStopID(lx *lexicon, id int32) bool {
	return int(id) < len(lx.stop) && lx.stop[id]
}
