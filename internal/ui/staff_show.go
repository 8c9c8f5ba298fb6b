package ui

import (
	"cmp"
	"net/http"
	"slices"
	"time"

	"supportbot/internal/api"
	"supportbot/internal/conversations"
)

// staffRow is one conversation in a list of the console.
type staffRow struct {
	ID     string
	Since  time.Time // waiting since (queue) or last activity (mine)
	Waited string    // how long it has waited, in words ("4 min")
}

// staffData is the console: the hand-off queue, oldest first, and the
// conversations the staff member holds.
type staffData struct {
	Queue     []staffRow
	QueueMore bool // the queue is longer than what is shown
	Mine      []staffRow
}

// staffShow renders GET /staff, the console: the conversations waiting for
// an agent, the one who has waited longest first, with how long each has
// waited and a claim button; and "My conversations", the open ones the
// staff member holds. Nothing else: a support member sees only the queue
// and what is assigned to them (issue 5; DESIGN.md invariant 2), and an
// admin sees the same console (their scope would allow everything, so the
// filter is set here too).
func (u *UI) staffShow(w http.ResponseWriter, r *http.Request) error {
	c, err := api.Caller(r)
	if err != nil {
		return err
	}
	me := c.Actor.UserID
	queue, more, err := u.listConversations(r.Context(), c, conversations.Filter{AssigneeID: me, Queue: true, Status: conversations.StatusWaiting})
	if err != nil {
		return api.ChatError(err)
	}
	mine, _, err := u.listConversations(r.Context(), c, conversations.Filter{AssigneeID: me, Queue: true, Status: conversations.StatusWithAgent})
	if err != nil {
		return api.ChatError(err)
	}
	now := u.Clock()
	d := staffData{QueueMore: more}
	for _, conv := range queue {
		since := cmp.Or(conv.HandoffAt, conv.LastActivityAt)
		d.Queue = append(d.Queue, staffRow{ID: conv.ID, Since: since, Waited: waitedText(now.Sub(since))})
	}
	// Oldest first: the customer who has waited longest is served first.
	slices.SortStableFunc(d.Queue, func(a, b staffRow) int { return a.Since.Compare(b.Since) })
	for _, conv := range mine {
		if conv.AssigneeID != me { // the filter says so; never show another's
			continue
		}
		d.Mine = append(d.Mine, staffRow{ID: conv.ID, Since: conv.LastActivityAt,
			Waited: waitedText(now.Sub(conv.LastActivityAt))})
	}
	p := u.newPage(r, "Support console", d)
	p.Section = "staff"
	return u.show(w, http.StatusOK, "staff", p)
}
