"""Trust, as an attacker and a careless operator would test it (issue "Trust"): kill -9 of an ingest and
recovery with no manual step, an audit log that cannot be rewound, withdrawal by id from the command line,
and the HTTP hardening (CSP, framing, chunked bodies, no server paths)."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import time

import httpx
import numpy as np
import pytest
from helpers import BIN, h, make_corpus, run_cli

FILES = ["fda_ibuprofen_label_2024.pdf", "fda_acetaminophen_highlights_2025.pdf", "fda_metformin_highlights_2026.pdf",
         "fda_lisinopril_highlights_2025.pdf", "fda_warfarin_highlights_2022.pdf", "fda_amoxicillin_tablets_2015.pdf"]


def _state(data) -> dict:
    from ingest.store import Store

    store = Store(data)
    cat = store.catalog
    docs = sorted((d["doc_id"], d["rev_id"], d["status"], d["n_chunks"]) for d in cat.documents())
    chunks = sorted(r["chunk_id"] for r in cat.current_chunks())
    ids = sorted(store.index.ids())
    vectors = store.index.vectors(ids)
    store.close()
    return {"docs": docs, "chunks": chunks, "index": ids, "vectors": vectors}


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The same corpus ingested without interruption."""
    tmp = tmp_path_factory.mktemp("reference")
    root = make_corpus(tmp, FILES)
    code, _, err = run_cli("ingest", str(root), "--json", data_dir=tmp / "data")
    assert code == 0, err
    return root, _state(tmp / "data")


@pytest.mark.parametrize("share", [0.3, 0.7])
def test_kill_9_of_the_ingest_parent_then_a_new_ingest_gives_the_same_store(tmp_path, reference, share):
    root, expected = reference
    data = tmp_path / "data"
    # One document per commit (MEDINFO_INGEST_BATCH=1), so the kill can land between any two documents; batched
    # commits of many records are killed in tests/system/test_cli.py.
    proc = subprocess.Popen([str(BIN / "medinfo"), "ingest", str(root), "--data-dir", str(data), "--json"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env=os.environ | {"MEDINFO_INGEST_BATCH": "1"})
    want = max(1, round(share * len(FILES)))
    deadline, n = time.time() + 300, 0
    while time.time() < deadline and n < want:
        try:
            n = sqlite3.connect(data / "catalog.sqlite").execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        except sqlite3.Error:
            n = 0
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)  # the parent only: its parser processes must go by themselves
    proc.wait()
    assert want <= n < len(FILES), f"killed after {n} of {len(FILES)} documents"
    code, summary, err = run_cli("ingest", str(root), "--json", data_dir=data)  # no manual step in between
    assert code == 0, (summary, err)
    assert any("interrupted" in note or "took over" in note for note in summary["notes"])
    got = _state(data)
    assert got["docs"] == expected["docs"] and got["chunks"] == expected["chunks"]
    assert got["index"] == expected["index"] == got["chunks"]
    assert all(np.allclose(got["vectors"][c], expected["vectors"][c], atol=1e-6) for c in got["index"])


def _audited_store(data):
    """A store with 5 audited answers, 2 reviews and a safety report, written as the service writes them."""
    from assistant.records import ServiceDB
    from assistant.settings import Settings

    db = ServiceDB(data, Settings.load(data).audit_anchor_dir)
    for i in range(5):
        db.append_audit({"trace_id": f"t{i}", "user": "u", "role": "physician", "question": f"question {i}",
                         "status": "answered", "retrieved": [], "cited": [{"n": 1}], "generator": "extractive",
                         "corpus_version": "c", "flags": {}, "answer": f"answer {i} [1]", "claims": [],
                         "channel": "api"})
    db.add_review("t1", 1, "wrong", "wrong page", "reviewer")
    db.add_review("t2", 1, "correct", "", "reviewer")
    db.add_safety_report("t3", "adverse_event", "u", {"drug": "warfarin"})
    db.close()


def _tamper(data, *sql: str, recompute: bool = False) -> None:
    conn = sqlite3.connect(data / "service.sqlite")
    for t in ("audit", "reviews", "safety"):
        conn.execute(f"DROP TRIGGER IF EXISTS {t}_no_update")
        conn.execute(f"DROP TRIGGER IF EXISTS {t}_no_delete")
    for s in sql:
        conn.execute(s)
    if recompute:  # an attacker without the key recomputes every hash after the edit, and the head
        from assistant.records.audit import AUDIT

        conn.row_factory = sqlite3.Row
        prev = "0" * 64
        for row in conn.execute("SELECT * FROM audit ORDER BY seq").fetchall():
            rec = dict(row) | {"prev_hash": prev}
            rec["hash"] = AUDIT.hash(rec)
            conn.execute("UPDATE audit SET prev_hash=?, hash=? WHERE seq=?", (prev, rec["hash"], rec["seq"]))
            prev = rec["hash"]
        conn.execute("UPDATE chain_heads SET hash=? WHERE name='audit'", (prev,))
    conn.commit()
    conn.close()


@pytest.mark.parametrize("kind, sql, recompute", [
    ("edited", ["UPDATE audit SET question='What is the dose? (edited)' WHERE seq=2"], False),
    ("deleted", ["DELETE FROM audit WHERE seq=3"], False),
    ("truncated", ["DELETE FROM audit WHERE seq>=4"], False),
    ("rewound", ["DELETE FROM audit WHERE seq>=4",
                 "UPDATE chain_heads SET seq=3, hash=(SELECT hash FROM audit WHERE seq=3) WHERE name='audit'"], False),
    ("wiped", ["DELETE FROM audit", "DELETE FROM chain_heads WHERE name='audit'"], False),
    ("recomputed", ["UPDATE audit SET answer='Take 50 mg. [1]' WHERE seq=2"], True),
    ("edited", ["UPDATE reviews SET verdict='correct' WHERE review_id=1"], False),
    ("wiped", ["DELETE FROM safety_reports"], False),
    ("deleted", ["DELETE FROM reviews WHERE review_id=1"], False),
])
def test_audit_verify_detects_and_names_each_kind_of_tampering(tmp_path, kind, sql, recompute):
    data = tmp_path / "data"
    _audited_store(data)
    code, out, _ = run_cli("audit", "verify", "--json", data_dir=data)
    assert code == 0 and out["ok"] and out["chains"] == {"audit": 5, "reviews": 2, "safety_reports": 1}
    _tamper(data, *sql, recompute=recompute)
    code, out, _ = run_cli("audit", "verify", "--json", data_dir=data)
    assert code == 1 and not out["ok"] and kind in out["tampering"], out


def test_a_wiped_service_database_is_detected_and_an_exported_checkpoint_verifies(tmp_path):
    data = tmp_path / "data"
    _audited_store(data)
    code, text, _ = run_cli("audit", "checkpoint", "--out", str(tmp_path / "cp.json"), data_dir=data)
    assert code == 0 and json.loads((tmp_path / "cp.json").read_text())["heads"]["audit"]["seq"] == 5
    code, out, _ = run_cli("audit", "verify", "--checkpoint", str(tmp_path / "cp.json"), "--json", data_dir=data)
    assert code == 0 and out["ok"]
    (data / "service.sqlite").unlink()
    code, out, _ = run_cli("audit", "verify", "--json", data_dir=data)
    assert code == 1 and "wiped" in out["tampering"]


def test_withdraw_by_id_from_the_command_line(two_labels):
    code, out, err = run_cli("withdraw", "warfarin-amneal-2022", "--json", data_dir=two_labels)
    assert code == 2 and "--reason" in out["error"]
    code, out, err = run_cli("withdraw", "warfarin-amneal-2022", "--reason", "recalled label", "--json",
                             data_dir=two_labels)
    assert code == 0 and out["withdrawn"] == ["warfarin-amneal-2022"], err
    code, a, _ = run_cli("ask", "What is the recommended starting dose of warfarin?", "--json", data_dir=two_labels)
    assert all(c["document_id"] != "warfarin-amneal-2022" for c in a["citations"])
    code, docs, _ = run_cli("docs", "--json", data_dir=two_labels)
    by_id = {d["doc_id"]: d for d in docs["documents"]}
    assert by_id["warfarin-amneal-2022"]["withdrawal"]["reason"] == "recalled label"
    assert by_id["metformin-ir-asmedication-2026"]["origin"] == "manifest"
    assert by_id["metformin-ir-asmedication-2026"]["path"].endswith(".pdf")
    code, out, _ = run_cli("withdraw", "no-such-doc", "--reason", "x", "--json", data_dir=two_labels)
    assert code == 1 and "no document" in out["error"]
    code, orphans, _ = run_cli("docs", "--orphans", "--json", data_dir=two_labels)
    assert code == 0 and orphans["documents"] == []  # the template's source files are still there


def test_pages_cannot_be_framed_and_load_only_their_own_code(api):
    server, keys = api
    for path in ("/", "/review", "/docs"):
        r = httpx.get(server.url + path)
        csp = r.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp, path
        assert r.headers["x-frame-options"] == "DENY" and r.headers["x-content-type-options"] == "nosniff"
        assert "<script>" not in r.text and "<style>" not in r.text, path


def test_a_large_chunked_body_gets_413(api):
    server, keys = api

    def body():
        yield b'{"question": "'
        for _ in range(80):
            yield b"a" * 1024
        yield b'"}'

    r = httpx.post(server.url + "/v1/ask", content=body(), headers=h(keys["physician"]) |
                   {"content-type": "application/json"})
    assert r.status_code == 413 and "bytes" in r.json()["detail"]


def test_the_documents_route_shows_no_server_paths(api):
    server, keys = api
    r = httpx.get(server.url + "/v1/documents", headers=h(keys["physician"]))
    assert r.status_code == 200 and str(server.data_dir.parent) not in r.text and "/corpus/" not in r.text
    assert all("path" not in d and d["source_file"] for d in r.json()["documents"])
