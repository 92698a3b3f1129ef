"""Published standard responses (assistant/faq.py) answer first when their questions hold the question's words."""
from __future__ import annotations

import numpy as np

from assistant.answering.scope import Scope
from assistant.answering.snapshot import Snapshot
from assistant.question.terms import question_words, stem_tokens


def standard_responses_first(hits: list, scope: Scope, snap: Snapshot) -> list:
    """A published standard response whose questions (the one it was written for and its variants) hold the
    words of this question answers first: an approved answer to this very question is what MI teams send. It is
    found by its questions, whatever the passages' own ranking, and ranks as the best hit did."""
    asked = set(stem_tokens(scope.question)) - question_words()
    faq = {d for d, a in snap.attributes.items() if a.get("format") == "faq"}
    if not asked or not faq or not hits:
        return hits
    rows = np.flatnonzero((snap.mask(scope.filters) > 0) & snap.columns.doc.among(faq)).tolist()
    first = [p for p in (snap.passages[i] for i in rows)
             if len(asked & set(stem_tokens(p.section))) >= 0.8 * len(asked)]
    if not first:
        return hits
    top = hits[0]
    ids = {p.chunk_id for p in first}
    return [type(top)(p, top.score, top.dense, top.lexical, 0, 0) for p in first] + \
        [h for h in hits if h.passage.chunk_id not in ids]
