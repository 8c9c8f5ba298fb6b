package bot

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"full-width letters fold to ASCII (NFKC)", "Ｏｒｄｅｒ", []string{"order"}},
		{"case folding", "HELLO Bot", []string{"hello", "bot"}},
		{"ligature (NFKC)", "ﬁnd", []string{"find"}},
		{"contraction don't", "don't", []string{"do", "not"}},
		{"contraction where's", "where's my parcel", []string{"where", "is", "my", "packag"}},
		{"curly apostrophe", "don’t", []string{"do", "not"}},
		{"contraction I'm", "I'm back", []string{"i", "am", "back"}},
		{"contraction can't", "can't", []string{"can", "not"}},
		{"contraction won't", "won't", []string{"will", "not"}},
		{"apostrophe-less chat spelling", "dont", []string{"do", "not"}},
		{"possessive dropped", "the shop's policy", []string{"the", "shop", "polici"}},
		{"accents kept", "café crème", []string{"café", "crème"}},
		{"stemming", "tracking deliveries", []string{"track", "ship"}},
		{"synonym parcel/package/shipment", "parcel package shipment", []string{"packag", "packag", "packag"}},
		{"synonym phrase money back", "money back", []string{"refund"}},
		{"synonym phrase call off", "call off", []string{"cancel"}},
		{"synonym human", "agent operator representative person", []string{"human", "human", "human", "human"}},
		{"past tense kept where it matters", "cancelled orders", []string{"cancelled", "orders"}},
		{"ids stay one token", "ORD-2024-0001 and #100234", []string{"ord-2024-0001", "and", "100234"}},
		{"punctuation is a separator", "hi!!!where?", []string{"hello", "where"}},
		{"emoji is a token", "thanks 👍", []string{"thank", "👍"}},
		{"other scripts pass", "こんにちは", []string{"こんにちは"}},
		{"nothing but punctuation", "?!...", []string{}},
		{"elongated chat words", "hellooo", []string{"hello"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Normalize(tt.in)
			if !slices.Equal(got, tt.want) && !(len(got) == 0 && len(tt.want) == 0) {
				t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestNormalizeWholeWords: matching is on whole tokens, so a greeting word
// inside another word never appears.
func TestNormalizeWholeWords(t *testing.T) {
	hello := Normalize("hi")[0]
	for _, in := range []string{"shipping", "this", "ship it", "high", "history", "chips"} {
		if slices.Contains(Normalize(in), hello) {
			t.Errorf("Normalize(%q) contains the greeting token %q", in, hello)
		}
	}
}

func TestNormalizeInvalidUTF8(t *testing.T) {
	for _, in := range []string{"\xff\xfe order", "caf\xc3", strings.Repeat("\x80", 10), "a\x00b"} {
		for _, tok := range Normalize(in) {
			if !utf8.ValidString(tok) || tok == "" {
				t.Errorf("Normalize(%q) produced token %q", in, tok)
			}
		}
	}
}

func TestStem(t *testing.T) {
	// Expected stems from the Porter2 description and its sample
	// vocabulary.
	tests := map[string]string{
		"consign": "consign", "consigned": "consign", "consigning": "consign",
		"consignment": "consign", "consist": "consist", "consisted": "consist",
		"consistency": "consist", "consistent": "consist", "consistently": "consist",
		"consolation": "consol", "consolatory": "consolatori", "console": "consol",
		"consolidate": "consolid", "conspicuous": "conspicu", "conspiracy": "conspiraci",
		"conspirator": "conspir", "constable": "constabl", "constancy": "constanc",
		"knack": "knack", "knackeries": "knackeri", "kneading": "knead", "knee": "knee",
		"knightly": "knight", "knitting": "knit", "knives": "knive",
		"caresses": "caress", "ponies": "poni", "ties": "tie", "cries": "cri",
		"gaps": "gap", "gas": "gas", "kiwis": "kiwi", "this": "this",
		"cancellation": "cancel", "cancelling": "cancel", "delivered": "deliv",
		"delivery": "deliveri", "shipping": "ship", "tracking": "track",
		"generously": "generous", "skies": "sky", "dying": "die", "news": "news",
		"hopping": "hop", "hoping": "hope", "agreed": "agre", "succeed": "succeed",
		"café": "café", "a": "a", "by": "by",
	}
	for in, want := range tests {
		if got := Stem(in); got != want {
			t.Errorf("Stem(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestOSADistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"order", "order", 0},
		{"ordre", "order", 1}, // transposition
		{"ordr", "order", 1},
		{"shiping", "shipping", 1},
		{"refnud", "refund", 1},
		{"cancle", "cancel", 1},
		{"kitten", "sitting", 3},
		{"", "abc", 3},
	}
	for _, tt := range tests {
		if got := osaDistance(tt.a, tt.b, 5); got != tt.want {
			t.Errorf("osaDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
	if got := osaDistance("kitten", "sitting", 1); got != 2 {
		t.Errorf("limited distance = %d, want limit+1 = 2", got)
	}
}

func TestCorrector(t *testing.T) {
	c := newCorrector(map[string]int{
		"shipping": 20, "refund": 15, "cancel": 30, "order": 50, "where": 40,
		"hello": 10, "hey": 5, "delivery": 10, "ordre": 1,
	})
	tests := []struct{ in, want string }{
		{"shiping", "shipping"},  // 7 letters, one deletion
		{"refnud", "refund"},     // transposition
		{"cancle", "cancel"},     // transposition
		{"odrer", "order"},       // tie with nothing: transposition
		{"ordr", "order"},        // 4 letters, one edit
		{"dleivrey", "delivery"}, // 8 letters, two edits
		{"hi", ""},               // too short to correct
		{"heyy", "hey"},          // 4 letters
		{"order", ""},            // known
		{"banana", ""},           // nothing near
		{"ORDER", ""},            // not lower-case ASCII: left alone
		{"xyzzyxyzzy", ""},       // nothing within two
		{"shppng", ""},           // 6 letters need one edit; this is two
	}
	for _, tt := range tests {
		if got := c.correct(tt.in); got != tt.want {
			t.Errorf("correct(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	// Ties between equally distant words go to the more frequent one.
	if got := c.correct("ordee"); got != "order" {
		t.Errorf("correct(ordee) = %q, want the frequent order", got)
	}
}
