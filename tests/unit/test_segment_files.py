"""Index segments on disk: built, saved, memory-mapped, merged by size tier, rows no longer current dropped."""
from __future__ import annotations

import json

import numpy as np

from assistant.answering.lexical import LiveIndex
from ingest import segments
from ingest.segments import Segment

DOCS = [["warfarin", "inr", "bleed", "bleed"], ["metformin", "lactic", "acidosi"], ["renal", "dose", "metformin"],
        ["inr", "monitor", "elder", "warfarin"], ["dose", "dose", "daily", "maximum"], ["bleed", "risk"]]


def live(segs: list[Segment], ids: list[str], products: list[str | None] | None = None) -> LiveIndex:
    return LiveIndex(segs, list(ids), products or [None] * len(ids),
                     lambda rows: [[] for _ in rows])


def vectors(n: int) -> np.ndarray:
    v = np.random.default_rng(n).normal(size=(n, 8)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_a_saved_segment_reads_back_memory_mapped_and_scores_the_same(tmp_path):
    ids = [f"c_{i}" for i in range(len(DOCS))]
    seg = Segment.build(ids, [None] * len(ids), DOCS, vectors(len(DOCS)), "minilm")
    seg.save(tmp_path / "s")
    back = Segment.load(tmp_path / "s")
    assert isinstance(back.rows, np.memmap) and isinstance(back.vectors, np.memmap) and back.vocab == seg.vocab
    assert back.model == "minilm" and np.array_equal(back.vectors, vectors(len(DOCS)))
    for q in (["bleed"], ["dose", "metformin"], ["inr", "inr"]):
        assert np.array_equal(live([back], ids).scores(q), live([seg], ids).scores(q))
    assert live([back], ids).df("bleed") == 2 and "nowhere" not in live([back], ids)


def test_appended_segments_merge_by_tier_and_keep_every_row(tmp_path, monkeypatch):
    monkeypatch.setattr(segments, "MERGE_FACTOR", 3)
    ids = [f"c_{i}" for i in range(len(DOCS))]
    for i, doc in enumerate(DOCS):  # one segment per "batch"
        segments.append(tmp_path, [ids[i]], [None], [doc])
    listed = json.loads((tmp_path / "segments" / "segments.json").read_text())["segments"]
    assert len(listed) < len(DOCS) and sum(x["rows"] for x in listed) == len(DOCS)
    assert sorted(p.name for p in (tmp_path / "segments").iterdir()) == sorted([x["name"] for x in listed] +
                                                                             ["segments.json"])
    whole = live([Segment.build(ids, [None] * len(ids), DOCS)], ids)
    parts = live(segments.load_segments(tmp_path), ids)
    for q in (["bleed", "warfarin"], ["dose"], ["metformin", "renal"]):
        assert np.allclose(parts.scores(q), whole.scores(q))


def test_a_merge_drops_rows_no_longer_current_or_indexed_under_another_product():
    v = vectors(4)
    segs = [Segment.build(["a", "b"], ["warfarin", None], DOCS[:2], v[:2], "minilm"),
            Segment.build(["c", "d"], [None, None], DOCS[2:4], v[2:], "minilm")]
    merged = segments.merge(segs, {"a": "warfarin", "b": "", "d": "coumadin"})
    assert [c.decode() for c in merged.chunk_ids.tolist()] == ["a", "b"]
    assert merged.lengths.tolist() == [4, 3] and np.array_equal(merged.vectors, v[:2])
    # Vectors of another model are not merged into one table: the merged segment has none.
    assert segments.merge([segs[0], Segment.build(["c"], [None], DOCS[2:3], v[2:3], "e5")]).vectors is None
    index = live([merged], ["a", "b"], ["warfarin", None])
    assert index.in_memory == 0 and index.df("warfarin") == 1 and index.df("renal") == 0
    # Indexed under another product than the passage now has: its terms are not trusted, it is indexed afresh.
    assert live([merged], ["a", "b"], ["coumadin", None]).in_memory == 1
