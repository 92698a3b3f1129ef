"""The sources MI teams hold: SPL labels (sections, versions, two current labels of one product), Word standard
responses, PubMed records, and bad input of each kind skipped with its reason while the rest ingests."""
from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest
from helpers import run_cli

from assistant.answering.assistant import Assistant
from assistant.settings import Settings
from ingest.pipeline import ingest
from ingest.store import Store

SPL = Path(__file__).parents[1] / "data" / "spl"
ORIG = "spl-c6e131fe-e7df-4876-83f7-9156fc4e8228"  # Pfizer, version 11, 2014
REPACK = "spl-17a163ef-b349-4e32-bc8c-b02bac7f65d6"  # PD-Rx, version 8, 2012 text


def _assistant(store: Store) -> Assistant:
    return Assistant(store=store, settings=Settings.load(store.data_dir))


@pytest.fixture(scope="module")
def labels(tmp_path_factory, embedder):
    docs = tmp_path_factory.mktemp("spl-docs")
    for name in ("lipitor-orig.xml", "lipitor-repack.xml", "cough.xml"):
        shutil.copy(SPL / name, docs / name)
    store = Store(tmp_path_factory.mktemp("spl-store"), embedder)
    summary, code = ingest([docs], store=store, approve=True)
    assert code == 0, summary["skipped"]
    return store


def test_spl_labels_ingest_by_set_id_with_their_sections(labels):
    cat = labels.catalog
    doc = cat.document(ORIG)
    assert doc["version"] == "11" and doc["effective"] == "2014-01-13" and doc["product"] == "atorvastatin"
    assert "lipitor" in doc["aliases"] and "Parke-Davis" in doc["title"]
    meta = cat.current_meta(ORIG)
    assert meta["attributes"]["set_id"] == "c6e131fe-e7df-4876-83f7-9156fc4e8228"
    assert meta["attributes"]["ndcs"] == ["0071-0155", "0071-0156", "0071-0157", "0071-0158"]
    sections = {r["section"] for r in cat.current_chunks() if r["doc_id"] == ORIG}
    assert "5 WARNINGS AND PRECAUTIONS > 5.1 Skeletal Muscle" in sections
    assert any(s.startswith("2 DOSAGE AND ADMINISTRATION > 2.6 ") for s in sections)
    # A table row is one line with its column headers.
    texts = [r["text"] for r in cat.current_chunks() if r["doc_id"] == ORIG]
    assert any(re.search(r"^Interacting Agents: Clarithromycin.*\| Prescribing Recommendations: Do not exceed 20 mg",
                         t, re.M) for t in texts)
    cough = cat.document("spl-00f66f25-3469-4c16-9baf-fba21e9628bd")
    assert cough["audience"] == "consumer" and cough["product"] == "diphenhydramine"


def test_a_fact_that_changed_is_answered_from_the_newer_label_with_the_difference_noted(labels):
    a = _assistant(labels).ask("What is the maximum Lipitor dose in patients taking boceprevir?")
    assert a.status == "answered", a.explanation
    first = a.citations[0]
    assert first.document_id == ORIG and "boceprevir" in first.quote and "40 mg" in first.quote
    assert all(c.document_id != REPACK for c in a.citations)
    # SPL has no pages: the citation names its section and position, offsets index the section's text.
    assert first.page == 0 and first.section_position and first.section_path.startswith("2 DOSAGE AND")
    src = labels.catalog.chunk(first.chunk_id)
    assert src["page_text"][first.start:first.end] == first.quote
    assert any("PD-Rx" in n and "differs" in n and first.section_path in n for n in a.notices), a.notices


def test_an_unchanged_section_cites_the_current_label_without_a_difference(labels):
    a = _assistant(labels).ask("What are the contraindications of Lipitor?")
    assert a.status == "answered", a.explanation
    assert {c.document_id for c in a.citations} == {ORIG}
    assert not any("differs" in n for n in a.notices), a.notices


def test_a_newer_version_of_the_same_set_supersedes_and_old_citations_say_so(tmp_path, embedder):
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(SPL / "lipitor-orig.xml", docs / "lipitor-orig.xml")
    store = Store(tmp_path / "store", embedder)
    assert ingest([docs], store=store, approve=True)[1] == 0
    old = _assistant(store).ask("What is the maximum Lipitor dose with boceprevir?").citations[0]
    # Version 12 of the same set id arrives as another file; an older version arriving later changes nothing.
    newer = (SPL / "lipitor-orig.xml").read_text().replace('<versionNumber value="11"/>',
                                                            '<versionNumber value="12"/>', 1)
    newer = newer.replace("therapy with LIPITOR should be limited to 40 mg", "therapy with LIPITOR should be "
                          "limited to 40 mg (test revision)")
    (docs / "lipitor-v12.xml").write_text(newer)
    summary, code = ingest([docs / "lipitor-v12.xml"], store=store, approve=True)
    assert code == 0 and summary["updated"] == [ORIG], summary
    assert store.catalog.document(ORIG)["version"] == "12"
    summary, code = ingest([docs / "lipitor-orig.xml"], store=store, approve=True)
    assert store.catalog.document(ORIG)["version"] == "12" and any("older than the current version 12" in n
                                                                   for n in summary["notes"]), summary
    store.close()
    code, out, _ = run_cli("source", old.chunk_id, data_dir=tmp_path / "store")
    assert code == 0 and "superseded" in out.lower() and "version 12" in out
    assert old.quote in out


def _docx(path: Path) -> None:
    import docx

    d = docx.Document()
    d.core_properties.title = "Zentorin and renal impairment"
    d.core_properties.author = "Medical Information EU"
    d.core_properties.version = "3.1"
    d.add_heading("Standard response: Zentorin in renal impairment", 0)
    d.add_heading("Summary", 1)
    d.add_paragraph("No dose adjustment of zentorin is needed in mild renal impairment.")
    d.add_heading("Dosing by kidney function", 1)
    d.add_heading("Severe renal impairment", 2)
    d.add_paragraph("In patients with a creatinine clearance below 30 mL/min the zentorin dose is 5 mg once daily.")
    t = d.add_table(rows=3, cols=2)
    for i, (a, b) in enumerate([("Creatinine clearance", "Zentorin dose"), ("30 to 60 mL/min", "10 mg once daily"),
                                ("below 30 mL/min", "5 mg once daily")]):
        t.cell(i, 0).text, t.cell(i, 1).text = a, b
    d.save(path)


def test_a_word_standard_response_is_cited_by_section_and_listed_when_due(tmp_path, embedder):
    docs = tmp_path / "docs"
    docs.mkdir()
    _docx(docs / "srd-zentorin.docx")
    (docs / "manifest.yaml").write_text(
        "documents:\n  - path: srd-zentorin.docx\n    id: srd-zentorin\n    product: zentorin\n"
        "    status: approved\n    owner: MI Renal Team\n    approval_date: 2025-01-10\n"
        "    review_date: 2000-01-01\n")
    store = Store(tmp_path / "store", embedder)
    assert ingest([docs], store=store)[1] == 0
    meta = store.catalog.current_meta("srd-zentorin")
    assert meta["version"] == "3.1" and meta["owner"] == "MI Renal Team" and meta["title"].startswith("Standard")
    a = _assistant(store).ask("What is the zentorin dose when creatinine clearance is below 30 mL/min?")
    assert a.status == "answered", a.explanation
    c = a.citations[0]
    assert c.document_id == "srd-zentorin" and c.page == 0 and c.section_position
    assert c.section_path == "Dosing by kidney function > Severe renal impairment" and "5 mg" in c.quote
    rows = [r["text"] for r in store.catalog.current_chunks()]
    assert any("Creatinine clearance: below 30 mL/min | Zentorin dose: 5 mg once daily" in t for t in rows)
    store.close()
    code, out, _ = run_cli("docs", "--due", "30d", "--json", data_dir=tmp_path / "store")
    assert code == 0 and [d["doc_id"] for d in out["documents"]] == ["srd-zentorin"]
    assert out["documents"][0]["owner"] == "MI Renal Team" and out["documents"][0]["overdue"]


PUBMED = """<?xml version="1.0"?>
<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2024//EN"
 "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_240101.dtd">
<PubmedArticleSet>{}</PubmedArticleSet>"""
ARTICLE = """<PubmedArticle><MedlineCitation><PMID Version="1">{pmid}</PMID><Article>
<Journal><JournalIssue><Volume>12</Volume><Issue>3</Issue><PubDate><Year>2021</Year></PubDate></JournalIssue>
<Title>Journal of Renal Pharmacology</Title><ISOAbbreviation>J Renal Pharmacol</ISOAbbreviation></Journal>
<ArticleTitle>{title}</ArticleTitle><Pagination><MedlinePgn>101-9</MedlinePgn></Pagination>
<Abstract><AbstractText Label="BACKGROUND">{background}</AbstractText>
<AbstractText Label="RESULTS">{results}</AbstractText></Abstract>
<AuthorList><Author><LastName>Okafor</LastName><Initials>CN</Initials></Author>
<Author><LastName>Lindqvist</LastName><Initials>E</Initials></Author></AuthorList></Article></MedlineCitation>
<PubmedData><ArticleIdList><ArticleId IdType="pubmed">{pmid}</ArticleId>
<ArticleId IdType="doi">10.1000/jrp.{pmid}</ArticleId></ArticleIdList></PubmedData></PubmedArticle>"""


def test_a_pubmed_file_yields_one_document_per_article_cited_with_pmid_and_doi(tmp_path, embedder):
    docs = tmp_path / "docs"
    docs.mkdir()
    arts = [ARTICLE.format(pmid="39000001", title="Velmorant clearance in haemodialysis",
                           background="Velmorant is renally cleared.",
                           results="Haemodialysis removed 42% of velmorant from plasma in 18 patients."),
            ARTICLE.format(pmid="39000002", title="Quenzapine and weight gain",
                           background="Quenzapine is an antipsychotic.",
                           results="Mean weight gain on quenzapine was 3.1 kg at 12 weeks."),
            ARTICLE.format(pmid="39000003", title="Torvaline in gout", background="Torvaline lowers urate.",
                           results="Flares fell by half in 60 patients on torvaline.")]
    (docs / "export.xml").write_text(PUBMED.format("".join(arts)))
    store = Store(tmp_path / "store", embedder)
    summary, code = ingest([docs], store=store, approve=True)
    assert code == 0 and len(summary["added"]) == 3, summary
    # The hand-set refusal rule: this test is about how an article is cited, not whether three made-up abstracts
    # look like a store the fitted model knows.
    a = Assistant(store=store, settings=Settings.load(store.data_dir, thresholds={"answerability": "rule"})).ask(
        "How much velmorant does haemodialysis remove from plasma?")
    assert a.status == "answered", a.explanation
    c = a.citations[0]
    assert c.source_type == "literature" and c.pmid == "39000001" and c.doi == "10.1000/jrp.39000001"
    assert c.reference == ("Okafor CN, Lindqvist E. Velmorant clearance in haemodialysis. J Renal Pharmacol. "
                           "2021;12(3):101-9. doi:10.1000/jrp.39000001. PMID: 39000001.")
    assert "RESULTS: Haemodialysis removed 42%" in store.catalog.chunk(c.chunk_id)["page_text"]
    # A letter's reference list cites the article the same way.
    from assistant.letters.compose import build, to_markdown

    assert c.reference in to_markdown(build(a))


BOMB = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>'
        '<Document><QAPair><Answer>&lol2;</Answer></QAPair></Document>')
XXE = ('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
       '<Document><QAPair><Answer>&x;</Answer></QAPair></Document>')


def test_bad_sources_are_skipped_with_their_reason_and_nothing_else_is_lost(tmp_path, embedder):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "broken.xml").write_text("<document xmlns='urn:hl7-org:v3'><setId root='x'/>")
    (docs / "bomb.xml").write_text(BOMB)
    (docs / "xxe.xml").write_text(XXE)
    (docs / "notzip.docx").write_bytes(b"this is not a zip archive")
    (docs / "encrypted.docx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    _docx(docs / "macro.docx")
    with zipfile.ZipFile(docs / "macro.docx", "a") as z:
        z.writestr("word/vbaProject.bin", b"\x00" * 64)
    shutil.copy(docs / "macro.docx", docs / "macro.docm")
    _docx(docs / "good.docx")
    store = Store(tmp_path / "store", embedder)
    summary, code = ingest([docs], store=store, approve=True)
    assert code == 3
    reasons = {Path(s["file"]).name: s["reason"] for s in summary["skipped"]}
    assert "invalid XML" in reasons["broken.xml"]
    assert "unsafe XML" in reasons["bomb.xml"] and "unsafe XML" in reasons["xxe.xml"]
    assert "not a zip" in reasons["notzip.docx"] and "encrypted" in reasons["encrypted.docx"]
    assert "macros" in reasons["macro.docx"] and "macro-enabled" in reasons["macro.docm"]
    assert len(summary["added"]) == 1 and store.catalog.document(summary["added"][0])["title"].startswith("Standard")


def test_the_printed_page_is_offered_only_while_the_cited_pdf_is_on_disk_unchanged(tmp_path, embedder):
    from helpers import make_corpus

    root = make_corpus(tmp_path, ["fda_acetaminophen_highlights_2025.pdf"])
    store = Store(tmp_path / "store", embedder)
    assert ingest([root], store=store)[1] == 0
    assistant = _assistant(store)
    chunk_id = store.catalog.current_chunks()[0]["chunk_id"]
    pdf = assistant.source(chunk_id)["pdf"]
    assert pdf["available"] and pdf["url"] == f"/v1/sources/{chunk_id}/pdf" and pdf["page"] >= 1
    path = root / "fda_labels" / "fda_acetaminophen_highlights_2025.pdf"
    path.write_bytes(path.read_bytes() + b"\n% another revision\n")
    assert "another revision" in assistant.source(chunk_id)["pdf"]["reason"]
    path.unlink()
    pdf = assistant.source(chunk_id)["pdf"]
    assert not pdf["available"] and "no longer on disk" in pdf["reason"]
