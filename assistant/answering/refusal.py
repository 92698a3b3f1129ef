"""Refuse rather than guess: when the retrieved evidence is too weak to answer, and what to show instead."""
from __future__ import annotations

from assistant.answering import answerability
from assistant.answering.evidence import Selection
from assistant.answering.retrieval import Hit
from assistant.contract import ClosestDocument
from assistant.settings import Thresholds


def weak(hits: list[Hit], selection: Selection, t: Thresholds, f: dict[str, float] | None = None
         ) -> tuple[str | None, float | None]:
    """(why the evidence does not answer the question or None, the fitted answerability when used)."""
    best_dense = max((h.dense for h in hits), default=0.0)
    if not selection.evidence:
        return "The closest passages contain no sentence that addresses the question.", None
    model = answerability.load() if t.answerability == "fitted" and f is not None else None
    if model is not None and f is not None:
        p = model.probability(f)
        if f.get("intent_only_x_section") == 1.0 and f.get("product_evidence") == 1.0:
            # Structure, not a fitted guess: the question asks for nothing but a section of a named product
            # ("How does warfarin work?") and every evidence sentence is from that section of its label.
            return None, p
        cut = t.min_answerability if t.min_answerability is not None else model.threshold
        if p < cut:
            return (f"The closest passages are unlikely to answer the question (answerability {p:.2f}, below "
                    f"{cut:.2f}); nothing states an answer."), p
        return None, p
    return _rule(selection, best_dense, t), None


def _rule(selection: Selection, best_dense: float, t: Thresholds) -> str | None:
    if selection.coverage < t.min_coverage:
        return (f"The closest passages address only part of the question (key-term coverage "
                f"{selection.coverage:.2f}); nothing states an answer.")
    if best_dense < t.min_dense:
        return f"The closest passages are not relevant enough (similarity {best_dense:.2f})."
    return None


def closest(hits: list[Hit], n: int = 3, products: list[str] | None = None) -> list[ClosestDocument]:
    """The documents nearest to an unanswered question, one entry each (a reader may look there); the documents of
    the products the question names first (an abstract near "Can I take Tylenol for the pain?" is not where a
    reader looks first)."""
    out, seen = [], set()
    named = set(products or ())
    for h in sorted(hits, key=lambda h: h.passage.product not in named) if named else hits:
        if h.passage.doc_id in seen:
            continue
        seen.add(h.passage.doc_id)
        out.append(ClosestDocument(document_id=h.passage.doc_id, title=h.passage.title, page=h.passage.page,
                                   score=round(h.dense, 3)))
        if len(out) == n:
            break
    return out
