// A self-contained reference of the routes: no CDN assets, so it works on an offline machine.
fetch("/openapi.json").then(r => r.json()).then(spec => {
  const ops = document.getElementById("ops");
  ops.innerHTML = `<p>${esc(spec.info.description || "")}</p>`;
  for (const [path, methods] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const params = (op.parameters || []).map(p => `<code>${esc(p.name)}</code> (${esc(p.in)}${p.required ? ", required" : ""})`).join(", ");
      const body = op.requestBody ? JSON.stringify(op.requestBody.content["application/json"]?.schema || {}, null, 1) : "";
      const codes = Object.keys(op.responses || {}).join(", ");
      const s = document.createElement("section");
      s.innerHTML = `<h2><code>${method.toUpperCase()} ${esc(path)}</code></h2><p>${esc(op.summary || "")}
        ${op.tags ? '<span class="badge">' + esc(op.tags.join(", ")) + "</span>" : ""}</p>
        ${params ? `<p>Parameters: ${params}</p>` : ""}${body ? `<p>Body schema:</p><pre>${esc(body)}</pre>` : ""}
        <p class="muted">Responses: ${esc(codes)}</p>`;
      ops.appendChild(s);
    }
  }
});
