package bot

// This file reads a reply to a confirmation question ("Cancel ORD001?") as
// a yes or a no. The dialogue uses it only while it waits for an answer,
// so the reading is deliberately simple: a yes- or no-word leading the
// message decides ("yes please cancel it", "no, keep it"); otherwise a short
// message is read by its phrases ("please don't", "go ahead").

// yesLeads and noLeads decide when they open the message.
var (
	yesLeads = []string{"yes", "yeah", "yep", "yup", "sure", "ok", "okay", "alright", "confirm",
		"confirmed", "correct", "absolutely", "definitely", "certainly", "affirmative", "y",
		"indeed", "proceed", "👍", "✅"}
	noLeads = []string{"no", "nope", "nah", "n", "nevermind", "never mind", "negative", "👎", "❌"}
)

// yesPhrases and noPhrases decide anywhere in a short message.
var (
	yesPhrases = []string{"go ahead", "do it", "please do", "sounds good", "that is right",
		"that is correct", "of course", "confirm", "yes please", "please proceed", "i confirm"}
	noPhrases = []string{"do not", "never mind", "keep it", "keep my order", "cancel that",
		"forget it", "not now", "leave it", "no thanks", "no thank you", "stop", "do not do it",
		"changed my mind"}
)

// yesNoFillers may precede the deciding word ("well, yes").
var yesNoFillers = []string{"well", "oh", "um", "uh", "hmm", "erm", "ah", "so", "then"}

// maxYesNoTokens is the length up to which phrases anywhere count; a long
// message that merely contains "no" is not a reply.
const maxYesNoTokens = 6

// yesNoTable is compiled once per classifier from the base lexicon.
type yesNoTable struct {
	lead   map[uint64]int8 // phrase → +1 yes, -1 no, when leading
	phrase map[uint64]int8 // phrase → +1 yes, -1 no, anywhere in a short message
	filler map[int32]bool
	maxLen int
}

func compileYesNo(lx *lexicon) *yesNoTable {
	t := &yesNoTable{lead: map[uint64]int8{}, phrase: map[uint64]int8{}, filler: map[int32]bool{}}
	add := func(m map[uint64]int8, list []string, v int8) {
		for _, p := range list {
			ids := lx.idsOf(p)
			if k, ok := gramKey(ids); ok {
				m[k] = v
				t.maxLen = max(t.maxLen, len(ids))
			}
		}
	}
	add(t.lead, yesLeads, 1)
	add(t.lead, noLeads, -1)
	add(t.phrase, yesPhrases, 1)
	add(t.phrase, noPhrases, -1)
	for _, w := range yesNoFillers {
		for _, id := range lx.idsOf(w) {
			t.filler[id] = true
		}
	}
	return t
}

// read returns (affirmative, negative) for a message's token ids.
func (t *yesNoTable) read(ids []int32) (bool, bool) {
	i := 0
	for i < len(ids) && t.filler[ids[i]] {
		i++
	}
	rest := ids[i:]
	for n := min(t.maxLen, len(rest)); n >= 1; n-- {
		if k, ok := gramKey(rest[:n]); ok {
			if v, ok := t.lead[k]; ok {
				// "no I do not want to keep it" still opens with no;
				// "yes, but don't ship it" with yes: the opening word is
				// the answer to the question that was asked.
				return v > 0, v < 0
			}
		}
	}
	if len(ids) > maxYesNoTokens {
		return false, false
	}
	// A no anywhere wins over a yes anywhere: "please don't ship it"
	// contains "please do", but it is a no.
	yes := false
	for s := range ids {
		for n := min(t.maxLen, len(ids)-s); n >= 1; n-- {
			if k, ok := gramKey(ids[s : s+n]); ok {
				if v, ok := t.phrase[k]; ok {
					if v < 0 {
						return false, true
					}
					yes = true
				}
			}
		}
	}
	return yes, false
}
