"""The index on disk (ingest/segments.py): segments of terms and vectors written by each ingest, read by the
workers, scoring as bm25s and exact search do over the live passages; a segment lost to a kill is made good from
the catalogue."""
from __future__ import annotations

import json

import bm25s
import numpy as np
from helpers import SMALL, make_corpus

from assistant.answering.retrieval import Filters, Retriever, Snapshot
from assistant.question.terms import stem_tokens
from ingest.pipeline import ingest
from ingest.store import Store
from ingest.terms import tokenize

QUESTIONS = ("warfarin INR monitoring in elderly patients", "metformin lactic acidosis renal impairment",
             "ibuprofen stomach bleeding", "What is the maximum daily dose?")


def segments(data_dir) -> list[dict]:
    return json.loads((data_dir / "segments" / "segments.json").read_text())["segments"]


def same_as_bm25s(snap: Snapshot, store: Store) -> None:
    """The live index ranks and scores as a bm25s index built over the live passages' searched text, and its
    vectors are those the embedding cache holds for them."""
    vectors = store.cache.get_many(snap.search_texts)
    matrix = np.stack([vectors[store.cache.key(t)] for t in snap.search_texts])
    reference = bm25s.BM25()
    reference.index(tokenize(snap.search_texts), show_progress=False)
    for q in QUESTIONS:
        terms = [t for t in stem_tokens(q) if t in snap.lexical]
        assert terms
        assert np.allclose(snap.lexical.scores(terms), reference.get_scores(terms), rtol=1e-5, atol=1e-6)
        idx, _ = reference.retrieve([terms], k=20, show_progress=False)
        assert [i for i, _ in snap.lexical.top(terms, 20)] == idx[0].tolist()
        vec = store.embedder.embed_query(q)
        assert np.allclose(snap.similarities(store, vec), matrix @ vec, atol=1e-6)


def test_ingest_writes_segments_that_workers_read_and_that_score_as_bm25s(two_labels, tmp_path, embedder):
    store = Store(two_labels, embedder)
    assert len(segments(two_labels)) == 1
    snap = Snapshot(store)
    assert snap.lexical.in_memory == 0  # nothing indexed at start: all from the segment
    assert len(snap._rest) == 0 and snap.matrix(store) is None  # no vectors read from the cache either
    same_as_bm25s(snap, store)

    # A new label: its passages arrive as one more segment, written with the ingest's commit.
    summary, _ = ingest([make_corpus(tmp_path / "more", SMALL[:1])], store=store)
    assert summary["index_segments"]["segments"] == 2 and len(segments(two_labels)) == 2
    # Complete before the run and every committed passage appended: the end of the run need not read the catalogue.
    assert summary["index_segments"]["catalogue_read"] is False
    retriever = Retriever(store)
    after = retriever.snapshot()
    assert after.lexical.in_memory == 0 and any(p.doc_id.startswith("ibuprofen") for p in after.passages)
    same_as_bm25s(after, store)

    # A withdrawn label stays in its segment but is never found: the statistics are the live set's.
    gone = next(p.doc_id for p in after.passages if p.doc_id.startswith("ibuprofen"))
    store.catalog.withdraw(gone, "test", sticky=True)
    later = retriever.snapshot()
    assert not any(p.doc_id == gone for p in later.passages)
    same_as_bm25s(later, store)
    hits = retriever.lexical("ibuprofen stomach bleeding", 60, Filters(), later)
    assert hits and all(later.passages[i].doc_id != gone for i, _ in hits)
    store.close()


def test_a_segment_lost_to_a_kill_is_indexed_in_memory_then_written_by_the_next_ingest(two_labels, tmp_path,
                                                                                        embedder):
    store = Store(two_labels, embedder)
    ingest([make_corpus(tmp_path / "more", SMALL[:1])], store=store)
    fresh = Snapshot(store)
    # As if the ingest had been killed after its commit and before its segment: the list loses the newest one.
    listed = segments(two_labels)
    (two_labels / "segments" / "segments.json").write_text(json.dumps({"segments": listed[:1]}))
    lost = Snapshot(store)
    assert 0 < lost.lexical.in_memory < len(lost.passages)
    for q in QUESTIONS:
        terms = [t for t in stem_tokens(q) if t in fresh.lexical]
        assert np.allclose(lost.lexical.scores(terms), fresh.lexical.scores(terms), rtol=1e-5, atol=1e-6)
    summary, _ = ingest([make_corpus(tmp_path / "more", SMALL[:1])], store=store)  # nothing new to ingest
    assert summary["index_segments"]["catalogue_read"] and summary["index_segments"]["added"] == lost.lexical.in_memory
    assert Snapshot(store).lexical.in_memory == 0
    # Unreadable segments are no index at all, not an error: everything is indexed in memory.
    (two_labels / "segments" / "segments.json").write_text("{not json")
    broken = Snapshot(store)
    assert broken.lexical.in_memory == len(broken.passages)
    same_as_bm25s(broken, store)
    store.close()


def test_with_segments_a_worker_reads_passage_texts_only_when_a_question_needs_them(two_labels, embedder):
    store = Store(two_labels, embedder)
    snap = Snapshot(store)
    assert all(p.stored_text is None for p in snap.passages)  # nothing read at start
    in_memory = Snapshot(store, index_segments=False)
    # The store's own words (spelling checks) come from the segments, the same as from every passage's text.
    assert snap.vocab_words == in_memory.vocab_words
    retriever = Retriever(store)
    hits = retriever.search("warfarin INR monitoring", k=8)
    read = [p for p in retriever.snapshot().passages if p.stored_text is not None]
    assert hits and 0 < len(read) < len(snap.passages)
    for h in hits:  # what was read is the passage's text, verbatim
        chunk = store.catalog.chunk(h.passage.chunk_id)
        assert h.passage.text == chunk["text"] == in_memory.passages[in_memory.index[h.passage.chunk_id]].text
    store.close()
