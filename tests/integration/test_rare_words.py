"""A question about a word few passages hold (a gene, a trial, a brand name) is answered from the passage that holds
it, not from the pages on the common words around it: the dense model has never seen "ZKRN4" and ranks the obesity
pages first. The rare-word ranking is on by default (retrieval.rare 0.7; 0 turns it off). Pages and abstracts written
for these tests (a made-up gene; no rule was tuned on them)."""
from __future__ import annotations

import pytest
from helpers import jsonl_corpus

from assistant.answering.assistant import Assistant
from assistant.settings import Settings
from ingest.pipeline import ingest
from ingest.store import Store

PAGES = [
    ("obesity", "Obesity", "Obesity means having too much body fat. Obesity raises the risk of diabetes, heart disease "
     "and some cancers. A body mass index of 30 or more is called obesity."),
    ("obesity-causes", "Obesity (Causes)", "Obesity is caused by eating more calories than you burn. Genes, sleep, "
     "stress and some medicines can also lead to obesity."),
    ("obesity-treatment", "Obesity (Treatment)", "Obesity is treated with a healthy diet, more physical activity and "
     "sometimes medicines or surgery. Losing even a little weight helps."),
    ("overweight", "Overweight and obesity", "Obese parents can affect whether their children become overweight or "
     "obese. Research on obesity continues to find new ways to prevent it."),
    ("obesity-children", "Obesity in children", "Children with obesity are more likely to have obesity as adults. "
     "Families can help children eat well and stay active."),
]
ABSTRACTS = [
    ("pmid-1", "Adipocytes of mice fed a high-fat diet expressed more ZKRN4, and ZKRN4 knockout mice gained less "
     "weight and fat mass than their littermates."),
    ("pmid-2", "Variants near the FTO gene were associated with body mass index in a cohort of 8,000 adults."),
    ("pmid-3", "Sleep restriction for five nights increased appetite and calorie intake in healthy volunteers."),
]


@pytest.fixture(scope="module")
def store(tmp_path_factory, embedder):
    docs = tmp_path_factory.mktemp("rare-docs")
    jsonl_corpus(docs, {
        "pages.jsonl": ([{"id": i, "title": t, "text": f"{t}: {x}"} for i, t, x in PAGES],
                        {"kind": "approved", "audience": "consumer"}),
        "papers.jsonl": ([{"id": i, "title": f"PubMed {i}", "text": x} for i, x in ABSTRACTS], {"kind": "literature"})})
    s = Store(tmp_path_factory.mktemp("rare-store"), embedder)
    summary, code = ingest([docs], store=s)
    assert code == 0, summary["skipped"]
    return s


def _ask(store: Store, question: str, **retrieval):
    assistant = Assistant(store=store, settings=Settings.load(store.data_dir, thresholds={"answerability": "rule"},
                                                              retrieval=retrieval))
    return assistant.ask(question)


def test_the_passage_holding_the_rare_word_answers(store):
    a = _ask(store, "Is ZKRN4 associated with obesity?")
    assert a.status == "answered", a.explanation
    assert a.citations[0].document_id == "pmid-1", [c.document_id for c in a.citations]


def test_without_the_rare_word_ranking_the_topic_pages_crowd_it_out(store):
    # turned off (retrieval.rare = 0): the five obesity pages (one titled with the question's word) fill the passages
    # read, and the abstract is not cited first
    a = _ask(store, "Is ZKRN4 associated with obesity?", rare=0.0)
    assert not a.citations or a.citations[0].document_id != "pmid-1", [c.document_id for c in a.citations]
