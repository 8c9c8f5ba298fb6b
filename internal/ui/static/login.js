// Sign-in page: a browser that still holds a refresh cookie continues its
// session without typing the password again. Without JavaScript the
// "Continue" button posts the resume form and does the same.
//
// A refresh token works once; a second use counts as reuse and ends the
// whole session. Two tabs arriving here together must not both present it,
// so the rotation runs under the lock session.js refreshes under, and a tab
// that gets the lock second finds the session continued already (the new
// expiry, a time and no secret, is shared through localStorage).
const resume = document.querySelector("form[data-auto-submit]");
const KEY = "supportbot.session.expires";
const LOCK = "supportbot-session-refresh";

function fresh() {
  return Number(localStorage.getItem(KEY) || 0) - Date.now() > 60 * 1000;
}

async function continueSession() {
  if (fresh()) {
    return true; // another tab has just continued it
  }
  const res = await fetch("/session/refresh", { method: "POST", credentials: "same-origin", cache: "no-store" });
  if (res.status !== 200) {
    return false; // the session has ended; the server cleared its cookies
  }
  const body = await res.json();
  localStorage.setItem(KEY, String(Number(body.expires_at) || 0));
  return true;
}

async function run() {
  let ok = false;
  try {
    ok = navigator.locks ? await navigator.locks.request(LOCK, continueSession) : await continueSession();
  } catch {
    ok = false;
  }
  if (ok) {
    // Signed in again: the sign-in page sends a signed-in browser on to
    // where it was going, or to its role's home.
    const next = resume.querySelector("input[name=next]");
    const query = new URLSearchParams({ continued: "1" });
    if (next && next.value) {
      query.set("next", next.value);
    }
    window.location.assign("/login?" + query.toString());
  } else {
    for (const el of document.querySelectorAll("[data-resume]")) {
      el.hidden = true;
    }
  }
}

if (resume) {
  run();
}
