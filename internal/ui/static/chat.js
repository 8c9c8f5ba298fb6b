// Live chat: drives a conversation section, the customer's chat and the
// staff console alike, from the markup the server rendered (the
// "messages" partial). Without this script every form still works: it
// posts, the server answers 303, the page reloads.
//
// The section (first element with [data-fragment-url], e.g. #chat) has:
//   data-fragment-url  GET, ?after=SEQ answers the <li class="msg"> items after SEQ
//   data-events-url    server-sent events of the conversation (optional)
//   data-last-seq      the last message on the page
//   data-status        the conversation's status (optional; "closed" stops live updates)
// When the status becomes closed, the [data-chat-form] forms are hidden and
// a [data-closed-notice] element, if any, is shown.
// and inside it: the message list #chat-log; forms marked [data-chat-form]
// (the typing box, quick replies, confirmation buttons), each sent with
// fetch to its own action; a textarea's counter [data-chat-counter]; an
// alert element [data-chat-error]; status texts [data-status-text] and
// [data-status-texts] li[data-status]; hints shown only with script
// [data-js-only].
//
// Security (DESIGN.md invariant 8; issue 5): no inline script or style, no
// element.style, nothing stored in the browser. The only HTML inserted is
// the fragment our server rendered with html/template, fetched from our own
// origin; everything else is set with textContent.

const root = document.querySelector("[data-fragment-url]");
if (root) {
  start(root);
}

function start(root) {
  const log = root.querySelector("#chat-log") || root.querySelector("ol");
  let lastSeq = Number(root.dataset.lastSeq || 0);
  let sending = false;
  let loading = null; // the fragment load in progress
  let again = false; // another load was asked for meanwhile

  const alertBox = root.querySelector("[data-chat-error]") || makeAlert();

  function makeAlert() {
    const p = document.createElement("p");
    p.className = "form-error";
    p.setAttribute("role", "alert");
    p.hidden = true;
    log.after(p);
    return p;
  }

  function showError(text) {
    alertBox.textContent = text;
    alertBox.hidden = false;
  }

  function clearError() {
    alertBox.textContent = "";
    alertBox.hidden = true;
  }

  // --- the counter ---
  function updateCounter(form) {
    const input = form.querySelector("textarea");
    const out = form.querySelector("[data-chat-counter]");
    if (!input || !out) {
      return;
    }
    const max = input.maxLength > 0 ? input.maxLength : 0;
    const n = input.value.length; // as maxlength counts
    out.textContent = max ? n + " / " + max : String(n);
    out.classList.toggle("chat-counter-full", max > 0 && n >= max);
  }

  // --- loading new messages ---
  function load() {
    if (loading) {
      again = true;
      return loading;
    }
    loading = (async () => {
      do {
        again = false;
        await loadOnce();
      } while (again);
      loading = null;
    })();
    return loading;
  }

  async function loadOnce() {
    const url = new URL(root.dataset.fragmentUrl, location.href);
    url.searchParams.set("after", String(lastSeq));
    let res;
    try {
      res = await fetch(url, { credentials: "same-origin", cache: "no-store", headers: { Accept: "text/html" } });
    } catch {
      showError("New messages could not be loaded. Please check your connection.");
      return;
    }
    if (res.redirected && new URL(res.url).pathname === "/login") {
      location.assign(res.url); // the session ended: sign in, then come back
      return;
    }
    if (!res.ok) {
      showError("New messages could not be loaded. Please reload the page.");
      return;
    }
    append(await res.text());
  }

  function append(html) {
    const tpl = document.createElement("template");
    tpl.innerHTML = html; // our server's fragment, rendered by html/template
    const items = Array.from(tpl.content.children).filter(
      (el) => el.matches("li.msg") && Number(el.dataset.seq) > lastSeq,
    );
    if (items.length === 0) {
      return;
    }
    // Only the newest message offers quick replies or confirmations.
    const hadFocus = root.contains(document.activeElement) && document.activeElement.closest(".quick-replies, .confirm-actions");
    for (const el of log.querySelectorAll(".quick-replies, .confirm-actions")) {
      el.remove();
    }
    for (const li of items) {
      log.append(li);
      lastSeq = Math.max(lastSeq, Number(li.dataset.seq));
      for (const card of li.querySelectorAll(".order-card[data-order]")) {
        refreshOlderCards(card);
      }
    }
    root.dataset.lastSeq = String(lastSeq);
    items[items.length - 1].scrollIntoView({ block: "nearest" });
    if (hadFocus) {
      focusInput();
    }
  }

  // A newer card shows the order as it is now: earlier cards of the same
  // order take its status.
  function refreshOlderCards(card) {
    const status = card.dataset.status;
    const label = card.querySelector(".order-status");
    if (!status || !label) {
      return;
    }
    for (const old of log.querySelectorAll(".order-card[data-order]")) {
      if (old === card || old.dataset.order !== card.dataset.order) {
        continue;
      }
      old.dataset.status = status;
      const oldLabel = old.querySelector(".order-status");
      if (oldLabel) {
        oldLabel.textContent = label.textContent;
      }
    }
  }

  function focusInput() {
    const input = root.querySelector("form[data-chat-form] textarea");
    if (input) {
      input.focus();
    }
  }

  // --- sending ---
  function setSending(on) {
    sending = on;
    for (const b of root.querySelectorAll("form[data-chat-form] button")) {
      b.disabled = on;
    }
    for (const f of root.querySelectorAll("form[data-chat-form]")) {
      f.setAttribute("aria-busy", on ? "true" : "false");
    }
  }

  async function refusal(res) {
    if (res.status === 401) {
      return "Your session has ended. Please reload the page and sign in again.";
    }
    if (res.status === 429) {
      return "You are sending messages too quickly. Please wait a moment and try again.";
    }
    try {
      const doc = new DOMParser().parseFromString(await res.text(), "text/html");
      const el = doc.querySelector("[data-chat-error]:not([hidden])") || doc.querySelector("main .lead");
      const text = el ? el.textContent.trim() : "";
      if (text) {
        return text;
      }
    } catch {
      // fall through to the generic message
    }
    return "Your message could not be sent. Please try again.";
  }

  root.addEventListener("submit", async (e) => {
    const form = e.target;
    if (!(form instanceof HTMLFormElement) || !form.matches("[data-chat-form]")) {
      return;
    }
    e.preventDefault();
    if (sending) {
      return;
    }
    const data = e.submitter ? new FormData(form, e.submitter) : new FormData(form);
    const body = new URLSearchParams(data);
    setSending(true);
    clearError();
    let res;
    try {
      res = await fetch(form.getAttribute("action"), {
        method: "POST",
        body,
        credentials: "same-origin",
        cache: "no-store",
        redirect: "manual", // 303 means sent; the new messages come from the fragment
        headers: { Accept: "text/html" },
      });
    } catch {
      setSending(false);
      showError("Your message could not be sent. Please check your connection and try again.");
      return;
    }
    if (res.type === "opaqueredirect" || res.ok) {
      const input = form.querySelector("textarea");
      if (input) {
        input.value = "";
        updateCounter(form);
      }
      setSending(false);
      await load();
    } else {
      setSending(false);
      showError(await refusal(res));
    }
    focusInput();
  });

  // Enter sends, Shift+Enter starts a new line (and nothing interrupts
  // an input method composing a character).
  root.addEventListener("keydown", (e) => {
    const t = e.target;
    if (!(t instanceof HTMLTextAreaElement) || !t.form || !t.form.matches("[data-chat-form]")) {
      return;
    }
    if (e.key === "Enter" && !e.shiftKey && !e.ctrlKey && !e.altKey && !e.metaKey && !e.isComposing) {
      e.preventDefault();
      if (!sending && t.value.trim() !== "") {
        t.form.requestSubmit();
      }
    }
  });

  root.addEventListener("input", (e) => {
    if (e.target instanceof HTMLTextAreaElement && e.target.form) {
      updateCounter(e.target.form);
    }
  });

  for (const f of root.querySelectorAll("form[data-chat-form]")) {
    updateCounter(f);
  }
  for (const el of root.querySelectorAll("[data-js-only]")) {
    el.hidden = false;
  }

  // --- live updates ---
  let events = null;

  function statusChanged(status) {
    if (!status || root.dataset.status === undefined || status === root.dataset.status) {
      return;
    }
    root.dataset.status = status;
    const out = root.querySelector("[data-status-text]");
    for (const li of root.querySelectorAll("[data-status-texts] [data-status]")) {
      if (out && li.dataset.status === status) {
        out.textContent = li.textContent;
      }
    }
    if (status === "closed") {
      // Nothing more can be written here; the page offers a new conversation.
      // (No reload: a form the user just sent may be navigating already.)
      for (const f of root.querySelectorAll("form[data-chat-form]")) {
        f.hidden = true;
      }
      const notice = root.querySelector("[data-closed-notice]");
      if (notice) {
        notice.hidden = false;
      }
      if (events) {
        events.close();
      }
      load(); // the closing notice, sent after this event
    }
  }

  let poller = 0;
  function poll() {
    if (!poller) {
      poller = setInterval(load, 15000);
    }
  }

  if (root.dataset.eventsUrl && root.dataset.status !== "closed") {
    if ("EventSource" in window) {
      const url = new URL(root.dataset.eventsUrl, location.href);
      url.searchParams.set("after", String(lastSeq));
      events = new EventSource(url);
      events.addEventListener("message", (e) => {
        if (Number(e.lastEventId) > lastSeq) {
          load();
        }
      });
      events.addEventListener("conversation", (e) => {
        let data;
        try {
          data = JSON.parse(e.data);
        } catch {
          return;
        }
        statusChanged(data && data.status);
      });
      events.addEventListener("error", () => {
        // The browser reconnects by itself; if it gave up, poll instead.
        if (events.readyState === EventSource.CLOSED) {
          poll();
        }
      });
      window.addEventListener("pagehide", () => events.close());
    } else {
      poll();
    }
  }
}
