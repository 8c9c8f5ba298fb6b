package audit

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// TimeLayout is the timestamp layout of FormatTable, always in UTC.
const TimeLayout = "2006-01-02 15:04:05"

// tableHeader is the hardening guide's log format ("Logging & Monitoring").
const tableHeader = "Timestamp | Level | Event | User | IP | Details | Status"

// FormatTable writes entries in the hardening guide's layout,
//
//	Timestamp | Level | Event | User | IP | Details | Status
//
// one line per event. Details shows "target: details". Every field is
// escaped (escapeField), so stored text cannot forge lines or columns or send
// terminal control sequences; an empty field prints as "-".
func FormatTable(w io.Writer, entries []Entry) error {
	bw := bufio.NewWriter(w)
	_, _ = bw.WriteString(tableHeader + "\n")
	for _, e := range entries {
		details := e.Details
		if e.Target != "" {
			details = e.Target
			if e.Details != "" {
				details += ": " + e.Details
			}
		}
		fields := []string{
			e.Time.UTC().Format(TimeLayout),
			string(e.Level), e.Type, e.Actor, e.IP, details, e.Status,
		}
		for i, f := range fields {
			if i > 0 {
				_, _ = bw.WriteString(" | ")
			}
			_, _ = bw.WriteString(escapeField(f))
		}
		_ = bw.WriteByte('\n')
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("audit: format: %w", err)
	}
	return nil
}

// escapeField makes s safe to print on one line of a table read in a
// terminal (no log or terminal injection, OWASP ASVS 7.3.1): backslash and
// the "|" separator are backslash-escaped, \n \r \t spelled out, and other
// control, line-separator and bidirectional-override characters (which can
// make text display as something else) and invalid UTF-8 bytes written as
// \xHH or \uHHHH.
func escapeField(s string) string {
	if s == "" {
		return "-"
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\\':
			b.WriteString(`\\`)
		case r == '|':
			b.WriteString(`\|`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x80 && unicode.IsControl(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case unicode.IsControl(r), unicode.In(r, unicode.Zl, unicode.Zp, unicode.Bidi_Control):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
		i += size
	}
	return b.String()
}
