"""Ingestion on real PDFs into a real chromadb + sqlite store: provenance, incrementality, safety."""
from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import threading
import time
from pathlib import Path

import pypdf
import yaml
from conftest import BIN, CORPUS, LABELS, run_cli

from ingest.catalog import Catalog
from ingest.pipeline import ingest
from ingest.store import Store

SMALL = ["fda_ibuprofen_label_2024.pdf", "fda_acetaminophen_highlights_2025.pdf"]


def make_corpus(tmp: Path, files: list[str], extra: dict | None = None) -> Path:
    """A small corpus directory with its own manifest (ids from the bundled manifest)."""
    bundled = yaml.safe_load((CORPUS / "manifest.yaml").read_text())
    by_path = {Path(d["path"]).name: d for d in bundled["documents"]}
    root = tmp / "corpus"
    (root / "fda_labels").mkdir(parents=True, exist_ok=True)
    docs = []
    for name in files:
        shutil.copy(LABELS / name, root / "fda_labels" / name)
        docs.append(dict(by_path[name]))
    manifest = {"defaults": bundled["defaults"], "documents": docs}
    if extra:
        manifest.update(extra)
    (root / "manifest.yaml").write_text(yaml.safe_dump(manifest, sort_keys=False))
    return root


def live_chunk_ids(data: Path) -> set[str]:
    return {r["chunk_id"] for r in Catalog(data / "catalog.sqlite").current_chunks()}


def index_ids(store: Store) -> set[str]:
    return store.index.ids()


# --- the whole bundled corpus -----------------------------------------------------------------

def test_every_chunk_of_every_bundled_pdf_round_trips_its_offsets(corpus_dir):
    cat = Catalog(corpus_dir / "catalog.sqlite")
    docs = {d["doc_id"]: d for d in cat.documents()}
    pdf_docs = [d for d in docs.values() if d["path"].endswith(".pdf")]
    assert len(pdf_docs) == 12
    rows = cat.conn.execute('SELECT c.chunk_id, c.rev_id, c.page_no, c.start, c."end", p.text FROM chunks c '
                            'JOIN pages p ON p.rev_id=c.rev_id AND p.page_no=c.page_no').fetchall()
    pdf_revs = {d["rev_id"] for d in pdf_docs}
    checked = 0
    for chunk_id, rev, _page_no, start, end, page_text in rows:
        chunk = cat.chunk(chunk_id)
        assert chunk["page_text"] == page_text
        assert 0 <= start < end <= len(page_text)
        assert chunk["text"] == page_text[start:end] and chunk["text"].strip() == chunk["text"]
        checked += rev in pdf_revs
    assert checked > 1000
    # The page text is exactly what pypdf extracts from the file, page by page.
    d = docs["warfarin-amneal-2022"]
    reader = pypdf.PdfReader(d["path"])
    assert cat.page_text(d["rev_id"], 6) == reader.pages[5].extract_text()
    assert d["n_pages"] == len(reader.pages) == 45


def test_chunks_keep_label_sections(corpus_dir):
    cat = Catalog(corpus_dir / "catalog.sqlite")
    sections = {r["section"] for r in cat.current_chunks() if r["doc_id"] == "warfarin-goldenstate-2022"}
    assert any(s.startswith("2.3 Initial and Maintenance Dosing") for s in sections)
    assert "WARNING: BLEEDING RISK" in sections
    rows = {(r["doc_id"], r["page_no"], r["start"]): r for r in cat.current_chunks()}
    texts = {k: r["text"] for k, r in rows.items()}
    # Amneal's label prints "12.1" and "Mechanism of Action" on separate lines: still one heading.
    moa = [rows[k]["section"] for k, t in texts.items()
           if k[0] == "warfarin-amneal-2022" and "Warfarin acts by inhibiting the synthesis" in t]
    assert moa and all(s.startswith("12.1 Mechanism of Action") for s in moa), moa
    # Highlights print empty bullets before a heading ("•\n•\nADVERSE REACTIONS"): still a heading.
    hl = [rows[k]["section"] for k, t in texts.items()
          if k[:2] == ("atorvastatin-mylan-2024", 2) and "Most common adverse reactions" in t]
    assert hl == ["ADVERSE REACTIONS"], hl


def test_reingest_of_unchanged_corpus_is_a_no_op(corpus_dir):
    code, summary, err = run_cli("ingest", str(CORPUS), "--json", data_dir=corpus_dir)
    assert code == 0, err
    assert summary["documents"] == {"added": 0, "updated": 0, "unchanged": 512, "skipped": 0, "withdrawn": 0}
    assert summary["passages_embedded"] == 0 and summary["pages_parsed"] == 0
    assert summary["seconds"] < 3


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


# --- incremental and safe ---------------------------------------------------------------------

def test_changed_file_replaces_its_chunks_atomically(tmp_path, embedder):
    root = make_corpus(tmp_path, SMALL)
    data = tmp_path / "data"
    store = Store(data, embedder)
    ingest([root], data_dir=data, store=store)
    cat = Catalog(data / "catalog.sqlite")
    old = cat.document("ibuprofen-200mg-otc-2024")
    old_chunks = set(cat.rev_chunk_ids(old["rev_id"]))

    # A reader polls the live set while the file is replaced by a different (longer) label.
    seen_revs: list[set[str]] = []
    stop = threading.Event()

    def reader():
        c = Catalog(data / "catalog.sqlite")
        while not stop.is_set():
            rows = [r for r in c.current_chunks() if r["doc_id"] == "ibuprofen-200mg-otc-2024"]
            seen_revs.append({r["rev_id"] for r in rows})

    t = threading.Thread(target=reader)
    t.start()
    shutil.copy(LABELS / "fda_amoxicillin_tablets_2015.pdf", root / "fda_labels" / SMALL[0])
    summary, code = ingest([root], data_dir=data, store=store)
    stop.set()
    t.join()
    assert code == 0
    assert summary["updated"] == ["ibuprofen-200mg-otc-2024"]
    new = cat.document("ibuprofen-200mg-otc-2024")
    assert new["rev_id"] != old["rev_id"] and new["n_pages"] == 16
    # Every observation saw exactly one revision: never half of the old and half of the new.
    assert seen_revs and all(len(s) == 1 for s in seen_revs)
    live = live_chunk_ids(data)
    assert not (old_chunks & live)
    assert index_ids(store) == live
    # The old citation still resolves, marked superseded.
    old_chunk = cat.chunk(next(iter(old_chunks)))
    assert old_chunk["status"] == "superseded" and old_chunk["current"] is False
    store.close()


def test_withdrawn_document_leaves_the_searchable_set(tmp_path, embedder):
    root = make_corpus(tmp_path, SMALL)
    data = tmp_path / "data"
    store = Store(data, embedder)
    ingest([root], data_dir=data, store=store)
    before = live_chunk_ids(data)
    manifest = yaml.safe_load((root / "manifest.yaml").read_text())
    manifest["documents"][1]["status"] = "withdrawn"
    (root / "manifest.yaml").write_text(yaml.safe_dump(manifest))
    summary, code = ingest([root], data_dir=data, store=store)
    assert summary["withdrawn"] == ["acetaminophen-325mg-reliable1-2025"]
    assert summary["passages_embedded"] == 0
    live = live_chunk_ids(data)
    cat = Catalog(data / "catalog.sqlite")
    assert cat.document("acetaminophen-325mg-reliable1-2025")["status"] == "withdrawn"
    assert live and live < before
    assert all(not cid.startswith("x") for cid in live)
    assert {r["doc_id"] for r in cat.current_chunks()} == {"ibuprofen-200mg-otc-2024"}
    assert index_ids(store) == live
    # Re-approving brings it back from the embedding cache, without re-embedding.
    manifest["documents"][1]["status"] = "approved"
    (root / "manifest.yaml").write_text(yaml.safe_dump(manifest))
    summary, _ = ingest([root], data_dir=data, store=store)
    assert live_chunk_ids(data) == before and summary["passages_embedded"] == 0
    store.close()


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
    manifest["documents"].append({"path": "ok.md", "id": "storage-note"})
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
    proc = subprocess.Popen([str(BIN / "medinfo"), "ingest", str(root), "--data-dir", str(data), "--json"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
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


def test_a_second_ingest_on_the_same_store_is_refused_clearly(tmp_path):
    data = tmp_path / "data"
    store = Store(data)
    store.lock()
    try:
        code, out, err = run_cli("ingest", str(LABELS / SMALL[0]), "--json", data_dir=data)
    finally:
        store.close()
    assert code == 1 and "another ingest is running" in out["error"]


def test_data_dir_comes_from_the_environment(tmp_path):
    data = tmp_path / "env-store"
    code, summary, _ = run_cli("ingest", str(LABELS / SMALL[0]), "--json", env={"MEDINFO_DATA_DIR": str(data)})
    assert code == 0 and summary["store"]["data_dir"] == str(data.resolve())
    assert (data / "catalog.sqlite").exists() and (data / "chroma").is_dir()


def test_a_passage_vector_does_not_depend_on_what_it_was_embedded_with(embedder):
    # int8 dynamic quantisation scales per batch: batched together, a text's vector would shift with its
    # neighbours and a fresh store would rank differently from an incrementally built one.
    text = ("warfarin | 12.1 Mechanism of Action: Warfarin acts by inhibiting the synthesis of vitamin K-dependent "
            "factors.")
    others = ["A much longer neighbour passage about dosing, monitoring and interactions " * 6, "short one"]
    alone = embedder.embed([text])[0]
    batched = embedder.embed(others + [text])[-1]
    assert float(alone @ batched) > 0.99999
