"""Beyond one machine (docs/deploy.md): the catalogue and the service records in one real PostgreSQL database, the
vectors in one real Chroma server, API workers on two "hosts" (two data directories that share nothing else, each
with its own copy of the audit key), and an ingest running while both answer."""
from __future__ import annotations

import shutil
import threading

import httpx
from helpers import LABELS, Server, h, run_cli

QUESTIONS = {"ibuprofen-otc": "What is the stomach bleeding warning for ibuprofen?",
             "acetaminophen-otc": "What is the maximum daily amount of acetaminophen for adults?"}


def corpus(root, names: dict[str, str]):
    root.mkdir()
    entries = []
    for doc_id, name in names.items():
        shutil.copy(LABELS / name, root / name)
        entries.append(f"  - {{path: {name}, id: {doc_id}, product: {doc_id.split('-')[0]}, kind: approved}}\n")
    (root / "manifest.yaml").write_text("defaults: {status: approved}\ndocuments:\n" + "".join(entries))
    return root


def test_two_hosts_share_a_postgresql_catalogue_and_a_chroma_server_while_an_ingest_runs(postgres, chroma, tmp_path):
    from assistant.records import ServiceDB
    from ingest.catalog import Catalog

    url = postgres.database("shared")
    hosts = {name: (tmp_path / name / "data", tmp_path / name / "anchors") for name in ("a", "b")}
    env = {name: {"MEDINFO_DATABASE_URL": url, "MEDINFO_CHROMA_URL": chroma, "MEDINFO_AUDIT_ANCHOR_DIR": str(anchors)}
           for name, (_, anchors) in hosts.items()}
    first = corpus(tmp_path / "first", {"ibuprofen-otc": "fda_ibuprofen_label_2024.pdf"})
    code, summary, err = run_cli("ingest", str(first), "--json", data_dir=hosts["a"][0], env=env["a"])
    assert code == 0, err
    assert summary["documents"]["added"] == 1
    assert not (hosts["a"][0] / "catalog.sqlite").exists()  # the catalogue went to the database

    # keys and the audit key made on host a; host b gets a copy of the key file (the deploy recipe)
    db = ServiceDB(hosts["a"][0], hosts["a"][1], url)
    key = db.create_key("physician", "shared-db-test")[1]
    db.checkpoint()
    hosts["b"][1].mkdir(parents=True)
    shutil.copy(db.anchor.key_path, hosts["b"][1] / db.anchor.key_path.name)

    servers: list[Server] = []
    try:
        for name, (data, _) in hosts.items():
            data.mkdir(parents=True, exist_ok=True)
            servers.append(Server(data, "--workers", "1", env=env[name]))
        answers: list[tuple[int, dict]] = []
        stop = threading.Event()

        def ask_all_the_time():
            i = 0
            while not stop.is_set():
                server = servers[i % 2]
                r = httpx.post(server.url + "/v1/ask", json={"question": QUESTIONS["ibuprofen-otc"]},
                               headers=h(key), timeout=120)
                answers.append((r.status_code, r.json() | {"worker": r.headers.get("x-medinfo-worker")}))
                i += 1

        asker = threading.Thread(target=ask_all_the_time)
        asker.start()
        try:  # meanwhile, on host b: a second label
            second = corpus(tmp_path / "second", {"acetaminophen-otc": "fda_acetaminophen_highlights_2025.pdf"})
            code, summary, err = run_cli("ingest", str(second), "--json", data_dir=hosts["b"][0], env=env["b"])
        finally:
            stop.set()
            asker.join(180)
        assert code == 0, err
        assert summary["documents"]["added"] == 1 and summary["store"]["documents"] == 2
        assert len(answers) >= 4
        assert all(status == 200 and a["status"] == "answered" for status, a in answers), answers
        assert {a["citations"][0]["document_id"] for _, a in answers} == {"ibuprofen-otc"}
        assert len({a["worker"] for _, a in answers}) == 2, "both hosts answered"

        # the new label is searchable from both hosts
        for server in servers:
            r = httpx.post(server.url + "/v1/ask", json={"question": QUESTIONS["acetaminophen-otc"]},
                           headers=h(key), timeout=120)
            assert r.status_code == 200 and r.json()["status"] == "answered"
            assert r.json()["citations"][0]["document_id"] == "acetaminophen-otc"
    finally:
        for server in servers:
            server.stop()

    # one audit log for both hosts, its chain intact, verified from either
    for name, (data, _) in hosts.items():
        code, report, err = run_cli("audit", "verify", "--json", data_dir=data, env=env[name])
        assert code == 0, (report, err)
        assert report["ok"] and report["records"] == len(answers) + 2
        assert not (data / "service.sqlite").exists()
    # one ingest at a time across hosts: while one holds the shared ingest lock, another host's ingest says so
    holder = Catalog(tmp_path / "unused.sqlite", url)
    assert holder.lock_writer()
    try:
        code, _, err = run_cli("ingest", str(first), data_dir=hosts["b"][0], env=env["b"])
        assert code != 0 and "another ingest is running against the shared catalogue" in err
    finally:
        holder.unlock_writer()
