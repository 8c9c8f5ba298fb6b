package conversations

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ErrInvalidText means a message is empty, too long or not UTF-8; the
// wrapped message is safe to show the sender.
var ErrInvalidText = errors.New("conversations: invalid message text")

// TextError says what is wrong with a message's text.
type TextError struct{ Message string }

// Error returns the message for the sender.
func (e *TextError) Error() string { return e.Message }

// Unwrap makes errors.Is(err, ErrInvalidText) true.
func (e *TextError) Unwrap() error { return ErrInvalidText }

// Clean prepares a message for storage and the bot (issue 4, "Input"): it
// must be valid UTF-8; carriage returns and tabs become newlines and
// spaces, other control and format characters that could hide text or
// reorder it (C0, C1, bidirectional overrides) are removed, surrounding
// space is trimmed, and what remains must hold 1 to max characters. Any
// script, accents, emoji, apostrophes, '#' and words like "drop" or
// "update" are ordinary text: safety comes from parameterised SQL and
// output encoding, not from refusing words.
func Clean(s string, max int) (string, error) {
	if !utf8.ValidString(s) {
		return "", &TextError{"text must be valid UTF-8"}
	}
	// Refuse what is far too long before doing any work on it.
	if len(s) > 4*max+64 {
		return "", &TextError{fmt.Sprintf("text must be at most %d characters", max)}
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range strings.ReplaceAll(s, "\r\n", "\n") {
		switch {
		case r == '\n':
			b.WriteRune(r)
		case r == '\r':
			b.WriteByte('\n')
		case r == '\t':
			b.WriteByte(' ')
		case unicode.IsControl(r), isBidiControl(r):
			// dropped
		default:
			b.WriteRune(r)
		}
	}
	out := strings.TrimSpace(b.String())
	n := utf8.RuneCountInString(out)
	if n == 0 {
		return "", &TextError{"text must not be empty"}
	}
	if n > max {
		return "", &TextError{fmt.Sprintf("text must be at most %d characters", max)}
	}
	return out, nil
}

// isBidiControl reports the invisible characters that reorder text
// (embeddings, overrides, isolates): "Trojan Source" style spoofing in a
// staff console.
func isBidiControl(r rune) bool {
	return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069)
}
