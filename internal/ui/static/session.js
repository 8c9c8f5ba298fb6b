// Keeps a signed-in page's session alive: shortly before the access token
// expires (body[data-session-expires], milliseconds) it asks the server to
// rotate the refresh cookie (POST /session/refresh). The tokens stay in
// HttpOnly cookies; this script never sees one and stores nothing but the
// new expiry time, which is not a secret.
//
// Several tabs share one session. A refresh token works once, and a second
// use revokes the whole session (reuse detection), so tabs must not refresh
// at the same time: the Web Locks API lets one tab at a time in, and each
// tab first checks whether another one has already refreshed.
const LEAD_MS = 60 * 1000; // refresh a minute before expiry
const KEY = "supportbot.session.expires";

let expires = Number(document.body.dataset.sessionExpires || 0);

function known() {
  const shared = Number(localStorage.getItem(KEY) || 0);
  return Math.max(expires, shared);
}

async function refresh() {
  if (known() - Date.now() > LEAD_MS) {
    expires = known();
    return true; // another tab refreshed already
  }
  const res = await fetch("/session/refresh", { method: "POST", credentials: "same-origin", cache: "no-store" });
  if (res.status !== 200) {
    return false;
  }
  const body = await res.json();
  expires = Number(body.expires_at) || 0;
  localStorage.setItem(KEY, String(expires));
  return expires > Date.now();
}

function schedule() {
  const wait = Math.max(known() - Date.now() - LEAD_MS, 5000);
  setTimeout(run, wait);
}

async function run() {
  let ok;
  if (navigator.locks) {
    ok = await navigator.locks.request("supportbot-session-refresh", refresh);
  } else {
    ok = await refresh();
  }
  if (ok) {
    schedule();
  } else {
    // The session has ended: go and sign in again, then come back here.
    window.location.assign("/login?next=" + encodeURIComponent(location.pathname + location.search));
  }
}

if (expires > 0) {
  // Tell the other tabs (and the sign-in page) how long this session lasts.
  if (expires > Number(localStorage.getItem(KEY) || 0)) {
    localStorage.setItem(KEY, String(expires));
  }
  schedule();
}
