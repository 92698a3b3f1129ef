"""Refuse rather than guess: when the retrieved evidence is too weak to answer, and what to show instead."""
from __future__ import annotations

from assistant.answering.evidence import Selection
from assistant.answering.retrieval import Hit
from assistant.contract import ClosestDocument
from assistant.settings import Thresholds


def weak(hits: list[Hit], selection: Selection, t: Thresholds) -> str | None:
    """Why the evidence does not answer the question, or None when it may."""
    best_dense = max((h.dense for h in hits), default=0.0)
    if not selection.evidence:
        return "The closest passages contain no sentence that addresses the question."
    if selection.coverage < t.min_coverage:
        return (f"The closest passages address only part of the question (key-term coverage "
                f"{selection.coverage:.2f}); nothing states an answer.")
    if best_dense < t.min_dense:
        return f"The closest passages are not relevant enough (similarity {best_dense:.2f})."
    return None


def closest(hits: list[Hit], n: int = 3) -> list[ClosestDocument]:
    """The documents nearest to an unanswered question, one entry each (a reader may look there)."""
    out, seen = [], set()
    for h in hits:
        if h.passage.doc_id in seen:
            continue
        seen.add(h.passage.doc_id)
        out.append(ClosestDocument(document_id=h.passage.doc_id, title=h.passage.title, page=h.passage.page,
                                   score=round(h.dense, 3)))
        if len(out) == n:
            break
    return out
