"""BM25 over the live passages of one snapshot, scored at query time from the index segments (ingest/segments.py)
that hold them and one segment built in memory for the rest. The BM25 statistics (number of live passages, their
mean length, each term's document frequency) are those of the live set, counted over the segments' live rows, so
the scores are bm25s's "lucene" BM25 over the live passages (tests/integration/test_segments.py)."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from weakref import WeakKeyDictionary

import numpy as np

from assistant.answering.passages import ChunkIndex, hex_keys
from ingest.segments import Segment

K1, B = 1.5, 0.75  # bm25s defaults
_KEYS: WeakKeyDictionary = WeakKeyDictionary()  # a loaded segment's chunk ids as integer keys (ChunkIndex)


class LiveIndex:
    """BM25 over the live passages of one snapshot, from segments on disk and one built here for the rest.

    chunk_ids, products: each live passage's chunk id and product, by position (a segment row counts only with
    the product it was indexed with: the product's name is among its terms)."""

    def __init__(self, segments: list[Segment], chunk_ids: Sequence[str] | ChunkIndex, products: Sequence[str | None],
                 terms_of: Callable[[list[int]], list[list[str]]],
                 product_codes: tuple[np.ndarray, dict[str, int]] | None = None):
        n = len(products)
        self.n = n
        claimed = np.zeros(n, dtype=bool)
        self.parts: list[tuple[Segment, np.ndarray]] = []
        total = 0
        if segments and n:
            # Each segment row's live passage, found by its chunk id in one sorted array (numpy, no Python loop
            # over a million rows), counted only with the product it was indexed with, and by one segment only.
            index = chunk_ids if isinstance(chunk_ids, ChunkIndex) else ChunkIndex(chunk_ids)
            if product_codes is not None:  # each passage's product as a code, and the codes by name
                our_product, code = product_codes
            else:
                code = {}
                our_product = np.fromiter((code.setdefault(p or "", len(code)) for p in products), dtype=np.int32,
                                          count=n)
        for seg in segments if n else []:
            keys = _KEYS.get(seg)
            if keys is None and index.keys is not None:
                keys = _KEYS[seg] = hex_keys(np.asarray(seg.chunk_ids))
            found = index.find(seg.chunk_ids, keys)
            at = np.maximum(found, 0)
            seg_product = np.array([code.get(name, -1) for name in seg.products], dtype=np.int32)
            ok = np.flatnonzero((found >= 0) & (seg_product[seg.product_of] == our_product[at]) & ~claimed[at])
            ok = ok[np.unique(at[ok], return_index=True)[1]]  # a passage twice in one segment: its first row
            live = np.full(len(seg), -1, dtype=np.int32)
            live[ok] = at[ok]
            claimed[at[ok]] = True
            if len(ok):
                self.parts.append((seg, live))
                total += int(seg.lengths[live >= 0].sum())
        rest = np.flatnonzero(~claimed)
        self.in_memory = len(rest)
        if len(rest):
            rows = rest.tolist()
            seg = Segment.build([str(i) for i in rows], [products[i] for i in rows], terms_of(rows))
            self.parts.append((seg, rest.astype(np.int32)))
            total += int(seg.lengths.sum())
        self.avgdl = total / n if n else 1.0
        self._df: dict[str, int] = {}

    def df(self, term: str) -> int:
        """Live passages holding the term."""
        d = self._df.get(term)
        if d is None:
            d = 0
            for seg, live in self.parts:
                p = seg.postings(term)
                if p is not None:
                    d += int(np.count_nonzero(live[p[0]] >= 0))
            if len(self._df) > 200_000:
                self._df.clear()
            self._df[term] = d
        return d

    def __contains__(self, term: str) -> bool:
        return self.df(term) > 0

    def idf(self, term: str) -> float:
        df = self.df(term)
        return float(np.log(1 + (self.n - df + 0.5) / (df + 0.5)))

    def scores(self, terms: list[str]) -> np.ndarray:
        """BM25 score of every live passage (a term given twice counts twice, as in bm25s)."""
        out = np.zeros(self.n, dtype=np.float32)
        norm = K1 * (1 - B)
        for term in terms:
            if not self.df(term):
                continue
            idf = np.float32(self.idf(term))
            for seg, live in self.parts:
                p = seg.postings(term)
                if p is None:
                    continue
                rows, tf = p
                at = live[rows]
                keep = at >= 0
                rows, tf, at = rows[keep], tf[keep], at[keep]
                dl = seg.lengths[rows].astype(np.float32)
                out[at] += idf * tf / (tf + norm + K1 * B * dl / np.float32(self.avgdl))  # at: no repeats
        return out

    def top(self, terms: list[str], k: int, mask: np.ndarray | None = None) -> list[tuple[int, float]]:
        """The k best-scoring live passages with a score above 0, best first (mask: weights, 0 leaves out)."""
        s = self.scores(terms)
        if mask is not None:
            s *= mask
        return top_k(s, k)


def top_k(scores: np.ndarray, k: int) -> list[tuple[int, float]]:
    """The k best positive scores, best first. Only the positive ones are ranked: over a million passages, numpy's
    argpartition of an array of mostly equal zeros took ~190 ms a call against ~3 ms for the nonzero ones."""
    cand = np.flatnonzero(scores > 0)
    if k <= 0 or not len(cand):
        return []
    if len(cand) > k:
        cand = cand[np.argpartition(scores[cand], -k)[-k:]]
    cand = cand[np.argsort(-scores[cand], kind="stable")]
    return [(int(i), float(scores[i])) for i in cand]
