"""The boost for a document whose title the question names goes to its best-ranked passage only: a long consumer page
titled with one word of the question ("Varnoditis") must not fill every place before the abstracts that answer.
Written for this test (a made-up condition; no rule was tuned on it)."""
from __future__ import annotations

import pytest
from helpers import jsonl_corpus

from assistant.answering.assistant import Assistant
from assistant.settings import Settings
from ingest.pipeline import ingest
from ingest.store import Store

PARAGRAPHS = [
    "Varnoditis is swelling of the lining of the nasal passages and the spaces around them. It often follows a cold "
    "and usually clears within two to three weeks without treatment. Many people have varnoditis at least once a year.",
    "Symptoms of varnoditis include a blocked or runny nose, pressure around the eyes and cheeks, a reduced sense of "
    "smell, and thick discharge. Some people also have a mild fever, tiredness or toothache in the upper jaw.",
    "You are more likely to get varnoditis if you have hay fever, nasal polyps, a deviated septum, or if you smoke. "
    "Children who attend day care are exposed to more colds and so have varnoditis more often.",
    "Varnoditis is diagnosed from the symptoms and an examination of the nose. Imaging is seldom needed, but a scan "
    "may be done if symptoms last longer than twelve weeks or keep coming back.",
    "Most varnoditis gets better with rest, fluids, saline rinses and pain relievers. Decongestant sprays can help "
    "for a few days but should not be used for longer than three days in a row.",
    "See a doctor if varnoditis lasts more than ten days, if you have a high fever, severe headache, swelling around "
    "the eyes, or if symptoms get better and then worse again.",
    "To lower the chance of varnoditis, wash your hands often, avoid cigarette smoke, treat allergies, and use a "
    "humidifier if the air in your home is dry.",
]
ABSTRACTS = [
    ("pmid-1", "Meningeal cystoma is a rare complication of varnoditis in children; we report six cases treated "
     "with surgical drainage and antibiotics."),
    ("pmid-2", "Intracranial complications of varnoditis include meningeal cystoma, brain abscess and venous "
     "thrombosis, and need urgent imaging."),
]
QUESTION = "Is meningeal cystoma a complication of varnoditis?"


@pytest.fixture(scope="module")
def store(tmp_path_factory, embedder):
    docs = tmp_path_factory.mktemp("focus-docs")
    jsonl_corpus(docs, {
        "page.jsonl": ([{"id": "varnoditis", "title": "Varnoditis", "text": "\n\n".join(PARAGRAPHS)}],
                       {"kind": "approved", "audience": "consumer"}),
        "papers.jsonl": ([{"id": i, "title": f"PubMed {i}", "text": x} for i, x in ABSTRACTS],
                         {"kind": "literature"})})
    s = Store(tmp_path_factory.mktemp("focus-store"), embedder)
    summary, code = ingest([docs], store=s)
    assert code == 0, summary["skipped"]
    return s


def _top(store: Store, **retrieval) -> list[str]:
    assistant = Assistant(store=store, settings=Settings.load(store.data_dir, retrieval=retrieval))
    return [h.passage.doc_id for h in assistant.inspect(QUESTION)["hits"]]


def test_the_abstracts_that_answer_come_before_the_rest_of_the_page_titled_with_a_word_of_the_question(store):
    ranked = _top(store)
    assert ranked.count("varnoditis") >= 2  # the page is long: several of its passages are retrieved
    # its best passage keeps the boost; both abstracts come before its other passages
    assert {"pmid-1", "pmid-2"} <= set(ranked[:3]), ranked


def test_boosting_every_passage_of_the_titled_page_puts_them_all_first(store):
    ranked = _top(store, focus_chunks=1000)
    assert ranked[0] == "varnoditis" and ranked[1] == "varnoditis", ranked
