package request

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"unicode/utf8"
)

// MaxDepth bounds how deeply objects and arrays may nest in a request body.
// No schema of ours goes past a handful of levels; encoding/json alone would
// accept 10,000, and every level costs the validator and the decoder
// (OWASP ASVS 4.0.3 V13.1.3, bounded input structures).
const MaxDepth = 32

// linearKeys is how many member names of one object are compared one by one
// before the check switches to a set: small objects, the usual case, cost no
// allocation, and an object with thousands of members stays linear.
const linearKeys = 16

// CheckStructure checks that data is exactly one well-formed JSON value in
// which no object repeats a member name and nothing nests deeper than
// MaxDepth. Errors are *DecodeError naming where (a JSON pointer).
//
// Repeated names are refused because the two decoders a body meets disagree
// on them: the schema validates a map, which keeps the last copy, while
// struct decoding merges every copy, so a member found only in an earlier
// copy would reach the handler without having been validated. RFC 8259 §4
// leaves repeated names to the parser; I-JSON (RFC 7493 §2.3) forbids them
// (hardening guide, "Validate JSON schema before processing"; ASVS 4.0.3
// V13.2.2). Names are compared as decoded, so "a" and "\u0061" are the same.
func CheckStructure(data []byte) error {
	if !json.Valid(data) {
		return malformed(data)
	}
	return checkMembers(data)
}

// malformed returns the *DecodeError for data that json.Valid refused,
// letting the decoder find and name the first fault.
func malformed(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber() // 1e400 is well-formed JSON, if not a float64
	var v json.RawMessage
	if err := dec.Decode(&v); err != nil {
		return syntaxError(err)
	}
	if err := trailing(dec); err != nil {
		return err
	}
	return newDecodeError("", "is malformed JSON", nil)
}

// frame is one open object or array of checkMembers.
type frame struct {
	object bool
	first  int                 // object: index in names of its first member name
	set    map[string]struct{} // object: its names, once it has more than linearKeys
	key    []byte              // object: the current member name, decoded
	index  int                 // array: the current element's index
}

// checkMembers is CheckStructure for data that json.Valid accepted, so it
// needs to follow only strings and brackets: outside strings nothing else
// can hold a quote, a bracket or a comma. It allocates only for names with
// escapes and for objects with more than linearKeys members.
func checkMembers(data []byte) error {
	var (
		stack [MaxDepth]frame
		depth int
		spare [2 * linearKeys][]byte
		names = spare[:0] // member names of the open objects, innermost last
	)
	for i := 0; i < len(data); i++ {
		switch data[i] {
		case '"':
			start := i
			escaped := false
			for i++; data[i] != '"'; i++ {
				if data[i] == '\\' {
					escaped = true
					i++
				}
			}
			// A string followed by a colon is a member name.
			j := i + 1
			for j < len(data) && isSpace(data[j]) {
				j++
			}
			if j == len(data) || data[j] != ':' {
				continue
			}
			name := data[start+1 : i]
			if escaped || !utf8.Valid(name) {
				name = decodeName(data[start : i+1])
			}
			if depth == 0 { // impossible after json.Valid; refuse rather than trust it
				return newDecodeError("", "is not valid JSON", errMalformedStructure)
			}
			f := &stack[depth-1] // #nosec G602 -- depth > 0 checked above
			f.key = name
			if IsCardField(name) {
				return newDecodeError(pointerOf(stack[:depth]),
					"is a payment card field: card details are never accepted here (automated card payments are disabled for PCI-DSS compliance)",
					errCardField)
			}
			if repeated(f, names, name) {
				return newDecodeError(pointerOf(stack[:depth]), "is repeated: a member name may appear only once in an object",
					errRepeatedMember)
			}
			if f.set == nil {
				names = append(names, name)
			}
			i = j
		case '{', '[':
			if depth == MaxDepth {
				return newDecodeError(pointerOf(stack[:depth]), "is nested more than "+strconv.Itoa(MaxDepth)+" levels deep",
					errTooDeep)
			}
			stack[depth] = frame{object: data[i] == '{', first: len(names)}
			depth++
		case '}', ']':
			if depth == 0 {
				return newDecodeError("", "is not valid JSON", errMalformedStructure)
			}
			depth--
			names = names[:stack[depth].first] // #nosec G602 -- depth >= 0 checked above
		case ',':
			if depth == 0 {
				return newDecodeError("", "is not valid JSON", errMalformedStructure)
			}
			if f := &stack[depth-1]; !f.object { // #nosec G602 -- depth > 0 checked above
				f.index++
			}
		}
	}
	return nil
}

// Causes kept for the log; the client message names the place.
var (
	errRepeatedMember = errors.New("json: repeated object member name")
	errTooDeep        = errors.New("json: nesting too deep")
	errCardField      = errors.New("json: payment card field")
	// errMalformedStructure is unreachable after json.Valid; it replaces an
	// index panic should that guarantee ever break.
	errMalformedStructure = errors.New("json: malformed structure")
)

// repeated reports whether the object f, whose names so far are
// names[f.first:] (or f.set), already has a member called name. When the
// object outgrows linearKeys its names move into a set; the caller records
// name in names while there is no set.
func repeated(f *frame, names [][]byte, name []byte) bool {
	if f.set != nil {
		if _, dup := f.set[string(name)]; dup {
			return true
		}
		f.set[string(name)] = struct{}{}
		return false
	}
	own := names[f.first:]
	for _, n := range own {
		if bytes.Equal(n, name) {
			return true
		}
	}
	if len(own) == linearKeys {
		f.set = make(map[string]struct{}, 4*linearKeys)
		for _, n := range own {
			f.set[string(n)] = struct{}{}
		}
		f.set[string(name)] = struct{}{}
	}
	return false
}

// decodeName decodes a quoted member name with escapes (or invalid UTF-8)
// the way encoding/json does, so names are compared as the decoders see
// them.
func decodeName(quoted []byte) []byte {
	var s string
	if err := json.Unmarshal(quoted, &s); err != nil {
		return quoted // cannot happen for a string json.Valid accepted
	}
	return []byte(s)
}

// pointerOf renders the location inside the open containers as an RFC 6901
// JSON pointer: each object's current member, each array's current index.
func pointerOf(open []frame) string {
	tokens := make([]string, len(open))
	for i, f := range open {
		if f.object {
			tokens[i] = string(f.key)
		} else {
			tokens[i] = strconv.Itoa(f.index)
		}
	}
	return pointer(tokens)
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n'
}
