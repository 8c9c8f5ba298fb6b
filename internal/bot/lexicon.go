package bot

import (
	"sync"
	"unicode/utf8"
)

// This file maps surface words to integer token ids. A token id stands for
// a canonical stem after synonyms: "parcels", "parcel", "shipment" and
// "package" all become the id of "packag". The classifier, the rules and
// the knowledge-base index work on these ids only, so the hot path is map
// look-ups of the words a message contains and nothing else; stemming and
// typo correction run only for words the lexicon has never seen.

// Reserved token ids.
const (
	idUnknown  int32 = 0 // a word the bot does not know
	idNum      int32 = 1 // a number ("25", "100234")
	idAlnum    int32 = 2 // letters and digits mixed ("ord001", "ord-2024-0001")
	idOrderRef int32 = 3 // feature only: the message contains an order number
	idBOS      int32 = 4 // feature only: the start of the message
	idUnkTok   int32 = 5 // feature only: an unknown word
	idOOD1     int32 = 6 // feature only: a word outside the shop's domain
	idOOD2     int32 = 7 // feature only: two or more such words
	idAllOOD   int32 = 8 // feature only: every content word is outside it
	idSymbol   int32 = 9 // an emoji or symbol the lexicon does not know
	// idForeignName is a feature only: the message names something
	// outside the shop's domain (see namesOutOfDomain).
	idForeignName int32 = 10
	firstWord     int32 = 11
)

var reservedNames = [firstWord]string{"<unk>", "<num>", "<alnum>", "<order>", "<bos>", "<unk>",
	"<ood>", "<ood2>", "<allood>", "<sym>", "<name>"}

// maxGramID bounds the ids that can take part in phrase keys (16 bits per
// position). Built-in and corpus words come first and stay far below it;
// ids past it (a huge knowledge base) are simply never part of a phrase.
const maxGramID = 1<<16 - 1

// gramKey packs up to four token ids into one map key, so looking up a
// phrase allocates nothing. Unused positions are zero (idUnknown never
// appears in a phrase), which keeps keys of different lengths distinct.
func gramKey(ids []int32) (uint64, bool) {
	var k uint64
	for i, id := range ids {
		if id <= idUnknown || id > maxGramID || i >= 4 {
			return 0, false
		}
		k |= uint64(id) << (16 * uint(i))
	}
	return k, true
}

// Single-word synonyms: surface word → the word it means here. They are
// resolved on stems, so inflections follow ("parcels" → "package").
var wordSynonyms = map[string]string{
	// things that travel
	"parcel": "package", "shipment": "package", "packet": "package", "consignment": "package",
	// moving them
	"delivery": "shipping", "deliver": "shipping", "delivering": "shipping",
	"dispatch": "shipping", "ship": "shipping", "postage": "shipping",
	// money back
	"reimburse": "refund", "reimbursement": "refund", "repay": "refund",
	"repayment": "refund", "refunding": "refund",
	// calling an order off
	"cancellation": "cancel", "cancelation": "cancel", "canceling": "cancel",
	"cancelling": "cancel", "revoke": "cancel", "rescind": "cancel", "annul": "cancel",
	// people
	"agent": "human", "person": "human", "operator": "human", "representative": "human",
	"rep": "human", "staff": "human", "employee": "human", "advisor": "human", "adviser": "human",
	"someone": "human", "somebody": "human", "people": "human", "humans": "human",
	"persons": "human", "manager": "human", "supervisor": "human", "colleague": "human",
	// what was bought
	"purchase": "order",
	"product":  "item", "article": "item", "goods": "item", "stuff": "item", "thing": "item",
	// small talk
	"hi": "hello", "hey": "hello", "hiya": "hello", "howdy": "hello", "heya": "hello",
	"hallo": "hello", "hola": "hello", "bonjour": "hello", "greetings": "hello", "helo": "hello",
	"hii": "hello", "heyy": "hello", "yo": "hello", "hullo": "hello",
	"thanks": "thank", "cheers": "thank", "thankyou": "thank", "thanx": "thank",
	"goodbye": "bye", "farewell": "bye", "byebye": "bye", "adios": "bye",
	"yeah": "yes", "yep": "yes", "yup": "yes", "yea": "yes", "yess": "yes",
	"nope": "no", "nah": "no", "nay": "no",
	"okay": "ok", "alright": "ok", "okey": "ok",
	// everything else
	"price": "cost", "fee": "cost", "fees": "cost", "pricing": "cost", "costs": "cost",
	"mail": "email", "emails": "email",
	"incorrect": "wrong",
	"damaged":   "broken", "defective": "broken", "faulty": "broken", "broke": "broken",
	"cracked": "broken", "smashed": "broken", "shattered": "broken",
	"delayed": "late", "delay": "late", "overdue": "late",
	"trace": "track",
	"wish":  "want", "need": "want",
	"assist": "help", "assistance": "help",
	"received": "receive", "recieve": "receive", "recieved": "receive",
	"color": "colour", "colors": "colour",
	// The commonest shop words of the neighbouring languages, so a short
	// question in German, French, Spanish, Italian or Dutch reaches the
	// same rules (about 1% of messages are not in English).
	"bestellung": "order", "pedido": "order", "commande": "order", "bestelling": "order",
	"ordine": "order", "encomenda": "order",
	"wo": "where", "dónde": "where", "donde": "where", "où": "where", "waar": "where",
	"ist": "is", "está": "is", "esta": "is", "est": "is", "è": "is",
	"mein": "my", "meine": "my", "meinen": "my", "mi": "my", "mon": "my", "ma": "my",
	"mes": "my", "mijn": "my", "mio": "my", "mia": "my",
	"stornieren": "cancel", "storniere": "cancel", "annuler": "cancel", "cancelar": "cancel",
	"annullare": "cancel", "annuleren": "cancel", "stornierung": "cancel",
	"remboursement": "refund", "reembolso": "refund", "rückerstattung": "refund",
	"erstattung": "refund", "terugbetaling": "refund", "rimborso": "refund",
	"versand": "shipping", "lieferung": "shipping", "verzending": "shipping", "envío": "shipping",
	"envio": "shipping", "livraison": "shipping", "spedizione": "shipping", "levering": "shipping",
	"rücksendung": "return", "retoure": "return", "devolución": "return", "devolucion": "return",
	"retourner": "return", "retourneren": "return", "zurückschicken": "return", "reso": "return",
	"paket": "package", "paquete": "package", "colis": "package", "pakket": "package", "pacco": "package",
	"bitte": "please", "svp": "please", "alstublieft": "please", "aub": "please",
	"hilfe": "help", "ayuda": "help", "aide": "help", "aiuto": "help", "hulp": "help",
	"mensch": "human", "humano": "human", "humain": "human", "mitarbeiter": "human",
	"medewerker": "human", "mitarbeiterin": "human", "operador": "human", "operatore": "human",
	"opérateur": "human", "conseiller": "human", "boss": "human",
	"spreken": "speak", "sprechen": "speak", "parler": "speak", "hablar": "speak",
	"parlare": "speak", "falar": "speak",
	"toon": "show", "zeige": "show", "zeig": "show", "anzeigen": "show", "muestra": "show",
	"mostrar": "show", "montre": "show", "montrez": "show", "afficher": "show", "mostra": "show",
	"hist": "history", "overview": "history",
	"lange": "long", "lang": "long", "hoe": "how", "combien": "how", "cuánto": "how",
	"wetter": "weather", "météo": "weather", "meteo": "weather",
	"bezahlen": "pay", "zahlen": "pay", "payer": "pay", "pagar": "pay", "pagare": "pay",
	"betalen": "pay", "zahlung": "payment", "paiement": "payment", "pago": "payment",
	"pagamento": "payment", "betaling": "payment",
	"politique": "policy", "política": "policy", "politica": "policy", "beleid": "policy",
	"richtlinie": "policy", "retour": "return", "retours": "return", "devolver": "return",
	"restituire": "return", "zurückgeben": "return", "rückgabe": "return",
	"envíos": "shipping", "envios": "shipping", "enviar": "shipping", "envían": "shipping",
	"envian": "shipping", "versenden": "shipping", "liefern": "shipping", "expédition": "shipping",
	"expédier": "shipping", "expédiez": "shipping", "spedire": "shipping", "verzenden": "shipping",
	"bezorging": "shipping", "bezorgen": "shipping", "entrega": "shipping", "consegna": "shipping",
	"kosten": "cost", "coût": "cost", "prix": "cost", "precio": "cost", "prezzo": "cost",
	"prijs": "cost", "preis": "cost",
	"rechnung": "invoice", "facture": "invoice", "factura": "invoice", "fattura": "invoice",
	"factuur": "invoice", "garantie": "warranty", "garantía": "warranty", "garanzia": "warranty",
	"größe": "size", "taille": "size", "talla": "size", "taglia": "size", "maat": "size",
	"umtauschen": "exchange", "umtausch": "exchange", "échanger": "exchange", "échange": "exchange",
	"cambiar": "exchange", "cambio": "exchange", "ruilen": "exchange",
	"rabatt": "discount", "réduction": "discount", "descuento": "discount", "sconto": "discount",
	"korting": "discount", "gutschein": "voucher", "konto": "account", "compte": "account",
	"cuenta": "account", "passwort": "password", "contraseña": "password", "wachtwoord": "password",
	"adresse": "address", "dirección": "address", "direccion": "address", "indirizzo": "address",
	"adres": "address", "kaputt": "broken", "beschädigt": "broken", "cassé": "broken",
	"roto": "broken", "rotto": "broken", "kapot": "broken", "beschadigd": "broken",
	// emoji that stand for a shop word ("📦?", "🚚 when")
	"📦": "package", "🚚": "shipping", "🚛": "shipping", "📬": "package", "📫": "package",
	"💸": "money", "💰": "money", "💶": "money", "💵": "money", "💳": "payment",
	// how big a product is
	"tall": "dimensions", "wide": "dimensions", "width": "dimensions", "height": "dimensions",
	"depth": "dimensions", "measurements": "dimensions", "measurement": "dimensions",
}

// literalForms keep a form the stemmer would fold away, because the
// difference carries the intent: "my orders" asks for the list while "my
// order" asks about one; "I cancelled it, where is my money" is about a
// refund, "cancel it" is a cancellation; "I returned it" waits for money.
var literalForms = map[string]string{
	"orders": "orders", "purchases": "orders",
	"bestellungen": "orders", "pedidos": "orders", "commandes": "orders", "bestellingen": "orders",
	"ordini": "orders", "encomendas": "orders",
	"cancelled": "cancelled", "canceled": "cancelled",
	"returned": "returned", "refunded": "refunded", "reimbursed": "refunded",
	"shipped": "shipped", "dispatched": "shipped", "posted": "shipped",
	"delivered": "delivered", "sent": "sent",
	"ordered": "ordered", "purchased": "ordered", "bought": "bought",
}

// Phrase synonyms: several surface words that mean one.
var phraseSynonyms = map[string]string{
	"money back":     "refund",
	"my money back":  "refund",
	"call off":       "cancel",
	"send back":      "return",
	"send it back":   "return",
	"send them back": "return",
	"ship back":      "return",
	"ship it back":   "return",
	"give back":      "return",
	"take back":      "return",
	"bring back":     "return",
	"go back to you": "return",
	// "send ORD030 back", "ship order 100234 back": the number sits
	// inside the phrase (it is one placeholder token here).
	"send ord001 back": "return",
	"ship ord001 back": "return",
	"send 100234 back": "return",
	"real person":      "human",
	"live person":      "human",
	"live agent":       "human",
	"actual person":    "human",
	"human being":      "human",
	"real human":       "human",
	"thank you":        "thank",
	"many thanks":      "thank",
	"good bye":         "bye",
	"see you":          "bye",
	"see you later":    "bye",
	"good night":       "bye",
	"good morning":     "hello",
	"good afternoon":   "hello",
	"good evening":     "hello",
	"hey there":        "hello",
	"hi there":         "hello",
	"hello there":      "hello",
	"would like":       "want",
	"never mind":       "nevermind",
	"e mail":           "email",
	"bye bye":          "bye",
	"how come":         "why",
	"por favor":        "please",
	"per favore":       "please",
	"s'il vous plaît":  "please",
	"s'il vous plait":  "please",
}

// synonymExceptions share a stem with a synonym but not its meaning
// ("personal data" is not about a person to talk to).
var synonymExceptions = map[string]bool{
	"personal": true, "personally": true, "personalise": true, "personalised": true,
	"personalize": true, "personalized": true, "personality": true,
	"production": true, "productive": true, "productivity": true,
	// "goods" are items, but "good" is not.
	"good": true, "goodness": true,
	// "manager", "operator", "advisor" and "representative" are people;
	// managing, operating, advising and representing are not.
	"manage": true, "manages": true, "managed": true, "managing": true, "management": true,
	"manageable": true, "operate": true, "operates": true, "operated": true,
	"operating": true, "operation": true, "operations": true, "operational": true,
	"advise": true, "advises": true, "advised": true, "advising": true, "advisable": true,
	"represent": true, "represents": true, "represented": true, "representing": true,
	// Foreign synonyms whose stems are English words: French "commande",
	// Italian "ordine", Dutch "levering" and "hoe".
	"command": true, "commands": true, "commanded": true, "commander": true,
	"commanding": true, "ordinance": true, "ordination": true, "lever": true,
	"levers": true, "hoe": true, "hoes": true,
}

// lexicon is immutable once built (copy-on-extend), so readers never lock.
type lexicon struct {
	words   map[string]int32 // surface word → canonical id
	stems   map[string]int32 // stem of a seen word → canonical id (first wins)
	canon   map[string]int32 // canonical stem → its id
	strs    []string         // canonical id → canonical stem
	freq    map[string]int   // surface word → how often it was seen
	phrases map[uint64]phraseSyn
	// maxPhrase is the longest phrase synonym in tokens.
	maxPhrase int
	// stop marks the ids of stopWords; set by finish.
	stop []bool
}

// finish computes what depends on the complete lexicon. It must run after
// the last addWord and before the lexicon is shared.
func (lx *lexicon) finish() {
	lx.stop = make([]bool, len(lx.strs))
	for _, w := range stopWords {
		for _, id := range lx.idsOf(w) {
			if id >= firstWord && int(id) < len(lx.stop) {
				lx.stop[id] = true
			}
		}
	}
}

type phraseSyn struct {
	n  int
	id int32
}

var (
	synStemOnce sync.Once
	synStem     map[string]string // stem of a synonym → stem of its meaning
)

func synonymStems() map[string]string {
	synStemOnce.Do(func() {
		synStem = make(map[string]string, len(wordSynonyms))
		for from, to := range wordSynonyms {
			synStem[Stem(from)] = Stem(to)
		}
		// A meaning is its own canonical form even if its stem is shared.
		for _, to := range wordSynonyms {
			delete(synStem, Stem(to))
		}
	})
	return synStem
}

func newLexicon() *lexicon {
	lx := &lexicon{
		words:   make(map[string]int32, 4096),
		stems:   make(map[string]int32, 4096),
		canon:   make(map[string]int32, 4096),
		freq:    make(map[string]int, 4096),
		phrases: map[uint64]phraseSyn{},
	}
	lx.strs = append(lx.strs, reservedNames[:]...)
	return lx
}

// clone copies the lexicon so a knowledge-base swap can extend it without
// touching the one concurrent readers use.
func (lx *lexicon) clone() *lexicon {
	c := &lexicon{
		words:     make(map[string]int32, len(lx.words)),
		stems:     make(map[string]int32, len(lx.stems)),
		canon:     make(map[string]int32, len(lx.canon)),
		freq:      make(map[string]int, len(lx.freq)),
		phrases:   lx.phrases, // never changed after the built-in lexicon
		strs:      append([]string(nil), lx.strs...),
		maxPhrase: lx.maxPhrase,
	}
	for k, v := range lx.words {
		c.words[k] = v
	}
	for k, v := range lx.stems {
		c.stems[k] = v
	}
	for k, v := range lx.canon {
		c.canon[k] = v
	}
	for k, v := range lx.freq {
		c.freq[k] = v
	}
	return c
}

func (lx *lexicon) intern(canon string) int32 {
	if id, ok := lx.canon[canon]; ok {
		return id
	}
	id := int32(len(lx.strs)) // #nosec G115 -- the vocabulary is bounded by the corpus and knowledge base, far below 2^31
	lx.strs = append(lx.strs, canon)
	lx.canon[canon] = id
	return id
}

// addWord records one surface word (already folded and expanded).
func (lx *lexicon) addWord(w string, count int) {
	if w == "" || hasDigit(w) {
		return // numbers are entities, not vocabulary
	}
	lx.freq[w] += count
	if _, ok := lx.words[w]; ok {
		return
	}
	st := w
	if r, size := utf8.DecodeRuneInString(w); size == len(w) && isSymbolToken(r) {
		// An emoji is its own token.
	} else {
		st = Stem(w)
	}
	canon := st
	folded, accented := foldAccents(w, nil)
	if id, ok := lx.words[string(folded)]; accented && ok {
		// Accents are optional: "días" is the "dias" already known.
		lx.words[w] = id
		return
	}
	if lit, ok := literalForms[w]; ok {
		// Not entered under its stem: "cancels" must still find
		// "cancel", not "cancelled".
		lx.words[w] = lx.intern(lit)
		return
	}
	if to, ok := wordSynonyms[w]; ok {
		canon = Stem(to)
	} else if to, ok := synonymStems()[st]; ok && !synonymExceptions[w] {
		canon = to
	}
	id := lx.intern(canon)
	lx.words[w] = id
	if _, ok := lx.stems[st]; !ok {
		lx.stems[st] = id
	}
	// The same word typed without its accents ("adios", "dias") is the
	// same word.
	if accented {
		lx.words[string(folded)] = id
	}
}

// addText records every surface word of a text.
func (lx *lexicon) addText(text string, count int) {
	sc := getScratch()
	sc.words, sc.buf, sc.toks = surfaceWords(text, sc.buf, sc.toks, sc.words)
	for _, w := range sc.words {
		lx.addWord(w, count)
	}
	putScratch(sc)
}

// addPhraseSynonyms compiles phraseSynonyms; their words must already be
// in the lexicon.
func (lx *lexicon) addPhraseSynonyms() {
	for from, to := range phraseSynonyms {
		lx.addText(from, 1)
		lx.addText(to, 1)
	}
	for from, to := range phraseSynonyms {
		ids := lx.idsOfPhrases(from, false)
		target := lx.idsOfPhrases(to, false)
		if len(ids) < 2 || len(target) != 1 {
			continue
		}
		k, ok := gramKey(ids)
		if !ok {
			continue
		}
		lx.phrases[k] = phraseSyn{n: len(ids), id: target[0]}
		lx.maxPhrase = max(lx.maxPhrase, len(ids))
	}
}

// idsOf analyses a built-in phrase without typo correction or phrase
// synonyms.
func (lx *lexicon) idsOf(text string) []int32 {
	return lx.idsOfPhrases(text, true)
}

// idsOfPhrases analyses a built-in phrase without typo correction; with
// phrases false, phrase synonyms are left alone (to compile them).
func (lx *lexicon) idsOfPhrases(text string, phrases bool) []int32 {
	sc := getScratch()
	defer putScratch(sc)
	lx.analyze(text, nil, sc, false, phrases)
	return append([]int32(nil), sc.ids...)
}

// scratch holds the buffers of one analysis; pooled so the hot path does
// not allocate them per message.
type scratch struct {
	buf   []byte
	toks  []string
	words []string
	ids   []int32
	strs  []string
	feats []uint64
	score []float64
	docs  []int32
	top   []docScore
	// coverage is set by kbIndex.search for its top hit.
	coverage float64
	// names and addressed are set from kbState.namesOutOfDomain.
	names, addressed int
}

var scratchPool = sync.Pool{New: func() any {
	return &scratch{
		buf:   make([]byte, 0, 256),
		toks:  make([]string, 0, 32),
		words: make([]string, 0, 32),
		ids:   make([]int32, 0, 32),
		feats: make([]uint64, 0, 64),
	}
}}

func getScratch() *scratch { return scratchPool.Get().(*scratch) }

// putScratch returns sc to the pool unless a huge message grew it; keeping
// that memory alive for every later message would be a leak in all but name.
func putScratch(sc *scratch) {
	if cap(sc.buf) > 1<<16 || cap(sc.toks) > 1024 || cap(sc.score) > 1<<16 {
		return
	}
	clear(sc.toks)
	clear(sc.words)
	clear(sc.strs)
	scratchPool.Put(sc)
}

// analyze fills sc.ids with the token ids of text (and sc.strs with their
// string forms when wantStrs is set). Unknown words get idUnknown; with
// wantStrs their stem is still reported, which is what Normalize shows.
func (lx *lexicon) analyze(text string, corr *corrector, sc *scratch, wantStrs, phrases bool) {
	sc.words, sc.buf, sc.toks = surfaceWords(text, sc.buf, sc.toks, sc.words)
	sc.ids = sc.ids[:0]
	sc.strs = sc.strs[:0]
	for _, w := range sc.words {
		id, ok := lx.words[w]
		str := ""
		if !ok {
			id, str = lx.unknownWord(w, corr, wantStrs)
		}
		sc.ids = append(sc.ids, id)
		if wantStrs {
			if str == "" {
				str = lx.strs[id]
			}
			sc.strs = append(sc.strs, str)
		}
	}
	if phrases && lx.maxPhrase >= 2 {
		lx.applyPhrases(sc, wantStrs)
	}
}

// unknownWord resolves a word missing from the surface map: numbers and
// ids become placeholders, then the stem is tried, then typo correction.
func (lx *lexicon) unknownWord(w string, corr *corrector, wantStrs bool) (int32, string) {
	if hasDigit(w) {
		for _, r := range w {
			if isLetterRune(r) {
				return idAlnum, w
			}
		}
		return idNum, w
	}
	if r, size := utf8.DecodeRuneInString(w); size == len(w) && isSymbolToken(r) {
		return idSymbol, w
	}
	st := Stem(w)
	if synonymExceptions[w] {
		if id, ok := lx.canon[st]; ok {
			return id, ""
		}
	} else if id, ok := lx.stems[st]; ok {
		return id, ""
	}
	if !isASCIIWord(w) {
		// Accents are optional: "adiós" typed where the lexicon has
		// "adios", or the other way round (see addWord).
		var arr [64]byte
		if folded, changed := foldAccents(w, arr[:0]); changed {
			if id, ok := lx.words[string(folded)]; ok {
				return id, ""
			}
		}
	}
	if sq := squeeze(w, 2); sq != w {
		// "hellooo", "pleeease", "byeee": chat stretches words.
		if id, ok := lx.words[sq]; ok {
			return id, ""
		}
		if id, ok := lx.words[squeeze(sq, 1)]; ok {
			return id, ""
		}
	}
	if c := corr.correct(w); c != "" {
		if id, ok := lx.words[c]; ok {
			return id, ""
		}
	}
	if to, ok := synonymStems()[st]; ok && !synonymExceptions[w] {
		if id, ok := lx.canon[to]; ok {
			return id, ""
		}
	}
	if wantStrs {
		return idUnknown, st
	}
	return idUnknown, ""
}

// applyPhrases replaces phrase synonyms in sc.ids, longest match first.
func (lx *lexicon) applyPhrases(sc *scratch, wantStrs bool) {
	ids := sc.ids
	out := ids[:0]
	var strs []string
	if wantStrs {
		strs = sc.strs[:0]
	}
	for i := 0; i < len(ids); {
		matched := false
		for n := min(lx.maxPhrase, len(ids)-i); n >= 2; n-- {
			k, ok := gramKey(ids[i : i+n])
			if !ok {
				continue
			}
			if p, ok := lx.phrases[k]; ok && p.n == n {
				out = append(out, p.id)
				if wantStrs {
					strs = append(strs, lx.strs[p.id])
				}
				i += n
				matched = true
				break
			}
		}
		if !matched {
			out = append(out, ids[i])
			if wantStrs {
				strs = append(strs, sc.strs[i])
			}
			i++
		}
	}
	sc.ids = out
	if wantStrs {
		sc.strs = strs
	}
}

// builtinWords are words the bot must know even before it sees a corpus:
// everything the rules, synonyms and yes/no readings mention.
func (lx *lexicon) addBuiltins() {
	for from, to := range wordSynonyms {
		lx.addText(from, 1)
		lx.addText(to, 1)
	}
	for _, e := range expansions {
		for _, w := range e {
			lx.addWord(w, 1)
		}
	}
	lx.addPhraseSynonyms()
	for _, r := range ruleTable {
		lx.addText(r.phrase, 1)
	}
	for _, list := range [][]string{yesLeads, noLeads, yesNoFillers, yesPhrases, noPhrases, stopWords, socialFillers, shopWords} {
		for _, p := range list {
			lx.addText(p, 1)
		}
	}
}

var (
	defaultLexOnce sync.Once
	defaultLex     *lexicon
)

// builtinLexicon is the lexicon of the built-in words only, used by the
// package-level Normalize.
func builtinLexicon() *lexicon {
	defaultLexOnce.Do(func() {
		lx := newLexicon()
		lx.addBuiltins()
		lx.finish()
		defaultLex = lx
	})
	return defaultLex
}

// Normalize returns the normalised tokens of text: NFKC, case folding,
// contractions expanded, English words stemmed and synonyms mapped to one
// canonical form; numbers and ids are kept as written (lower case). It uses
// the built-in vocabulary only; (*Brain).Tokens also corrects typos
// against the Brain's corpus and knowledge base.
func Normalize(text string) []string {
	lx := builtinLexicon()
	sc := getScratch()
	defer putScratch(sc)
	lx.analyze(text, nil, sc, true, true)
	return append([]string(nil), sc.strs...)
}

// squeeze shortens runs of identical bytes to at most keep.
func squeeze(w string, keep int) string {
	b := make([]byte, 0, len(w))
	run := 0
	for i := 0; i < len(w); i++ {
		if i > 0 && w[i] == w[i-1] {
			run++
		} else {
			run = 1
		}
		if run <= keep {
			b = append(b, w[i])
		}
	}
	if len(b) == len(w) {
		return w
	}
	return string(b)
}
