"""A large index segment's vectors in groups (ingest/clusters.py) and the dense search that probes them
(assistant/answering/dense.py): same rows, same terms, same vectors by chunk id; nearest groups found; filters
honoured; exact where the filters leave few passages."""
from __future__ import annotations

import numpy as np

from assistant.answering.dense import DenseIndex
from assistant.answering.lexical import LiveIndex
from ingest import segments
from ingest.clusters import probe
from ingest.segments import Segment

TOPICS, PER, DIM = 40, 100, 32


def corpus() -> tuple[list[str], list[list[str]], np.ndarray]:
    """Passages about TOPICS topics: each topic's vectors lie near its own direction, its terms name it."""
    rng = np.random.default_rng(7)
    centres = rng.normal(size=(TOPICS, DIM))
    ids, terms, vecs = [], [], []
    for i in range(TOPICS * PER):
        t = int(rng.integers(TOPICS))
        ids.append(f"c_{i}")
        terms.append([f"topic{t}", "dose", *(["bleed"] if i % 7 == 0 else [])])
        vecs.append(centres[t] + 0.3 * rng.normal(size=DIM))
    v = np.asarray(vecs, dtype=np.float32)
    return ids, terms, v / np.linalg.norm(v, axis=1, keepdims=True)


def exact_top(v: np.ndarray, q: np.ndarray, k: int, allowed: np.ndarray | None = None) -> list[int]:
    s = v @ q
    if allowed is not None:
        s = np.where(allowed, s, -np.inf)
    return [int(i) for i in np.argsort(-s)[:k] if np.isfinite(s[i])]


def test_a_clustered_segment_keeps_each_passage_with_its_terms_and_vector(tmp_path, monkeypatch):
    ids, terms, v = corpus()
    monkeypatch.setattr(segments, "CLUSTER_MIN", 1000)
    # written before clustering existed (as a store of the last release): clustered by the next publish
    monkeypatch.setattr(segments, "CLUSTER_MIN", 10**9)
    segments.append(tmp_path, ids, [None] * len(ids), terms, v, "minilm")
    assert segments.load_segments(tmp_path)[0].centroids is None
    monkeypatch.setattr(segments, "CLUSTER_MIN", 1000)
    segments.append(tmp_path, ["new"], [None], [["dose"]], v[:1], "minilm")  # the next batch's publish
    seg, small = segments.load_segments(tmp_path)
    assert seg.centroids is not None and seg.list_ptr is not None and seg.list_ptr[-1] == len(ids)
    stored = [c.decode() for c in seg.chunk_ids.tolist()]
    assert sorted(stored) == sorted(ids) and stored != ids  # the same rows, in group order
    assert small.centroids is None and len(small) == 1  # small segments are searched whole
    row = {c: r for r, c in enumerate(stored)}
    at = np.array([row[c] for c in ids])
    assert np.array_equal(np.asarray(seg.vectors)[at], v)
    # BM25 by chunk id equals an unclustered segment's
    plain = Segment.build(ids, [None] * len(ids), terms)
    for q in (["bleed"], ["topic3", "dose"]):
        a = LiveIndex([seg], ids, [None] * len(ids), lambda rows: []).scores(q)
        b = LiveIndex([plain], ids, [None] * len(ids), lambda rows: []).scores(q)
        assert np.allclose(a, b)
    # each group's rows are nearer its own centroid than any other (the nearest-centroid assignment)
    for g in range(len(seg.centroids)):
        s, e = int(seg.list_ptr[g]), int(seg.list_ptr[g + 1])
        if e > s:
            assert (np.argmax(np.asarray(seg.vectors[s:e]) @ seg.centroids.T, axis=1) == g).all()


def test_probing_the_nearest_groups_finds_the_exact_neighbours_and_honours_filters(tmp_path, monkeypatch):
    ids, terms, v = corpus()
    monkeypatch.setattr(segments, "CLUSTER_MIN", 1000)
    segments.append(tmp_path, ids, [None] * len(ids), terms, v, "minilm")
    (seg,) = segments.load_segments(tmp_path)
    stored = [c.decode() for c in seg.chunk_ids.tolist()]
    live = np.array([int(c[2:]) for c in stored], dtype=np.int32)  # segment row -> live passage (c_i is passage i)
    n = len(ids)
    rng = np.random.default_rng(3)
    queries = v[rng.choice(n, 30, replace=False)] + 0.05 * rng.normal(size=(30, DIM)).astype(np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    everything = DenseIndex([(seg, live)], n, lists=len(seg.centroids), exact_below=0)
    probing = DenseIndex([(seg, live)], n, lists=8, exact_below=0)
    found = total = 0
    for q in queries:
        want = exact_top(v, q, 10)
        assert [i for i, _ in everything.top(q, 10, None)] == want  # every group probed = exact search
        got = probing.top(q, 10, None)
        assert all(abs(s - float(v[i] @ q)) < 1e-5 for i, s in got)  # the cosine of that very passage
        found += len(set(want) & {i for i, _ in got})
        total += 10
        assert sum(e - s for s, e in probe(seg.centroids, seg.list_ptr, q, 8)) < n / 2  # a part is read
    assert found / total >= 0.95
    # a filter leaving few passages: those are compared exactly, and only they are returned
    allowed = np.zeros(n, dtype=bool)
    allowed[rng.choice(n, 50, replace=False)] = True
    few = DenseIndex([(seg, live)], n, lists=1, exact_below=100)
    for q in queries[:5]:
        assert [i for i, _ in few.top(q, 10, allowed)] == exact_top(v, q, 10, allowed)
    # a broad filter: the probe widens, nothing outside it is returned
    broad = rng.random(n) < 0.5
    for q in queries[:5]:
        assert all(broad[i] for i, _ in probing.top(q, 10, broad))
