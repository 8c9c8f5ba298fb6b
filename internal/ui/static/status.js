// Keeps the service status on the home page current: asks /readyz every
// 30 seconds and updates the text. Loaded as a module with the page's CSP
// nonce; no inline script anywhere (DESIGN.md, invariant 8).
const box = document.querySelector("[data-status]");
const text = box && box.querySelector("[data-status-text]");

function show(ok) {
  box.dataset.status = ok ? "ok" : "degraded";
  text.textContent = ok ? box.dataset.okText : box.dataset.degradedText;
}

async function refresh() {
  try {
    const res = await fetch("/readyz", { cache: "no-store", headers: { Accept: "application/json" } });
    show(res.ok);
  } catch {
    show(false);
  }
}

if (box && text) {
  setInterval(refresh, 30000);
}
