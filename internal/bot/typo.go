package bot

import "sort"

// This file corrects common typos ("shiping", "refnud", "cancle") against
// the vocabulary the bot actually knows: the built-in lexicon, the training
// corpus and the knowledge base. Correction must stay in the microsecond
// range, so nothing is searched at request time: every vocabulary word's
// deletion neighbourhood (the strings left after deleting up to two
// letters) is indexed once, and a query looks up its own deletions only
// ("symmetric delete"). Two words within Damerau-Levenshtein distance k
// always share a string reachable by at most k deletions from each, so the
// index finds every candidate; each candidate is then verified with the
// exact (optimal string alignment) distance.

// Typo limits from issue 4: words of 4-7 letters may be one edit off,
// words of 8 or more two edits; shorter words are never corrected ("hi" must
// not become "hey"). maxTypoLen bounds the work for absurdly long words.
const (
	minTypoLen = 4
	longTypo   = 8
	maxTypoLen = 24
)

// typoBudget is the largest distance accepted for a word of n letters.
func typoBudget(n int) int {
	switch {
	case n < minTypoLen || n > maxTypoLen:
		return 0
	case n < longTypo:
		return 1
	default:
		return 2
	}
}

// corrector is immutable after newCorrector and safe for concurrent use.
type corrector struct {
	// known holds every vocabulary word with its frequency, which breaks
	// ties between equally distant candidates (the commoner word wins).
	known map[string]int
	// dels maps a deletion variant to the indexes of the words producing it.
	dels  map[string][]int32
	words []string
}

// newCorrector indexes the given word frequencies. Only plain ASCII words
// are indexed; the typo model is an English keyboard one.
func newCorrector(freq map[string]int) *corrector {
	c := &corrector{known: make(map[string]int, len(freq)), dels: make(map[string][]int32)}
	words := make([]string, 0, len(freq))
	for w, n := range freq {
		c.known[w] = n
		if isASCIIWord(w) && len(w) >= minTypoLen-1 && len(w) <= maxTypoLen+2 {
			words = append(words, w)
		}
	}
	sort.Strings(words) // deterministic index order
	c.words = words
	var scratch []byte
	for i, w := range words {
		// A word of length L can be the correction of queries of length
		// L-2..L+2; the widest budget any of them gets bounds the depth.
		depth := 1
		if len(w) >= longTypo-2 {
			depth = 2
		}
		seen := map[string]bool{}
		scratch = c.addDeletions(w, depth, int32(i), seen, scratch)
	}
	return c
}

func (c *corrector) addDeletions(w string, depth int, idx int32, seen map[string]bool, scratch []byte) []byte {
	if seen[w] {
		return scratch
	}
	seen[w] = true
	list := c.dels[w]
	if len(list) == 0 || list[len(list)-1] != idx {
		c.dels[w] = append(list, idx)
	}
	if depth == 0 || len(w) <= 1 {
		return scratch
	}
	for i := 0; i < len(w); i++ {
		scratch = append(scratch[:0], w[:i]...)
		scratch = append(scratch, w[i+1:]...)
		scratch = c.addDeletions(string(scratch), depth-1, idx, seen, scratch)
	}
	return scratch
}

// isASCIIWord reports whether w is non-empty lower-case ASCII letters.
func isASCIIWord(w string) bool {
	if w == "" {
		return false
	}
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return false
		}
	}
	return true
}

// correct returns the vocabulary word closest to w within the length
// budget, or "" when w is known, too short, not a plain word, or has no
// candidate. Ties go to the more frequent word, then the alphabetically
// first, so the result is deterministic.
func (c *corrector) correct(w string) string {
	if c == nil {
		return ""
	}
	k := typoBudget(len(w))
	if k == 0 || !isASCIIWord(w) {
		return ""
	}
	if _, ok := c.known[w]; ok {
		return ""
	}
	var (
		best     = -1
		bestDist = k + 1
		buf      [2 * maxTypoLen]byte
		cands    [64]int32
	)
	seen := cands[:0]
	consider := func(key []byte) {
		for _, idx := range c.dels[string(key)] {
			dup := false
			for _, s := range seen {
				if s == idx {
					dup = true
					break
				}
			}
			if dup {
				continue
			}
			if len(seen) < cap(seen) {
				seen = append(seen, idx)
			}
			cand := c.words[idx]
			if d := typoDistance(w, cand, k); d <= k {
				if d < bestDist || (d == bestDist && c.better(cand, c.words[best])) {
					best, bestDist = int(idx), d
				}
			}
		}
	}
	consider([]byte(w))
	for i := 0; i < len(w); i++ {
		d1 := append(buf[:0], w[:i]...)
		d1 = append(d1, w[i+1:]...)
		consider(d1)
		if k < 2 {
			continue
		}
		for j := i; j < len(d1); j++ {
			d2 := append(buf[len(d1):len(d1)], d1[:j]...)
			d2 = append(d2, d1[j+1:]...)
			consider(d2)
		}
	}
	if best < 0 {
		return ""
	}
	return c.words[best]
}

func (c *corrector) better(a, b string) bool {
	fa, fb := c.known[a], c.known[b]
	if fa != fb {
		return fa > fb
	}
	return a < b
}

// typoDistance is osaDistance under a keyboard typo model: a substitution
// costs 1 only between neighbouring keys or between two vowels, and
// inserting or dropping the first letter costs 2. Real typos look like
// that ("parsel", "cancle", "wher"); plain edit distance would also
// "correct" real words into shop words ("boil" → "oil", "sick" → "pick",
// "sale" → "same") and erase exactly the out-of-scope words that tell the
// bot a message is not about the shop.
func typoDistance(a, b string, limit int) int {
	return editDistance(a, b, limit, true)
}

func editDistance(a, b string, limit int, keyboard bool) int {
	if diff := len(a) - len(b); diff > limit || -diff > limit {
		return limit + 1
	}
	if len(a) > maxTypoLen+2 || len(b) > maxTypoLen+2 {
		return limit + 1
	}
	var rows [3][maxTypoLen + 4]int
	prev2, prev, cur := rows[0][:len(b)+1], rows[1][:len(b)+1], rows[2][:len(b)+1]
	indel := func(pos int) int {
		if keyboard && pos == 0 {
			return 2
		}
		return 1
	}
	prev[0] = 0
	for j := 1; j <= len(b); j++ {
		prev[j] = prev[j-1] + indel(j-1)
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = prev[0] + indel(i-1)
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 0
			if a[i-1] != b[j-1] {
				cost = 1
				if keyboard && !nearKeys(a[i-1], b[j-1]) {
					cost = 2
				}
			}
			v := min(prev[j]+indel(j), cur[j-1]+indel(i), prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if rowMin > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// keyRows is the QWERTY layout used for neighbouring keys.
var keyRows = [3]string{"qwertyuiop", "asdfghjkl", "zxcvbnm"}

// keyNeighbours[c] lists the letters next to c on the keyboard.
var keyNeighbours = func() (n [26]uint32) {
	pos := map[byte][2]int{}
	for r, row := range keyRows {
		for c := 0; c < len(row); c++ {
			pos[row[c]] = [2]int{r, c}
		}
	}
	for a, pa := range pos {
		for b, pb := range pos {
			dr, dc := pa[0]-pb[0], pa[1]-pb[1]
			// Rows are staggered: a key touches the two keys above or
			// below it at the same or the next column.
			if a != b && dr*dr <= 1 && dc >= -1 && dc <= 1 {
				n[a-'a'] |= 1 << (b - 'a')
			}
		}
	}
	return n
}()

func nearKeys(a, b byte) bool {
	if a < 'a' || a > 'z' || b < 'a' || b > 'z' {
		return false
	}
	if isVowelLetter(a) && isVowelLetter(b) {
		return true
	}
	return keyNeighbours[a-'a']&(1<<(b-'a')) != 0
}

func isVowelLetter(c byte) bool {
	return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'
}
