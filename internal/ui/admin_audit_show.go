package ui

import (
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"time"

	"supportbot/internal/audit"
	"supportbot/internal/auth"
	"supportbot/internal/http/middleware"
	"supportbot/internal/http/request"
	"supportbot/internal/http/response"
)

// auditPageSize is how many events the audit viewer lists: the newest
// matching ones.
const auditPageSize = 200

// auditLevels are the levels the filter offers, lowest first.
var auditLevels = []string{string(audit.LevelInfo), string(audit.LevelWarning), string(audit.LevelError), string(audit.LevelCritical)}

// Filter values: an event type is a dotted lower-case name, an actor a user
// id (or a fixed name such as "seed"). Anything else cannot match, so it is
// refused rather than searched for.
var (
	auditTypePattern  = regexp.MustCompile(`^[a-z0-9_.]{1,64}$`)
	auditActorPattern = regexp.MustCompile(`^[A-Za-z0-9_.:-]{1,64}$`)
)

// sinceLayouts are the forms the "since" field accepts: what a
// datetime-local input sends, with or without seconds, or a date.
var sinceLayouts = []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02"}

// auditFilterForm is the filter form as typed.
type auditFilterForm struct {
	Type, Actor, Level, Since string
}

// adminAuditData is the audit viewer.
type adminAuditData struct {
	Filter  auditFilterForm
	Levels  []string
	Types   []string      // event types for the type field's suggestions
	Error   string        // a filter that cannot be used
	Entries []audit.Entry // newest first
	Full    bool          // the page holds auditPageSize entries: there may be older ones
	Chain   chainStatus
}

// chainStatus is the hash chain's verification, in words.
type chainStatus struct {
	OK   bool
	Text string
	// Anchor names the newest verified event. Deleting the newest events
	// leaves a valid shorter chain: noted elsewhere, the anchor shows it.
	Anchor string
}

// adminAuditShow renders GET /admin/audit: the newest events matching the
// filters and whether the hash chain verifies.
func (u *UI) adminAuditShow(w http.ResponseWriter, r *http.Request) error {
	if err := middleware.Authorize(r, auth.Resource{}); err != nil {
		return err
	}
	q := r.URL.Query()
	d := adminAuditData{
		Filter: auditFilterForm{Type: q.Get("type"), Actor: q.Get("actor"), Level: q.Get("level"), Since: q.Get("since")},
		Levels: auditLevels,
	}
	f, problem := d.Filter.parse()
	status := http.StatusOK
	if problem != "" {
		d.Error, status = problem, http.StatusBadRequest
	} else {
		entries, err := u.Audit.Tail(r.Context(), auditPageSize, f)
		if err != nil {
			return response.Internal(err)
		}
		slices.Reverse(entries)
		d.Entries, d.Full = entries, len(entries) == auditPageSize
	}
	d.Types = eventTypes(d.Entries, d.Filter.Type)
	d.Chain = u.verifyChain(r)
	p := u.newPage(r, "Audit log", d)
	p.Section = "admin"
	return u.show(w, status, "admin_audit", p)
}

// parse checks the filters and returns them as the store takes them, or
// what is wrong with one of them.
func (f auditFilterForm) parse() (audit.Filter, string) {
	var out audit.Filter
	if f.Type != "" {
		if !auditTypePattern.MatchString(f.Type) {
			return out, "The event type is a dotted name in lower case, such as auth.login_failed."
		}
		out.Type = f.Type
	}
	if f.Actor != "" {
		if !auditActorPattern.MatchString(f.Actor) {
			return out, "The actor is a user id: letters, digits and dashes."
		}
		out.Actor = f.Actor
	}
	if f.Level != "" {
		if !slices.Contains(auditLevels, f.Level) {
			return out, "Choose a level from the list."
		}
		out.Level = audit.Level(f.Level)
	}
	if f.Since != "" {
		var err error
		for _, layout := range sinceLayouts {
			if out.Since, err = time.ParseInLocation(layout, f.Since, time.UTC); err == nil {
				break
			}
		}
		if err != nil {
			return out, "The date is not one we can read: use the date picker, or write it as 2026-03-14T09:30."
		}
	}
	return out, ""
}

// eventTypes are the types to suggest in the filter: those on the page and
// the one filtered by, sorted.
func eventTypes(entries []audit.Entry, current string) []string {
	var out []string
	if current != "" && auditTypePattern.MatchString(current) {
		out = append(out, current)
	}
	for _, e := range entries {
		out = append(out, e.Type)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// verifyChain checks the whole hash chain (issue 5: "the hash-chain
// verification result").
func (u *UI) verifyChain(r *http.Request) chainStatus {
	res, err := u.Audit.Verify(r.Context())
	switch {
	case err != nil:
		u.Log.LogAttrs(r.Context(), slog.LevelError, "audit viewer: chain verification failed to run",
			slog.String("event", "ui.audit_verify_failed"),
			slog.String("request_id", request.ID(r.Context())),
			slog.String("error", err.Error()))
		return chainStatus{Text: "The hash chain could not be verified just now. Reload the page to try again, or run supportbot audit verify."}
	case !res.OK:
		return chainStatus{Text: fmt.Sprintf("The hash chain is broken at event #%d: %s. %s read up to there. "+
			"Treat this as a security incident: see docs/INCIDENT_RESPONSE.md.", res.FirstBadID, res.Reason, plural(res.Checked, "event was", "events were"))}
	case res.Checked == 0:
		return chainStatus{OK: true, Text: "The audit trail is empty: there is nothing to verify yet."}
	}
	return chainStatus{OK: true, Text: "The hash chain verifies: all " + strconv.Itoa(res.Checked) + " events are intact and in order.",
		Anchor: fmt.Sprintf("#%d, hash %s", res.LastID, res.LastHash)}
}
