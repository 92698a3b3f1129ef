"""Products from the documents: a label ingested without a manifest is found by its brand and generic
names, and consumer wording (brand names, misspellings) reaches the right drug's label."""
from __future__ import annotations

import shutil

import pytest
from helpers import LABELS

from assistant.answering.assistant import Assistant
from assistant.settings import Settings
from ingest.pipeline import ingest
from ingest.store import Store


@pytest.fixture(scope="module")
def unmanifested(tmp_path_factory, embedder):
    """Two bundled labels copied without their manifest entries: nothing but the PDFs."""
    docs = tmp_path_factory.mktemp("unmanifested")
    for name in ("fda_lisinopril_highlights_2025.pdf", "fda_warfarin_label_2025.pdf"):
        shutil.copy(LABELS / name, docs / name)
    data = tmp_path_factory.mktemp("unmanifested-store")
    store = Store(data, embedder)
    summary, code = ingest([docs], store=store)
    assert code == 0, summary["skipped"]
    return store


def test_a_label_without_a_manifest_knows_its_product(unmanifested):
    docs = {d["product"]: d for d in unmanifested.catalog.documents()}
    assert set(docs) == {"lisinopril", "warfarin"}
    assert "zestril" in docs["lisinopril"]["aliases"] and "coumadin" in docs["warfarin"]["aliases"]
    for d in docs.values():
        assert len(d["title"]) > 8 and not d["title"].strip().isdigit() and d["origin"] == "file"


@pytest.mark.parametrize("question, product", [
    ("What is the recommended starting dose of Zestril for hypertension?", "lisinopril"),
    ("Can Coumadin cause bleeding?", "warfarin"),
    ("what is the starting dose of lisinoprill", "lisinopril"),
])
def test_brand_names_and_misspellings_reach_the_label(unmanifested, question, product):
    a = Assistant(store=unmanifested, settings=Settings.load(unmanifested.data_dir, include_unreviewed=True))
    answer = a.ask(question)
    assert answer.status == "answered", answer.explanation
    docs = {d["doc_id"]: d["product"] for d in unmanifested.catalog.documents()}
    assert docs[answer.citations[0].document_id] == product


@pytest.mark.parametrize("question, product", [
    ("How much Tylenol can an adult take in a day?", "acetaminophen"),
    ("Is it safe to take Advil on an empty stomach?", "ibuprofen"),
    ("Can I take amoxicilin if I am allergic to penicillin?", "amoxicillin"),
    ("What are the side effects of Lipitor?", "atorvastatin"),
    # Named only by the brand, with words that abstracts about sleep and pain share: the label is searched under its
    # catalogue name, and a refusal points to it rather than to the abstracts.
    ("Would Tylenol be good for pain that wakes me at night?", "acetaminophen"),
    ("Is Tylenol all right for a sore back after sleeping badly?", "acetaminophen"),
])
def test_consumer_brand_names_reach_the_right_label_of_the_bundled_corpus(assistant, question, product):
    # The right label is found whether or not its text answers the question (answerability decides that).
    answer = assistant.ask(question)
    by_id = {d["doc_id"]: d["product"] for d in assistant.store.catalog.documents()}
    first = answer.citations[0].document_id if answer.citations else answer.closest_documents[0].document_id
    assert by_id[first] == product, (answer.status, answer.explanation)
    assert all(by_id[r.document_id] == product for r in answer.retrieved[:3])


def test_a_drug_without_a_label_is_answered_from_the_interactions_of_the_product_named(assistant):
    # Regression on a bundled label (seen there; the mechanism is tested on made-up names in
    # tests/unit/test_unlabelled_pair.py): a clinical trial's table of aspirin and warfarin arms had led.
    answer = assistant.ask("Can warfarin and aspirin be taken together?")
    assert answer.status == "answered", answer.explanation
    first = answer.citations[0]
    assert first.section.startswith("7") and "aspirin" in first.quote.lower(), (first.section, first.quote)
