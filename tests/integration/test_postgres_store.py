"""The catalogue and the service records in a real PostgreSQL database (database_url) hold and do what the sqlite
files of the embedded default hold and do."""
from __future__ import annotations

import psycopg
import pytest
from helpers import TWO_LABELS, make_corpus

from assistant.records import ServiceDB
from ingest.catalog import Catalog
from ingest.pipeline import ingest
from ingest.store import Store


def test_a_catalogue_in_postgresql_holds_what_the_sqlite_one_holds(two_labels_template, postgres, tmp_path,
                                                                   embedder):
    from assistant.answering.assistant import Assistant

    url = postgres.database("catalogue")
    root = make_corpus(tmp_path / "corpus", TWO_LABELS)
    store = Store(tmp_path / "data", embedder, database_url=url)
    summary, code = ingest([root], store=store)
    assert code == 0 and summary["documents"]["added"] == 2
    assert not (tmp_path / "data" / "catalog.sqlite").exists()

    local = Catalog(two_labels_template / "catalog.sqlite")
    shared = store.catalog
    fields = ("chunk_id", "doc_id", "page_no", "start", "end", "section", "terms", "text", "title", "product")
    assert [tuple(r[k] for k in fields) for r in shared.current_chunks()] == \
           [tuple(r[k] for k in fields) for r in local.current_chunks()]
    assert shared.stats() == local.stats()  # the corpus version included
    some = shared.current_chunks()[5]["chunk_id"]
    assert shared.chunk(some) == local.chunk(some)

    generation = shared.generation()
    again, code = ingest([root], store=store)  # nothing changed: nothing rewritten
    assert code == 0 and again["documents"]["unchanged"] == 2 and shared.generation() == generation
    assert [r["status"] for r in shared.runs()] == ["completed", "completed"]

    doc = shared.documents()[0]["doc_id"]
    assert shared.withdraw(doc, "test") == [doc]
    assert shared.document(doc)["status"] == "withdrawn" and shared.withdrawal(doc)["reason"] == "test"
    assert shared.reinstate(doc) == "approved"

    answer = Assistant(store=store).ask("What is the recommended starting dose of warfarin?")
    assert answer.status == "answered"
    assert answer.citations[0].document_id.startswith("warfarin")
    store.close()


def test_service_records_in_postgresql_are_append_only_chained_and_verified(postgres, tmp_path):
    url = postgres.database("records")
    db = ServiceDB(tmp_path / "data", tmp_path / "anchors", url)
    key_id, key = db.create_key("physician", "pg")
    assert db.key_role(key)[1] == "physician"
    for i in range(3):
        db.append_audit({"trace_id": f"t{i}", "time": 1.0 + i, "user": "dr-a", "role": "physician",
                         "question": f"question {i}", "status": "answered", "retrieved": [], "cited": [],
                         "generator": "extractive", "corpus_version": "v", "flags": {}, "answer": "a",
                         "claims": [{"removed": True}] if i == 1 else [], "channel": "api"})
    db.add_review("t0", 1, "correct", "ok", "reviewer")
    assert [r["verdict"] for r in db.reviews("t0")] == ["correct"]
    db.add_turn("c1", "dr-a", "and in the elderly?", "What is the dose in the elderly?", "t2")
    assert db.history("c1", "dr-a") == ["and in the elderly?"]
    assert db.conversation("c1", "someone-else") is None
    assert [r["user"] for r in db.audit(user="dr-a")] == ["dr-a"] * 3
    assert [bool(r["weak"]) for r in db.audit_summary()] == [False, True, False]
    assert db.verify_audit()["ok"]
    assert db.revoke_key(key_id) and db.key_role(key) is None

    with pytest.raises(psycopg.Error, match="append-only"):
        db.conn.execute("UPDATE audit SET question='edited' WHERE seq=2")
    # someone with the database owner's rights turns the guard off and edits: the chain names it
    db.conn.execute("ALTER TABLE audit DISABLE TRIGGER audit_no_update")
    db.conn.execute("UPDATE audit SET question='edited' WHERE seq=2")
    report = db.verify_audit()
    assert not report["ok"] and report["tampering"] == ["edited"]
    db.close()
