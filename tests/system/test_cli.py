"""The command line as a user runs it: ingest with bad inputs and crashes, the answer contract, sources,
docs, letters in each format, the dead-endpoint fallback."""
from __future__ import annotations

import io
import json
import os
import re
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pypdf
import pytest
import yaml
from docx import Document
from fake_llm import FakeLLM
from helpers import BIN, CORPUS, LABELS, SMALL, live_chunk_ids, make_corpus, run_cli

from ingest.catalog import Catalog
from ingest.pipeline import ingest
from ingest.store import Store


def index_ids(store: Store) -> set[str]:
    return store.index.ids()


def test_reingest_of_unchanged_corpus_is_a_no_op(corpus_dir):
    code, summary, err = run_cli("ingest", str(CORPUS), "--json", data_dir=corpus_dir)
    assert code == 0, err
    assert summary["documents"] == {"added": 0, "updated": 0, "unchanged": 512, "skipped": 0, "withdrawn": 0}
    assert summary["passages_embedded"] == 0 and summary["pages_parsed"] == 0
    # How fast the no-op is belongs to bench/ingest.py ("re-ingest of unchanged files"), not to a timed test.


def test_docs_and_source_commands(corpus_dir):
    code, docs, _ = run_cli("docs", "--json", data_dir=corpus_dir)
    assert code == 0
    by_id = {d["doc_id"]: d for d in docs["documents"]}
    assert by_id["warfarin-amneal-2022"]["status"] == "approved"
    assert by_id["warfarin-amneal-2022"]["version"] == "2022-11"
    assert by_id["pmid-10808977"]["kind"] == "literature"
    chunk_id = Catalog(corpus_dir / "catalog.sqlite").current_chunks()[0]["chunk_id"]
    code, src, _ = run_cli("source", chunk_id, "--json", data_dir=corpus_dir)
    assert code == 0
    assert src["page_text"][src["start"]:src["end"]] == src["text"]
    assert src["document"]["title"] and src["document"]["version"] and src["page"] >= 1
    code, out, err = run_cli("source", "c_doesnotexist", "--json", data_dir=corpus_dir)
    assert code == 1 and "no chunk" in out["error"]


def _encrypted_pdf(path: Path) -> None:
    reader = pypdf.PdfReader(LABELS / SMALL[0])
    writer = pypdf.PdfWriter()
    writer.add_page(reader.pages[0])
    writer.encrypt(user_password="secret", owner_password="owner")
    with open(path, "wb") as f:
        writer.write(f)


def _image_only_pdf(path: Path) -> None:
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=letter)
    c.setFillGray(0.5)
    c.rect(100, 100, 300, 400, fill=1)  # a scanned page: shapes, no text
    c.showPage()
    c.save()


def test_bad_inputs_are_reported_and_skipped_while_the_rest_ingests(tmp_path, embedder):
    root = make_corpus(tmp_path, SMALL)
    data = tmp_path / "data"
    store = Store(data, embedder)
    ingest([root], data_dir=data, store=store)
    kept = live_chunk_ids(data)
    bad = tmp_path / "bad"
    bad.mkdir()
    good = (LABELS / "fda_acetaminophen_highlights_2025.pdf").read_bytes()
    (bad / "corrupt.pdf").write_bytes(good[: len(good) // 3])
    (bad / "garbage.pdf").write_bytes(b"%PDF-1.7\n" + os.urandom(4000))
    (bad / "empty.pdf").write_bytes(b"")
    _encrypted_pdf(bad / "encrypted.pdf")
    _image_only_pdf(bad / "scanned.pdf")
    (bad / "gone.pdf").symlink_to(bad / "nowhere.pdf")
    (bad / "notes.md").write_text("# Dosing notes\n\nTake with food. Store below 25 C.\n")
    manifest = {"documents": [{"path": "notes.md", "id": "notes", "effective": "not-a-date"}]}
    (bad / "manifest.yaml").write_text(yaml.safe_dump(manifest))
    (bad / "ok.md").write_text("# Storage\n\nStore at 20 to 25 C.\n")
    manifest["documents"].append({"path": "ok.md", "id": "storage-note", "status": "approved"})
    for name in ["corrupt.pdf", "garbage.pdf", "empty.pdf", "encrypted.pdf", "scanned.pdf", "gone.pdf"]:
        manifest["documents"].append({"path": name, "id": name.replace(".", "-")})
    (bad / "manifest.yaml").write_text(yaml.safe_dump(manifest))

    code, summary, err = run_cli("ingest", str(bad), "--json", data_dir=data)
    assert code == 3, err
    reasons = {Path(s["file"].split(": ")[-1].split("#")[0]).name: s["reason"] for s in summary["skipped"]}
    assert "corrupt PDF" in reasons["corrupt.pdf"]
    assert "corrupt PDF" in reasons["garbage.pdf"]
    assert "empty" in reasons["empty.pdf"]
    assert "encrypted" in reasons["encrypted.pdf"]
    assert "image-only" in reasons["scanned.pdf"]
    assert "does not exist" in reasons["gone.pdf"] or "unreadable" in reasons["gone.pdf"]
    assert "ISO date" in reasons["notes.md"]
    assert summary["added"] == ["storage-note"]
    # Nothing already stored was lost.
    assert kept <= live_chunk_ids(data)
    assert index_ids(store) == live_chunk_ids(data)
    store.close()


def test_manifest_that_cannot_be_read_is_reported(tmp_path):
    root = make_corpus(tmp_path, SMALL[:1])
    (root / "manifest.yaml").write_text("documents: [unclosed\n")
    code, summary, err = run_cli("ingest", str(root), "--json", data_dir=tmp_path / "data")
    assert code == 3
    assert any("invalid YAML" in s["reason"] for s in summary["skipped"])
    assert summary["documents"]["added"] == 0  # files it governs are not ingested with guessed metadata


def test_killed_ingest_leaves_a_consistent_store_that_the_next_run_completes(tmp_path):
    files = ["fda_ibuprofen_label_2024.pdf", "fda_acetaminophen_highlights_2025.pdf",
             "fda_amoxicillin_tablets_2015.pdf", "fda_metformin_highlights_2026.pdf",
             "fda_lisinopril_highlights_2025.pdf"]
    root = make_corpus(tmp_path, files)
    data = tmp_path / "data"
    # One document per commit (the default batch of 512 passages would take several labels at once).
    proc = subprocess.Popen([str(BIN / "medinfo"), "ingest", str(root), "--data-dir", str(data), "--json"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
                            env=os.environ | {"MEDINFO_INGEST_BATCH": "1"})
    # Kill it (SIGKILL, no clean-up) as soon as some but not all documents are committed.
    deadline = time.time() + 300
    n = 0
    while time.time() < deadline:
        try:
            n = sqlite3.connect(data / "catalog.sqlite").execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        except sqlite3.Error:
            n = 0
        if n >= 2:
            break
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert 2 <= n < len(files), "the run finished before it could be killed"
    cat = Catalog(data / "catalog.sqlite")
    # Consistent: every committed document has all its pages and chunks.
    for d in cat.documents():
        assert len(cat.rev_chunk_ids(d["rev_id"])) == d["n_chunks"] > 0
    code, summary, err = run_cli("ingest", str(root), "--json", data_dir=data)
    assert code == 0, err
    assert summary["documents"]["added"] + summary["documents"]["unchanged"] == len(files)
    assert summary["documents"]["added"] >= 1
    assert len(cat.documents()) == len(files)
    runs = cat.runs()
    assert runs[0]["status"] == "completed" and runs[1]["status"] == "interrupted"
    store = Store(data)
    assert index_ids(store) == live_chunk_ids(data)
    store.close()


def test_literature_records_commit_in_batches_and_a_killed_run_resumes(tmp_path):
    # 700 real abstracts' snippets in one JSONL file: committed a batch of passages at a time (one vector upsert,
    # one transaction), not one record at a time; killed after the first batch, the next run adds the rest.
    root = tmp_path / "lit"
    root.mkdir()
    lines = (CORPUS.parent / "eval/golden/docs/bioasq_snippets.jsonl").read_text().splitlines()[:700]
    (root / "records.jsonl").write_text("\n".join(lines) + "\n")
    (root / "manifest.yaml").write_text("documents:\n  - path: records.jsonl\n    id_prefix: pmid-\n"
                                        "    kind: literature\n    status: approved\n    expiry: null\n")
    data = tmp_path / "data"
    proc = subprocess.Popen([str(BIN / "medinfo"), "ingest", str(root), "--data-dir", str(data), "--json"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
                            env=os.environ | {"MEDINFO_INGEST_BATCH": "200"})
    deadline, n = time.time() + 300, 0
    while time.time() < deadline and n == 0:
        try:
            n = sqlite3.connect(data / "catalog.sqlite").execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        except sqlite3.Error:
            n = 0
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert 1 < n < 700, n  # the first commit held a whole batch of records; the run was cut before the end
    cat = Catalog(data / "catalog.sqlite")
    for d in cat.documents():
        assert len(cat.rev_chunk_ids(d["rev_id"])) == d["n_chunks"] > 0
    code, summary, err = run_cli("ingest", str(root), "--json", data_dir=data)
    assert code == 0, err
    assert summary["documents"]["unchanged"] == n and summary["documents"]["added"] == 700 - n
    generations = int(cat.conn.execute("SELECT value FROM meta WHERE key='generation'").fetchone()[0])
    assert generations <= 8  # the default batch (512 passages): two commits for the rest, not one per record
    store = Store(data)
    assert index_ids(store) == live_chunk_ids(data) and len(live_chunk_ids(data)) >= 700
    store.close()


def test_a_second_ingest_on_the_same_store_is_refused_clearly(tmp_path):
    data = tmp_path / "data"
    store = Store(data)
    store.lock()
    try:
        code, out, err = run_cli("ingest", str(LABELS / SMALL[0]), "--json", data_dir=data)
    finally:
        store.close()
    assert code == 1 and "another ingest is running" in out["error"]


def test_data_dir_comes_from_the_environment_and_the_ingest_leaves_the_workers_passage_table(tmp_path, embedder):
    from assistant.answering.snapshot import Snapshot

    data = tmp_path / "env-store"
    code, summary, _ = run_cli("ingest", str(LABELS / SMALL[0]), "--approve", "--json",
                               env={"MEDINFO_DATA_DIR": str(data)})
    assert code == 0 and summary["store"]["data_dir"] == str(data.resolve())
    assert (data / "catalog.sqlite").exists() and (data / "chroma").is_dir()
    # A worker that starts after the ingest takes the passage table the ingest saved, instead of reading every row.
    store = Store(data, embedder)
    start = Snapshot(store)
    assert start.from_cache is True and start.grown is False and len(start.passages) == summary["chunks_added"]
    store.close()


def test_cli_ask_json_is_the_contract(corpus_dir):
    code, a, err = run_cli("ask", "Can ciprofloxacin cause tendon rupture?", "--json", data_dir=corpus_dir)
    assert code == 0, err
    assert set(a) >= {"question", "status", "answer", "citations", "claims", "flags", "trace_id", "generator",
                      "corpus_version"}
    assert a["status"] == "answered" and a["generator"] == "extractive"
    c = a["citations"][0]
    assert set(c) >= {"n", "chunk_id", "document_id", "title", "version", "source_type", "page", "start", "end",
                      "quote"}
    code, src, _ = run_cli("source", c["chunk_id"], "--json", data_dir=corpus_dir)
    assert src["page_text"][c["start"]:c["end"]] == c["quote"]
    code, a, _ = run_cli("ask", "What is the dose of apixaban?", "--json", "--top-k", "3", data_dir=corpus_dir)
    assert code == 0 and a["status"] == "insufficient_evidence"
    code, out, err = run_cli("ask", "   ", data_dir=corpus_dir)
    assert code == 2 and "empty" in err


QUESTION = "What is the recommended starting dose of warfarin?"


HEADINGS = ["Medical Information Response", "Reference: MI-", "unsolicited request", "You asked:", "Summary",
            "Approved prescribing information", "References", "Medical reviewer approval"]


def _claims_of(text: str, answer: dict) -> None:
    """Every evidence sentence of the letter is a verified claim of the answer."""
    flat = " ".join(text.split())
    claims = [c["text"] for c in answer["claims"]]
    assert claims and all(" ".join(c.split()).rstrip(".") in flat for c in claims)


@pytest.mark.parametrize("fmt", ["md", "docx", "pdf"])
def test_letter_in_each_format_reads_back_with_its_structure(corpus_dir, tmp_path, fmt):
    out = tmp_path / f"letter.{fmt}"
    code, summary, err = run_cli("letter", QUESTION, "--requester", "Dr. Jane Doe", "--format", fmt, "--out",
                                 str(out), "--json", data_dir=corpus_dir)
    assert code == 0, err
    data = out.read_bytes()
    if fmt == "md":
        text = data.decode()
    elif fmt == "docx":
        text = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    else:
        assert data.startswith(b"%PDF")
        text = "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    flat = " ".join(text.split())
    for heading in HEADINGS:
        assert heading in flat, heading
    assert "Dear Dr. Jane Doe," in flat and re.search(r"2 (mg )?to 5 mg once daily", flat)
    assert "Warfarin Sodium Tablets, Prescribing Information" in flat and "Version 2022-" in flat and "Page 6" in flat
    # Order: reference line and date, salutation, statement, summary, evidence, references, approval.
    positions = [flat.index(x) for x in ("Reference: MI-", "Dear Dr.", "unsolicited", "Summary", "References",
                                         "Medical reviewer approval")]
    assert positions == sorted(positions)
    audit = run_cli("audit", "export", "--format", "jsonl", data_dir=corpus_dir)[1]
    record = [json.loads(line) for line in audit.splitlines() if json.loads(line)["trace_id"] == summary["trace_id"]]
    assert record and record[0]["channel"] == "letter"
    _claims_of(text, {"claims": record[0]["claims"]})


def test_letter_for_an_unanswerable_question_says_so(corpus_dir, tmp_path):
    out = tmp_path / "l.md"
    code, summary, _ = run_cli("letter", "What is the dose of apixaban?", "--format", "md", "--out", str(out),
                               "--json", data_dir=corpus_dir)
    assert code == 0 and summary["status"] == "insufficient_evidence"
    text = out.read_text()
    assert "does not answer this question" in text and "## Summary" not in text and "Dear Healthcare" in text


@pytest.fixture(scope="module")
def llm():
    server = FakeLLM()
    yield server
    server.stop()


def test_a_dead_endpoint_gives_the_fallback_or_a_clear_error(two_labels, llm):
    from helpers import free_port

    corpus_dir = two_labels
    dead = f"http://127.0.0.1:{free_port()}/v1"
    env = {"MEDINFO_GENERATOR": "llm", "MEDINFO_LLM_BASE_URL": dead, "MEDINFO_LLM_RETRIES": "1",
           "MEDINFO_LLM_TIMEOUT": "3"}
    code, a, err = run_cli("ask", QUESTION, "--json", data_dir=corpus_dir, env=env)
    assert code == 0 and a["status"] == "answered" and a["generator"] == "extractive"
    assert any("unavailable" in n and dead in n for n in a["notices"])
    code, out, err = run_cli("ask", QUESTION, "--json", data_dir=corpus_dir,
                             env=env | {"MEDINFO_LLM_FALLBACK": "none"})
    assert code == 1 and "failed after 2 attempt(s)" in out["error"] and dead in out["error"]
    llm.mode("error")
    code, out, err = run_cli("ask", QUESTION, "--json", data_dir=corpus_dir,
                             env=env | {"MEDINFO_LLM_BASE_URL": llm.url, "MEDINFO_LLM_FALLBACK": "none"})
    assert code == 1 and "InternalServerError" in out["error"]
    code, out, err = run_cli("ask", QUESTION, "--json", data_dir=corpus_dir, env={"MEDINFO_GENERATOR": "llm"})
    assert code == 2 and "MEDINFO_LLM_BASE_URL" in out["error"]
