package bot

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// This file turns raw text into surface words: Unicode NFKC (so full-width
// "Ｏｒｄｅｒ" and ligatures read as plain letters), full case folding,
// one apostrophe, and a tokenizer that keeps letters, digits and marks
// together (accents stay: "café" is a word of its own), joins ids like
// "ord-2024-0001", emits each emoji or other symbol as a token of its own
// and treats everything else as a separator. Contractions and chat
// spellings are then expanded ("don't" → "do not", "where's" → "where is",
// "pls" → "please").

// folderPool holds case folders: a cases.Caser is stateful and must not
// be shared between goroutines.
var folderPool = sync.Pool{New: func() any { c := cases.Fold(); return &c }}

// foldText returns text in NFKC, case-folded, with apostrophe look-alikes
// replaced by "'". ASCII text, by far the common case, takes a copy-free
// fast path: NFKC is the identity there and folding is lower-casing.
func foldText(text string, buf []byte) (string, []byte) {
	ascii := true
	upper := false
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
		if ('A' <= c && c <= 'Z') || c == '`' {
			upper = true
		}
	}
	if ascii {
		if !upper {
			return text, buf
		}
		buf = append(buf[:0], text...)
		for i, c := range buf {
			switch {
			case 'A' <= c && c <= 'Z':
				buf[i] = c + 'a' - 'A'
			case c == '`':
				buf[i] = '\''
			}
		}
		return string(buf), buf
	}
	s := norm.NFKC.String(strings.ToValidUTF8(text, "\uFFFD"))
	fp := folderPool.Get().(*cases.Caser)
	s = fp.String(s)
	folderPool.Put(fp)
	s = norm.NFKC.String(s)
	buf = buf[:0]
	for _, r := range s {
		switch r {
		case '\u2018', '\u2019', '\u02bc', '\u02b9', '\u2032', '\u00b4', '`', '\uff07':
			r = '\''
		}
		buf = utf8.AppendRune(buf, r)
	}
	return string(buf), buf
}

// isWordRune reports whether r belongs inside a word.
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return ('a' <= r && r <= 'z') || ('0' <= r && r <= '9') || ('A' <= r && r <= 'Z')
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

func isDigitRune(r rune) bool {
	if r < utf8.RuneSelf {
		return '0' <= r && r <= '9'
	}
	return unicode.IsDigit(r)
}

func isLetterRune(r rune) bool {
	if r < utf8.RuneSelf {
		return ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z')
	}
	return unicode.IsLetter(r)
}

// isSymbolToken reports whether r is an emoji or other symbol that is a
// token by itself (a thumbs-up or a smiley carries meaning in chat).
func isSymbolToken(r rune) bool {
	return r >= utf8.RuneSelf && r != utf8.RuneError && unicode.Is(unicode.So, r)
}

// maxTokens bounds the tokens kept from one message; with the length cap
// this only matters for direct callers of Normalize on huge strings.
const maxTokens = 512

// tokenize appends the surface tokens of folded text s to out.
func tokenize(s string, out []string) []string {
	i := 0
	for i < len(s) && len(out) < maxTokens {
		r, sz := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, sz = utf8.DecodeRuneInString(s[i:])
		}
		switch {
		case isWordRune(r) && !unicode.IsMark(r):
			start := i
			i += sz
			prev := r
			for i < len(s) {
				r2, sz2 := rune(s[i]), 1
				if r2 >= utf8.RuneSelf {
					r2, sz2 = utf8.DecodeRuneInString(s[i:])
				}
				if isWordRune(r2) {
					i += sz2
					prev = r2
					continue
				}
				if (r2 == '\'' || r2 == '-') && i+sz2 < len(s) {
					next, nsz := utf8.DecodeRuneInString(s[i+sz2:])
					_ = nsz
					// An apostrophe between letters is part of the
					// word ("don't", "o'neil"); a hyphen is when it
					// glues an id together ("ord-2024-0001"), so the id
					// stays one token, but "e-mail" splits.
					joinApos := r2 == '\'' && isLetterRune(prev) && isLetterRune(next)
					joinHyph := r2 == '-' && isWordRune(next) && !unicode.IsMark(next) &&
						(isDigitRune(next) || isDigitRune(prev))
					if joinApos || joinHyph {
						i += sz2
						prev = r2
						continue
					}
				}
				break
			}
			out = append(out, s[start:i])
		case isSymbolToken(r):
			out = append(out, s[i:i+sz])
			i += sz
		default:
			i += sz
		}
	}
	return out
}

// hasDigit reports whether w contains a decimal digit.
func hasDigit(w string) bool {
	for _, r := range w {
		if isDigitRune(r) {
			return true
		}
	}
	return false
}

// Contraction and chat-spelling expansions. They are applied to surface
// tokens before the vocabulary look-up, so "dont", "don't" and "do not"
// all reach the rules as the same two tokens.
var expansions = map[string][]string{
	"dont": {"do", "not"}, "doesnt": {"does", "not"}, "didnt": {"did", "not"},
	"cant": {"can", "not"}, "cannot": {"can", "not"}, "wont": {"will", "not"},
	"isnt": {"is", "not"}, "arent": {"are", "not"}, "wasnt": {"was", "not"},
	"werent": {"were", "not"}, "havent": {"have", "not"}, "hasnt": {"has", "not"},
	"hadnt": {"had", "not"}, "wouldnt": {"would", "not"}, "couldnt": {"could", "not"},
	"shouldnt": {"should", "not"}, "aint": {"is", "not"}, "im": {"i", "am"},
	"ive": {"i", "have"}, "youre": {"you", "are"}, "whats": {"what", "is"},
	"wheres": {"where", "is"}, "hows": {"how", "is"}, "thats": {"that", "is"},
	"theres": {"there", "is"}, "whens": {"when", "is"}, "whos": {"who", "is"},
	"wanna": {"want", "to"}, "gonna": {"going", "to"}, "gotta": {"got", "to"},
	"gimme": {"give", "me"}, "lemme": {"let", "me"},
	"pls": {"please"}, "plz": {"please"}, "plse": {"please"}, "pleeease": {"please"},
	"u": {"you"}, "ur": {"your"}, "ya": {"you"},
	"thx": {"thanks"}, "thnx": {"thanks"}, "thanx": {"thanks"}, "tnx": {"thanks"},
	"ty": {"thank", "you"}, "tq": {"thank", "you"}, "thanq": {"thank", "you"}, "thnq": {"thank", "you"}, "tysm": {"thank", "you", "so", "much"}, "tyvm": {"thank", "you", "very", "much"},
	"cuz": {"because"}, "coz": {"because"}, "idk": {"i", "do", "not", "know"},
	"asap": {"as", "soon", "as", "possible"}, "pkg": {"package"}, "msg": {"message"},
	"acct": {"account"}, "nvm": {"never", "mind"}, "cya": {"see", "you"},
	"k": {"ok"}, "kk": {"ok"}, "okey": {"okay"}, "e-mail": {"email"},
}

// copulaBases take "'s" as "is"; for any other word "'s" is a possessive
// and dropped ("order's" → "order").
var copulaBases = map[string]bool{
	"it": true, "that": true, "what": true, "where": true, "who": true, "how": true,
	"there": true, "here": true, "when": true, "why": true, "he": true, "she": true,
	"this": true, "everything": true, "nothing": true, "something": true,
}

// expand appends the expansion of one surface token to out.
func expand(tok string, out []string) []string {
	if e, ok := expansions[tok]; ok {
		return append(out, e...)
	}
	if !strings.Contains(tok, "'") {
		return append(out, tok)
	}
	switch {
	case strings.HasSuffix(tok, "n't"):
		base := tok[:len(tok)-3]
		switch base {
		case "can", "ca":
			base = "can"
		case "won", "wo":
			base = "will"
		case "shan", "sha":
			base = "shall"
		case "ain":
			base = "is"
		}
		if base == "" {
			return append(out, "not")
		}
		return append(out, base, "not")
	case strings.HasSuffix(tok, "'s"):
		base := tok[:len(tok)-2]
		if base == "let" {
			return append(out, "let", "us")
		}
		if copulaBases[base] {
			return append(out, base, "is")
		}
		return expandRest(base, out)
	case strings.HasSuffix(tok, "'re"):
		return append(expandRest(tok[:len(tok)-3], out), "are")
	case strings.HasSuffix(tok, "'ve"):
		return append(expandRest(tok[:len(tok)-3], out), "have")
	case strings.HasSuffix(tok, "'ll"):
		return append(expandRest(tok[:len(tok)-3], out), "will")
	case strings.HasSuffix(tok, "'d"):
		return append(expandRest(tok[:len(tok)-2], out), "would")
	case strings.HasSuffix(tok, "'m"):
		return append(expandRest(tok[:len(tok)-2], out), "am")
	}
	return expandRest(tok, out)
}

// expandRest drops any remaining apostrophes ("o'neil" → "oneil").
func expandRest(tok string, out []string) []string {
	if tok == "" {
		return out
	}
	if strings.Contains(tok, "'") {
		tok = strings.ReplaceAll(tok, "'", "")
	}
	if tok == "" {
		return out
	}
	return append(out, tok)
}

// surfaceWords is the first half of the pipeline, shared by the lexicon
// builder and the analyzer: folded, tokenized, expanded words.
func surfaceWords(text string, buf []byte, toks, out []string) ([]string, []byte, []string) {
	s, buf := foldText(text, buf)
	toks = tokenize(s, toks[:0])
	out = out[:0]
	for _, t := range toks {
		out = expand(t, out)
	}
	return out, buf, toks
}
