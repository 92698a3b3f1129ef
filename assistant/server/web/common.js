// Shared by the chat and reviewer pages: API calls with the stored key, escaping, source highlighting.
const KEY_NAME = "medinfo-api-key";
function apiKey() { return localStorage.getItem(KEY_NAME) || ""; }
function setupKeyField() {
  const field = document.getElementById("api-key");
  field.value = apiKey();
  field.addEventListener("change", () => localStorage.setItem(KEY_NAME, field.value.trim()));
  fetch("/healthz").then(r => r.json()).then(h => {
    if (h.auth && h.auth.startsWith("off")) { document.getElementById("key-box").hidden = true; }
  });
}
async function api(path, options = {}) {
  const headers = Object.assign({"Content-Type": "application/json"}, options.headers || {});
  if (apiKey()) headers["Authorization"] = "Bearer " + apiKey();
  const r = await fetch(path, Object.assign({}, options, {headers}));
  const body = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(`${r.status}: ${typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail)}`);
  return body;
}
function esc(s) { return String(s ?? "").replace(/[&<>"']/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c])); }
// Show a stored passage: its page text with the cited characters [start, end) highlighted.
async function showSource(panel, cite) {
  panel.innerHTML = '<p class="muted">Loading the cited passage…</p>';
  try {
    const src = await api("/v1/sources/" + encodeURIComponent(cite.chunk_id));
    const text = src.page_text;
    const doc = src.document;
    panel.innerHTML = `<h2>${esc(doc.title)}</h2>
      <div class="meta">Document <b>${esc(src.document_id)}</b> · version <b>${esc(doc.version)}</b> ·
      page <b>${src.page}</b>${src.section ? " · " + esc(src.section) : ""} · characters ${cite.start}–${cite.end}
      · ${esc(src.status)}</div>
      <pre>${esc(text.slice(0, cite.start))}<mark id="hl">${esc(text.slice(cite.start, cite.end))}</mark>${esc(text.slice(cite.end))}</pre>`;
    const mark = document.getElementById("hl");
    if (mark) mark.scrollIntoView({block: "center"});
  } catch (e) { panel.innerHTML = `<p class="bad">${esc(e.message)}</p>`; }
}
