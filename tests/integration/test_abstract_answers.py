"""An answer from an abstract reads as an answer: its finding leads rather than the aim that restates the question,
and an abbreviation the abstracts define counts as the words it stands for. Abstracts written for these tests (no
rule was tuned on them)."""
from __future__ import annotations

import pytest
from helpers import jsonl_corpus

from assistant.answering.assistant import Assistant
from assistant.settings import Settings
from ingest.pipeline import ingest
from ingest.store import Store

ABSTRACTS = [
    ("pmid-11", "BACKGROUND AND AIMS: The aim of this study was to assess whether transcranial magnetic stimulation of "
     "the temporal cortex reduces tinnitus loudness in adults. METHODS: Forty adults with chronic tinnitus received "
     "ten sessions of active or sham stimulation. RESULTS: Loudness ratings fell by 30% after active stimulation "
     "and by 5% after sham stimulation. CONCLUSIONS: Transcranial stimulation lowered tinnitus loudness more than "
     "sham, and the benefit lasted three months."),
    ("pmid-12", "Cognitive behavioural therapy reduced tinnitus distress in a randomised trial of 120 adults, while "
     "loudness ratings did not change."),
    ("pmid-21", "BACKGROUND: The aim of this study was to describe cryoballoon pulmonary vein isolation (CPVI) in "
     "elderly patients with atrial fibrillation. METHODS: We reviewed the records of 300 patients treated between "
     "2015 and 2020."),
    ("pmid-22", "RESULTS: CPVI was performed in 120 patients older than 75 years. CONCLUSIONS: CPVI was safe in "
     "elderly patients, with complications as rare as in younger ones."),
    ("pmid-23", "Radiofrequency ablation of atrial fibrillation in patients over 80 years carried a 4% risk of "
     "pericardial effusion."),
]


@pytest.fixture(scope="module")
def store(tmp_path_factory, embedder):
    docs = tmp_path_factory.mktemp("abstract-docs")
    jsonl_corpus(docs, {"papers.jsonl": ([{"id": i, "title": f"PubMed {i}", "text": x} for i, x in ABSTRACTS],
                                         {"kind": "literature"})})
    s = Store(tmp_path_factory.mktemp("abstract-store"), embedder)
    summary, code = ingest([docs], store=s)
    assert code == 0, summary["skipped"]
    return s


def _ask(store: Store, question: str):
    assistant = Assistant(store=store, settings=Settings.load(store.data_dir, thresholds={"answerability": "rule"}))
    return assistant.ask(question)


def test_the_abstracts_conclusion_leads_before_its_aim(store):
    a = _ask(store, "Does transcranial magnetic stimulation reduce tinnitus loudness?")
    assert a.status == "answered", a.explanation
    assert a.citations[0].document_id == "pmid-11"
    assert a.answer.lstrip("- ").startswith("CONCLUSIONS: Transcranial stimulation lowered"), a.answer
    assert "The aim of this study" not in a.answer.split("[1]")[0]


def test_an_abbreviation_counts_as_the_words_it_stands_for(store):
    # pmid-22 says only "CPVI"; pmid-21 defines it, and repeats the question's words in its aim
    a = _ask(store, "Is cryoballoon pulmonary vein isolation safe in the elderly?")
    assert a.status == "answered", a.explanation
    assert a.citations[0].document_id == "pmid-22", a.answer
