"""The live passage set after a catalogue change: built from the one it replaces, the same as built afresh."""
from __future__ import annotations

import numpy as np
from helpers import SMALL, make_corpus

from assistant.answering.retrieval import Filters, Retriever, Snapshot
from ingest.pipeline import ingest
from ingest.store import Store


def test_a_snapshot_built_from_the_previous_one_equals_a_fresh_one(two_labels, tmp_path, embedder):
    store = Store(two_labels, embedder)
    retriever = Retriever(store)
    before = retriever.snapshot()
    assert before.matrix(store) is not None  # the vectors the next snapshot may take over
    # A new label arrives and one document leaves: both must show in the next snapshot.
    ingest([make_corpus(tmp_path / "more", SMALL[:1])], store=store)
    gone = sorted(before.docs)[0]
    store.catalog.withdraw(gone, "test", sticky=True)
    after = retriever.snapshot()
    fresh = Snapshot(store)
    assert after is not before and after.generation == fresh.generation
    assert [p.chunk_id for p in after.passages] == [p.chunk_id for p in fresh.passages]
    assert any(p.doc_id.startswith("ibuprofen") for p in after.passages)
    assert not any(p.doc_id == gone for p in after.passages)
    assert after.tokens == fresh.tokens and after.doc_freq == fresh.doc_freq and after.vocab == fresh.vocab
    assert after.vocab_words == fresh.vocab_words
    assert np.array_equal(after.low_value, fresh.low_value)
    assert np.allclose(after.matrix(store), fresh.matrix(store))
    for q in ("ibuprofen stomach bleeding", "warfarin INR monitoring"):
        assert retriever.lexical(q, 10, Filters(), after) == retriever.lexical(q, 10, Filters(), fresh)
        assert retriever.dense(q, 10, Filters(), after) == retriever.dense(q, 10, Filters(), fresh)
    store.close()


def test_terms_stored_at_ingest_are_the_terms_of_the_passage_as_searched(two_labels, embedder):
    # A worker reads each passage's terms from the catalogue instead of tokenising every passage at start; they
    # must be exactly what tokenising the searched text (product, section, text) gives, and a store ingested
    # before terms were stored (NULL) must give the same snapshot.
    from ingest.terms import tokenize

    store = Store(two_labels, embedder)
    n_null = store.catalog.conn.execute("SELECT COUNT(*) FROM chunks WHERE terms IS NULL").fetchone()[0]
    assert n_null == 0
    stored = Snapshot(store)
    assert any(p.product for p in stored.passages)
    assert stored.tokens == tokenize(stored.search_texts)
    store.catalog.conn.execute("UPDATE chunks SET terms = NULL")
    assert Snapshot(store).tokens == stored.tokens
    store.close()
