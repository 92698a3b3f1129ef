"""Standard responses published from audited answers (FAQ entries): `medinfo faq list|publish|withdraw`, the
same over the API (/v1/faq) and on the reviewer page.

A reviewer turns an audited answer (or an edited version of it, every sentence still citing the answer's sources)
into an approved document: the question, the variants it answers, the answer, and under it the sources it rests on,
each quoted verbatim. It is written to <data-dir>/faq/<id>.json with its manifest entry (owner, approval date,
review date, expiry, version) and ingested at once, so the next similar question is answered from it; a citation
of it carries its sources (`Citation.underlying`). Publishing the same id again is a new version; withdrawing takes
it out of answers.
"""
from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import yaml

MARK = re.compile(r"\[(\d+)\]")
FAQ_ID = re.compile(r"^faq-[a-z0-9-]{1,60}$")


class FaqError(ValueError):
    """The entry cannot be published as asked; the message says why."""


def _dir(store) -> Path:
    d = Path(store.data_dir) / "faq"
    d.mkdir(parents=True, exist_ok=True)
    return d


def slug(text: str) -> str:
    return "faq-" + (re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60].rstrip("-") or "entry")


def publish(store, db, trace_id: str, *, text: str | None = None, question: str | None = None,
            variants: list[str] | None = None, owner: str, approval_date: str | None = None,
            review_date: str | None = None, expiry: str | None = None, faq_id: str | None = None,
            by: str = "") -> dict[str, Any]:
    from ingest.pipeline import ingest

    rec = db.audit_record(trace_id)
    if rec is None:
        raise FaqError(f"no audited answer {trace_id!r}")
    if rec["status"] != "answered" or not rec["cited"]:
        raise FaqError("only an answered question with citations can become a standard response")
    cited = {c["n"]: c for c in rec["cited"]}
    body = (text if text is not None else rec["answer"]).strip()
    lines = [ln.strip().lstrip("- ").strip() for ln in body.splitlines() if ln.strip()]
    for line in lines:
        ns = [int(n) for n in MARK.findall(line)]
        if not ns:
            raise FaqError(f"every sentence must cite a source of the answer; this one cites none: {line[:120]!r}")
        unknown = [n for n in ns if n not in cited]
        if unknown:
            raise FaqError(f"[{unknown[0]}] is not a source of the audited answer (sources: {sorted(cited)})")
    for d in (approval_date, review_date, expiry):
        if d is not None:
            date.fromisoformat(d)
    question = question or (rec.get("context") or {}).get("resolved_question") or rec["question"]
    faq_id = faq_id or slug(question)
    if not FAQ_ID.match(faq_id):
        raise FaqError("an FAQ id is faq- followed by lower-case letters, digits and hyphens")
    used = sorted({int(n) for line in lines for n in MARK.findall(line)})
    sources = []
    for n in used:
        c = cited[n]
        chunk = store.catalog.chunk(c["chunk_id"])
        quote = chunk["page_text"][c["start"]:c["end"]] if chunk else ""
        sources.append({"n": n, "document_id": c["document_id"], "title": (chunk or {}).get("document", {}).get(
            "title", c["document_id"]), "version": c["version"], "page": c["page"], "chunk_id": c["chunk_id"],
            "start": c["start"], "end": c["end"], "quote": quote})
    # The answer's [n] markers become "(source n)" so they never collide with an answer's own markers.
    answer = "\n".join(MARK.sub(lambda m: f"(source {m.group(1)})", line) for line in lines)
    heading = " | ".join([question, *(variants or [])])  # searched with the answer, never quoted as evidence
    current = _load(store)
    entry = next((d for d in current if d["id"] == faq_id), None)
    version = int(entry["version"]) + 1 if entry else 1
    record = {"id": faq_id, "title": f"Standard response: {question}", "heading": heading, "text": answer,
              "attributes": {"format": "faq", "sources": sources, "variants": variants or [], "trace_id": trace_id,
                             "published_by": by}}
    (_dir(store) / f"{faq_id}.json").write_text(json.dumps(record, ensure_ascii=False, indent=1))
    products = [p for p in ((store.catalog.document(src["document_id"]) or {}).get("product") for src in sources) if p]
    new = {"path": f"{faq_id}.json", "id_prefix": "", "kind": "approved", "status": "approved", "audience": "any",
           "version": str(version), "owner": owner, "source": f"audit:{trace_id}"}
    if products:  # the product its sources are about: found when a question names it
        new["product"] = max(set(products), key=products.count)
    new |= {k: v for k, v in (("approval_date", approval_date or date.today().isoformat()),
                              ("review_date", review_date), ("expiry", expiry)) if v}
    _write_manifest(store, [d for d in current if d["id"] != faq_id] + [new | {"id": faq_id}])
    if store.catalog.withdrawal(faq_id):  # publishing again brings a withdrawn entry back, as its new version
        store.catalog.reinstate(faq_id)
    summary, code = ingest([_dir(store)], store=store, workers=0)  # one small file: parsed in this process
    if code != 0:
        raise FaqError(f"the entry could not be ingested: {summary['skipped']}")
    return {"id": faq_id, "version": str(version), "question": question, "sources": len(sources)}


def _write_manifest(store, entries: list[dict]) -> None:
    # One entry per file; the document id is the record's own id (id_prefix ""), kept under `records`.
    docs = [{k: v for k, v in d.items() if k != "id"} | {"records": {d["id"]: {}}} for d in entries]
    (_dir(store) / "manifest.yaml").write_text(yaml.safe_dump({"documents": docs}, sort_keys=False))


def entries(store) -> list[dict]:
    out = []
    for d in _load(store):
        doc = store.catalog.document(d["id"]) or {}
        out.append({**d, "status": doc.get("status", "missing"), "title": doc.get("title")})
    return out


def _load(store) -> list[dict]:
    path = _dir(store) / "manifest.yaml"
    if not path.exists():
        return []
    raw = yaml.safe_load(path.read_text()) or {}
    return [{k: v for k, v in d.items() if k != "records"} | {"id": next(iter(d.get("records") or {"?": 0}))}
            for d in raw.get("documents") or []]


def withdraw(store, faq_id: str, reason: str = "withdrawn standard response") -> list[str]:
    return store.catalog.withdraw(faq_id, reason)
