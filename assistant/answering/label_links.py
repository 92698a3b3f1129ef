"""Where a citation points in sources beyond paged PDFs; two current labels of one product.

Sources without pages (SPL, Word) are cited by section path and position; articles by their reference.
Two current labels of one product: the answer quotes the newer text and says where the older one differs.
A repackager's SPL label carries the text of the original label it repackages, as it stood when it was made:
PD-Rx's 2012 Lipitor label repeats Pfizer's 2012 text while Pfizer's own 2014 label adds boceprevir and IMNM.
They have different set ids, so version supersession cannot see it. They are linked here the way the labels
say it themselves: the same ingredient, the repackaged product's original NDC among the original packager's
product NDCs, and a later effective date on the original. The older label then leaves the searchable passages
and every answer quoting a section of the newer one notes whether the older label's section reads differently.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Label:
    doc_id: str
    rev_id: str
    title: str
    version: str
    effective: str


def superseded_labels(catalog) -> dict[str, Label]:
    """Older label id -> the newer label of the same product that answers instead of it."""
    rows = catalog.conn.execute(
        """SELECT d.doc_id, d.rev_id, d.title, d.version, d.effective, d.product, r.meta FROM documents d
           JOIN revisions r ON r.rev_id = d.rev_id
           WHERE d.status IN ('approved', 'unreviewed') AND d.product IS NOT NULL AND d.product != ''
                 AND r.meta LIKE '%"format": "spl"%'""").fetchall()
    labels = []
    for r in rows:
        attrs = json.loads(r["meta"]).get("attributes") or {}
        if r["product"] and attrs.get("format") == "spl":
            labels.append((Label(r["doc_id"], r["rev_id"], r["title"], r["version"], r["effective"] or ""),
                           r["product"], attrs))
    out: dict[str, Label] = {}
    for old, product, a_old in labels:
        for new, product_new, a_new in labels:
            if (new.doc_id != old.doc_id and product_new == product and not a_new.get("repackager")
                    and set(a_old.get("original_ndcs") or []) & set(a_new.get("ndcs") or [])
                    and new.effective > old.effective):
                if old.doc_id not in out or new.effective > out[old.doc_id].effective:
                    out[old.doc_id] = new
    return out


def _section_text(catalog, rev_id: str, section: str) -> str | None:
    rows = catalog.conn.execute(
        """SELECT substr(p.text, c.start + 1, c."end" - c.start) FROM chunks c
           JOIN pages p ON p.rev_id = c.rev_id AND p.page_no = c.page_no
           WHERE c.rev_id=? AND c.section=? ORDER BY c.page_no, c.start""", (rev_id, section)).fetchall()
    return " ".join(" ".join(r[0].split()) for r in rows) if rows else None


def _older_of(catalog, superseded: dict[str, Label]) -> dict[str, list[Label]]:
    out: dict[str, list[Label]] = {}
    for old_id, new in superseded.items():
        doc = catalog.document(old_id)
        if doc:
            out.setdefault(new.doc_id, []).append(
                Label(old_id, doc["rev_id"], doc["title"], doc["version"], doc["effective"] or ""))
    return out


def difference_notices(catalog, superseded: dict[str, Label], citations) -> list[str]:
    """For each cited section of a newer label: a notice when an older current label of the product reads
    differently there (or lacks the section)."""
    if not superseded:
        return []
    older = _older_of(catalog, superseded)
    notices: list[str] = []
    seen: set[tuple[str, str]] = set()
    for c in citations:
        for old in older.get(c.document_id, []):
            if (old.doc_id, c.section) in seen or not c.section:
                continue
            seen.add((old.doc_id, c.section))
            doc = catalog.document(c.document_id)
            new_text = _section_text(catalog, doc["rev_id"], c.section) if doc else None
            old_text = _section_text(catalog, old.rev_id, c.section)
            if old_text == new_text:
                continue
            where = f"{old.title} (version {old.version}, effective {old.effective or 'unknown'})"
            if old_text is None:
                notices.append(f"Another current label of this product, {where}, has no section "
                               f"\"{c.section}\"; the answer quotes the newer label [{c.n}].")
            else:
                notices.append(f"Another current label of this product, {where}, carries older text that differs "
                               f"in \"{c.section}\"; the answer quotes the newer label [{c.n}].")
    return notices


def locate(citations, attributes: dict[str, dict]) -> None:
    """Citations of sources without pages name their section and its position (page 0); citations of
    articles carry their formatted reference, PMID and DOI."""
    from ingest.chunking import STRUCTURED

    for c in citations:
        attrs = attributes.get(c.document_id) or {}
        if attrs.get("format") in STRUCTURED and c.page:
            c.section_position, c.page = c.page, 0
            c.section_path = c.section
        if attrs.get("format") == "faq":
            c.underlying = list(attrs.get("sources") or [])
        if attrs.get("reference"):
            c.reference, c.pmid, c.doi = attrs["reference"], attrs.get("pmid"), attrs.get("doi")


def printed_page(catalog, chunk: dict) -> dict:
    """Can the cited page be shown as printed? Only from the PDF the cited revision was read from, found at the
    document's path with the same content hash (a changed file is another revision: its pages may differ)."""
    from pathlib import Path

    doc = catalog.document(chunk["document_id"]) or {}
    path = Path(doc.get("path") or "")
    if path.suffix.lower() != ".pdf":
        return {"available": False, "reason": "not a PDF source: the stored text is the source"}
    if not path.is_file():
        return {"available": False, "reason": "the PDF is no longer on disk; showing the stored page text"}
    if _file_hash(str(path), path.stat().st_mtime_ns, path.stat().st_size) != chunk["document"].get("sha256"):
        return {"available": False, "reason": "the PDF on disk is another revision of this document; showing "
                                              "the stored page text of the cited revision"}
    return {"available": True, "url": f"/v1/sources/{chunk['chunk_id']}/pdf", "page": chunk["page"]}


@lru_cache(maxsize=256)
def _file_hash(path: str, mtime_ns: int, size: int) -> str:
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
