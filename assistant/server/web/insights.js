// Insights for reviewers and admins: the report's HTML (SVG charts and tables) from /v1/insights.
setupKeyField();
const box = document.getElementById("insights");

function query(format) {
  const p = new URLSearchParams({format});
  const since = document.getElementById("since").value, until = document.getElementById("until").value;
  const product = document.getElementById("product").value.trim();
  if (since) p.set("since", Date.parse(since + "T00:00:00Z") / 1000);
  if (until) p.set("until", Date.parse(until + "T23:59:59Z") / 1000);
  if (product) p.set("product", product);
  return "/v1/insights?" + p.toString();
}

async function load() {
  box.innerHTML = '<p class="muted">Loading…</p>';
  const headers = apiKey() ? {"Authorization": "Bearer " + apiKey()} : {};
  const r = await fetch(query("html"), {headers});
  if (!r.ok) {
    const body = await r.json().catch(() => ({}));
    box.innerHTML = `<p class="bad">${r.status}: ${esc(body.detail || "")}</p>`;
    return;
  }
  box.innerHTML = await r.text();  // built by the server from escaped text and SVG
}

document.getElementById("load").addEventListener("click", load);
document.getElementById("csv").addEventListener("click", async (ev) => {
  ev.preventDefault();
  const headers = apiKey() ? {"Authorization": "Bearer " + apiKey()} : {};
  const r = await fetch(query("csv"), {headers});
  const url = URL.createObjectURL(new Blob([await r.text()], {type: "text/csv"}));
  const a = document.createElement("a");
  a.href = url; a.download = "insights.csv"; a.click();
});
load();
