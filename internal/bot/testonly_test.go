package bot

// Helpers only the tests and benchmarks use.

// classifyOnly is Understand without the knowledge base and entities other
// than the order number; the benchmark of the hot path uses it.
func (b *Brain) classifyOnly(text string) (Intent, float64, string) {
	st := b.state.Load()
	text = b.prepare(text)
	oid := b.orders.extract(text)
	sc := getScratch()
	defer putScratch(sc)
	st.lx.analyze(text, st.corr, sc, false, true)
	sc.names, sc.addressed = st.namesOutOfDomain(text, sc)
	in, conf := b.clf.classify(sc, st, oid != "", 0, -1)
	return in, conf, oid
}

// mostlySocial reports whether at least 60% of the tokens are small talk;
// emoji are neutral ("bye 👋" is all goodbye).
func (c *classifier) mostlySocial(ids []int32) bool {
	return c.socialShare(ids, 0) >= 0.6
}

// osaDistance is the optimal-string-alignment (restricted Damerau-
// Levenshtein) distance between a and b, giving up early (returning
// limit+1) once every alignment exceeds limit. Inputs are short ASCII
// words, so fixed rows on the stack avoid allocation.
func osaDistance(a, b string, limit int) int {
	return editDistance(a, b, limit, false)
}
