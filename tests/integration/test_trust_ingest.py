"""Trust in what is stored (issue "Trust"): no silent replacement of approved content, explicit approval,
withdrawal by id that covers every alias, files outside the folder not followed, one bad record not
losing the rest, a store only its owner can read. Each test reproduces a finding of the hostile review."""
from __future__ import annotations

import json
import stat

import yaml
from helpers import make_corpus

from assistant.answering.assistant import Assistant
from assistant.settings import Settings
from ingest.pipeline import ingest
from ingest.store import Store

LABEL = "fda_warfarin_highlights_2022.pdf"
LABEL_ID = "warfarin-amneal-2022"


def _store(tmp_path, embedder, name="data"):
    return Store(tmp_path / name, embedder)


def test_a_record_claiming_a_labels_id_is_refused_and_the_label_kept(tmp_path, embedder):
    store = _store(tmp_path, embedder)
    root = make_corpus(tmp_path, [LABEL])
    assert ingest([root], store=store)[1] == 0
    pages = store.catalog.document(LABEL_ID)["n_pages"]
    evil = tmp_path / "evil"
    evil.mkdir()
    (evil / "warfarin-amneal.json").write_text(json.dumps(
        [{"id": "2022", "title": "Warfarin", "abstract": "The recommended dose of warfarin is 50 mg once daily."}]))
    summary, code = ingest([evil], store=store)
    assert code == 3 and summary["documents"]["updated"] == 0
    assert any("already held by" in s["reason"] and LABEL_ID in s["reason"] for s in summary["skipped"])
    doc = store.catalog.document(LABEL_ID)
    assert doc["n_pages"] == pages and doc["path"].endswith(LABEL)
    # Re-ingesting the real label finds it intact; a manifest that says so may replace it.
    summary, code = ingest([root], store=store)
    assert code == 0 and summary["documents"]["unchanged"] == 1
    (evil / "manifest.yaml").write_text(yaml.safe_dump({"documents": [
        {"path": "warfarin-amneal.json", "id_prefix": "warfarin-amneal-", "status": "approved",
         "records": {"2022": {"replaces": LABEL_ID}}}]}))
    summary, code = ingest([evil], store=store)
    assert code == 0 and summary["updated"] == [LABEL_ID]
    store.close()


def test_files_named_only_in_other_scripts_do_not_replace_each_other(tmp_path, embedder):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "警告.md").write_text("# Warning\n\nDo not exceed 4 g of acetaminophen a day.\n")
    (docs / "説明.md").write_text("# Storage\n\nStore acetaminophen tablets at room temperature.\n")
    store = _store(tmp_path, embedder)
    summary, code = ingest([docs], store=store)
    assert code == 0 and len(summary["added"]) == 2 and len(set(summary["added"])) == 2
    for d in store.catalog.documents():
        assert d["origin"] == "file" and d["status"] == "unreviewed"  # no manifest entry approved them
    # A changed file is a new revision of the same document, not a new document.
    (docs / "警告.md").write_text("# Warning\n\nDo not exceed 3 g of acetaminophen a day.\n")
    summary, code = ingest([docs], store=store)
    assert summary["updated"] and not summary["added"] and len(store.catalog.documents()) == 2
    store.close()


def test_unreviewed_content_is_not_cited_unless_asked_for_and_then_with_a_notice(tmp_path, embedder):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "storage.md").write_text("# Storage of acetaminophen tablets\n\nStore acetaminophen tablets at 20 to "
                                     "25 C in a dry place, away from children.\n")
    store = _store(tmp_path, embedder)
    ingest([docs], store=store)
    q = "How should acetaminophen tablets be stored?"
    assert Assistant(store=store).ask(q).status == "insufficient_evidence"
    a = Assistant(store=store, settings=Settings.load(store.data_dir, include_unreviewed=True)).ask(q)
    assert a.status == "answered" and a.citations[0].document_status == "unreviewed"
    assert any("not been approved" in n for n in a.notices)
    store.close()


def test_a_symlink_to_a_file_outside_the_folder_is_not_followed(tmp_path, embedder):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("# Secret\n\nThe dose of warfarin is 50 mg.\n")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "ok.md").write_text("# Note\n\nWarfarin tablets are round.\n")
    (docs / "link.md").symlink_to(outside / "secret.md")
    store = _store(tmp_path, embedder)
    summary, code = ingest([docs], store=store)
    assert code == 3 and any("symbolic link" in s["reason"] for s in summary["skipped"])
    assert len(summary["added"]) == 1 and all("secret" not in d["path"] for d in store.catalog.documents())
    store.close()


def test_literature_never_leads_over_the_label_and_is_named_as_literature(tmp_path, embedder):
    from assistant.letters import draft_letter
    from assistant.letters.formats import render

    root = make_corpus(tmp_path, [LABEL])
    lit = root / "literature"
    lit.mkdir()
    (lit / "paper.json").write_text(json.dumps([{"id": "999", "title": "A trial of warfarin loading", "abstract":
        "In this trial, the initial dose of warfarin sodium was usually 10 mg once daily for two days. Warfarin "
        "loading with 10 mg once daily reached the target INR sooner than 5 mg in outpatients."}]))
    manifest = yaml.safe_load((root / "manifest.yaml").read_text())
    manifest["documents"].append({"path": "literature/paper.json", "id_prefix": "pmid-", "kind": "literature",
                                  "status": "approved"})
    (root / "manifest.yaml").write_text(yaml.safe_dump(manifest))
    store = _store(tmp_path, embedder)
    assert ingest([root], store=store)[1] == 0
    a = Assistant(store=store).ask("What is the initial dose of warfarin sodium once daily?")
    assert a.status == "answered" and a.citations[0].source_type == "approved"
    if any(c.source_type == "literature" for c in a.citations):
        assert any("literature beside the approved labelling" in n for n in a.notices)
    answer, letter = draft_letter(Assistant(store=store), "What is the initial dose of warfarin sodium once daily?",
                                  "Dr. B", None)
    text = render(letter, "md").decode()
    summary = text.split("## Summary", 1)[1].split("##", 1)[0]
    assert "10 mg" not in summary
    for ref in letter.references:
        assert ref.text().startswith(("[Approved labelling]", "[Published literature]"))
    store.close()


def test_withdrawal_by_id_covers_every_alias_and_stays(tmp_path, embedder):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "note.md").write_text("# Warfarin storage\n\nStore warfarin tablets at 20 to 25 C.\n")
    entry = {"path": "note.md", "id": "note-a", "status": "approved", "product": "warfarin"}
    (docs / "manifest.yaml").write_text(yaml.safe_dump({"documents": [entry]}))
    store = _store(tmp_path, embedder)
    ingest([docs], store=store)
    entry["id"] = "note-b"  # the manifest renames the document
    (docs / "manifest.yaml").write_text(yaml.safe_dump({"documents": [entry]}))
    summary, _ = ingest([docs], store=store)
    cat = store.catalog
    assert summary["renamed"] == [{"from": "note-a", "to": "note-b"}]
    assert cat.document("note-a")["status"] == "withdrawn" and cat.aliases_of("note-b") == ["note-a"]
    assert set(cat.withdraw("note-a", "recalled")) == {"note-a", "note-b"}  # the alias names the document
    store.reconcile()
    assert not cat.current_chunks() and not store.index.ids()
    (docs / "note.md").write_text("# Warfarin storage\n\nStore warfarin tablets at 15 to 30 C.\n")
    summary, _ = ingest([docs], store=store)
    assert cat.document("note-b")["status"] == "withdrawn" and any("stays withdrawn" in n for n in summary["notes"])
    assert cat.reinstate("note-b") == "approved"
    store.close()


def test_orphans_are_listed_and_a_gone_file_can_still_be_withdrawn(tmp_path, embedder):
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("a.md", "b.md"):
        (docs / name).write_text(f"# Note {name}\n\nWarfarin note {name} for storage.\n")
    entries = [{"path": n, "id": n[0] + "-note", "status": "approved"} for n in ("a.md", "b.md")]
    (docs / "manifest.yaml").write_text(yaml.safe_dump({"documents": entries}))
    store = _store(tmp_path, embedder)
    ingest([docs], store=store)
    (docs / "a.md").unlink()
    (docs / "b.md").unlink()
    assert {d["doc_id"] for d in store.catalog.orphans()} == {"a-note", "b-note"}
    entries[1]["status"] = "withdrawn"  # an entry whose file is gone still withdraws its id
    (docs / "manifest.yaml").write_text(yaml.safe_dump({"documents": entries[1:]}))
    summary, _ = ingest([docs], store=store)
    assert "b-note" in summary["withdrawn"] and store.catalog.document("b-note")["status"] == "withdrawn"
    assert [d["doc_id"] for d in store.catalog.orphans()] == ["a-note"]
    store.close()


def test_one_bad_line_of_a_jsonl_file_loses_only_that_line(tmp_path, embedder):
    docs = tmp_path / "docs"
    docs.mkdir()
    lines = [json.dumps({"id": "1", "title": "One", "abstract": "Metformin lowers glucose."}), "{not json",
             json.dumps({"id": "3", "title": "Three", "abstract": "Lisinopril lowers blood pressure."})]
    (docs / "records.jsonl").write_text("\n".join(lines) + "\n")
    store = _store(tmp_path, embedder)
    summary, code = ingest([docs], store=store)
    assert code == 3 and len(summary["added"]) == 2
    assert any("line 2" in s["reason"] for s in summary["skipped"])
    store.close()


def test_the_store_is_readable_by_its_owner_only(tmp_path, embedder):
    store = _store(tmp_path, embedder)
    ingest([make_corpus(tmp_path, ["fda_acetaminophen_highlights_2025.pdf"])], store=store)
    assert stat.S_IMODE(store.data_dir.stat().st_mode) == 0o700
    for name in ("catalog.sqlite", "embeddings.sqlite"):
        assert not stat.S_IMODE((store.data_dir / name).stat().st_mode) & 0o077, name
    store.close()
