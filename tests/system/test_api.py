"""The HTTP API on a real uvicorn server over the bundled corpus: routes, roles, streaming, the openai
SDK, limits, the audit chain, concurrency while ingesting."""
from __future__ import annotations

import json
import re
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from checks import states_warfarin_starting_dose
from helpers import Server, copy_store, h, run_cli

QUESTION = "What is the recommended starting dose of warfarin?"


def test_health_needs_no_key_and_reports_the_store(api):
    server, _ = api
    r = httpx.get(server.url + "/healthz")
    assert r.status_code == 200 and r.json()["searchable_chunks"] > 2000 and r.json()["auth"] == "api keys"


def test_ask_returns_the_answer_contract_and_needs_a_key(api):
    server, keys = api
    assert httpx.post(server.url + "/v1/ask", json={"question": QUESTION}).status_code == 401
    assert httpx.post(server.url + "/v1/ask", json={"question": QUESTION}, headers=h("mi_x_wrong")).status_code == 401
    r = httpx.post(server.url + "/v1/ask", json={"question": QUESTION}, headers=h(keys["physician"]), timeout=30)
    assert r.status_code == 200
    a = r.json()
    assert set(a) >= {"question", "status", "answer", "citations", "claims", "flags", "trace_id", "generator",
                      "corpus_version"}
    states_warfarin_starting_dose(a)
    c = a["citations"][0]
    src = httpx.get(server.url + f"/v1/sources/{c['chunk_id']}", headers=h(keys["physician"])).json()
    assert src["page_text"][c["start"]:c["end"]] == c["quote"]
    assert src["document"]["title"] == c["title"] and src["page"] == c["page"]


def test_roles_guard_audit_and_reviews(api):
    server, keys = api
    for role, expected in (("physician", 403), ("msl", 403), ("reviewer", 200), ("admin", 200)):
        assert httpx.get(server.url + "/v1/audit", headers=h(keys[role])).status_code == expected, role
    assert httpx.get(server.url + "/v1/audit").status_code == 401
    assert httpx.get(server.url + "/v1/documents", headers=h(keys["msl"])).status_code == 200


def test_every_answer_is_audited_and_reviewable(api):
    server, keys = api
    q = "Can ciprofloxacin cause tendon rupture?"
    a = httpx.post(server.url + "/v1/ask", json={"question": q}, headers=h(keys["msl"]), timeout=30).json()
    rec = httpx.get(server.url + f"/v1/audit/{a['trace_id']}", headers=h(keys["reviewer"])).json()
    assert rec["question"] == q and rec["user"] == "test-msl#" + rec["user"].split("#")[1] and rec["role"] == "msl"
    assert [c["chunk_id"] for c in rec["cited"]] == [c["chunk_id"] for c in a["citations"]]
    assert rec["corpus_version"] == a["corpus_version"] and rec["generator"] == "extractive"
    assert rec["latency_ms"] > 0 and rec["status"] == "answered"
    r = httpx.post(server.url + "/v1/reviews", headers=h(keys["reviewer"]),
                   json={"trace_id": a["trace_id"], "citation": 1, "verdict": "wrong", "comment": "wrong section"})
    assert r.status_code == 201
    assert httpx.post(server.url + "/v1/reviews", headers=h(keys["physician"]),
                      json={"trace_id": a["trace_id"], "citation": 1, "verdict": "correct"}).status_code == 403
    reviews = httpx.get(server.url + f"/v1/reviews?trace_id={a['trace_id']}", headers=h(keys["admin"])).json()
    assert reviews["reviews"][0]["verdict"] == "wrong" and reviews["reviews"][0]["comment"] == "wrong section"
    # Filters and exports.
    rows = httpx.get(server.url + "/v1/audit", params={"user": rec["user"]}, headers=h(keys["reviewer"])).json()
    assert rows["count"] >= 1 and all(r["user"] == rec["user"] for r in rows["records"])
    csv_text = httpx.get(server.url + "/v1/audit?format=csv", headers=h(keys["reviewer"])).text
    assert csv_text.startswith("seq,trace_id,time,user") and a["trace_id"] in csv_text


def test_stream_sends_retrieval_then_text_then_the_contract(api):
    server, keys = api
    events = []
    with httpx.stream("POST", server.url + "/v1/ask/stream", json={"question": QUESTION},
                      headers=h(keys["physician"]), timeout=30) as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        event = None
        for line in r.iter_lines():
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: "):
                events.append((event, json.loads(line[6:])))
    kinds = [e for e, _ in events]
    assert kinds[0] == "retrieval" and kinds[-1] == "answer" and "delta" in kinds
    assert events[0][1]["retrieved"]
    final = events[-1][1]
    assert "".join(d["text"] for e, d in events if e == "delta").strip() == final["answer"].strip()
    assert final["status"] == "answered" and final["citations"]


def test_openai_sdk_against_chat_completions(api):
    from openai import OpenAI

    server, keys = api
    client = OpenAI(base_url=server.url + "/v1", api_key=keys["physician"], max_retries=0)
    done = client.chat.completions.create(model="medinfo", messages=[
        {"role": "system", "content": "You are helpful."}, {"role": "user", "content": QUESTION}])
    content = done.choices[0].message.content
    assert "[1]" in content and "References:" in content
    extra = done.model_extra["medinfo"]
    assert extra["status"] == "answered" and extra["citations"][0]["quote"]
    chunks = list(client.chat.completions.create(model="medinfo", stream=True,
                                                 messages=[{"role": "user", "content": QUESTION}]))
    streamed = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert streamed.strip() == content.strip()
    assert chunks[-1].choices[0].finish_reason == "stop" and chunks[-1].model_extra["medinfo"]["citations"]
    bad = OpenAI(base_url=server.url + "/v1", api_key="mi_nope", max_retries=0)
    with pytest.raises(Exception) as err:
        bad.chat.completions.create(model="medinfo", messages=[{"role": "user", "content": QUESTION}])
    assert "401" in str(err.value)


@pytest.mark.parametrize("body, status", [
    ({"question": ""}, 422),
    ({"question": "x" * 2001}, 422),
    ({"question": "warfarin dose", "top_k": 0}, 422),
    ({"question": "warfarin dose", "unknown": 1}, 422),
    ({"question": "warfarin dose", "source_type": "blog"}, 422),
    ({"question": "???"}, 422),
    ({}, 422),
])
def test_invalid_requests_get_a_4xx_with_a_reason(api, body, status):
    server, keys = api
    r = httpx.post(server.url + "/v1/ask", json=body, headers=h(keys["physician"]))
    assert r.status_code == status and r.json()["detail"]


def test_malformed_and_oversized_bodies(api):
    server, keys = api
    r = httpx.post(server.url + "/v1/ask", content=b"{not json", headers=h(keys["physician"]) |
                   {"content-type": "application/json"})
    assert r.status_code == 422
    r = httpx.post(server.url + "/v1/ask", content=b'{"question": "' + b"a" * 70000 + b'"}',
                   headers=h(keys["physician"]) | {"content-type": "application/json"})
    assert r.status_code == 413 and "bytes" in r.json()["detail"]
    assert httpx.get(server.url + "/v1/sources/c_nope", headers=h(keys["physician"])).status_code == 404
    r = httpx.post(server.url + "/v1/chat/completions", json={"model": "medinfo", "messages": []},
                   headers=h(keys["physician"]))
    assert r.status_code == 422


def test_metrics_are_prometheus_text(api):
    server, _ = api
    text = httpx.get(server.url + "/metrics").text
    assert "# TYPE medinfo_requests_total counter" in text and 'route="/v1/ask"' in text
    assert "medinfo_searchable_chunks" in text


def test_concurrent_questions_while_an_ingest_runs(corpus_template, tmp_path):
    # Its own server over its own store: the document it adds is seen by no other test.
    from helpers import make_keys

    data_dir = copy_store(corpus_template, tmp_path / "store")
    keys = make_keys(data_dir)
    server = Server(data_dir)
    try:
        _questions_while_ingesting(server, keys, tmp_path)
    finally:
        server.stop()


def _questions_while_ingesting(server, keys, tmp_path):
    note = tmp_path / "storage.md"
    note.write_text("# Storage of warfarin tablets\n\nStore warfarin sodium tablets at 20 to 25 C in a tight, "
                    "light-resistant container.\n")
    (tmp_path / "manifest.yaml").write_text(
        "documents:\n  - path: storage.md\n    id: warfarin-storage-note\n    kind: approved\n"
        "    product: warfarin\n    version: '1'\n    status: approved\n")
    data_dir = server.data_dir
    results: list[int] = []
    ingest_result = {}

    def ingest():
        ingest_result["code"] = run_cli("ingest", str(tmp_path), "--json", data_dir=data_dir)[0]

    t = threading.Thread(target=ingest)
    t.start()
    questions = [QUESTION, "Can ciprofloxacin cause tendon rupture?", "Is metformin contraindicated in renal "
                 "impairment?", "What is the boxed warning for lisinopril?"] * 4
    with ThreadPoolExecutor(8) as pool:
        for r in pool.map(lambda q: httpx.post(server.url + "/v1/ask", json={"question": q},
                                               headers=h(keys["physician"]), timeout=60), questions):
            results.append(r.status_code)
    t.join()
    assert results == [200] * len(questions)
    assert ingest_result["code"] == 0
    a = httpx.post(server.url + "/v1/ask", json={"question": "How should warfarin tablets be stored?"},
                   headers=h(keys["physician"]), timeout=30).json()
    assert any(c["document_id"] == "warfarin-storage-note" for c in a["citations"])


def test_audit_chain_detects_edits_and_deletions(api, tmp_path):
    server, keys = api
    for q in (QUESTION, "What is the boxed warning for warfarin?"):
        httpx.post(server.url + "/v1/ask", json={"question": q}, headers=h(keys["physician"]), timeout=30)
    data_dir = server.data_dir
    code, out, _ = run_cli("audit", "verify", "--json", data_dir=data_dir)
    assert code == 0 and out["ok"] and out["records"] >= 2
    # Appending is the only way in: the database refuses edits.
    conn = sqlite3.connect(data_dir / "service.sqlite")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("UPDATE audit SET question='edited' WHERE seq=1")
    conn.close()
    # Tampering by someone with file access is named by `audit verify` (tests/system/test_trust.py).
    code, text, _ = run_cli("audit", "export", "--format", "jsonl", data_dir=data_dir)
    assert code == 0 and all(json.loads(line)["hash"] for line in text.splitlines())


def test_no_auth_mode_refuses_a_public_address(corpus_dir):
    code, _, err = run_cli("serve", "--no-auth", "--host", "0.0.0.0", data_dir=corpus_dir)
    assert code == 2 and "loopback" in err


def test_openapi_document_and_offline_docs_page(api):
    server, _ = api
    spec = httpx.get(server.url + "/openapi.json").json()
    for path in ("/v1/ask", "/v1/ask/stream", "/v1/chat/completions", "/v1/sources/{chunk_id}", "/v1/documents",
                 "/v1/audit", "/healthz", "/metrics", "/v1/letters", "/v1/safety-reports"):
        assert path in spec["paths"], path
    page = httpx.get(server.url + "/docs").text
    assert "/openapi.json" in page and not re.search(r"<script[^>]+src=\"https?://", page)
