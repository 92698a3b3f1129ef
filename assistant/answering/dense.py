"""Dense search over the live passages' vectors: the index segments' (memory-mapped) and a matrix of the rest.

A clustered segment (ingest/clusters.py) is searched in the groups whose centroids are nearest the question, unless
the filters leave few passages, when the allowed rows are searched exactly; an unclustered segment and the rest
are searched exactly. The settings (retrieval.ann_lists, retrieval.ann_exact_below) have defaults measured for
recall against exact search (bench/RESULTS.md, issue 15).
"""
from __future__ import annotations

import math

import numpy as np

from ingest.clusters import probe


class DenseIndex:
    """parts: (segment, live) pairs, live[row] = the live passage of a segment row or -1; n live passages."""

    def __init__(self, parts: list, n: int, lists: int = 64, exact_below: int = 50_000):
        self.parts, self.n = parts, n
        self.lists, self.exact_below = lists, exact_below

    def top(self, vec: np.ndarray, k: int, allowed: np.ndarray | None,
            rest: tuple[np.ndarray, np.ndarray] | None = None) -> list[tuple[int, float]]:
        """The k live passages (allowed ones, when given) nearest vec, best first, with their cosine.
        rest: (passage indices, their vectors) for the live passages no segment holds."""
        count = self.n if allowed is None else int(np.count_nonzero(allowed))
        if not count:
            return []
        exact = allowed is not None and count <= self.exact_below
        # With a filter, probe proportionally more groups so about as many allowed rows are compared.
        lists = self.lists if allowed is None else min(self.lists * math.ceil(self.n / count), 1 << 20)
        found_i, found_s = [], []
        for seg, live in self.parts:
            assert seg.vectors is not None
            if allowed is not None and exact:
                ok = (live >= 0) & allowed[np.maximum(live, 0)]
                rows = np.flatnonzero(ok)
                if len(rows):
                    found_i.append(live[rows])
                    found_s.append(np.asarray(seg.vectors[rows]) @ vec)
                continue
            if seg.centroids is not None:
                ranges = probe(seg.centroids, seg.list_ptr, vec, lists)
                rows = np.concatenate([np.arange(s, e) for s, e in ranges]) if ranges else np.zeros(0, np.int64)
                sims = np.concatenate([seg.vectors[s:e] @ vec for s, e in ranges]) if ranges else \
                    np.zeros(0, np.float32)
            else:
                rows, sims = np.arange(len(seg)), seg.vectors @ vec
            at = live[rows]
            ok = at >= 0
            if allowed is not None:
                ok &= allowed[np.maximum(at, 0)]
            found_i.append(at[ok])
            found_s.append(sims[ok])
        if rest is not None and len(rest[0]):
            idx, matrix = rest
            ok = np.ones(len(idx), dtype=bool) if allowed is None else allowed[idx]
            found_i.append(idx[ok])
            found_s.append(matrix[ok] @ vec)
        if not found_i:
            return []
        ids, sims = np.concatenate(found_i), np.concatenate(found_s).astype(np.float32)
        if len(ids) > k:
            best = np.argpartition(-sims, k)[:k]
            ids, sims = ids[best], sims[best]
        order = np.argsort(-sims, kind="stable")
        return [(int(i), float(s)) for i, s in zip(ids[order], sims[order])]
