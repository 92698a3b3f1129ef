"""Loaders for each supported format yield documents with pages; chunk offsets index those pages."""
from __future__ import annotations

import json

import pytest
from helpers import CORPUS, ROOT

from ingest.chunking import chunk_document
from ingest.loaders import LoadError, load
from ingest.text import sentence_spans
from ingest.types import Document, DocumentMeta

MEDQUAD = ROOT / "tests" / "data" / "medquad_0000001_1.xml"


def _chunks(loaded, doc_id="d"):
    doc = Document(DocumentMeta(id=doc_id, title=loaded.title).validate(), loaded.pages, "x", loaded.sha256)
    chunks = chunk_document(doc)
    for c in chunks:
        assert doc.pages[c.page - 1].text[c.start:c.end] == c.text
    return chunks


def test_markdown_and_text(tmp_path):
    md = tmp_path / "note.md"
    md.write_text("# Storage of tablets\n\nStore at 20 to 25 C. Keep the bottle closed.\n\f# Page two\n\nMore.\n")
    [loaded] = load(md)
    assert loaded.title == "Storage of tablets" and len(loaded.pages) == 2
    assert _chunks(loaded)


def test_html_text_without_markup(tmp_path):
    html = tmp_path / "page.html"
    html.write_text("<html><head><title>Dosing</title><style>p{}</style></head><body><h1>Dosing</h1>"
                    "<p>Take one tablet &amp; water.</p><script>x()</script><ul><li>Adults: 1 tablet.</li></ul></body>")
    [loaded] = load(html)
    assert loaded.title == "Dosing"
    text = loaded.pages[0].text
    assert "Take one tablet & water." in text and "x()" not in text and "p{}" not in text
    assert _chunks(loaded)


def test_pubmedqa_json_gives_one_document_per_abstract():
    docs = load(CORPUS / "literature" / "pubmedqa_dev.json")
    assert len(docs) == 500
    d = next(x for x in docs if x.key == "10808977")
    assert "telephone counseling" in d.pages[0].text and d.pages[0].text.rstrip().endswith(".")
    assert "CONCLUSIONS:" in d.pages[0].text
    assert "Can tailored interventions" not in d.pages[0].text  # the question is not part of the document
    assert _chunks(d)


def test_jsonl_records(tmp_path):
    f = tmp_path / "abstracts.jsonl"
    f.write_text("\n".join(json.dumps(r) for r in [
        {"id": "a1", "title": "Trial A", "abstract": "Drug A lowered LDL-C by 40%. It was well tolerated."},
        {"id": "a2", "title": "Trial B", "abstract": ["Background.", "Drug B reduced events."]}]))
    docs = load(f)
    assert [d.key for d in docs] == ["a1", "a2"] and docs[1].pages[0].text == "Background.\nDrug B reduced events."


def test_medquad_xml_answers_become_pages():
    [loaded] = load(MEDQUAD)
    assert loaded.title == "Adult Acute Lymphoblastic Leukemia"
    assert len(loaded.pages) >= 5 and loaded.pages[0].heading.startswith("Adult Acute Lymphoblastic Leukemia (")
    chunks = _chunks(loaded)
    assert chunks[0].section.startswith("Adult Acute Lymphoblastic Leukemia")


def test_medquad_style_xml_from_a_file_we_write(tmp_path):
    f = tmp_path / "topic.xml"
    f.write_text('<?xml version="1.0"?><Document id="1" url="https://example.org/t"><Focus>Gout</Focus><QAPairs>'
                 '<QAPair pid="1"><Question qtype="treatment">How to treat gout?</Question>'
                 '<Answer>Colchicine and NSAIDs treat flares.</Answer></QAPair></QAPairs></Document>')
    [loaded] = load(f)
    assert loaded.pages[0].text == "Colchicine and NSAIDs treat flares." and loaded.extra["source"].endswith("/t")


def test_unsupported_and_invalid_files(tmp_path):
    (tmp_path / "x.pptx").write_bytes(b"PK..")
    with pytest.raises(LoadError, match="unsupported"):
        load(tmp_path / "x.pptx")
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(LoadError, match="invalid JSON"):
        load(tmp_path / "bad.json")
    (tmp_path / "bad.xml").write_text("<Document><Focus>")
    with pytest.raises(LoadError, match="invalid XML"):
        load(tmp_path / "bad.xml")


def test_sentence_spans_do_not_cut_inside_references_or_abbreviations():
    text = ("Consider lower doses in Asian patients [see \nUse in Specific Populations (8.5)\n]. Routine use "
            "of loading doses is not recommended, e.g. in the elderly. The U.S. label says so.\nCONTRAINDICATIONS\n"
            "Pregnancy ( \n4\n)\nHemorrhagic tendencies ( \n4\n)")
    spans = [text[s:e] for s, e in sentence_spans(text)]
    assert spans[0].startswith("Consider") and spans[0].endswith("].")
    assert spans[1] == "Routine use of loading doses is not recommended, e.g. in the elderly."
    assert spans[2] == "The U.S. label says so."
    assert spans[3] == "CONTRAINDICATIONS"
    assert spans[4] == "Pregnancy ( \n4\n)" and spans[5] == "Hemorrhagic tendencies ( \n4\n)"


def test_a_line_that_starts_with_the_sentences_verb_continues_the_line_before():
    # a product name set in bold on its own line, then the rest of its sentence (written after a label's How
    # Supplied); a Drug Facts panel whose bullets were lost keeps its items apart
    text = ("Zorvex Tablets, 10 mg\n are supplied as white to off-white, round\nfilm-coated tablets debossed with "
            "'Z10' on one side and plain on the other side.\nStop use and ask a doctor if\nyou feel faint\n"
            "symptoms do not get better\nredness or swelling is present")
    spans = [" ".join(text[s:e].split()) for s, e in sentence_spans(text)]
    assert spans[0] == ("Zorvex Tablets, 10 mg are supplied as white to off-white, round film-coated tablets "
                        "debossed with 'Z10' on one side and plain on the other side."), spans
    assert spans[-3:] == ["you feel faint", "symptoms do not get better", "redness or swelling is present"], spans
