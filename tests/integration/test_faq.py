"""Standard responses published from audited answers: the next similar question is answered from the entry (which
carries its own sources), an edit is a new version, every sentence must stay cited, withdrawing takes it out."""
from __future__ import annotations

import pytest

from assistant import faq
from assistant.answering.assistant import Assistant
from ingest.store import Store

QUESTION = "What is the recommended starting dose of warfarin?"
VARIANT = "How much warfarin should a patient start on?"


@pytest.fixture()
def published(two_labels, embedder):
    store = Store(two_labels, embedder)
    a = Assistant(store=store)
    ans = a.ask(QUESTION)
    assert ans.status == "answered"
    out = faq.publish(store, a.records, ans.trace_id, variants=[VARIANT], owner="MI cardiology",
                      review_date="2027-06-01", expiry="2028-01-01")
    yield a, ans, out
    store.close()


def test_a_published_answer_answers_the_next_similar_question_with_its_sources(published):
    a, ans, out = published
    assert out["version"] == "1" and out["sources"] >= 1
    b = a.ask(VARIANT)
    assert b.status == "answered" and b.citations[0].document_id == out["id"]
    under = b.citations[0].underlying
    assert under and all(u["document_id"].startswith("warfarin") and u["quote"] for u in under)
    assert under[0]["quote"] in {c.quote for c in ans.citations}
    meta = a.store.catalog.current_meta(out["id"])
    assert meta["owner"] == "MI cardiology" and meta["review_date"] == "2027-06-01" and meta["status"] == "approved"


def test_an_edit_is_a_new_version_and_every_sentence_must_stay_cited(published):
    a, ans, out = published
    first = ans.answer.splitlines()[0]
    again = faq.publish(a.store, a.records, ans.trace_id, text=first, variants=[VARIANT], owner="MI cardiology",
                        faq_id=out["id"])
    assert again["version"] == "2" and a.store.catalog.document(out["id"])["version"] == "2"
    with pytest.raises(faq.FaqError, match="cites none"):
        faq.publish(a.store, a.records, ans.trace_id, text=first + "\nWarfarin is the best anticoagulant.",
                    owner="x", faq_id=out["id"])
    with pytest.raises(faq.FaqError, match="not a source"):
        faq.publish(a.store, a.records, ans.trace_id, text="Start with 2 to 5 mg [99]", owner="x")


def test_withdrawing_takes_the_entry_out_of_answers(published):
    a, _, out = published
    assert faq.withdraw(a.store, out["id"]) == [out["id"]]
    b = a.ask(VARIANT)
    assert all(c.document_id != out["id"] for c in b.citations)
    assert [e["status"] for e in faq.entries(a.store)] == ["withdrawn"]
