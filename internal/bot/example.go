package bot

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Example is one labelled corpus line {"text","intent","order_id"?,"faq_id"?}.
// OrderID is the canonical order number the line mentions (checked by the
// evaluation), FAQID the knowledge-base entry a faq line should find.
type Example struct {
	Text    string `json:"text"`
	Intent  Intent `json:"intent"`
	OrderID string `json:"order_id,omitempty"`
	FAQID   string `json:"faq_id,omitempty"`
}

// maxExampleLine bounds one corpus line; a corpus is trusted input, but a
// corrupt file should fail with a line number rather than exhaust memory.
const maxExampleLine = 1 << 20

// ParseExamples reads JSON lines of Examples. Blank lines are skipped and
// unknown fields ignored (a corpus may carry notes for its authors). An
// error names the 1-based line number; an unknown intent or an empty text is
// an error, because a silently skipped line would quietly change the model.
func ParseExamples(r io.Reader) ([]Example, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), maxExampleLine)
	var out []Example
	line := 0
	for sc.Scan() {
		line++
		raw := bytes.TrimSpace(sc.Bytes())
		if len(raw) == 0 {
			continue
		}
		var ex Example
		dec := json.NewDecoder(bytes.NewReader(raw))
		if err := dec.Decode(&ex); err != nil {
			return nil, fmt.Errorf("bot: examples line %d: %w", line, err)
		}
		if dec.More() {
			return nil, fmt.Errorf("bot: examples line %d: trailing data after the object", line)
		}
		in, err := ParseIntent(string(ex.Intent))
		if err != nil {
			return nil, fmt.Errorf("bot: examples line %d: %w", line, err)
		}
		ex.Intent = in
		if ex.Text == "" {
			return nil, fmt.Errorf("bot: examples line %d: %w", line, errEmptyText)
		}
		out = append(out, ex)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("bot: examples line %d: %w", line+1, err)
	}
	return out, nil
}

var errEmptyText = errors.New("empty text")
