package ui

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"time"

	"supportbot/internal/audit"
	"supportbot/internal/auth"
	"supportbot/internal/bot"
	"supportbot/internal/conversations"
	"supportbot/internal/doctor"
	"supportbot/internal/http/cookie"
	"supportbot/internal/http/middleware"
	"supportbot/internal/http/request"
	"supportbot/internal/http/response"
	"supportbot/internal/kb"
	"supportbot/internal/orders"
	"supportbot/internal/ratelimit"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// staticPrefix is where assets are served.
const staticPrefix = "/static/"

// hashLen is how many hex digits of an asset's SHA-256 go into its URL:
// 64 bits, plenty to tell versions apart.
const hashLen = 16

// LoginPath is the sign-in page; the middleware sends browsers there
// (middleware.Options.LoginPath) when a page needs a session they lack.
const LoginPath = "/login"

// Pinger checks that the database answers; storage's handle implements it.
type Pinger interface {
	Ping(ctx context.Context) error
}

// FAQSearcher finds knowledge-base entries the way the bot does; the bot's
// Brain implements it. The admin's "try a question" box uses it.
type FAQSearcher interface {
	SearchFAQ(text string, n int) []bot.Hit
}

// AuditLog reads the audit trail and verifies its hash chain; audit.Store
// implements it.
type AuditLog interface {
	Tail(ctx context.Context, n int, f audit.Filter) ([]audit.Entry, error)
	Verify(ctx context.Context) (audit.Result, error)
}

// Activity counts the chat's activity for the admin charts: customer turns
// in each hour and the intents the bot recognised, since a time. The
// conversations service implements it and authorizes the caller itself
// (auth.ActionStatsRead).
type Activity interface {
	TurnsPerHour(ctx context.Context, c conversations.Caller, since time.Time) ([]int, error) // one count per hour from since
	IntentCounts(ctx context.Context, c conversations.Caller, since time.Time) (map[string]int, error)
}

// Deps are what the UI needs. Log and DB are required; each other service
// adds the pages that use it (nil leaves them out, as the API does).
type Deps struct {
	Log *slog.Logger // required
	DB  Pinger       // required: the health shown on the home page

	// Auth runs sign-in, registration, two-factor and account pages, and
	// user administration. Without it only the home page is served.
	Auth    *auth.Service
	Cookies cookie.Jar       // the session cookies, as the API writes them
	Clock   func() time.Time // default time.Now

	Chat            *conversations.Service // customer chat and staff console
	ChatLimit       ratelimit.Limit        // CHAT_RATE_LIMIT_PER_MINUTE, shared with the API's bucket
	MaxMessageChars int                    // MAX_MESSAGE_CHARS, for the typing box's counter
	Activity        Activity               // chat turns and intents for the admin charts
	Orders          *orders.Service        // my orders, order cards, assignment
	KB              *kb.Store              // knowledge-base editor
	KBChanged       func()                 // called after every edit, like the API's
	FAQ             FAQSearcher            // "try a question"
	Audit           AuditLog               // audit viewer, failed-login chart
	Doctor          func(ctx context.Context) doctor.Report
}

// asset is one embedded static file, served under its content-hashed name.
type asset struct {
	name        string // hashed file name, e.g. "app.3f2a9c0d1e2b4a5f.css"
	contentType string
	body        []byte
}

// UI holds the parsed templates and the static assets.
type UI struct {
	Deps
	pages  map[string]*template.Template // page name → layout + partials + page
	assets map[string]*asset             // source name ("app.css") → asset
	byURL  map[string]*asset             // hashed name → asset
}

// Viewer is the signed-in user a page is shown to, for the navigation.
type Viewer struct {
	UserID    string
	Role      auth.Role
	ExpiresAt time.Time // the access token's expiry: session.js refreshes before it
}

// IsStaff reports whether the viewer is support or admin.
func (v *Viewer) IsStaff() bool {
	return v != nil && (v.Role == auth.RoleSupport || v.Role == auth.RoleAdmin)
}

// IsAdmin reports whether the viewer is an admin.
func (v *Viewer) IsAdmin() bool { return v != nil && v.Role == auth.RoleAdmin }

// IsCustomer reports whether the viewer is a customer.
func (v *Viewer) IsCustomer() bool { return v != nil && v.Role == auth.RoleCustomer }

// page is the data every template gets.
type page struct {
	Title     string
	Nonce     string   // this response's CSP nonce, for script tags
	RequestID string   // shown on error pages
	Scripts   []string // module scripts by source name, loaded with the nonce
	Viewer    *Viewer  // nil when nobody is signed in
	Section   string   // the navigation entry to mark current ("chat", "orders", …)
	Notice    string   // a fixed confirmation ("Saved."), from noticeText
	Data      any      // the page's own data
}

// New loads the assets, parses the templates and fails on a broken one, so
// a template error stops the server at start instead of failing a
// customer's request. Each page's tests render it with sample data.
func New(d Deps) (*UI, error) {
	if d.Log == nil || d.DB == nil {
		return nil, errors.New("ui: Deps.Log and Deps.DB are required")
	}
	if d.Clock == nil {
		d.Clock = time.Now
	}
	u := &UI{Deps: d, assets: map[string]*asset{}, byURL: map[string]*asset{}}
	if err := u.loadAssets(); err != nil {
		return nil, err
	}
	funcs := template.FuncMap{"asset": u.AssetURL}
	for _, m := range funcMaps {
		for k, v := range m {
			if _, dup := funcs[k]; dup {
				return nil, fmt.Errorf("ui: template function %q defined twice", k)
			}
			funcs[k] = v
		}
	}
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("ui: list templates: %w", err)
	}
	partials, err := fs.Glob(templateFiles, "templates/_*.html")
	if err != nil {
		return nil, fmt.Errorf("ui: list partials: %w", err)
	}
	u.pages = map[string]*template.Template{}
	for _, file := range names {
		base := path.Base(file)
		if base == "layout.html" || strings.HasPrefix(base, "_") {
			continue
		}
		name := strings.TrimSuffix(base, ".html")
		files := append([]string{"templates/layout.html"}, partials...)
		t, err := template.New(name).Funcs(funcs).ParseFS(templateFiles, append(files, file)...)
		if err != nil {
			return nil, fmt.Errorf("ui: parse template %s: %w", name, err)
		}
		u.pages[name] = t
	}
	if _, err := u.render("error", page{Title: "Error", Data: errorData{Status: 404, Heading: "Not found", Message: "Not found."}}); err != nil {
		return nil, err
	}
	return u, nil
}

func (u *UI) loadAssets() error {
	return fs.WalkDir(staticFiles, "static", func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		body, err := staticFiles.ReadFile(p)
		if err != nil {
			return fmt.Errorf("ui: read asset %s: %w", p, err)
		}
		name := path.Base(p)
		ext := path.Ext(name)
		ctype, ok := contentTypes[ext]
		if !ok {
			return fmt.Errorf("ui: asset %s: no content type for %q", p, ext)
		}
		sum := sha256.Sum256(body)
		a := &asset{
			name:        strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:])[:hashLen] + ext,
			contentType: ctype,
			body:        body,
		}
		u.assets[name] = a
		u.byURL[a.name] = a
		return nil
	})
}

// contentTypes are the types of the files static/ may hold, with a charset
// for text (OWASP ASVS 4.0.3 V14.4.1).
var contentTypes = map[string]string{
	".css": "text/css; charset=utf-8",
	".js":  "text/javascript; charset=utf-8",
	".svg": "image/svg+xml; charset=utf-8",
	".png": "image/png",
	".ico": "image/x-icon",
}

// AssetURL returns the content-hashed URL of a static file, e.g.
// AssetURL("app.css") = "/static/app.3f2a9c0d1e2b4a5f.css". A changed file
// gets a new URL, so assets can be cached for a year. Templates call it as
// {{asset "app.css"}}.
func (u *UI) AssetURL(name string) (string, error) {
	a, ok := u.assets[name]
	if !ok {
		return "", fmt.Errorf("ui: no static asset %q", name)
	}
	return staticPrefix + a.name, nil
}

// render executes a page into a buffer, so a failure half-way never sends a
// half page.
func (u *UI) render(name string, p page) ([]byte, error) {
	return u.execute(name, "layout", p)
}

// execute runs one named template of a page's set: "layout" for the whole
// page, or a partial (a fragment the chat loads).
func (u *UI) execute(name, tmpl string, data any) ([]byte, error) {
	t, ok := u.pages[name]
	if !ok {
		return nil, fmt.Errorf("ui: no page %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, tmpl, data); err != nil {
		return nil, fmt.Errorf("ui: render %s/%s: %w", name, tmpl, err)
	}
	return buf.Bytes(), nil
}

// newPage starts the data of a page shown for r: its nonce, its viewer and
// the notice named in the query (?notice=…), if it is one of ours.
func (u *UI) newPage(r *http.Request, title string, data any, scripts ...string) page {
	p := page{
		Title:     title,
		Nonce:     request.Nonce(r.Context()),
		RequestID: request.ID(r.Context()),
		Scripts:   scripts,
		Data:      data,
		Notice:    noticeText[r.URL.Query().Get("notice")],
	}
	if id, ok := middleware.IdentityFrom(r.Context()); ok && id.UserID != "" {
		p.Viewer = &Viewer{UserID: id.UserID, Role: id.Role, ExpiresAt: id.ExpiresAt}
		p.Scripts = append([]string{"session.js"}, p.Scripts...)
	}
	return p
}

// show renders page name with p and sends it with status.
func (u *UI) show(w http.ResponseWriter, status int, name string, p page) error {
	body, err := u.render(name, p)
	if err != nil {
		return err
	}
	response.HTML(w, status, body)
	return nil
}

// seeOther ends a form post with 303 to a page of ours (Post/Redirect/Get),
// with an optional notice key of noticeText. target is always a path we
// chose, never one from the request.
func seeOther(w http.ResponseWriter, r *http.Request, target, notice string) error {
	if notice != "" {
		if _, ok := noticeText[notice]; !ok {
			return response.Internal(fmt.Errorf("ui: unknown notice %q", notice))
		}
		sep := "?"
		if strings.Contains(target, "?") {
			sep = "&"
		}
		target += sep + "notice=" + notice
	}
	// Same-site paths only: a caller's bug must not turn into an open
	// redirect (ASVS 4.0.3 V5.1.5). Targets from the request pass safeNext.
	if !strings.HasPrefix(target, "/") || strings.HasPrefix(target, "//") || strings.HasPrefix(target, "/\\") {
		return response.Internal(fmt.Errorf("ui: redirect to %q is not a same-site path", target))
	}
	http.Redirect(w, r, target, http.StatusSeeOther) // #nosec G710 -- checked above: a same-site path
	return nil
}

// noticeText are the confirmations a page may show after a form post. The
// query names one by key; any other value shows nothing, so a crafted link
// cannot put words on our pages.
var noticeText = map[string]string{
	"saved":             "Your changes are saved.",
	"password_changed":  "Your password is changed and every session is signed out. Please sign in with the new password.",
	"2fa_off":           "Two-factor authentication is off, and every session is signed out. Please sign in again.",
	"session_revoked":   "The session is signed out.",
	"sessions_revoked":  "You are signed out everywhere, this browser included.",
	"signed_out":        "You are signed out.",
	"registered":        "Your account is ready. Please sign in.",
	"claimed":           "You have claimed the conversation.",
	"claim_lost":        "Someone else claimed that conversation first; it is no longer in the queue.",
	"replied":           "Your reply is sent.",
	"closed":            "The conversation is closed.",
	"user_created":      "The account is created.",
	"user_updated":      "The account is updated.",
	"entry_created":     "The entry is published; the bot uses it now.",
	"entry_updated":     "The entry is saved; the bot uses it now.",
	"entry_deleted":     "The entry is deleted.",
	"order_assigned":    "The order is assigned.",
	"conversation_open": "A new conversation is open.",
}

// errorData is what the error page shows.
type errorData struct {
	Status  int
	Heading string
	Message string
}

// ErrorPage renders the HTML error page of UI requests, in the site's
// layout; it is the response.PageRenderer the error writer uses.
func (u *UI) ErrorPage(w io.Writer, p response.ErrorPage) error {
	body, err := u.render("error", page{
		Title:     p.Title,
		Nonce:     p.Nonce,
		RequestID: p.RequestID,
		Data:      errorData{Status: p.Status, Heading: p.Title, Message: p.Message},
	})
	if err != nil {
		return err
	}
	_, err = w.Write(body)
	return err
}
