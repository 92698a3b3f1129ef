"""The live passage set after a catalogue change: built from the one it replaces, the same as built afresh."""
from __future__ import annotations

import numpy as np
import pytest
from helpers import SMALL, make_corpus

from assistant.answering.retrieval import Filters, Retriever, Snapshot
from assistant.settings import RetrievalWeights
from ingest.pipeline import ingest
from ingest.store import Store


@pytest.mark.parametrize("segments", [True, False], ids=["segments", "in-memory"])
def test_a_snapshot_built_from_the_previous_one_equals_a_fresh_one(two_labels, tmp_path, embedder, segments):
    store = Store(two_labels, embedder)
    retriever = Retriever(store, RetrievalWeights(index_segments=segments))
    before = retriever.snapshot()
    vec = embedder.embed_query("warfarin INR monitoring")
    assert before.similarities(store, vec) is not None
    # A new label arrives and one document leaves: both must show in the next snapshot.
    ingest([make_corpus(tmp_path / "more", SMALL[:1])], store=store)
    gone = sorted(before.docs)[0]
    store.catalog.withdraw(gone, "test", sticky=True)
    after = retriever.snapshot()
    fresh = Snapshot(store, index_segments=segments)
    assert after is not before and after.generation == fresh.generation
    assert [p.chunk_id for p in after.passages] == [p.chunk_id for p in fresh.passages]
    assert any(p.doc_id.startswith("ibuprofen") for p in after.passages)
    assert not any(p.doc_id == gone for p in after.passages)
    for t in ("warfarin", "ibuprofen", "bleed", "inr", "lactic"):
        assert after.lexical.df(t) == fresh.lexical.df(t) and after.idf(t) == fresh.idf(t)
    assert after.vocab_words == fresh.vocab_words
    assert [after.low_value[i] for i in range(len(after.passages))] == \
        [fresh.low_value[i] for i in range(len(fresh.passages))]
    assert np.allclose(after.similarities(store, vec), fresh.similarities(store, vec), atol=1e-6)
    for q in ("ibuprofen stomach bleeding", "warfarin INR monitoring"):
        assert retriever.lexical(q, 10, Filters(), after) == retriever.lexical(q, 10, Filters(), fresh)
        assert retriever.dense(q, 10, Filters(), after) == retriever.dense(q, 10, Filters(), fresh)
    store.close()


def test_terms_stored_at_ingest_are_the_terms_of_the_passage_as_searched(two_labels, embedder):
    # A worker reads each passage's terms (from the lexical segments, or from the catalogue for passages no
    # segment holds) instead of tokenising every passage at start; they must score exactly as tokenising the
    # searched text (product, section, text) does, and a store ingested before terms were stored (NULL) must
    # give the same snapshot.
    import bm25s

    from ingest.terms import tokenize

    store = Store(two_labels, embedder)
    n_null = store.catalog.conn.execute("SELECT COUNT(*) FROM chunks WHERE terms IS NULL").fetchone()[0]
    assert n_null == 0
    stored = Snapshot(store, index_segments=False)
    assert any(p.product for p in stored.passages) and stored.lexical.in_memory == len(stored.passages)
    reference = bm25s.BM25()
    reference.index(tokenize(stored.search_texts), show_progress=False)
    store.catalog.conn.execute("UPDATE chunks SET terms = NULL")
    null = Snapshot(store, index_segments=False)
    for q in (["warfarin", "inr"], ["metformin", "lactic", "acidosi"], ["renal", "dose", "dose"]):
        assert np.allclose(stored.lexical.scores(q), reference.get_scores(q), rtol=1e-5, atol=1e-6)
        assert np.array_equal(null.lexical.scores(q), stored.lexical.scores(q))
    store.close()


def test_documents_only_added_extend_the_previous_snapshot_and_anything_else_reads_the_catalogue(
        two_labels, tmp_path, embedder):
    store = Store(two_labels, embedder)
    retriever = Retriever(store)
    before = retriever.snapshot()
    assert before.grown is False  # the first one reads the catalogue
    ingest([make_corpus(tmp_path / "more", SMALL[:1])], store=store)  # a new label: added to the previous passages
    after = retriever.snapshot()
    fresh = Snapshot(store)
    assert after.grown is True and after.generation == fresh.generation
    assert sorted(p.chunk_id for p in after.passages) == sorted(p.chunk_id for p in fresh.passages)
    assert any(p.doc_id.startswith("ibuprofen") for p in after.passages)
    assert after.vocab_words == fresh.vocab_words and set(after.products) == set(fresh.products)

    def ranked(found, snap):
        return sorted((round(-s, 5), snap.passages[i].chunk_id) for i, s in found)

    for q in ("ibuprofen stomach bleeding", "warfarin INR monitoring"):
        for f in (Filters(), Filters(product="ibuprofen")):
            for search in (retriever.lexical, retriever.dense):
                assert ranked(search(q, 10, f, after), after) == ranked(search(q, 10, f, fresh), fresh)
    for p in (p for p in after.passages if p.doc_id.startswith("ibuprofen")):
        assert p.text and store.catalog.chunk(p.chunk_id)["text"] == p.text
    # A withdrawal is not an addition: the next snapshot reads the catalogue whole.
    gone = sorted(after.docs)[0]
    store.catalog.withdraw(gone, "test", sticky=True)
    last = retriever.snapshot()
    assert last.grown is False and not any(p.doc_id == gone for p in last.passages)
    store.close()


def test_a_start_at_a_catalogue_state_read_before_takes_its_saved_table(two_labels, tmp_path, embedder):
    store = Store(two_labels, embedder)
    (store.data_dir / "segments" / "table.pickle").unlink(missing_ok=True)
    first = Snapshot(store)
    assert first.from_cache is False
    first._saving.join()
    again = Snapshot(store)  # as the next worker to start
    assert again.from_cache is True
    assert again.passages.chunk_ids == first.passages.chunk_ids and again.passages.docs == first.passages.docs
    for col in ("doc_row", "page", "start", "end", "section"):
        assert np.array_equal(getattr(again.passages, col), getattr(first.passages, col))
    assert [p.section for p in again.passages] == [p.section for p in first.passages]
    assert again.attributes == first.attributes and set(again.superseded) == set(first.superseded)
    for q in ("warfarin INR monitoring", "bleeding"):
        assert Retriever(store).lexical(q, 10, Filters(), again) == Retriever(store).lexical(q, 10, Filters(), first)
    # Another catalogue state: the saved table is not used.
    ingest([make_corpus(tmp_path / "more", SMALL[:1])], store=store)
    later = Snapshot(store)
    assert later.from_cache is False and any(p.doc_id.startswith("ibuprofen") for p in later.passages)
    store.close()
