package bot

// This file is an English stemmer written from the published description
// of the Porter2 ("English") algorithm by Martin Porter. Stemming lets
// "cancelled", "cancelling" and "cancellation" meet the rule for "cancel"
// without listing every form. It works on ASCII lower-case words only;
// other words (accents, other scripts) are returned unchanged, since the
// rules are English-specific and mangling "café" would help nobody.

// stemExceptions are whole words the algorithm would get wrong.
var stemExceptions = map[string]string{
	"skis": "ski", "skies": "sky", "dying": "die", "lying": "lie", "tying": "tie",
	"idly": "idl", "gently": "gentl", "ugly": "ugli", "early": "earli", "only": "onli",
	"singly": "singl",
	"sky":    "sky", "news": "news", "howe": "howe", "atlas": "atlas", "cosmos": "cosmos",
	"bias": "bias", "andes": "andes",
}

// stemInvariantAfter1a are left alone once step 1a has run.
var stemInvariantAfter1a = map[string]bool{
	"inning": true, "outing": true, "canning": true, "herring": true, "earring": true,
	"proceed": true, "exceed": true, "succeed": true,
}

// Stem returns the Porter2 stem of a lower-case English word. Words that
// are not plain ASCII letters (with an optional apostrophe) come back
// unchanged.
func Stem(word string) string {
	if len(word) <= 2 {
		return word
	}
	for i := 0; i < len(word); i++ {
		c := word[i]
		if (c < 'a' || c > 'z') && c != '\'' {
			return word
		}
	}
	if s, ok := stemExceptions[word]; ok {
		return s
	}
	st := stemmer{w: []byte(word)}
	return st.run()
}

type stemmer struct {
	w      []byte
	r1, r2 int
}

// isVowel treats 'y' as a vowel; a consonant 'y' is stored as 'Y'.
func isVowel(c byte) bool {
	switch c {
	case 'a', 'e', 'i', 'o', 'u', 'y':
		return true
	}
	return false
}

func (s *stemmer) hasSuffix(suf string) bool {
	n := len(s.w)
	if len(suf) > n {
		return false
	}
	return string(s.w[n-len(suf):]) == suf
}

// longest returns the longest of the suffixes the word ends with, or "".
// Porter2 picks the longest matching suffix first and only then checks its
// condition; a failed condition does not fall back to a shorter suffix.
func (s *stemmer) longest(sufs ...string) string {
	best := ""
	for _, suf := range sufs {
		if len(suf) > len(best) && s.hasSuffix(suf) {
			best = suf
		}
	}
	return best
}

func (s *stemmer) replace(suf, with string) {
	s.w = append(s.w[:len(s.w)-len(suf)], with...)
}

func (s *stemmer) inR1(suf string) bool { return len(s.w)-len(suf) >= s.r1 }
func (s *stemmer) inR2(suf string) bool { return len(s.w)-len(suf) >= s.r2 }

// region returns the index after the first non-vowel that follows a vowel,
// starting at from.
func region(w []byte, from int) int {
	for i := from + 1; i < len(w); i++ {
		if !isVowel(w[i]) && isVowel(w[i-1]) {
			return i + 1
		}
	}
	return len(w)
}

// shortSyllableAt reports whether the word ends, at index end (exclusive),
// with a short syllable.
func shortSyllableAt(w []byte, end int) bool {
	if end == 2 {
		return isVowel(w[0]) && !isVowel(w[1])
	}
	if end < 3 {
		return false
	}
	a, b, c := w[end-3], w[end-2], w[end-1]
	return !isVowel(a) && isVowel(b) && !isVowel(c) && c != 'w' && c != 'x' && c != 'Y'
}

func (s *stemmer) isShort() bool {
	return s.r1 >= len(s.w) && shortSyllableAt(s.w, len(s.w))
}

func (s *stemmer) containsVowel(end int) bool {
	for i := 0; i < end; i++ {
		if isVowel(s.w[i]) {
			return true
		}
	}
	return false
}

func isDouble(w []byte) bool {
	n := len(w)
	if n < 2 || w[n-1] != w[n-2] {
		return false
	}
	switch w[n-1] {
	case 'b', 'd', 'f', 'g', 'm', 'n', 'p', 'r', 't':
		return true
	}
	return false
}

func validLiEnding(c byte) bool {
	switch c {
	case 'c', 'd', 'e', 'g', 'h', 'k', 'm', 'n', 'r', 't':
		return true
	}
	return false
}

func (s *stemmer) run() string {
	w := s.w
	if w[0] == '\'' {
		w = w[1:]
	}
	// Mark consonant y: at the start or after a vowel.
	for i := range w {
		if w[i] == 'y' && (i == 0 || isVowel(w[i-1])) {
			w[i] = 'Y'
		}
	}
	s.w = w
	switch {
	case len(w) >= 5 && (string(w[:5]) == "gener" || string(w[:5]) == "arsen"):
		s.r1 = 5
	case len(w) >= 6 && string(w[:6]) == "commun":
		s.r1 = 6
	default:
		s.r1 = region(w, 0)
	}
	s.r2 = region(w, s.r1)
	if s.r1 > len(w) {
		s.r1 = len(w)
	}

	s.step0()
	s.step1a()
	if stemInvariantAfter1a[string(s.w)] {
		return s.finish()
	}
	s.step1b()
	s.step1c()
	s.step2()
	s.step3()
	s.step4()
	s.step5()
	return s.finish()
}

func (s *stemmer) finish() string {
	for i, c := range s.w {
		if c == 'Y' {
			s.w[i] = 'y'
		}
	}
	return string(s.w)
}

func (s *stemmer) step0() {
	if suf := s.longest("'", "'s", "'s'"); suf != "" {
		s.replace(suf, "")
	}
}

func (s *stemmer) step1a() {
	switch suf := s.longest("sses", "ied", "ies", "s", "us", "ss"); suf {
	case "sses":
		s.replace(suf, "ss")
	case "ied", "ies":
		if len(s.w) > 4 {
			s.replace(suf, "i")
		} else {
			s.replace(suf, "ie")
		}
	case "s":
		// Delete when a vowel occurs before the letter preceding the s.
		if len(s.w) >= 3 && s.containsVowel(len(s.w)-2) {
			s.replace(suf, "")
		}
	}
}

func (s *stemmer) step1b() {
	switch suf := s.longest("eed", "eedly", "ed", "edly", "ing", "ingly"); suf {
	case "":
	case "eed", "eedly":
		if s.inR1(suf) {
			s.replace(suf, "ee")
		}
	default:
		if !s.containsVowel(len(s.w) - len(suf)) {
			return
		}
		s.replace(suf, "")
		switch {
		case s.hasSuffix("at"), s.hasSuffix("bl"), s.hasSuffix("iz"):
			s.w = append(s.w, 'e')
		case isDouble(s.w):
			s.w = s.w[:len(s.w)-1]
		case s.isShort():
			s.w = append(s.w, 'e')
		}
	}
}

func (s *stemmer) step1c() {
	n := len(s.w)
	if n > 2 && (s.w[n-1] == 'y' || s.w[n-1] == 'Y') && !isVowel(s.w[n-2]) {
		s.w[n-1] = 'i'
	}
}

var step2Rules = []struct{ suf, rep string }{
	{"tional", "tion"}, {"enci", "ence"}, {"anci", "ance"}, {"abli", "able"},
	{"entli", "ent"}, {"izer", "ize"}, {"ization", "ize"}, {"ational", "ate"},
	{"ation", "ate"}, {"ator", "ate"}, {"alism", "al"}, {"aliti", "al"},
	{"alli", "al"}, {"fulness", "ful"}, {"ousli", "ous"}, {"ousness", "ous"},
	{"iveness", "ive"}, {"iviti", "ive"}, {"biliti", "ble"}, {"bli", "ble"},
	{"ogi", "og"}, {"fulli", "ful"}, {"lessli", "less"}, {"li", ""},
}

func (s *stemmer) step2() {
	best := -1
	for i, r := range step2Rules {
		if s.hasSuffix(r.suf) && (best < 0 || len(r.suf) > len(step2Rules[best].suf)) {
			best = i
		}
	}
	if best < 0 {
		return
	}
	r := step2Rules[best]
	if !s.inR1(r.suf) {
		return
	}
	n := len(s.w) - len(r.suf)
	switch r.suf {
	case "ogi":
		if n < 1 || s.w[n-1] != 'l' {
			return
		}
	case "li":
		if n < 1 || !validLiEnding(s.w[n-1]) {
			return
		}
	}
	s.replace(r.suf, r.rep)
}

var step3Rules = []struct{ suf, rep string }{
	{"tional", "tion"}, {"ational", "ate"}, {"alize", "al"}, {"icate", "ic"},
	{"iciti", "ic"}, {"ical", "ic"}, {"ful", ""}, {"ness", ""}, {"ative", ""},
}

func (s *stemmer) step3() {
	best := -1
	for i, r := range step3Rules {
		if s.hasSuffix(r.suf) && (best < 0 || len(r.suf) > len(step3Rules[best].suf)) {
			best = i
		}
	}
	if best < 0 {
		return
	}
	r := step3Rules[best]
	if !s.inR1(r.suf) {
		return
	}
	if r.suf == "ative" && !s.inR2(r.suf) {
		return
	}
	s.replace(r.suf, r.rep)
}

func (s *stemmer) step4() {
	suf := s.longest("al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement",
		"ment", "ent", "ism", "ate", "iti", "ous", "ive", "ize", "ion")
	if suf == "" || !s.inR2(suf) {
		return
	}
	if suf == "ion" {
		n := len(s.w) - 3
		if n < 1 || (s.w[n-1] != 's' && s.w[n-1] != 't') {
			return
		}
	}
	s.replace(suf, "")
}

func (s *stemmer) step5() {
	n := len(s.w)
	if n == 0 {
		return
	}
	switch s.w[n-1] {
	case 'e':
		if s.inR2("e") || (s.inR1("e") && !shortSyllableAt(s.w, n-1)) {
			s.w = s.w[:n-1]
		}
	case 'l':
		if s.inR2("l") && n >= 2 && s.w[n-2] == 'l' {
			s.w = s.w[:n-1]
		}
	}
}
