// The reviewer's view: audited answers; each claim beside the exact passages it cites; verdicts stored.
setupKeyField();
const list = document.getElementById("records");
const detail = document.getElementById("detail");

async function loadRecords() {
  try {
    const data = await api("/v1/audit?limit=200");
    if (!data.records.length) { list.innerHTML = '<p class="muted">No audited answers yet.</p>'; return; }
    list.innerHTML = `<table><tr><th>Time</th><th>User</th><th>Question</th><th>Status</th></tr>${data.records.map(r =>
      `<tr class="rec" data-trace="${esc(r.trace_id)}"><td>${new Date(r.time * 1000).toLocaleString()}</td>
       <td>${esc(r.user)} <span class="muted">(${esc(r.role)})</span></td><td>${esc(r.question)}</td>
       <td>${esc(r.status)}</td></tr>`).join("")}</table>`;
    list.querySelectorAll("tr.rec").forEach(tr => tr.addEventListener("click", () => openRecord(tr.dataset.trace)));
  } catch (e) { list.innerHTML = `<p class="bad">${esc(e.message)}</p>`; }
}

async function quoteOf(cite) {
  const src = await api("/v1/sources/" + encodeURIComponent(cite.chunk_id));
  return {src, quote: src.page_text.slice(cite.start, cite.end)};
}

async function openRecord(trace) {
  detail.innerHTML = '<p class="muted">Loading…</p>';
  try {
    const rec = await api("/v1/audit/" + encodeURIComponent(trace));
    const byN = Object.fromEntries(rec.cited.map(c => [c.n, c]));
    const quotes = {};
    for (const c of rec.cited) quotes[c.n] = await quoteOf(c);
    const verdicts = {};
    rec.reviews.forEach(r => { verdicts[r.citation] = r; });
    detail.innerHTML = `<h2>${esc(rec.question)}</h2>
      <div class="muted">${esc(rec.status)} · ${esc(rec.generator)}${rec.prompt_version ? " (prompt " + esc(rec.prompt_version) + ")" : ""}
      · corpus ${esc(rec.corpus_version)} · ${new Date(rec.time * 1000).toLocaleString()} · ${esc(rec.user)} (${esc(rec.role)})
      · trace ${esc(rec.trace_id)}</div>
      ${Object.keys(rec.flags).filter(k => rec.flags[k] === true).map(k => `<div class="flag">${esc(k.replace("_", " "))}</div>`).join("")}
      ${rec.status === "answered" ? '<div class="review-form"><input id="faq-owner" placeholder="owner" size="20"> <button type="button" class="secondary" id="publish-faq">Publish as standard response</button> <span id="faq-status" class="status"></span></div>' : ""}
      <div id="claims"></div><div id="page-view" class="page-view"></div>`;
    const box = document.getElementById("claims");
    rec.claims.forEach(cl => {
      const row = document.createElement("div");
      row.className = "claim";
      row.innerHTML = `<div><b>${cl.removed ? '<span class="bad">[removed]</span> ' : ""}</b>${esc(cl.text)}
        <div class="muted">support ${Number(cl.support).toFixed(2)}${cl.reason ? " · " + esc(cl.reason) : ""}</div></div>
        <div>${(cl.citations || []).map(n => {
          const c = byN[n], q = quotes[n];
          if (!c || !q) return "";
          const v = verdicts[n];
          return `<div class="evidence" data-n="${n}"><b>[${n}]</b> ${esc(q.src.document.title)}, version ${esc(c.version)},
            ${esc(citeWhere(c))}, chars ${c.start}–${c.end}<br><mark>${esc(q.quote)}</mark>
            <div class="review-form">
              <button type="button" class="secondary show-page">Show page</button>
              <button type="button" class="secondary verdict" data-v="correct">Correct</button>
              <button type="button" class="secondary verdict" data-v="wrong">Wrong</button>
              <input class="comment" placeholder="comment" size="24">
              <span class="status ${v ? (v.verdict === "correct" ? "ok" : "bad") : ""}">${v ? "marked " + esc(v.verdict) + (v.comment ? ": " + esc(v.comment) : "") : ""}</span>
            </div></div>`;
        }).join("")}</div>`;
      box.appendChild(row);
    });
    // Publish the answer as it stands as an approved standard response (FAQ entry), ingested at once.
    const publish = document.getElementById("publish-faq");
    if (publish) publish.addEventListener("click", async () => {
      const status = document.getElementById("faq-status");
      try {
        const r = await api("/v1/faq", {method: "POST", body: JSON.stringify({trace_id: trace,
          owner: document.getElementById("faq-owner").value.trim() || "Medical Information"})});
        status.className = "status ok"; status.textContent = `published ${r.id} version ${r.version}`;
        loadFaq();
      } catch (e) { status.className = "status bad"; status.textContent = e.message; }
    });
    // The cited page as printed (PDF sources) or the section's text, the quote highlighted.
    box.querySelectorAll(".evidence .show-page").forEach(b => b.addEventListener("click", () => {
      const view = document.getElementById("page-view");
      showSource(view, byN[Number(b.closest(".evidence").dataset.n)]);
      view.scrollIntoView({block: "start"});
    }));
    box.querySelectorAll(".evidence").forEach(ev => ev.querySelectorAll(".verdict").forEach(b => b.addEventListener("click", async () => {
      const status = ev.querySelector(".status");
      try {
        const r = await api("/v1/reviews", {method: "POST", body: JSON.stringify({trace_id: trace, citation: Number(ev.dataset.n),
          verdict: b.dataset.v, comment: ev.querySelector(".comment").value})});
        status.className = "status " + (r.verdict === "correct" ? "ok" : "bad");
        status.textContent = "marked " + r.verdict + (r.comment ? ": " + r.comment : "");
      } catch (e) { status.className = "status bad"; status.textContent = e.message; }
    })));
  } catch (e) { detail.innerHTML = `<p class="bad">${esc(e.message)}</p>`; }
}
// Published standard responses: each with its version, owner and dates; withdraw takes it out of answers.
async function loadFaq() {
  const box = document.getElementById("faq");
  try {
    const data = await api("/v1/faq");
    if (!data.entries.length) { box.innerHTML = '<p class="muted">None published yet.</p>'; return; }
    box.innerHTML = `<table><tr><th>Entry</th><th>Version</th><th>Owner</th><th>Review</th><th>Status</th><th></th></tr>${data.entries.map(e =>
      `<tr class="faq-row" data-id="${esc(e.id)}"><td>${esc(e.title || e.id)}</td><td>${esc(e.version)}</td><td>${esc(e.owner || "")}</td>
       <td>${esc(e.review_date || "")}</td><td class="faq-status">${esc(e.status)}</td>
       <td>${e.status === "approved" ? '<button type="button" class="secondary withdraw-faq">Withdraw</button>' : ""}</td></tr>`).join("")}</table>`;
    box.querySelectorAll(".withdraw-faq").forEach(b => b.addEventListener("click", async () => {
      const id = b.closest("tr").dataset.id;
      try { await api("/v1/faq/" + encodeURIComponent(id), {method: "DELETE"}); loadFaq(); }
      catch (e) { b.closest("tr").querySelector(".faq-status").textContent = e.message; }
    }));
  } catch (e) { box.innerHTML = `<p class="bad">${esc(e.message)}</p>`; }
}
loadRecords();
loadFaq();
