"""Search across languages: a question as written against the multilingual index of the English passages
(ingest/multilingual.py), ranked by multilingual-e5-small and fused with the English search of its pivot."""
from __future__ import annotations

import threading
from dataclasses import replace

import numpy as np

from assistant.answering.retrieval import Hit, Snapshot
from ingest.multilingual import E5, MultilingualIndex


class CrossLingual:
    def __init__(self, store):
        self.index = MultilingualIndex(store.data_dir)
        self.model = E5()
        self._lock = threading.Lock()
        self._matrix: tuple[int, np.ndarray] | None = None  # (snapshot generation, vectors of its passages)

    def available(self) -> bool:
        return self.index.count() > 0

    def matrix(self, snap: Snapshot) -> np.ndarray:
        with self._lock:
            if self._matrix is None or self._matrix[0] != snap.generation:
                texts = snap.search_texts
                self._matrix = (snap.generation, self.index.matrix(texts))
            return self._matrix[1]

    def search(self, text: str, snap: Snapshot, filters, n: int) -> list[Hit]:
        if not snap.passages:
            return []
        sims = self.matrix(snap) @ self.model.query(text)
        sims = np.where(_allowed(snap, filters) & (np.abs(sims) > 0), sims, -np.inf)
        top = np.argpartition(-sims, min(n, len(sims) - 1))[:n]
        top = top[np.argsort(-sims[top])]
        return [Hit(snap.passages[int(i)], float(sims[i]), dense=float(sims[i])) for i in top if np.isfinite(sims[i])]


def _allowed(snap: Snapshot, filters) -> np.ndarray:
    """The passages the filters allow; where the question names a product that has labelling here, only that
    labelling: the multilingual model cannot weigh a drug's name as the English search does, and ranked abstracts
    that mention the drug above the label's own section ("シプロフロキサシン徐放錠の用量は？")."""
    allowed = snap.mask(filters) > 0
    if filters.products and not filters.product:
        own = np.zeros(len(allowed), dtype=bool)
        for product in filters.products:
            own |= snap.mask(replace(filters, product=product, products=[])) > 0
        if own.any():
            allowed &= own
    return allowed
