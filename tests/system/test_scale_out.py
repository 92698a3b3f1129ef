"""Scale-out on existing engines: a real Chroma server (`chroma run`) on loopback holds the vectors;
two uvicorn worker processes answer from it."""
from __future__ import annotations

import shutil

import httpx
from helpers import LABELS, Server, make_keys, run_cli


def test_ingest_into_a_chroma_server_and_answer_through_two_workers(chroma, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("fda_ibuprofen_label_2024.pdf", "fda_acetaminophen_highlights_2025.pdf"):
        shutil.copy(LABELS / name, docs / name)
    (docs / "manifest.yaml").write_text(
        "defaults: {status: approved}\ndocuments:\n"
        "  - {path: fda_ibuprofen_label_2024.pdf, id: ibuprofen-otc, product: ibuprofen, kind: approved}\n"
        "  - {path: fda_acetaminophen_highlights_2025.pdf, id: acetaminophen-otc, product: acetaminophen, "
        "kind: approved}\n")
    data = tmp_path / "data"
    env = {"MEDINFO_CHROMA_URL": chroma}
    code, summary, err = run_cli("ingest", str(docs), "--json", data_dir=data, env=env)
    assert code == 0, err
    assert summary["documents"]["added"] == 2
    assert not (data / "chroma").exists()  # the vectors went to the server, not to an embedded store
    import chromadb
    from chromadb.config import Settings

    host, port = chroma.rsplit(":", 1)
    client = chromadb.HttpClient(host=host.split("//")[1], port=int(port),
                                 settings=Settings(anonymized_telemetry=False))
    [collection] = client.list_collections()
    assert collection.count() == summary["store"]["searchable_chunks"] > 0

    keys = make_keys(data)
    server = Server(data, "--workers", "2", env=env)
    try:
        pids = set()
        questions = ["What is the maximum daily amount of acetaminophen for adults?",
                     "What is the stomach bleeding warning for ibuprofen?"]
        for i in range(40):
            r = httpx.post(server.url + "/v1/ask", json={"question": questions[i % 2]},
                           headers={"Authorization": f"Bearer {keys['physician']}"}, timeout=60)
            assert r.status_code == 200
            a = r.json()
            assert a["status"] == "answered" and a["citations"]
            pids.add(r.headers["x-medinfo-worker"])
            if len(pids) == 2 and i >= 3:
                break
        assert len(pids) == 2, "both worker processes answered"
        assert {c["document_id"] for c in a["citations"]} <= {"ibuprofen-otc", "acetaminophen-otc"}
    finally:
        server.stop()
