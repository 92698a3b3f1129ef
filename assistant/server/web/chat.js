// The physician's chat: ask, read the cited answer, open each [n] at its highlighted passage.
setupKeyField();
const messages = document.getElementById("messages");
const panel = document.getElementById("source");
// The interface in the question's language (the quotes stay verbatim in English).
const REFERENCES = {ja: "参考文献", zh: "参考文献", "zh-Hant": "參考文獻", ko: "참고문헌", es: "Referencias",
                    fr: "Références", de: "Quellen", pt: "Referências", it: "Bibliografia"};
// The thread: follow-up questions ("and in the elderly?") are answered from the earlier ones of this conversation.
const THREAD = "medinfo-conversation";
function newId() { return Array.from(crypto.getRandomValues(new Uint8Array(8)), b => b.toString(16).padStart(2, "0")).join(""); }
function conversationId() {
  let id = sessionStorage.getItem(THREAD);
  if (!id) { id = newId(); sessionStorage.setItem(THREAD, id); }
  return id;
}
document.getElementById("new-thread").addEventListener("click", () => {
  sessionStorage.setItem(THREAD, newId());
  messages.innerHTML = "";
  panel.innerHTML = '<p class="muted">New conversation: earlier questions no longer apply.</p>';
});

function renderAnswer(a) {
  const byN = Object.fromEntries(a.citations.map(c => [c.n, c]));
  const text = esc(a.answer).replace(/\[(\d+)\](?![\w(-])/g, (m, n) =>
    byN[n] ? `<button type="button" class="cite" data-trace="${a.trace_id}" data-n="${n}">[${n}]</button>` : m);
  const refs = a.citations.map(c => `<div>[${c.n}] ${esc(c.reference || c.title + ", version " + c.version)}, ${esc(citeWhere(c))}</div>`).join("");
  const flags = [];
  if (a.flags.adverse_event) flags.push("Possible adverse event: forwarded for pharmacovigilance follow-up.");
  if (a.flags.product_complaint) flags.push("Possible product complaint: recorded for follow-up.");
  if (a.flags.personal_data_redacted) flags.push("Personal data in the question was redacted before logging.");
  const el = document.createElement("div");
  el.className = "msg";
  el.innerHTML = `<div class="q">${esc(a.question)} <span class="badge ${a.status}">${a.status.replace("_", " ")}</span></div>
    ${a.resolved_question ? `<div class="resolved">Answering: ${esc(a.resolved_question)}</div>` : ""}
    <div class="a">${text}</div>
    ${a.explanation ? `<div class="notice">${esc(a.explanation)}</div>` : ""}
    ${a.notices.map(n => `<div class="notice">${esc(n)}</div>`).join("")}
    ${flags.map(f => `<div class="flag">${esc(f)}</div>`).join("")}
    ${refs ? `<div class="refs"><b>${REFERENCES[a.language] || "References"}</b>${refs}</div>` : ""}
    ${a.closest_documents.length ? `<div class="refs">Closest documents: ${a.closest_documents.map(d => esc(d.title)).join("; ")}</div>` : ""}`;
  el.querySelectorAll(".cite").forEach(b => b.addEventListener("click", () => {
    document.querySelectorAll(".cite.active").forEach(x => x.classList.remove("active"));
    b.classList.add("active");
    showSource(panel, byN[b.dataset.n]);
  }));
  messages.prepend(el);
}

document.getElementById("ask-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const question = document.getElementById("question").value.trim();
  const product = document.getElementById("product").value.trim();
  if (!question) return;
  const button = document.getElementById("ask-button");
  button.disabled = true; button.textContent = "Searching…";
  try {
    const body = {question, conversation_id: conversationId()};
    if (product) body.product = product;
    renderAnswer(await api("/v1/ask", {method: "POST", body: JSON.stringify(body)}));
  } catch (e) {
    const el = document.createElement("div"); el.className = "msg bad"; el.textContent = e.message; messages.prepend(el);
  } finally { button.disabled = false; button.textContent = "Ask"; }
});
