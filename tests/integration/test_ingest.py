"""Ingestion on real PDFs into a real chromadb + sqlite store: provenance, incrementality, safety."""
from __future__ import annotations

import shutil
import threading

import pypdf
import yaml
from checks import none_of_its_chunks_live
from helpers import LABELS, SMALL, live_chunk_ids, make_corpus

from ingest.catalog import Catalog
from ingest.pipeline import ingest
from ingest.store import Store


def index_ids(store: Store) -> set[str]:
    return store.index.ids()


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
    withdrawn_rev = cat.document("acetaminophen-325mg-reliable1-2025")["rev_id"]
    none_of_its_chunks_live(set(cat.rev_chunk_ids(withdrawn_rev)), live)
    assert {r["doc_id"] for r in cat.current_chunks()} == {"ibuprofen-200mg-otc-2024"}
    assert index_ids(store) == live
    # Re-approving brings it back from the embedding cache, without re-embedding.
    manifest["documents"][1]["status"] = "approved"
    (root / "manifest.yaml").write_text(yaml.safe_dump(manifest))
    summary, _ = ingest([root], data_dir=data, store=store)
    assert live_chunk_ids(data) == before and summary["passages_embedded"] == 0
    store.close()
