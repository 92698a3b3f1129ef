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
// Where a quote is: "page 4", or for sources without pages (SPL, Word) "section 13: 2 DOSAGE ... > 2.6 ...".
function citeWhere(c) {
  return !c.page && c.section_position ? `section ${c.section_position}: ${c.section_path}` : `page ${c.page}`;
}
function esc(s) { return String(s ?? "").replace(/[&<>"']/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c])); }
// Show a stored passage: the page as printed when its PDF is on disk (PDF.js, served by this app), with the
// quoted words highlighted over it; below, its stored page text with the cited characters [start, end) marked.
async function showSource(panel, cite) {
  panel.innerHTML = '<p class="muted">Loading the cited passage…</p>';
  try {
    const src = await api("/v1/sources/" + encodeURIComponent(cite.chunk_id));
    const text = src.page_text;
    const doc = src.document;
    const sectioned = !cite.page && cite.section_position;
    const where = sectioned ? `section <b>${cite.section_position}</b> · ${esc(cite.section_path)}`
      : `page <b>${src.page}</b>${src.section ? " · " + esc(src.section) : ""}`;
    const pdf = src.pdf || {};
    panel.innerHTML = `<h2>${esc(doc.title)}</h2>
      <div class="meta">Document <b>${esc(src.document_id)}</b> · version <b>${esc(doc.version)}</b> ·
      ${where} · characters ${cite.start}–${cite.end} · ${esc(src.status)}</div>
      ${cite.reference ? `<div class="meta">${esc(cite.reference)}</div>` : ""}
      ${pdf.available ? '<div class="pdfpage" id="pdfpage"><p class="muted">Rendering the printed page…</p></div>'
        : (pdf.reason && !pdf.reason.startsWith("not a PDF") ? `<p class="notice" id="pdf-note">${esc(pdf.reason)}</p>` : "")}
      <pre>${esc(text.slice(0, cite.start))}<mark id="hl">${esc(text.slice(cite.start, cite.end))}</mark>${esc(text.slice(cite.end))}</pre>`;
    if (pdf.available) {
      await renderPdfPage(document.getElementById("pdfpage"), pdf, text.slice(cite.start, cite.end), panel);
    } else {
      const mark = document.getElementById("hl");
      if (mark) mark.scrollIntoView({block: "center"});
    }
  } catch (e) { panel.innerHTML = `<p class="bad">${esc(e.message)}</p>`; }
}

// Letters and digits only, lower case: PDF.js and the stored text (pypdf) split words and lines differently.
function alnum(s) { return s.normalize("NFKC").toLowerCase().replace(/[^\p{L}\p{N}]/gu, ""); }

async function renderPdfPage(box, pdf, quote, panel) {
  let pdfjs;
  try {
    pdfjs = await import("/vendor/pdfjs/build/pdf.min.mjs");
  } catch (e) {
    box.outerHTML = '<p class="notice">The PDF viewer is not installed on this server (make web); showing the stored page text.</p>';
    return;
  }
  pdfjs.GlobalWorkerOptions.workerSrc = "/vendor/pdfjs/build/pdf.worker.min.mjs";
  const headers = apiKey() ? {"Authorization": "Bearer " + apiKey()} : {};
  const r = await fetch(pdf.url, {headers});
  if (!r.ok) {
    box.outerHTML = `<p class="notice">${esc((await r.json().catch(() => ({}))).detail || "The PDF could not be loaded")}; showing the stored page text.</p>`;
    return;
  }
  const doc = await pdfjs.getDocument({data: new Uint8Array(await r.arrayBuffer()), isEvalSupported: false,
    standardFontDataUrl: "/vendor/pdfjs/standard_fonts/", cMapUrl: "/vendor/pdfjs/cmaps/", cMapPacked: true,
    wasmUrl: "/vendor/pdfjs/wasm/"}).promise;
  const page = await doc.getPage(pdf.page);
  const base = page.getViewport({scale: 1});
  const viewport = page.getViewport({scale: Math.min(2, (panel.clientWidth - 24) / base.width)});
  box.innerHTML = "";
  box.style.width = viewport.width + "px";
  box.style.height = viewport.height + "px";
  const canvas = document.createElement("canvas");
  canvas.width = Math.floor(viewport.width);
  canvas.height = Math.floor(viewport.height);
  box.appendChild(canvas);
  await page.render({canvas, viewport}).promise;
  const boxes = quoteBoxes(pdfjs, (await page.getTextContent()).items, viewport, quote);
  if (!boxes.length) {
    box.insertAdjacentHTML("afterend", '<p class="notice">The quote could not be placed on the printed page; it is marked in the page text below.</p>');
    return;
  }
  for (const b of boxes) {
    const hl = document.createElement("div");
    hl.className = "pdf-hl";
    Object.assign(hl.style, {left: b.x + "px", top: b.y + "px", width: b.w + "px", height: b.h + "px"});
    box.appendChild(hl);
  }
  box.querySelector(".pdf-hl").scrollIntoView({block: "center"});
}

// The boxes (in viewport pixels) of the text items that hold the quote, cut to the quoted characters.
function quoteBoxes(pdfjs, items, viewport, quote) {
  let flat = "";
  const owner = [];  // flat index -> [item index, its position among the item's letters and digits]
  items.forEach((it, i) => {
    const a = alnum(it.str || "");
    for (let k = 0; k < a.length; k++) owner.push([i, k]);
    flat += a;
  });
  const q = alnum(quote);
  if (q.length < 4) return [];
  let from = flat.indexOf(q), to = from + q.length;
  if (from < 0) {  // extraction differs inside the quote: anchor on its first and last words
    const head = q.slice(0, 24), tail = q.slice(-24);
    from = flat.indexOf(head);
    const end = from < 0 ? -1 : flat.indexOf(tail, from);
    if (from < 0 || end < 0 || end - from > q.length * 1.5) return [];
    to = end + tail.length;
  }
  const spans = new Map();
  for (let f = from; f < to; f++) {
    const [i, k] = owner[f];
    const s = spans.get(i) || [k, k];
    spans.set(i, [Math.min(s[0], k), Math.max(s[1], k)]);
  }
  const out = [];
  for (const [i, [k0, k1]] of spans) {
    const it = items[i];
    const n = alnum(it.str).length || 1;
    const tx = pdfjs.Util.transform(viewport.transform, it.transform);
    const h = Math.hypot(tx[2], tx[3]);
    const w = it.width * viewport.scale;
    out.push({x: tx[4] + w * k0 / n, y: tx[5] - h, w: Math.max(2, w * (k1 + 1 - k0) / n), h: h * 1.15});
  }
  return out;
}
