package e2e

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// TestHarnessCatchesViolationsAndConsoleErrors proves the detectors of the
// other tests work: a page that breaks its CSP and throws must be reported,
// also after a form submission has left it.
func TestHarnessCatchesViolationsAndConsoleErrors(t *testing.T) {
	requireBrowser(t)
	const csp = "default-src 'self'; script-src 'self'; style-src 'self'; form-action 'self'"
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", csp)
		fmt.Fprint(w, `<!doctype html><html lang="en"><title>bad</title>
<p id="styled" style="color: red">inline style</p>
<script>document.title = "inline script ran";</script>
<script src="/throw.js"></script>
<form method="post" action="/next"><button id="go" type="submit">Go</button></form>`)
	})
	mux.HandleFunc("GET /throw.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		fmt.Fprint(w, `console.error("harness self-test"); throw new Error("harness self-test exception");`)
	})
	mux.HandleFunc("POST /next", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/clean", http.StatusSeeOther)
	})
	mux.HandleFunc("GET /clean", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", csp)
		fmt.Fprint(w, `<!doctype html><html lang="en"><title>clean</title><p id="clean">clean</p>`)
	})
	ts := httptest.NewTLSServer(mux)
	t.Cleanup(ts.Close)

	b := newBrowser(t, &server{URL: ts.URL})
	tb := b.newTab("self-test")
	tb.expected = true
	tb.open("/")
	tb.waitVisible("#go")
	// Leave the page by a form post: its violations must still count.
	tb.submit("leave the bad page", "#go", http.StatusOK)
	tb.waitVisible("#clean")

	violations, errs := tb.problems()
	t.Logf("detected %d violations and %d console errors", len(violations), len(errs))
	var directives []string
	for _, v := range violations {
		directives = append(directives, v.Directive)
	}
	for _, want := range []string{"style-src-attr", "script-src-elem"} {
		if !slices.Contains(directives, want) {
			t.Errorf("violation %s not detected; got %v", want, violations)
		}
	}
	all := strings.Join(errs, "\n")
	for _, want := range []string{"console.error", "harness self-test exception"} {
		if !strings.Contains(all, want) {
			t.Errorf("console error %q not detected; got:\n%s", want, all)
		}
	}
}

// TestContrastCheckCatchesFaintText proves the contrast check can fail:
// grey on white and white on a pale background are caught, dark text and
// large text at 3:1 pass.
func TestContrastCheckCatchesFaintText(t *testing.T) {
	requireBrowser(t)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<!doctype html><html lang="en"><title>contrast</title>
<link rel="stylesheet" href="/c.css">
<p class="faint">faint grey</p>
<div class="pale"><span class="white">white on pale</span></div>
<p class="dark">dark enough</p>
<p class="large">large at three to one</p>`)
	})
	mux.HandleFunc("GET /c.css", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/css")
		fmt.Fprint(w, `.faint{color:#aaa}.pale{background:#9cf}.white{color:#fff}.dark{color:#555}.large{color:#888;font-size:26px}`)
	})
	ts := httptest.NewTLSServer(mux)
	t.Cleanup(ts.Close)

	b := newBrowser(t, &server{URL: ts.URL})
	tb := b.newTab("contrast self-test")
	tb.open("/")
	bad := strings.Join(eval[[]string](tb, lowContrast), "\n")
	for _, want := range []string{"faint grey", "white on pale"} {
		if !strings.Contains(bad, want) {
			t.Errorf("%q not reported; got:\n%s", want, bad)
		}
	}
	for _, fine := range []string{"dark enough", "large at three"} {
		if strings.Contains(bad, fine) {
			t.Errorf("%q reported; got:\n%s", fine, bad)
		}
	}
}
