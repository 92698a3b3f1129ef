"""The figures of an insights report, from the audit log, reviews and safety reports of one store."""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any

import numpy as np

from assistant.contract import ROLE_REQUESTER
from assistant.question.intents import intents_of

GAP_SIMILARITY = 0.6  # questions at least this similar (MiniLM cosine) are one gap; set by hand, not fitted
WORKING_DAYS_LIMIT = 1  # adverse events and complaints go to pharmacovigilance within one working day


def _week(t: float) -> str:
    y, w, _ = datetime.fromtimestamp(t, UTC).isocalendar()
    return f"{y}-W{w:02d}"


def working_days(start: date, end: date) -> int:
    """Working days (Monday to Friday) after `start` up to and including `end`."""
    days, d = 0, start
    while d < end:
        d += timedelta(days=1)
        days += d.weekday() < 5
    return days


def _product(rec: dict, doc_products: dict[str, str], products_in) -> str:
    for c in rec.get("cited") or []:
        p = doc_products.get(c.get("document_id"))
        if p:
            return p
    ctx = rec.get("context") or {}
    named = products_in(ctx.get("resolved_question") or rec["question"]) if products_in else []
    return named[0] if named else "(none)"


def _requester_type(rec: dict) -> str:
    ctx = rec.get("context") or {}
    return ctx.get("requester_type") or ROLE_REQUESTER.get(rec["role"], ("hcp", None))[0]


def build(db, catalog, embed=None, since: float | None = None, until: float | None = None,
          product: str | None = None, products_in=None, today: date | None = None) -> dict[str, Any]:
    """embed(list[str]) -> unit vectors (the store's embedder) clusters the content gaps; products_in(text) names
    the products of a question that cited nothing."""
    if products_in is not None:  # each distinct question is read once
        products_in = lru_cache(maxsize=200_000)(products_in)
    intents = lru_cache(maxsize=200_000)(lambda text: tuple(i.name for i in intents_of(text)))
    docs = {d["doc_id"]: d for d in catalog.documents()}
    doc_products = {k: d["product"] for k, d in docs.items() if d.get("product")}
    records = db.audit_summary(since, until)
    for r in records:
        r["_product"] = _product(r, doc_products, products_in)
    if product:
        records = [r for r in records if r["_product"] == product.lower()]
    volumes: dict[str, Counter] = {k: Counter() for k in ("product", "intent", "requester_type", "channel", "week")}
    by_product_status: dict[str, Counter] = defaultdict(Counter)
    for r in records:
        named = intents((r.get("context") or {}).get("resolved_question") or r["question"])
        for key, value in (("product", r["_product"]), ("intent", named[0] if named else "other"),
                           ("requester_type", _requester_type(r)), ("channel", r["channel"]),
                           ("week", _week(r["time"]))):
            volumes[key][value] += 1
        by_product_status[r["_product"]][r["status"]] += 1
    rates = {p: {"questions": sum(c.values()), **{s: round(c[s] / sum(c.values()), 4)
                                                   for s in ("answered", "insufficient_evidence", "refused")}}
             for p, c in sorted(by_product_status.items(), key=lambda kv: -sum(kv[1].values()))}
    return {
        "window": {"since": since, "until": until, "product": product, "records": len(records)},
        "volumes": {k: dict(v.most_common()) for k, v in volumes.items()}
        | {"week": dict(sorted(volumes["week"].items()))},
        "rates_by_product": rates,
        "content_gaps": content_gaps(records, catalog, embed),
        "verdicts": verdicts(db, records, catalog),
        "safety": safety(db, records, today or date.today()),
    }


def content_gaps(records: list[dict], catalog, embed) -> list[dict]:
    """Unanswered and weakly supported questions, clustered by meaning, most asked first. Each distinct question
    is embedded once; clustering is greedy (a question joins the most similar cluster at or above
    GAP_SIMILARITY, else starts one), in order of first appearance, so a report is stable as the log grows."""
    gaps = [r for r in records if r["status"] == "insufficient_evidence"
            or (r["status"] == "answered" and r.get("weak"))]  # an answer the verifier removed claims from
    if not gaps:
        return []
    members: dict[str, list[dict]] = defaultdict(list)
    for r in sorted(gaps, key=lambda r: r["time"]):
        members[(r.get("context") or {}).get("resolved_question") or r["question"]].append(r)
    texts = list(members)
    if embed is None:
        vecs = np.eye(len(texts), dtype=np.float32)
    else:
        vecs = np.asarray(embed(texts), dtype=np.float32).reshape(len(texts), -1)
        vecs /= np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-9)
    groups: list[list[int]] = []
    centroids = np.zeros((0, vecs.shape[1]), dtype=np.float32)
    for i in range(len(texts)):
        if groups:
            sims = (centroids / np.maximum(np.linalg.norm(centroids, axis=1, keepdims=True), 1e-9)) @ vecs[i]
            j = int(np.argmax(sims))
            if sims[j] >= GAP_SIMILARITY:
                groups[j].append(i)
                centroids[j] += vecs[i] * len(members[texts[i]])
                continue
        groups.append([i])
        centroids = np.vstack([centroids, vecs[i] * len(members[texts[i]])])
    mid = (min(r["time"] for r in gaps) + max(r["time"] for r in gaps)) / 2  # trend: later half vs earlier
    chunk_docs = _chunk_documents(catalog, {c for r in gaps for c in (r.get("retrieved") or [])[:3]})
    titles = {d["doc_id"]: d["title"] for d in catalog.documents()}
    out = []
    for g, centroid in zip(groups, centroids, strict=True):
        recs = [r for i in g for r in members[texts[i]]]
        rep = max(g, key=lambda i: float(vecs[i] @ centroid))
        later = sum(1 for r in recs if r["time"] > mid)
        closest = Counter(chunk_docs[c] for r in recs for c in (r.get("retrieved") or [])[:3] if c in chunk_docs)
        out.append({
            "size": len(recs), "representative": texts[rep],
            "product": Counter(r["_product"] for r in recs).most_common(1)[0][0],
            "trend": {"earlier": len(recs) - later, "later": later},
            "questions": [texts[i] for i in sorted(g, key=lambda i: -len(members[texts[i]]))][:10],
            "closest_documents": [{"document_id": d, "title": titles.get(d, d)} for d, _ in closest.most_common(3)],
            "statuses": dict(Counter(r["status"] for r in recs)),
        })
    return sorted(out, key=lambda g: (-g["size"], g["representative"]))


def _chunk_documents(catalog, chunk_ids: set[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    ids = list(chunk_ids)
    for i in range(0, len(ids), 500):
        part = ids[i:i + 500]
        marks = ",".join("?" * len(part))
        rows = catalog.conn.execute(f"SELECT chunk_id, doc_id FROM chunks WHERE chunk_id IN ({marks})", part)
        out.update({r[0]: r[1] for r in rows})
    return out


def verdicts(db, records: list[dict], catalog) -> dict[str, Any]:
    """Reviewer verdicts: counts, and the citations marked wrong per document and section with the comments."""
    by_trace = {r["trace_id"]: r for r in records}
    counts: Counter = Counter()
    wrong: dict[tuple[str, str], list[str]] = defaultdict(list)
    for rev in db.reviews() if hasattr(db, "reviews") else []:
        rec = by_trace.get(rev["trace_id"])
        if rec is None:
            continue
        counts[rev["verdict"]] += 1
        if rev["verdict"] == "wrong":
            cite = next((c for c in rec.get("cited") or [] if c["n"] == rev["citation"]), None)
            chunk = catalog.chunk(cite["chunk_id"]) if cite else None
            key = (cite["document_id"] if cite else "?", (chunk or {}).get("section") or "")
            wrong[key].append(rev.get("comment") or "")
    return {"counts": dict(counts),
            "wrong_by_section": [{"document_id": d, "section": s, "wrong": len(c), "comments": [x for x in c if x]}
                                 for (d, s), c in sorted(wrong.items(), key=lambda kv: -len(kv[1]))]}


def safety(db, records: list[dict], today: date) -> dict[str, Any]:
    """Adverse-event and complaint reports per product, day 0 to export in working days, and those past the limit."""
    traces = {r["trace_id"] for r in records}
    exported = db.exports()
    per_product: dict[str, Counter] = defaultdict(Counter)
    overdue, delays = [], []
    for rep in db.safety_reports():
        if rep["trace_id"] not in traces:
            continue
        details = rep["details"] if isinstance(rep["details"], dict) else json.loads(rep["details"])
        prod = details.get("drug") or details.get("product") or "(none)"
        per_product[prod][rep["kind"]] += 1
        day0 = _day(details.get("day0")) or datetime.fromtimestamp(rep["time"], UTC).date()
        sent = exported.get(rep["report_id"])
        end = datetime.fromtimestamp(sent, UTC).date() if sent else today
        days = working_days(day0, end)
        if sent:
            delays.append(days)
        if days > WORKING_DAYS_LIMIT:
            overdue.append({"report_id": rep["report_id"], "kind": rep["kind"], "product": prod, "day0": str(day0),
                            "exported": str(end) if sent else None, "working_days": days})
    return {"per_product": {p: dict(c) for p, c in sorted(per_product.items())},
            "exported": len(delays), "median_working_days_to_export": float(np.median(delays)) if delays else None,
            "overdue": overdue}


def _day(value) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None
