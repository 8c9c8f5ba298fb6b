package bot

import (
	"math"
	"slices"
	"sort"
	"unicode/utf8"
)

// This file is the intent classifier's statistical half: a multinomial
// naive Bayes model and a logistic regression (logreg.go) over the same
// unigram and bigram features of token ids, trained at construction.
// Naive Bayes trains in one counting pass and copes with a corpus of a
// thousand lines; logistic regression weighs correlated words jointly. The
// readable half is the phrase rules (rules.go): whole-phrase evidence such
// as "cancel wording beats my order" that a small corpus cannot teach
// reliably. All meet in log space: the rules add log-odds to the models'
// scores and a softmax turns the sum into the reported confidence.

// nbAlpha is the Laplace smoothing of the feature likelihoods.
const nbAlpha = 0.5

// minDocFreq is how many training messages a word must appear in to get
// statistics of its own.
const minDocFreq = 2

// classifier is immutable after training.
type classifier struct {
	feat  map[uint64]int32 // feature key → row in logp
	logp  []float32        // row-major: row*numIntents + intent
	prior [numIntents]float64
	// rules maps a phrase key to the intents it votes for.
	rules      map[uint64]ruleEntry
	ruleMaxLen int
	// social marks ids that are small talk or filler ("hi", "there",
	// "thanks", "bot"): a greeting must consist of little else.
	social []bool
	// known marks ids seen in training or rules; a message made of
	// unknown words is out of scope whatever the model says.
	known []bool
	// neutral marks emoji and other symbols, which neither make nor
	// break small talk.
	neutral []bool
	// lr is the logistic regression over the same features.
	lr *logReg
	// builtinIDs: ids below it are built-in words (rules, synonyms).
	builtinIDs int
	// vocab marks the ids with statistics of their own.
	vocab []bool
	// symbol marks the ids of emoji and other symbols.
	symbol []bool
	// yesno reads confirmations.
	yesno *yesNoTable
}

// ruleEntry is a phrase key's votes; more is set when a longer rule
// starts with this phrase.
type ruleEntry struct {
	votes []ruleVote
	more  bool
}

type ruleVote struct {
	intent int8
	weight float32
}

// features appends the feature keys of a token id sequence to out. Ids
// the model has no statistics for (vocab[id] false) all become one unknown
// token (emoji: one unknown symbol), which training has seen in place of
// its rarest words. Content words outside the shop's domain (st.domain: the
// knowledge base, the built-in lexicon and words of in-scope training
// messages) add the out-of-domain features that carry most of the fallback
// evidence; names is how many capitalised words outside the domain the
// message names and addressed how many names of the person spoken to it
// has (see namesOutOfDomain). It returns the features, the number of
// out-of-domain content words and the number of content words.
func (c *classifier) features(ids []int32, hasOrder bool, names, addressed int, st *kbState, out []uint64) ([]uint64, int, int) {
	prev := idBOS
	ood, content := 0, 0
	for _, id := range ids {
		if id >= firstWord && !isStopID(st.lx, id) {
			content++
			if int(id) < len(st.domain) && !st.domain[id] {
				ood++
			}
		} else if id == idUnknown {
			content++
			ood++
		}
		if int(id) >= len(c.vocab) || !c.vocab[id] {
			switch {
			case int(id) < c.builtinIDs && id >= firstWord:
				// A built-in word too rare in the corpus for
				// statistics: the rules know it, so it is not
				// "unknown"; the model simply has no opinion.
				continue
			case int(id) < len(c.symbol) && c.symbol[id]:
				// An emoji too rare for statistics of its own is
				// what an emoji never seen is at run time.
				id = idSymbol
			default:
				id = idUnkTok
			}
		}
		out = append(out, uint64(id), uint64(prev)|uint64(id)<<16)
		prev = id
	}
	// The name of the person spoken to is an unknown word but not a
	// subject: it does not count as out of the domain.
	ood = max(0, ood-addressed)
	content = max(0, content-addressed)
	if hasOrder {
		out = append(out, uint64(idOrderRef))
	}
	if names > 0 {
		out = append(out, uint64(idForeignName))
	}
	if ood > 0 {
		out = append(out, uint64(idOOD1))
	}
	if ood > 1 {
		out = append(out, uint64(idOOD2))
	}
	if content > 0 && ood == content {
		out = append(out, uint64(idAllOOD))
	}
	return out, ood, content
}

// train counts binarised features per intent (a feature counts once per
// message: for short texts presence matters more than repetition).
//
// Words found in a single training message are trained as the unknown
// token: that is how unseen words behave at run time, so the model learns
// what an unknown word says (mostly: out of scope) instead of ignoring it.
func train(examples []exampleIDs, nids, builtinIDs int, st *kbState) *classifier {
	c := &classifier{feat: map[uint64]int32{}, builtinIDs: builtinIDs}
	df := make([]int, nids)
	for _, ex := range examples {
		for i, id := range ex.ids {
			if int(id) < nids && !slices.Contains(ex.ids[:i], id) {
				df[id]++
			}
		}
	}
	c.vocab = make([]bool, nids)
	for id, n := range df {
		c.vocab[id] = n >= minDocFreq
	}
	for id := idNum; id < firstWord; id++ { // placeholders are always known
		c.vocab[id] = true
	}
	c.vocab[idUnknown] = false
	c.symbol = make([]bool, nids)
	for id := firstWord; int(id) < nids; id++ {
		str := st.lx.strs[id]
		if r, size := utf8.DecodeRuneInString(str); size == len(str) && isSymbolToken(r) {
			c.symbol[id] = true
		}
	}
	var docs [numIntents]float64
	var totals [numIntents]float64
	var counts [][numIntents]float64
	var feats []uint64
	rows := make([][]int32, len(examples))
	labels := make([]int, len(examples))
	for e, ex := range examples {
		docs[ex.intent]++
		labels[e] = ex.intent
		feats, _, _ = c.features(ex.ids, ex.hasOrder, ex.names, ex.addressed, st, feats[:0])
		sort.Slice(feats, func(i, j int) bool { return feats[i] < feats[j] })
		for i, f := range feats {
			if i > 0 && feats[i-1] == f {
				continue
			}
			row, ok := c.feat[f]
			if !ok {
				row = int32(len(counts)) // #nosec G115 -- one row per training feature, far below 2^31
				c.feat[f] = row
				counts = append(counts, [numIntents]float64{})
			}
			counts[row][ex.intent]++
			totals[ex.intent]++
			rows[e] = append(rows[e], row)
		}
	}
	c.lr = trainLogReg(rows, labels, len(counts))
	v := float64(len(counts))
	c.logp = make([]float32, len(counts)*numIntents)
	for row, cnt := range counts {
		for k := 0; k < numIntents; k++ {
			c.logp[row*numIntents+k] = float32(math.Log((cnt[k] + nbAlpha) / (totals[k] + nbAlpha*v)))
		}
	}
	n := float64(len(examples))
	for k := 0; k < numIntents; k++ {
		c.prior[k] = math.Log((docs[k] + 1) / (n + float64(numIntents)))
	}
	return c
}

// exampleIDs is a training example after analysis.
type exampleIDs struct {
	ids       []int32
	intent    int
	hasOrder  bool
	names     int // see namesOutOfDomain
	addressed int
}

// modelScores sets nb to the naive Bayes log-probabilities and lr to the
// logistic regression logits (one map look-up per feature serves both) and
// returns how many features the models knew.
func (c *classifier) modelScores(feats []uint64, nb, lr *[numIntents]float64) int {
	*nb = c.prior
	*lr = c.lr.bias
	known := 0
	for _, f := range feats {
		row, ok := c.feat[f]
		if !ok {
			continue
		}
		known++
		base := int(row) * numIntents
		lp := c.logp[base : base+numIntents]
		w := c.lr.w[base : base+numIntents]
		for k := range nb {
			nb[k] += float64(lp[k])
			lr[k] += float64(w[k])
		}
	}
	return known
}
