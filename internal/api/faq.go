package api

import (
	"errors"
	"net/http"
	"time"

	"supportbot/internal/auth"
	"supportbot/internal/http/middleware"
	"supportbot/internal/http/request"
	"supportbot/internal/http/response"
	"supportbot/internal/kb"
)

// faqView is a knowledge-base entry as the API shows it.
type faqView struct {
	ID          string    `json:"id"`
	Question    string    `json:"question"`
	Paraphrases []string  `json:"paraphrases"`
	Answer      string    `json:"answer"`
	Tags        []string  `json:"tags"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

func newFAQView(e kb.Entry) faqView {
	v := faqView(e)
	if v.Paraphrases == nil {
		v.Paraphrases = []string{}
	}
	if v.Tags == nil {
		v.Tags = []string{}
	}
	return v
}

// faqRequest is the body of a create or replace (api/schemas/faq_entry.json).
type faqRequest struct {
	ID          string   `json:"id"`
	Question    string   `json:"question"`
	Paraphrases []string `json:"paraphrases"`
	Answer      string   `json:"answer"`
	Tags        []string `json:"tags"`
}

// Editor authorizes an edit of the knowledge base and says who makes it,
// for its audit trail; the web interface's forms use it too.
func Editor(r *http.Request) (kb.Editor, error) {
	c, err := Caller(r)
	if err != nil {
		return kb.Editor{}, err
	}
	if err := middleware.Authorize(r, kbCollection); err != nil {
		return kb.Editor{}, err
	}
	return kb.Editor{UserID: c.Actor.UserID, IP: c.IP, RequestID: c.RequestID}, nil
}

// readEntry decodes an entry from the (validated) request body.
func readEntry(r *http.Request) (kb.Entry, error) {
	var body faqRequest
	if err := request.DecodeJSON(r, &body, nil); err != nil {
		return kb.Entry{}, err
	}
	return kb.Entry{ID: body.ID, Question: body.Question, Paraphrases: body.Paraphrases, Answer: body.Answer, Tags: body.Tags}, nil
}

// kbError maps an error of the knowledge base to its response.
func kbError(err error) error {
	var ie *kb.InvalidError
	switch {
	case errors.As(err, &ie):
		return response.BadRequest("/"+ie.Field, ie.Field+" "+ie.Message, err)
	case errors.Is(err, kb.ErrNotFound):
		return response.NotFound(err)
	case errors.Is(err, kb.ErrExists):
		return &response.Error{Status: http.StatusBadRequest, Code: "faq_exists", Field: "/id", Message: "an entry with this id already exists", Err: err}
	case errors.Is(err, kb.ErrFull):
		return response.BadRequest("", "the knowledge base is full", err)
	}
	return response.Internal(err)
}

// faqList answers GET /api/v1/faq: every entry, for staff.
func faqList(d Deps) middleware.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := middleware.Authorize(r, kbCollection); err != nil {
			return err
		}
		list, err := d.KB.List(r.Context())
		if err != nil {
			return kbError(err)
		}
		out := struct {
			Entries []faqView `json:"entries"`
		}{Entries: make([]faqView, len(list))}
		for i, e := range list {
			out.Entries[i] = newFAQView(e)
		}
		return response.JSON(w, http.StatusOK, out)
	}
}

// kbCollection is the knowledge base as a whole: its actions target the
// collection, so Authorize checks the role only.
var kbCollection = auth.Resource{}

// faqShow answers GET /api/v1/faq/{id}.
func faqShow(d Deps) middleware.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := middleware.Authorize(r, kbCollection); err != nil {
			return err
		}
		e, err := d.KB.Get(r.Context(), pathID(r))
		if err != nil {
			return kbError(err)
		}
		return response.JSON(w, http.StatusOK, newFAQView(e))
	}
}

// faqCreate answers POST /api/v1/faq (admins).
func faqCreate(d Deps) middleware.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		by, err := Editor(r)
		if err != nil {
			return err
		}
		e, err := readEntry(r)
		if err != nil {
			return err
		}
		if e, err = d.KB.Create(r.Context(), by, e); err != nil {
			return kbError(err)
		}
		d.kbChanged()
		w.Header().Set("Location", "/api/v1/faq/"+e.ID)
		return response.JSON(w, http.StatusCreated, newFAQView(e))
	}
}

// faqUpdate answers PUT /api/v1/faq/{id} (admins): replaces the entry. The
// body's id, if any, must match the path.
func faqUpdate(d Deps) middleware.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		by, err := Editor(r)
		if err != nil {
			return err
		}
		e, err := readEntry(r)
		if err != nil {
			return err
		}
		if e.ID != "" && e.ID != pathID(r) {
			return response.BadRequest("/id", "id must match the entry's path", nil)
		}
		e.ID = pathID(r)
		e, err = d.KB.Update(r.Context(), by, e)
		if err != nil {
			return kbError(err)
		}
		d.kbChanged()
		return response.JSON(w, http.StatusOK, newFAQView(e))
	}
}

// faqDelete answers DELETE /api/v1/faq/{id} (admins).
func faqDelete(d Deps) middleware.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		by, err := Editor(r)
		if err != nil {
			return err
		}
		if err := d.KB.Delete(r.Context(), by, pathID(r)); err != nil {
			return kbError(err)
		}
		d.kbChanged()
		response.NoContent(w)
		return nil
	}
}

// kbChanged tells this instance's search index to rebuild now rather than
// at the next poll.
func (d Deps) kbChanged() {
	if d.KBChanged != nil {
		d.KBChanged()
	}
}
