package ui

import (
	"cmp"
	"context"
	"html/template"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"supportbot/internal/api"
	"supportbot/internal/audit"
	"supportbot/internal/auth"
	"supportbot/internal/doctor"
	"supportbot/internal/http/middleware"
	"supportbot/internal/http/request"
)

// dashboardHours is how far back the hourly charts reach: the last day,
// the current hour included.
const dashboardHours = 24

// doctorTimeout bounds the checklist's database checks (the audit chain is
// read whole), so a slow database cannot hang the dashboard.
const doctorTimeout = 10 * time.Second

// failedLoginEvents are the audit events of a failed sign-in: a wrong
// password (or a locked or disabled account) and a wrong second-factor code.
var failedLoginEvents = []string{auth.EventLoginFailed, auth.EventMFAFailed}

// adminData is the dashboard.
type adminData struct {
	Links            []adminLink
	Doctor           doctor.Report // nil when no checklist is wired
	Pass, Warn, Fail int
	Charts           []chartView
}

// adminLink is one part of the administration.
type adminLink struct {
	Href, Text, Hint string
}

// chartView is one chart of the dashboard with its numbers.
type chartView struct {
	ID          string // the figure's id
	Heading     string
	Caption     string        // the numbers in one sentence
	SVG         template.HTML // drawn by chart.SVG
	Unavailable string        // why there is no chart, when there is none
	Columns     [2]string     // the data table's headings
	Rows        []chartRow    // the data table; empty when there is no data
}

// chartRow is one row of a chart's data table.
type chartRow struct {
	Label string
	Value int
}

// adminShow renders GET /admin: the production checklist (`supportbot
// doctor`) and the activity of the last day as server-side SVG charts.
func (u *UI) adminShow(w http.ResponseWriter, r *http.Request) error {
	if err := middleware.Authorize(r, auth.Resource{}); err != nil {
		return err
	}
	now := u.Clock().UTC()
	since := now.Truncate(time.Hour).Add(-(dashboardHours - 1) * time.Hour)
	d := adminData{Links: u.adminLinks()}
	if u.Doctor != nil {
		ctx, cancel := context.WithTimeout(r.Context(), doctorTimeout)
		d.Doctor = u.Doctor(ctx)
		cancel()
		for _, res := range d.Doctor {
			switch res.Status {
			case doctor.Pass:
				d.Pass++
			case doctor.Warn:
				d.Warn++
			default:
				d.Fail++
			}
		}
	}
	for _, build := range []func(*http.Request, time.Time) (chartView, error){u.turnsChart, u.intentsChart, u.failedLoginsChart} {
		v, err := build(r, since)
		if err != nil {
			return err
		}
		d.Charts = append(d.Charts, v)
	}
	p := u.newPage(r, "Admin dashboard", d)
	p.Section = "admin"
	return u.show(w, http.StatusOK, "admin", p)
}

// adminLinks are the parts of the administration this server has.
func (u *UI) adminLinks() []adminLink {
	var out []adminLink
	if u.Auth != nil {
		out = append(out, adminLink{"/admin/users", "Users", "Create staff, change roles, disable, unlock, reset 2FA"})
	}
	if u.KB != nil && u.FAQ != nil {
		out = append(out, adminLink{"/admin/kb", "Knowledge base", "Edit the bot's answers and try a question"})
	}
	if u.Chat != nil && u.Orders != nil {
		out = append(out, adminLink{"/admin/orders", "Orders", "Assign orders to support staff"})
	}
	if u.Audit != nil {
		out = append(out, adminLink{"/admin/audit", "Audit log", "Security events and the hash-chain check"})
	}
	return out
}

// unavailable logs why a chart's numbers could not be read and returns the
// view that says so; the rest of the dashboard still renders.
func (u *UI) unavailable(r *http.Request, v chartView, err error) chartView {
	u.Log.LogAttrs(r.Context(), slog.LevelError, "admin dashboard: chart data unavailable",
		slog.String("event", "ui.chart_failed"),
		slog.String("chart", v.ID),
		slog.String("request_id", request.ID(r.Context())),
		slog.String("error", err.Error()))
	v.Unavailable = "The numbers could not be read just now. Reload the page to try again."
	return v
}

// hourBars turns counts per hour from since into bars labelled every third
// hour, and the data table's rows.
func hourBars(since time.Time, counts []int, one, many string) ([]chartBar, []chartRow) {
	bars := make([]chartBar, dashboardHours)
	rows := make([]chartRow, dashboardHours)
	for i := range bars {
		start := since.Add(time.Duration(i) * time.Hour)
		n := 0
		if i < len(counts) {
			n = counts[i]
		}
		span := start.Format("2 Jan, 15:04") + "–" + start.Add(time.Hour).Format("15:04") + " UTC"
		bars[i] = chartBar{Value: n, Title: span + ": " + plural(n, one, many)}
		if start.Hour()%3 == 0 {
			bars[i].Label = start.Format("15h")
		}
		rows[i] = chartRow{Label: span, Value: n}
	}
	return bars, rows
}

// hourCaption sums hourly counts in a sentence.
func hourCaption(since time.Time, counts []int, one, many string) string {
	total, peak, at := 0, 0, 0
	for i, n := range counts {
		total += n
		if n > peak {
			peak, at = n, i
		}
	}
	s := plural(total, one, many) + " in the last 24 hours"
	if peak > 0 {
		s += "; the busiest hour was " + since.Add(time.Duration(at)*time.Hour).Format("15:04") + " UTC with " + plural(peak, one, many)
	}
	return s + "."
}

// turnsChart is the customers' chat turns per hour.
func (u *UI) turnsChart(r *http.Request, since time.Time) (chartView, error) {
	v := chartView{ID: "chart-turns", Heading: "Chat turns per hour", Columns: [2]string{"Hour (UTC)", "Chat turns"}}
	if u.Activity == nil {
		v.Unavailable = "Chat statistics are not available on this server."
		return v, nil
	}
	c, err := api.Caller(r)
	if err != nil {
		return v, err
	}
	counts, err := u.Activity.TurnsPerHour(r.Context(), c, since)
	if err != nil {
		return u.unavailable(r, v, err), nil
	}
	bars, rows := hourBars(since, counts, "chat turn", "chat turns")
	v.Caption = hourCaption(since, counts, "customer message", "customer messages")
	return v.draw(chart{ID: v.ID, Title: v.Heading + ", last 24 hours", Desc: v.Caption,
		XLabel: "Hour (UTC)", YLabel: "Turns", Empty: "No chat turns yet", Bars: bars}, rows)
}

// intentsChart is what customers asked for over the last day, by the
// intent the bot recognised.
func (u *UI) intentsChart(r *http.Request, since time.Time) (chartView, error) {
	v := chartView{ID: "chart-intents", Heading: "Intents over the last day", Columns: [2]string{"Intent", "Messages"}}
	if u.Activity == nil {
		v.Unavailable = "Chat statistics are not available on this server."
		return v, nil
	}
	c, err := api.Caller(r)
	if err != nil {
		return v, err
	}
	counts, err := u.Activity.IntentCounts(r.Context(), c, since)
	if err != nil {
		return u.unavailable(r, v, err), nil
	}
	type kv struct {
		intent string
		n      int
	}
	var list []kv
	total := 0
	for k, n := range counts {
		if n > 0 {
			list = append(list, kv{k, n})
			total += n
		}
	}
	// Most frequent first; ties by name, so the order is stable.
	slices.SortFunc(list, func(a, b kv) int {
		return cmp.Or(cmp.Compare(b.n, a.n), cmp.Compare(a.intent, b.intent))
	})
	var bars []chartBar
	var rows []chartRow
	for _, e := range list {
		words := intentWords(e.intent)
		bars = append(bars, chartBar{Label: words, Value: e.n, Title: words + ": " + plural(e.n, "message", "messages")})
		rows = append(rows, chartRow{Label: words, Value: e.n})
	}
	v.Caption = plural(total, "customer message", "customer messages") + " understood by the bot in the last 24 hours"
	if len(list) > 0 {
		v.Caption += "; the most frequent intent was " + intentWords(list[0].intent) + " (" + plural(list[0].n, "message", "messages") + ")"
	}
	v.Caption += "."
	return v.draw(chart{ID: v.ID, Title: v.Heading, Desc: v.Caption, XLabel: "Messages", YLabel: "",
		Empty: "No intents yet", Horizontal: true, Bars: bars}, rows)
}

// failedLoginsChart is the failed sign-ins per hour, from the audit trail.
func (u *UI) failedLoginsChart(r *http.Request, since time.Time) (chartView, error) {
	v := chartView{ID: "chart-failed-logins", Heading: "Failed sign-ins per hour", Columns: [2]string{"Hour (UTC)", "Failed sign-ins"}}
	if u.Audit == nil {
		v.Unavailable = "The audit trail is not available on this server."
		return v, nil
	}
	counts := make([]int, dashboardHours)
	capped := false
	for _, typ := range failedLoginEvents {
		events, err := u.Audit.Tail(r.Context(), audit.MaxTail, audit.Filter{Type: typ, Since: since})
		if err != nil {
			return u.unavailable(r, v, err), nil
		}
		capped = capped || len(events) == audit.MaxTail
		for _, e := range events {
			if i := int(e.Time.Sub(since) / time.Hour); i >= 0 && i < dashboardHours {
				counts[i]++
			}
		}
	}
	bars, rows := hourBars(since, counts, "failed sign-in", "failed sign-ins")
	v.Caption = hourCaption(since, counts, "failed sign-in", "failed sign-ins")
	if capped {
		v.Caption += " The most recent " + plural(audit.MaxTail, "event", "events") + " of a kind were counted; there were more."
	}
	v.Caption += " A wrong password or a wrong second-factor code counts once."
	return v.draw(chart{ID: v.ID, Title: v.Heading + ", last 24 hours", Desc: v.Caption,
		XLabel: "Hour (UTC)", YLabel: "Failed sign-ins", Empty: "No failed sign-ins yet", Class: "bar-alert", Bars: bars}, rows)
}

// draw renders c into the view; the data table is kept only when there is
// something in it.
func (v chartView) draw(c chart, rows []chartRow) (chartView, error) {
	svg, err := c.SVG()
	if err != nil {
		return chartView{}, err
	}
	v.SVG = svg
	for _, row := range rows {
		if row.Value > 0 {
			v.Rows = rows
			break
		}
	}
	if v.Rows == nil {
		v.Caption = c.Empty + "."
	}
	return v, nil
}
