"""Consumer-health pages are headed by their titles alone ("Varnell disease (Prevention)"): a page whose title
names the section asked for and the subject asked about is retrieved as that section, while a page about another
subject with the same kind of title is not. Pages and abstracts written for these tests (made-up diseases; no rule
was tuned on them)."""
from __future__ import annotations

import pytest
from helpers import jsonl_corpus

from assistant.answering.assistant import Assistant
from assistant.settings import Settings
from ingest.pipeline import ingest
from ingest.store import Store

GENERAL = ("Varnell disease is an infection of the skin caused by a fungus that lives in soil. Varnell disease is "
           "most common in gardeners and farm workers. Varnell disease causes a slowly growing red patch that may "
           "itch. Varnell disease can spread to the lungs in people with a weak immune system. Doctors confirm "
           "Varnell disease with a skin scraping looked at under a microscope. Varnell disease is treated with "
           "antifungal creams for several weeks.")
OUTCOME = ("Most people with Varnell disease recover fully. Varnell disease rarely comes back after treatment. "
           "Varnell disease that reaches the lungs needs hospital care.")
PREVENTION = ("Wear gloves when you handle soil or plants. Wash your hands and arms with soap after gardening. "
              "Cover cuts and scratches before working outdoors.")
SYMPTOMS = {name: f"Symptoms of {name} syndrome are: - {a} - {b} - Tiredness" for name, a, b in (
    ("Tamsley", "Joint pain", "Blurred vision"), ("Kerrow", "Skin rash", "Fever"), ("Dunmore", "Hearing loss", "Cough"),
    ("Pellick", "Muscle cramps", "Headache"), ("Asgard", "Weight loss", "Night sweats"))}
ABSTRACT = ("Orbeck syndrome is a rare inherited disorder of the adrenal glands. Patients with Orbeck syndrome "
            "present with dry eyes, difficulty swallowing and low cortisol in childhood.")


@pytest.fixture(scope="module")
def pages(tmp_path_factory, embedder):
    docs = tmp_path_factory.mktemp("pages-docs")
    rows = [("varnell", "Varnell disease", GENERAL), ("varnell-outlook", "Varnell disease (Outlook)", OUTCOME),
            ("varnell-prevention", "Varnell disease (Prevention)", PREVENTION)]
    rows += [(f"{name.lower()}-symptoms", f"{name} syndrome (Symptoms)", text) for name, text in SYMPTOMS.items()]
    jsonl_corpus(docs, {
        "pages.jsonl": ([{"id": i, "title": t, "text": f"{t}: {x}"} for i, t, x in rows],
                        {"kind": "approved", "audience": "consumer"}),
        "papers.jsonl": ([{"id": "pmid-9", "title": "PubMed PMID 9", "text": ABSTRACT}], {"kind": "literature"})})
    store = Store(tmp_path_factory.mktemp("pages-store"), embedder)
    summary, code = ingest([docs], store=store)
    assert code == 0, summary["skipped"]
    return Assistant(store=store, settings=Settings.load(store.data_dir))


def test_a_page_titled_with_the_section_asked_for_is_retrieved_as_that_section(pages):
    # The general page names the disease six times and the prevention page not once in its body: only its title
    # "(Prevention)" says it answers "how to prevent"
    hits = pages.retriever.search("How can I prevent Varnell disease?", k=2,
                                  filters=pages.inspect("How can I prevent Varnell disease?")["scope"].filters)
    assert hits[0].passage.doc_id == "varnell-prevention", [h.passage.doc_id for h in hits]


def test_a_page_about_another_subject_is_not_the_section_asked_for(pages):
    # "Tamsley syndrome (Symptoms)" and its like are symptoms pages, but not of Orbeck syndrome: the abstract answers
    # (the title test itself: tests/unit/test_answer_order.py)
    a = pages.ask("What are the symptoms of Orbeck syndrome?")
    assert a.status == "answered", a.explanation
    assert a.citations[0].document_id == "pmid-9", [c.document_id for c in a.citations]
