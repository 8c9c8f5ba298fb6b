package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"supportbot/internal/bot"
	"supportbot/internal/kb"
	"supportbot/internal/payment/card"
)

func runBot(a *app, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(a.stderr, `Usage: supportbot bot classify [-kb FILE] < messages.jsonl
       supportbot bot eval [-kb FILE] FILE

classify reads one JSON object {"text": …} per line and writes one line per
message: {"text", "intent", "confidence", "order_id", "faq_id"}. Card data is
removed from the text before anything else happens to it.
eval scores a labelled corpus (JSON lines {"text","intent","order_id"?,"faq_id"?}):
accuracy per intent, the confusion matrix and order-number extraction.
Both use the demo shop's knowledge base unless -kb names a JSON file of entries.
`)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	switch args[0] {
	case "classify":
		return runBotClassify(a, args[1:])
	case "eval":
		return runBotEval(a, args[1:])
	}
	fmt.Fprintf(a.stderr, "supportbot bot: unknown command %q (see supportbot bot -h)\n", args[0])
	return 2
}

// cliBrain trains the bot as the server does and loads a knowledge base:
// the file kbFile names (a JSON array of entries), or the demo shop's.
func (a *app) cliBrain(kbFile string) (*bot.Brain, bool) {
	c, ok := a.loadConfig(false)
	if !ok {
		return nil, false
	}
	brain, err := newBrain(c)
	if err != nil {
		fmt.Fprintf(a.stderr, "supportbot bot: %v\n", err)
		return nil, false
	}
	var entries []kb.Entry
	if kbFile == "" {
		entries, err = kb.DemoEntries()
	} else {
		var data []byte
		if data, err = os.ReadFile(kbFile); err == nil { // #nosec G304 -- a file the operator names
			err = json.Unmarshal(data, &entries)
		}
	}
	if err == nil {
		err = brain.SetKnowledgeBase(kb.FAQs(entries))
	}
	if err != nil {
		fmt.Fprintf(a.stderr, "supportbot bot: knowledge base: %v\n", err)
		return nil, false
	}
	return brain, true
}

// maxClassifyLine bounds one input line of bot classify.
const maxClassifyLine = 1 << 20

type classified struct {
	Text       string  `json:"text"`
	Intent     string  `json:"intent"`
	Confidence float64 `json:"confidence"`
	OrderID    *string `json:"order_id"`
	FAQID      *string `json:"faq_id"`
}

func runBotClassify(a *app, args []string) int {
	fs := newFlagSet(a, "bot classify", "Classify JSON lines {\"text\": …} from standard input.")
	kbFile := fs.String("kb", "", "knowledge base: a JSON array of FAQ entries (default: the demo shop's)")
	if err := fs.Parse(args); err != nil {
		return flagExit(err)
	}
	brain, ok := a.cliBrain(*kbFile)
	if !ok {
		return 1
	}
	in := bufio.NewScanner(a.stdin)
	in.Buffer(make([]byte, 64<<10), maxClassifyLine)
	out := bufio.NewWriter(a.stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	status := 0
	for n := 1; in.Scan(); n++ {
		line := bytes.TrimSpace(in.Bytes())
		if len(line) == 0 {
			continue
		}
		var msg struct {
			Text *string `json:"text"`
		}
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&msg); err != nil || msg.Text == nil || dec.More() {
			fmt.Fprintf(a.stderr, "supportbot bot classify: line %d: want one object {\"text\": \"…\"}\n", n)
			status = 1
			continue
		}
		text, _ := card.Redact(*msg.Text) // before anything else sees it (invariant 6)
		u := brain.Understand(text)
		r := classified{Text: text, Intent: string(u.Intent), Confidence: u.Confidence}
		if u.OrderID != "" {
			r.OrderID = &u.OrderID
		}
		if u.FAQ != nil && u.Intent == bot.IntentFAQ {
			r.FAQID = &u.FAQ.FAQ.ID
		}
		if err := enc.Encode(r); err != nil {
			fmt.Fprintf(a.stderr, "supportbot bot classify: %v\n", err)
			return 1
		}
	}
	if err := in.Err(); err != nil {
		fmt.Fprintf(a.stderr, "supportbot bot classify: reading input: %v\n", err)
		return 1
	}
	return status
}

func runBotEval(a *app, args []string) int {
	fs := newFlagSet(a, "bot eval", "Score the bot on a labelled corpus FILE (JSON lines).")
	kbFile := fs.String("kb", "", "knowledge base: a JSON array of FAQ entries (default: the demo shop's)")
	if err := fs.Parse(args); err != nil {
		return flagExit(err)
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(a.stderr, "supportbot bot eval: name one corpus file, e.g. testdata/bot/heldout.jsonl")
		return 2
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		fmt.Fprintf(a.stderr, "supportbot bot eval: %v\n", err)
		return 1
	}
	defer f.Close()
	examples, err := bot.ParseExamples(io.LimitReader(f, 64<<20))
	if err != nil {
		fmt.Fprintf(a.stderr, "supportbot bot eval: %v\n", err)
		return 1
	}
	brain, ok := a.cliBrain(*kbFile)
	if !ok {
		return 1
	}
	if err := bot.Evaluate(brain, examples).WriteText(a.stdout); err != nil {
		fmt.Fprintf(a.stderr, "supportbot bot eval: %v\n", err)
		return 1
	}
	return 0
}
