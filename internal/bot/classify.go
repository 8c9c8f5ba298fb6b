package bot

import (
	"math"
	"slices"
	"sort"
)

// This file is the intent classifier: a multinomial naive Bayes model over
// unigrams and bigrams of token ids, trained at construction, combined with
// weighted phrase rules. Naive Bayes is the statistical half because it
// trains in one counting pass (deterministic, milliseconds), copes with a
// corpus of a thousand lines and scores with one map look-up per feature.
// The rules are the half a person can read and fix: whole-phrase evidence
// such as "cancel wording beats my order" that a small corpus cannot teach
// reliably. Both meet in log space: the rules add log-odds to the model's
// tempered log-probabilities and a softmax turns the sum into the reported
// confidence.

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
// token, which training has seen in place of its rarest words. Content
// words outside the shop's domain (st.domain: the knowledge base, the
// built-in lexicon and words of in-scope training messages) add the
// out-of-domain features that carry most of the fallback evidence.
func (c *classifier) features(ids []int32, hasOrder bool, st *kbState, out []uint64) ([]uint64, int, int) {
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
			if int(id) < c.builtinIDs && id >= firstWord {
				// A built-in word too rare in the corpus for
				// statistics: the rules know it, so it is not
				// "unknown"; the model simply has no opinion.
				continue
			}
			id = idUnkTok
		}
		out = append(out, uint64(id), uint64(prev)|uint64(id)<<16)
		prev = id
	}
	if hasOrder {
		out = append(out, uint64(idOrderRef))
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
	var docs [numIntents]float64
	var totals [numIntents]float64
	var counts [][numIntents]float64
	var feats []uint64
	rows := make([][]int32, len(examples))
	labels := make([]int, len(examples))
	for e, ex := range examples {
		docs[ex.intent]++
		labels[e] = ex.intent
		feats, _, _ = c.features(ex.ids, ex.hasOrder, st, feats[:0])
		sort.Slice(feats, func(i, j int) bool { return feats[i] < feats[j] })
		for i, f := range feats {
			if i > 0 && feats[i-1] == f {
				continue
			}
			row, ok := c.feat[f]
			if !ok {
				row = int32(len(counts))
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
	ids      []int32
	intent   int
	hasOrder bool
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
