package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"supportbot/internal/http/cookie"
	"testing"
	"time"

	"supportbot/internal/conversations"
	"supportbot/internal/payment/card"
	"supportbot/internal/users"
)

// Findings of the security review of the web UI (issue 5), each shown
// through the real router.

// A browser whose access token has expired (a laptop woken from sleep, a
// tab left open past the access TTL) still holds a live refresh cookie.
// "Sign out" must end that session and clear the cookies; otherwise the
// next visit to /login continues the session without a password (login.js
// submits the resume form by itself), which on a shared computer hands the
// account to the next person.
func TestLogoutWithAnExpiredAccessTokenEndsTheSession(t *testing.T) {
	f := newIdentityFixture(t, nil)
	u := f.account(users.RoleCustomer, "hana@example.com")
	cs := sessionCookies(t, f.postForm("/login", url.Values{"email": {u.Email}, "password": {testPassword}}).want(t, http.StatusSeeOther))

	f.clock.Advance(20 * time.Minute) // past the access token's 15 minutes; the refresh token lives on

	res := f.call("POST", "/logout", nil, withCookies(cs...), withHeader("Sec-Fetch-Site", "same-origin"))
	if c := res.cookie(cookie.RefreshName); c == nil || c.MaxAge >= 0 {
		t.Errorf("POST /logout answered %d without clearing the refresh cookie (%+v)", res.Status, c)
	}
	// Whatever the browser kept, the session must be over. Holding the old
	// cookie, the sign-in page still offers to continue (it sees only that
	// the cookie is there) and login.js submits that by itself: it must land
	// on the sign-in form, the cookie cleared, and not in the account.
	f.page(t, "/login", withCookies(cs[1])).want(t, http.StatusOK)
	dead := f.postForm("/login/resume", url.Values{}, withCookies(cs[1]))
	if dead.Status != http.StatusUnauthorized {
		t.Fatalf("after signing out, /login/resume with the old refresh cookie answered %d: the session is still alive", dead.Status)
	}
	if c := dead.cookie(cookie.RefreshName); c == nil || c.MaxAge >= 0 || !strings.Contains(dead.Body, `id="login-form"`) {
		t.Errorf("the refused resume did not clear the refresh cookie (%+v) or show the sign-in form", c)
	}
}

// A message the service refuses (too long here) comes back in its box, the
// customer's chat or the staff reply, without the card data typed into it
// (invariant 6). The page redacts as the service does, after Clean drops
// control characters: a number split by one (U+0001, U+007F) is caught too.
func TestRefusedDraftComesBackWithoutCardData(t *testing.T) {
	f := newIdentityFixture(t, nil)
	alice := f.account(users.RoleCustomer, "alice@example.com")
	asAlice := f.browser(alice)
	chat := "/chat/" + f.custStartChat(asAlice) + "/messages"
	sam, asSam := f.staffAs(users.RoleSupport, "sam@example.com")
	reply := "/staff/conversations/" + f.conversation(alice.ID, conversations.StatusWithAgent, sam.ID).ID + "/replies"
	for _, tt := range []struct {
		name, path, sep, box string
		as                   reqOpt
	}{
		{"customer", chat, " ", `id="chat-form"`, asAlice},
		{"customer, split by U+0001", chat, "\x01", `id="chat-form"`, asAlice},
		{"customer, split by U+007F", chat, "\x7f", `id="chat-form"`, asAlice},
		{"staff", reply, " ", `id="reply-text"`, asSam},
	} {
		t.Run(tt.name, func(t *testing.T) {
			long := "card 4111" + tt.sep + "1111 1111 1111 " + strings.Repeat("x", maxMessageChars+10)
			res := f.postForm(tt.path, url.Values{"text": {long}}, tt.as).want(t, http.StatusBadRequest)
			assertStrictHTML(t, res.Body)
			wantParts(t, res.Body, tt.box, ">card "+card.NumberRemoved+" xxx")
			wantNone(t, res.Body, "4111", "1111 1111")
		})
	}
}

// The API's per-IP and per-user limits (RATE_LIMIT_PER_MINUTE) apply to
// /api/ only, and the UI routes have none of their own: every action the
// API limits can be repeated without bound through the pages. Here a
// customer opens conversations (POST /chat, the API's POST
// /api/v1/conversations) and probes someone else's conversation (each
// probe writes an access.denied row to the hash-chained audit trail).
func TestSignedInPagesSpendTheUserRateLimit(t *testing.T) {
	const limit = 5
	f := newIdentityFixture(t, func(s *idSetup) { s.opts.RateLimitPerMinute = limit })
	alice := f.account(users.RoleCustomer, "alice@example.com")
	bob := f.account(users.RoleCustomer, "bob@example.com")
	bobs := f.conversation(bob.ID, conversations.StatusBot, "")
	asAlice := f.browser(alice)
	ip := fromIP("198.51.100.7")

	apiLimited := false
	for range 3 * limit {
		if f.call("POST", "/api/v1/conversations", nil, asAlice, ip, withHeader("Sec-Fetch-Site", "same-origin")).Status == http.StatusTooManyRequests {
			apiLimited = true
			break
		}
	}
	if !apiLimited {
		t.Fatal("the API did not limit POST /api/v1/conversations: the comparison is void")
	}

	// A fresh customer, from her own address: only the pages' own limits
	// stand in the way.
	asCarol := f.browser(f.account(users.RoleCustomer, "carol@example.com"))
	created, denied := 0, len(f.events("access.denied"))
	for range 3 * limit {
		if f.call("POST", "/chat", nil, asCarol, withHeader("Sec-Fetch-Site", "same-origin")).Status == http.StatusSeeOther {
			created++
		}
		f.call("GET", "/chat/"+bobs.ID, nil, asCarol)
	}
	if created > limit {
		t.Errorf("POST /chat opened %d conversations for one user in a minute; the API stops at %d", created, limit)
	}
	if n := len(f.events("access.denied")) - denied; n > limit {
		t.Errorf("GET /chat/{someone else's} wrote %d access.denied audit rows for one user in a minute, unlimited", n)
	}
}

// A pending TOTP enrolment (begun with the password, never confirmed; the
// account page shows this state) can be confirmed with nothing but the
// session: POST /account/2fa/confirm. A wrong code there does not count
// against the lockout (auth.ConfirmEnrollment) and the UI route has no
// rate limit, so someone holding a stolen session cookie can guess the
// six-digit code at full speed (about 3 in 10^6 per guess within the
// window) and, on success, turn two-factor on with a secret they never saw
// and receive the account's recovery codes. Through the API the same call
// is bounded by the per-user API limit.
func TestPendingEnrolmentCodeGuessesAreLimited(t *testing.T) {
	f := newIdentityFixture(t, nil)
	alice := f.account(users.RoleCustomer, "alice@example.com")
	stolen := f.browser(alice)
	secret, _, _, err := f.svc.BeginEnrollment(t.Context(), alice.ID) // Alice began, then left it
	if err != nil {
		t.Fatal(err)
	}
	f.totp[alice.ID] = secret
	right := f.code(alice.ID)

	const guesses = 200
	limited := 0
	for i := range guesses {
		code := fmt.Sprintf("%06d", i)
		if code == right {
			continue
		}
		switch st := f.postForm("/account/2fa/confirm", url.Values{"code": {code}}, stolen).Status; st {
		case http.StatusTooManyRequests:
			limited++
		case http.StatusUnauthorized:
		default:
			t.Fatalf("guess %s: status %d", code, st)
		}
	}
	if limited == 0 {
		t.Errorf("%d wrong codes in a row at /account/2fa/confirm, none refused by any limit", guesses)
	}
	res := f.postForm("/account/2fa/confirm", url.Values{"code": {right}}, stolen)
	if res.Status == http.StatusOK && strings.Contains(res.Body, `id="recovery-codes"`) {
		t.Errorf("after %d wrong guesses the right code still turns two-factor on and hands over the recovery codes", guesses)
	}
}

// A form is a few fields; the largest (a chat message of MAX_MESSAGE_CHARS
// percent-encoded) is well under 128 KiB. Form routes take the API's 10 MB
// body limit, and the public ones (sign-in, registration) have no rate
// limit in front of the parser, so anyone can make the server read, copy,
// unescape, re-encode as JSON and schema-check megabytes per request.
func TestFormBodiesAreBounded(t *testing.T) {
	f := newIdentityFixture(t, nil)
	big := "email=a%40example.com&password=x&next=" + strings.Repeat("a", 4<<20)
	res := f.call("POST", "/login", big, withHeader("Content-Type", "application/x-www-form-urlencoded"), withHeader("Sec-Fetch-Site", "same-origin"))
	if res.Status != http.StatusRequestEntityTooLarge {
		t.Errorf("a 4 MiB sign-in form answered %d: it was read and parsed, not refused by size", res.Status)
	}
}

// CORS_ALLOWED_ORIGINS names the sites that may call the API from a
// browser; cross-origin protection trusts them for every unsafe request,
// UI forms included. A typical entry is the shop's own storefront, a
// sibling of the support site (https://www.shop.example beside
// https://support.shop.example): same-site, so the SameSite=Strict session
// cookies go along with a form it posts. Any page there (or script
// injected into one) can then post our forms as the signed-in user: sign
// out everywhere here, but equally answer "yes" to a cancellation in the
// chat or change an account from an admin's browser. The API needs no such
// trust for the UI's forms: they are only ever posted from our own pages.
func TestCORSOriginsCannotPostUIForms(t *testing.T) {
	f := newIdentityFixture(t, nil) // CORSAllowedOrigins: https://shop.example
	u := f.account(users.RoleCustomer, "ines@example.com")
	as := f.browser(u)
	res := f.call("POST", "/account/sessions/revoke-all", nil, as,
		withHeader("Origin", "https://shop.example"), withHeader("Sec-Fetch-Site", "same-site"))
	if res.Status != http.StatusForbidden {
		t.Errorf("a form post from the API's CORS origin answered %d (signed out everywhere), want 403", res.Status)
	}
}
