"""Vectors of a large index segment grouped by their nearest centroid (an inverted-file layout), so a worker's dense
search reads the few groups nearest a question instead of every vector.

At 1.36 M passages the exact product over every memory-mapped vector took ~140 ms a question, the largest part of a
warm `ask` (bench/RESULTS.md, issue 15). A segment of CLUSTER_MIN rows or more, when written, is clustered by
spherical k-means (faiss) on a sample of its vectors, and its rows are stored in centroid order: each group's
vectors are one contiguous slice of the segment's `vectors.npy`, so probing a group is one slice, memory-mapped.
The centroids and each group's first row are stored beside the segment (centroids.npy, list_ptr.npy). Nothing
else changes: the rows keep their chunk ids, terms and vectors, only their order.
"""
from __future__ import annotations

import math

import numpy as np

CLUSTER_MIN = 32_768  # rows: segments at least this big are clustered (smaller ones are searched whole)
SAMPLE = 65_536  # vectors the centroids are trained on
SEED = 20261202


def lists_for(n: int) -> int:
    """Number of groups for n vectors: ~2 sqrt(n) (a group ~sqrt(n) / 2 rows; 1,024 for a segment of 262,144)."""
    return max(16, int(2 * math.sqrt(n)))


def cluster(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(order, centroids, list_ptr): the rows in group order, the groups' unit centroids, and where each group's
    rows start in that order (list_ptr[g]:list_ptr[g + 1])."""
    import faiss

    x = np.ascontiguousarray(vectors, dtype=np.float32)
    n, dim = x.shape
    k = lists_for(n)
    rng = np.random.default_rng(SEED)
    sample = x[np.sort(rng.choice(n, size=min(n, SAMPLE), replace=False))]
    km = faiss.Kmeans(dim, k, niter=12, spherical=True, seed=SEED, verbose=False,
                      max_points_per_centroid=max(1, SAMPLE // k + 1))
    km.train(sample)
    centroids = np.asarray(km.centroids, dtype=np.float32)
    assign = np.empty(n, dtype=np.int32)
    for s in range(0, n, 65_536):  # nearest centroid by inner product (unit vectors: cosine), in blocks
        assign[s:s + 65_536] = np.argmax(x[s:s + 65_536] @ centroids.T, axis=1)
    order = np.argsort(assign, kind="stable").astype(np.int64)
    list_ptr = np.zeros(k + 1, dtype=np.int64)
    np.cumsum(np.bincount(assign, minlength=k), out=list_ptr[1:])
    return order, centroids, list_ptr


def probe(centroids: np.ndarray, list_ptr: np.ndarray, vec: np.ndarray, lists: int) -> list[tuple[int, int]]:
    """The row ranges (start, end) of the `lists` groups whose centroids are nearest vec, in row order."""
    k = len(centroids)
    lists = min(max(1, lists), k)
    sims = centroids @ vec
    near = np.sort(np.argpartition(-sims, lists - 1)[:lists]) if lists < k else np.arange(k)
    return [(s, e) for s, e in zip(list_ptr[near].tolist(), list_ptr[near + 1].tolist()) if e > s]
