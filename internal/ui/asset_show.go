package ui

import (
	"fmt"
	"net/http"
	"strconv"

	"supportbot/internal/http/response"
)

// immutable is the caching of content-hashed assets: their URL changes with
// their content, so browsers may keep them for a year without asking.
const immutable = "public, max-age=31536000, immutable"

// assetShow serves GET /static/{file} by content-hashed name only; an
// unhashed or stale name is 404, so nothing is cached under a wrong version.
func (u *UI) assetShow(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("file")
	a, ok := u.byURL[name]
	if !ok {
		return response.NotFound(fmt.Errorf("ui: no asset %q", name))
	}
	h := w.Header()
	h.Set("Cache-Control", immutable)
	h.Set("Content-Type", a.contentType)
	h.Set("Content-Length", strconv.Itoa(len(a.body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(a.body)
	return nil
}
