package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// ---------------------------------------------------------------------------
// Steps.

// do runs browser steps with a deadline and stops the test on error.
func (tb *tab) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		tb.t.Fatalf("%s: %s: %v (at %s)", tb.name, what, err, tb.location())
	}
}

// drop deletes one of the server's cookies from the tab's browser, as its
// expiry would.
func (tb *tab) drop(cookie string) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	if _, err := chromedp.Call(ctx, network.DeleteCookies, network.DeleteCookiesParams{Name: cookie, URL: tb.srv.URL}); err != nil {
		tb.t.Fatalf("%s: delete cookie %s: %v", tb.name, cookie, err)
	}
}

// location is the tab's URL, for messages.
func (tb *tab) location() string {
	ctx, cancel := context.WithTimeout(tb.ctx, 3*time.Second)
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "?"
	}
	return loc
}

// path is the path of the tab's URL.
func (tb *tab) path() string {
	return strings.TrimPrefix(tb.location(), tb.srv.URL)
}

// open navigates to a path of the server and expects 200.
func (tb *tab) open(path string) {
	tb.t.Helper()
	tb.collectPageViolations()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(tb.srv.URL+path))
	if err != nil {
		tb.t.Fatalf("%s: open %s: %v", tb.name, path, err)
	}
	if resp == nil || resp.Status != http.StatusOK {
		tb.t.Fatalf("%s: open %s: status %v, want 200 (at %s)", tb.name, path, statusOf(resp), tb.location())
	}
}

// submit clicks a button (or link) that loads a new page, waits for it and
// expects the final response (after any redirect) to have status want.
func (tb *tab) submit(what, sel string, want int) {
	tb.t.Helper()
	tb.collectPageViolations()
	if want >= 400 {
		tb.allow(want)
	}
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
	if err != nil {
		tb.t.Fatalf("%s: %s (click %s): %v (at %s)", tb.name, what, sel, err, tb.location())
	}
	if resp == nil || resp.Status != int64(want) {
		tb.t.Fatalf("%s: %s (click %s): status %v, want %d (at %s)", tb.name, what, sel, statusOf(resp), want, tb.location())
	}
}

// statusOf is a response's status for messages ("none" without one).
func statusOf(resp *network.Response) string {
	if resp == nil {
		return "none"
	}
	return fmt.Sprintf("%d %s", resp.Status, resp.StatusText)
}

// click is a click on the first visible element the selector matches.
func click(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible)
}

// fill replaces the value of a form field by typing into it.
func (tb *tab) fill(sel, value string) {
	tb.t.Helper()
	tb.waitVisible(sel)
	tb.setValue(sel, "")
	tb.do("type into "+sel, chromedp.SendKeys(chromedp.CSS(sel), value))
}

// setValue sets a form field's value at once (a select's option, a long
// text), with the input and change events typing would fire.
func (tb *tab) setValue(sel, value string) {
	tb.t.Helper()
	ok := eval[bool](tb, fmt.Sprintf(`(() => {
		const e = document.querySelector(%s);
		if (!e) return false;
		e.value = %s;
		e.dispatchEvent(new Event('input', {bubbles: true}));
		e.dispatchEvent(new Event('change', {bubbles: true}));
		return e.value === %[2]s;
	})()`, js(sel), js(value)))
	if !ok {
		tb.t.Fatalf("%s: cannot set %s to %q (at %s)", tb.name, sel, value, tb.location())
	}
}

// waitVisible waits until the selector matches a visible element.
func (tb *tab) waitVisible(sel string) {
	tb.t.Helper()
	tb.do("wait for "+sel, chromedp.WaitVisible(chromedp.CSS(sel)))
}

// text returns the visible text of the first element the selector matches.
func (tb *tab) text(sel string) string {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible))
	if err != nil {
		tb.t.Fatalf("%s: text of %s: %v (at %s)", tb.name, sel, err, tb.location())
	}
	return strings.TrimSpace(s)
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](tb *tab, expr string) T {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		tb.t.Fatalf("%s: evaluate %s: %v (at %s)", tb.name, expr, err, tb.location())
	}
	return v
}

// waitFor polls a JavaScript expression until it is true. chromedp.Poll is
// not used: it builds its predicate with new Function, which the strict CSP
// blocks (no 'unsafe-eval') and which would itself be a violation.
func (tb *tab) waitFor(what, expr string) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	ticker := time.NewTicker(pollInterval)
	defer ticker.Stop()
	var lastErr error
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("!!("+expr+")"))
		if err == nil && ok {
			return
		}
		if err != nil && ctx.Err() == nil {
			lastErr = err // e.g. the document was navigating
		}
		select {
		case <-ctx.Done():
			if lastErr != nil {
				tb.t.Fatalf("%s: %s: not within %s (last error: %v; at %s)", tb.name, what, stepTimeout, lastErr, tb.location())
			}
			tb.t.Fatalf("%s: %s: not within %s (at %s)", tb.name, what, stepTimeout, tb.location())
		case <-ticker.C:
		}
	}
}

// signIn signs in with the login form and expects to land on a signed-in
// page (the sign-out button is there).
func (tb *tab) signIn(email, password string) {
	tb.t.Helper()
	tb.open("/login")
	tb.waitVisible("#login-form")
	tb.fill("#email", email)
	tb.fill("#password", password)
	tb.submit("sign in as "+email, "#login-submit", http.StatusOK)
	tb.waitVisible(`form[action="/logout"] button`)
}

// signOut uses the sign-out button of the navigation.
func (tb *tab) signOut() {
	tb.t.Helper()
	tb.submit("sign out", `form[action="/logout"] button`, http.StatusOK)
	if n := eval[int](tb, `document.querySelectorAll('form[action="/logout"]').length`); n != 0 {
		tb.t.Fatalf("%s: still signed in after signing out (at %s)", tb.name, tb.location())
	}
}

// screenshot writes docs/screenshots/NAME.png, the whole page at the
// browser's 1280-pixel width, when SUPPORTBOT_SCREENSHOTS=1.
func (tb *tab) screenshot(name string) {
	tb.t.Helper()
	if os.Getenv("SUPPORTBOT_SCREENSHOTS") != "1" {
		return
	}
	// Nothing focused or hovered: the same picture every run.
	_ = eval[bool](tb, `(document.activeElement && document.activeElement.blur(), true)`)
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		tb.t.Fatalf("%s: screenshot %s: %v", tb.name, name, err)
	}
	dir := filepath.Join(moduleRoot, "docs", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		tb.t.Fatal(err)
	}
}

// ---------------------------------------------------------------------------
// The chat (#chat, #chat-log li.msg[data-seq][data-sender] .msg-text).

// js quotes a Go string as a JavaScript string literal.
func js(s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// lastSeq is the highest data-seq in the chat log, 0 when it is empty.
func (tb *tab) lastSeq() int {
	tb.t.Helper()
	return eval[int](tb, `Math.max(0, ...Array.from(document.querySelectorAll('#chat-log li.msg')).map((li) => Number(li.dataset.seq) || 0))`)
}

// messagesAfter returns "sender: text" of each message after seq.
func (tb *tab) messagesAfter(seq int) []string {
	tb.t.Helper()
	return eval[[]string](tb, fmt.Sprintf(`Array.from(document.querySelectorAll('#chat-log li.msg'))
		.filter((li) => Number(li.dataset.seq) > %d)
		.map((li) => li.dataset.sender + ': ' + ((li.querySelector('.msg-text') || li).textContent || '').trim().replace(/\s+/g, ' '))`, seq))
}

// say sends a message through #chat-form and waits for the customer's
// message and a bot message after it; it returns the seq before sending and
// the bot's new text.
func (tb *tab) say(text string) (before int, bot string) {
	tb.t.Helper()
	before = tb.lastSeq()
	tb.fill("#chat-text", text)
	// With the keyboard, as the page says: Enter sends.
	tb.do("send "+js(text)+" with Enter", chromedp.SendKeys("#chat-text", kb.Enter))
	tb.waitFor("the message "+js(text)+" in the chat log", fmt.Sprintf(`Array.from(document.querySelectorAll('#chat-log li.msg[data-sender="customer"]'))
		.some((li) => Number(li.dataset.seq) > %d && li.querySelector('.msg-text') && li.querySelector('.msg-text').textContent.includes(%s))`, before, js(text)))
	tb.waitFor("a bot answer to "+js(text), fmt.Sprintf(`Array.from(document.querySelectorAll('#chat-log li.msg[data-sender="bot"]'))
		.some((li) => Number(li.dataset.seq) > %d && li.querySelector('.msg-text'))`, before))
	return before, tb.botTextAfter(before)
}

// botTextAfter is the text of the bot's messages after seq.
func (tb *tab) botTextAfter(seq int) string {
	tb.t.Helper()
	return eval[string](tb, fmt.Sprintf(`Array.from(document.querySelectorAll('#chat-log li.msg[data-sender="bot"]'))
		.filter((li) => Number(li.dataset.seq) > %d)
		.map((li) => (li.querySelector('.msg-text').textContent || '').trim().replace(/\s+/g, ' ')).join(' | ')`, seq))
}

// newMessageExpr is a JavaScript expression for the elements that sel
// selects inside the chat messages after seq.
func newMessageExpr(seq int, sel string) string {
	return fmt.Sprintf(`Array.from(document.querySelectorAll('#chat-log li.msg'))
		.filter((li) => Number(li.dataset.seq) > %d)
		.flatMap((li) => Array.from(li.querySelectorAll(%s)))`, seq, js(sel))
}

// checkFits loads path in a 360-pixel-wide mobile viewport and fails when
// the page scrolls sideways, naming the elements that stick out.
func (tb *tab) checkFits(path string) {
	tb.t.Helper()
	tb.do("emulate a 360-pixel-wide phone", chromedp.EmulateViewport(360, 800, chromedp.EmulateMobile))
	defer tb.do("back to the desktop viewport", chromedp.ResetViewport())
	tb.open(path)
	fits := eval[bool](tb, `document.documentElement.scrollWidth <= window.innerWidth`)
	if !fits {
		wide := eval[[]string](tb, `Array.from(document.querySelectorAll('body *'))
			.filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5)
			.slice(0, 10)
			.map((e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\s+/).join('.') : '') + ' right=' + Math.round(e.getBoundingClientRect().right))`)
		width := eval[int](tb, `document.documentElement.scrollWidth`)
		tb.t.Errorf("%s: %s at 360 px wide scrolls sideways (scrollWidth %d > innerWidth); elements past the edge: %v", tb.name, path, width, wide)
	}
	tb.checkContrast(path)
}

// lowContrast lists the visible text whose colour against its background
// is below WCAG 2.1's AA contrast (4.5:1, or 3:1 for large text: 24 px, or
// 18.66 px bold). The background is the first ancestor's that is not
// transparent, over white; SVG charts are left out (their labels are
// checked as text of the data tables beside them).
const lowContrast = `(() => {
  const parse = (c) => { const m = c.match(/[\d.]+/g) || [0, 0, 0, 0]; return [+m[0], +m[1], +m[2], m.length > 3 ? +m[3] : 1]; };
  const lum = ([r, g, b]) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const over = (top, under) => [0, 1, 2].map((i) => top[i] * top[3] + under[i] * (1 - top[3]));
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
    }
    let bg = [255, 255, 255];
    for (const c of layers.reverse()) bg = over(c, bg);
    return bg;
  };
  const bad = [];
  for (const el of document.querySelectorAll("body *")) {
    if (el.closest("svg") || !el.getClientRects().length) continue;
    const own = Array.from(el.childNodes).some((n) => n.nodeType === 3 && n.textContent.trim() !== "");
    if (!own) continue;
    const st = getComputedStyle(el);
    if (st.visibility === "hidden" || +st.opacity === 0) continue;
    const fg = parse(st.color), bg = background(el);
    const a = lum(over(fg, bg)), b = lum(bg);
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(st.fontSize), bold = +st.fontWeight >= 700;
    const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (ratio < need) bad.push(el.tagName.toLowerCase() + (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).join(".") : "") + " \"" + el.textContent.trim().slice(0, 30) + "\" " + ratio.toFixed(2) + ":1");
  }
  return bad.slice(0, 10);
})()`

// checkContrast fails when text on the page is below WCAG AA contrast
// (issue 5, "sufficient contrast").
func (tb *tab) checkContrast(path string) {
	tb.t.Helper()
	if bad := eval[[]string](tb, lowContrast); len(bad) > 0 {
		tb.t.Errorf("%s: %s has text below WCAG AA contrast: %v", tb.name, path, bad)
	}
}

// openChat opens the chat: the open conversation, or a new one started with
// #chat-new from the start screen.
func (tb *tab) openChat() {
	tb.t.Helper()
	tb.open("/chat")
	if eval[bool](tb, `!document.querySelector('#chat-form') && !!document.querySelector('#chat-new')`) {
		tb.submit("start a conversation", "#chat-new", http.StatusOK)
	}
	tb.waitVisible("#chat-form")
}
