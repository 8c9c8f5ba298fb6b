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
	"path"
	"strings"

	"supportbot/internal/http/response"
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

// Pinger checks that the database answers; storage's handle implements it.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Deps are what the UI needs.
type Deps struct {
	Log *slog.Logger // required
	DB  Pinger       // required: the health shown on the home page
}

// asset is one embedded static file, served under its content-hashed name.
type asset struct {
	name        string // hashed file name, e.g. "app.3f2a9c0d1e2b4a5f.css"
	contentType string
	body        []byte
}

// UI holds the parsed templates and the static assets.
type UI struct {
	log    *slog.Logger
	db     Pinger
	pages  map[string]*template.Template // page name → layout + page
	assets map[string]*asset             // source name ("app.css") → asset
	byURL  map[string]*asset             // hashed name → asset
}

// page is the data every template gets.
type page struct {
	Title     string
	Nonce     string   // this response's CSP nonce, for script and style tags
	RequestID string   // shown on error pages
	Scripts   []string // module scripts by source name, loaded with the nonce
	Data      any      // the page's own data
}

// New loads the assets, parses the templates and renders each page once with
// sample data, so a broken template or a missing asset stops the server at
// start instead of failing a customer's request.
func New(d Deps) (*UI, error) {
	if d.Log == nil || d.DB == nil {
		return nil, errors.New("ui: Deps.Log and Deps.DB are required")
	}
	u := &UI{log: d.Log, db: d.DB, assets: map[string]*asset{}, byURL: map[string]*asset{}}
	if err := u.loadAssets(); err != nil {
		return nil, err
	}
	funcs := template.FuncMap{"asset": u.AssetURL}
	u.pages = map[string]*template.Template{}
	for _, name := range []string{"home", "error"} {
		t, err := template.New(name).Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("ui: parse template %s: %w", name, err)
		}
		u.pages[name] = t
	}
	samples := map[string]page{
		"home":  {Title: "Help with your orders", Scripts: []string{"status.js"}, Data: homeData{Ready: true}},
		"error": {Title: "Error", Data: errorData{Status: 404, Heading: "Not found", Message: "Not found."}},
	}
	for name, p := range samples {
		if _, err := u.render(name, p); err != nil {
			return nil, err
		}
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
	t, ok := u.pages[name]
	if !ok {
		return nil, fmt.Errorf("ui: no page %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		return nil, fmt.Errorf("ui: render %s: %w", name, err)
	}
	return buf.Bytes(), nil
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
