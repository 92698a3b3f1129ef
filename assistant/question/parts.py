"""Several questions in one message, split so that each is answered or refused on its own.

"What is the starting dose of atorvastatin and what are its contraindications?" -> two questions; a part that
names no product takes the products the message names ("what are its contraindications" -> about atorvastatin).
A narrative (statements, then one question) is one question: scope.focus narrows it. A message naming no drug is
not split (its later parts would lose their subject). Pure functions.
"""
from __future__ import annotations

import re

MAX_PARTS = 3
_ASKING = r"(?:what|which|how|when|who|why|where|is|are|can|could|does|do|did|should|would|will|may)"
# "..., and what ...", "... and how ...", "...; is ..." : a second question joined to the first (a bare comma is
# not a join: "What drug, used to treat X, is ...?")
_JOIN = re.compile(rf"\s*(?:,?\s+and\s+(?:also\s+)?|;\s*(?:and\s+)?)(?={_ASKING}\b)", re.I)
_STATEMENT = re.compile(r"[.!]\s+[A-Z]")
_QUESTION = re.compile(rf"^\s*(?:and\s+|also\s+)?{_ASKING}\b", re.I)


def split(message: str, products_in, drugs_in=lambda text: []) -> list[str]:
    """The questions of a message (one item when it asks one thing). products_in(text) -> the catalogue's
    products named; drugs_in(text) -> any drug named (a part naming another drug keeps to it)."""
    named = products_in(message)
    if not named and not drugs_in(message):
        return [message]  # a part without its subject could not be answered on its own ("What is the age range?")
    sentences = [s.strip() for s in re.split(r"(?<=\?)\s+", message.strip()) if s.strip()]
    asks = [s for s in sentences if s.endswith("?")]
    if len(sentences) != len(asks) or any(_STATEMENT.search(s) for s in asks):
        return [message]  # statements around the question: a narrative, not a list of questions
    parts: list[str] = []
    for s in asks:
        pieces = [p.strip(" ,;") for p in _JOIN.split(s) if p and p.strip(" ,;")]
        if len(pieces) > 1 and all(_QUESTION.match(p) and len(p.split()) >= 3 for p in pieces):
            parts.extend(p if p.endswith("?") else p + "?" for p in pieces)
        else:
            parts.append(s)
    parts = [p for p in parts if len(p.split()) >= 3]
    if not 2 <= len(parts) <= MAX_PARTS:
        return [message]
    out = []
    for p in parts:
        if named and not products_in(p) and not drugs_in(p):
            p = f"{p.rstrip('?')} ({', '.join(named)})?"
        out.append(p)
    return out
