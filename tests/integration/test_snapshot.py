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


def _same(snap, fresh, retriever, queries=("ibuprofen stomach bleeding", "warfarin INR monitoring")):
    """A snapshot built from an earlier table answers every search as one read whole from the catalogue."""
    assert sorted(p.chunk_id for p in snap.passages) == sorted(p.chunk_id for p in fresh.passages)
    assert sorted((p.chunk_id, p.doc_id, p.version, p.page, p.start, p.section) for p in snap.passages) == \
        sorted((p.chunk_id, p.doc_id, p.version, p.page, p.start, p.section) for p in fresh.passages)
    assert snap.vocab_words == fresh.vocab_words and snap.products == fresh.products
    assert (snap.has_internal, snap.has_patient_labelling) == (fresh.has_internal, fresh.has_patient_labelling)

    def ranked(found, s):
        return sorted((round(-score, 5), s.passages[i].chunk_id) for i, score in found)

    for q in queries:
        for f in (Filters(), Filters(product="ibuprofen"), Filters(product="warfarin")):
            for search in (retriever.lexical, retriever.dense):
                assert ranked(search(q, 10, f, snap), snap) == ranked(search(q, 10, f, fresh), fresh)


def _fresh(store):
    (store.data_dir / "segments" / "table.pickle").unlink(missing_ok=True)
    fresh = Snapshot(store)
    assert fresh.from_cache is False and fresh.grown is False
    fresh._saving.join()
    (store.data_dir / "segments" / "table.pickle").unlink()
    return fresh


def test_a_changed_catalogue_is_the_previous_table_less_and_plus_the_changed_documents(
        two_labels, tmp_path, embedder, monkeypatch):
    import time
    from datetime import date, timedelta

    from assistant.answering import snapshot as snapshot_module

    store = Store(two_labels, embedder)
    retriever = Retriever(store)
    before = retriever.snapshot()
    assert before.grown is False  # the first one reads the catalogue
    ingest([make_corpus(tmp_path / "more", SMALL[:1])], store=store)  # a new label
    after = retriever.snapshot()
    assert after.grown is True and any(p.doc_id.startswith("ibuprofen") for p in after.passages)
    _same(after, _fresh(store), retriever)
    for p in (p for p in after.passages if p.doc_id.startswith("ibuprofen")):
        assert p.text and store.catalog.chunk(p.chunk_id)["text"] == p.text
    # A withdrawal: the document's passages leave.
    gone = sorted(d for d in after.docs if d.startswith("warfarin"))[0]
    store.catalog.withdraw(gone, "test", sticky=True)
    withdrawn = retriever.snapshot()
    assert withdrawn.grown is True and not any(p.doc_id == gone for p in withdrawn.passages)
    _same(withdrawn, _fresh(store), retriever)
    assert not retriever.lexical("warfarin INR monitoring", 10, Filters(product="warfarin"), withdrawn)
    # Reinstated, and another document re-labelled (its passages carry the new version).
    store.catalog.reinstate(gone)
    relabelled = sorted(d for d in after.docs if d.startswith("ibuprofen"))[0]
    with store.catalog.transaction() as c:
        c.execute("UPDATE documents SET version='v-test', updated_at=? WHERE doc_id=?", (time.time(), relabelled))
    back = Snapshot(store, previous=withdrawn)
    assert back.grown is True and any(p.doc_id == gone for p in back.passages)
    assert {p.version for p in back.passages if p.doc_id == relabelled} == {"v-test"}
    _same(back, _fresh(store), retriever)
    # A document whose effective date is tomorrow leaves today and enters tomorrow, with no write in between.
    with store.catalog.transaction() as c:
        tomorrow = date.today() + timedelta(days=1)
        c.execute("UPDATE documents SET effective=?, updated_at=? WHERE doc_id=?", (tomorrow.isoformat(), time.time(),
                                                                                    relabelled))
    today = Snapshot(store, previous=back)
    assert today.grown is True and not any(p.doc_id == relabelled for p in today.passages)
    _same(today, _fresh(store), retriever)

    class Tomorrow(date):
        @classmethod
        def today(cls):
            return tomorrow

    retriever._snap = today  # the running worker's snapshot: kept while the generation and the day stay
    assert retriever.snapshot() is today
    monkeypatch.setattr(snapshot_module, "date", Tomorrow)
    with store.catalog.transaction() as c:  # as if that write were long past: only the day brings the document in
        c.execute("UPDATE documents SET updated_at = updated_at - 3600 WHERE doc_id=?", (relabelled,))
    next_day = Snapshot(store, previous=today)
    assert next_day.grown is True and any(p.doc_id == relabelled for p in next_day.passages)
    _same(next_day, _fresh(store), retriever)
    # A running worker takes the new day at its next question, with no catalogue change.
    assert retriever.snapshot() is not today and any(p.doc_id == relabelled for p in retriever.snapshot().passages)
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
    # A later catalogue state (a new label, a withdrawal): the next worker starts from the saved table, less and plus
    # the changed documents, and saves its own for the one after it.
    ingest([make_corpus(tmp_path / "more", SMALL[:1])], store=store)
    gone = sorted(d for d in first.docs if d.startswith("metformin"))[0]
    store.catalog.withdraw(gone, "test", sticky=True)
    later = Snapshot(store)
    assert later.from_cache is True and later.grown is True
    assert any(p.doc_id.startswith("ibuprofen") for p in later.passages)
    assert not any(p.doc_id == gone for p in later.passages)
    later._saving.join()
    next_start = Snapshot(store)
    assert next_start.from_cache is True and next_start.grown is False
    assert later.attributes == next_start.attributes
    fresh = _fresh(store)
    _same(later, fresh, Retriever(store))
    _same(next_start, fresh, Retriever(store))
    store.close()


def test_on_a_shared_postgresql_catalogue_changes_are_taken_from_the_earlier_table_whatever_the_hosts_clock(
        postgres, tmp_path, embedder, monkeypatch):
    # Several hosts write one PostgreSQL catalogue and their clocks differ: a write must be stamped by the server's
    # clock: a write stamped by a host whose clock runs behind would look older than the worker's last reading.
    from helpers import TWO_LABELS

    from ingest import catalog as catalog_module

    store = Store(tmp_path / "data", embedder, database_url=postgres.database("snapshots"))
    ingest([make_corpus(tmp_path / "corpus", TWO_LABELS)], store=store)
    retriever = Retriever(store)
    first = retriever.snapshot()
    first.saved()
    gone = sorted(d for d in first.docs if d.startswith("warfarin"))[0]

    class HourBehind:
        @staticmethod
        def time() -> float:
            import time
            return time.time() - 3_600

    monkeypatch.setattr(catalog_module, "time", HourBehind)  # a host whose clock runs an hour behind withdraws
    store.catalog.withdraw(gone, "test", sticky=True)
    monkeypatch.undo()
    withdrawn = retriever.snapshot()
    assert withdrawn.grown is True and not any(p.doc_id == gone for p in withdrawn.passages)
    ingest([make_corpus(tmp_path / "more", SMALL[:1])], store=store)  # then a host on time adds a label
    store.catalog.reinstate(gone)
    after = retriever.snapshot()
    assert after.grown is True
    assert any(p.doc_id == gone for p in after.passages) and any(p.doc_id.startswith("ibuprofen")
                                                                 for p in after.passages)
    # A worker that starts now takes the table saved by the first one and brings it up to date.
    start = Snapshot(store)
    assert start.from_cache is True and start.grown is True
    start.saved()
    fresh = _fresh(store)
    _same(after, fresh, retriever)
    _same(start, fresh, retriever)
    store.close()
