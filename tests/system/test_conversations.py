"""Conversations and requester types over the real server: follow-ups resolved from earlier turns (over /v1/ask
with a conversation id, and through the openai SDK with the message history), a new drug resetting the product,
a consumer getting no off-label content, and the audit holding the raw and resolved questions."""
from __future__ import annotations

import uuid

import httpx
from helpers import h

WARFARIN = {"warfarin-amneal-2022", "warfarin-goldenstate-2022"}


def _ask(server, key, question, **extra) -> dict:
    r = httpx.post(server.url + "/v1/ask", json={"question": question, **extra}, headers=h(key), timeout=60)
    assert r.status_code == 200, r.text
    return r.json()


def test_a_three_turn_conversation_resolves_follow_ups_and_cites_accordingly(api):
    server, keys = api
    conv = uuid.uuid4().hex[:12]
    first = _ask(server, keys["physician"], "What is the recommended initial dose of warfarin?", conversation_id=conv)
    assert first["status"] == "answered" and first["resolved_question"] is None
    assert first["requester_type"] == "hcp" and first["profession"] == "physician"
    second = _ask(server, keys["physician"], "and in elderly patients?", conversation_id=conv)
    assert second["resolved_question"] == "What is the recommended initial dose of warfarin in elderly patients?"
    assert second["status"] == "answered" and second["citations"][0]["document_id"] in WARFARIN
    assert any("elderly" in c["quote"].lower() for c in second["citations"])
    third = _ask(server, keys["physician"], "Does it interact with vitamin K?", conversation_id=conv)
    assert third["resolved_question"] == "Does warfarin interact with vitamin K?"
    assert third["citations"][0]["document_id"] in WARFARIN
    assert any("vitamin k" in c["quote"].lower() for c in third["citations"])
    # The conversation is the caller's own: listed for them, unknown to another key.
    turns = httpx.get(server.url + f"/v1/conversations/{conv}", headers=h(keys["physician"])).json()["turns"]
    assert [t["raw"] for t in turns] == ["What is the recommended initial dose of warfarin?",
                                         "and in elderly patients?", "Does it interact with vitamin K?"]
    assert turns[1]["resolved"] == second["resolved_question"]
    other = httpx.post(server.url + "/v1/ask", json={"question": "and in children?", "conversation_id": conv},
                       headers=h(keys["msl"]), timeout=60)
    assert other.status_code == 422 and "no conversation" in other.text
    assert httpx.get(server.url + f"/v1/conversations/{conv}", headers=h(keys["msl"])).status_code == 404
    # The audit record holds the raw question, the resolved one and who it was for.
    rec = httpx.get(server.url + f"/v1/audit/{second['trace_id']}", headers=h(keys["reviewer"])).json()
    assert rec["question"] == "and in elderly patients?"
    assert rec["context"]["resolved_question"] == second["resolved_question"]
    assert rec["context"]["conversation_id"] == conv and rec["context"]["requester_type"] == "hcp"


def test_a_follow_up_naming_a_new_drug_resets_the_product(api):
    server, keys = api
    conv = uuid.uuid4().hex[:12]
    _ask(server, keys["physician"], "What are the contraindications of atorvastatin?", conversation_id=conv)
    switched = _ask(server, keys["physician"], "and for lisinopril?", conversation_id=conv)
    assert switched["resolved_question"] == "What are the contraindications of lisinopril?"
    assert switched["citations"][0]["document_id"] == "lisinopril-legacy-2021"
    after = _ask(server, keys["physician"], "Can it cause a cough?", conversation_id=conv)
    assert after["resolved_question"] == "Can lisinopril cause a cough?"
    assert {c["document_id"] for c in after["citations"]} == {"lisinopril-legacy-2021"}


def test_openai_sdk_sends_the_history_and_follow_ups_are_resolved(api):
    from openai import OpenAI

    server, keys = api
    client = OpenAI(base_url=server.url + "/v1", api_key=keys["physician"], max_retries=0)
    first = client.chat.completions.create(model="medinfo", messages=[
        {"role": "user", "content": "Can warfarin be used during pregnancy?"}])
    messages = [{"role": "user", "content": "Can warfarin be used during pregnancy?"},
                {"role": "assistant", "content": first.choices[0].message.content},
                {"role": "user", "content": "and while breastfeeding?"}]
    done = client.chat.completions.create(model="medinfo", messages=messages)
    extra = done.model_extra["medinfo"]
    # The population named in the follow-up replaces the earlier one.
    assert extra["resolved_question"] == "Can warfarin be used while breastfeeding?"
    assert done.choices[0].message.content.startswith("Answering: ")
    assert extra["status"] == "answered" and extra["citations"][0]["document_id"] in WARFARIN
    messages += [{"role": "assistant", "content": done.choices[0].message.content},
                 {"role": "user", "content": "Does it interact with vitamin K?"}]
    third = client.chat.completions.create(model="medinfo", messages=messages).model_extra["medinfo"]
    assert third["resolved_question"] == "Does warfarin interact with vitamin K?"


def test_a_consumer_gets_no_off_label_content_and_plain_notices(api):
    server, keys = api
    off = _ask(server, keys["consumer"], "Is metformin effective for polycystic ovary syndrome?")
    assert off["status"] == "refused" and not off["citations"] and off["requester_type"] == "consumer"
    assert "doctor or pharmacist" in off["answer"]
    # The same question from a physician is answered from literature, marked off-label.
    hcp = _ask(server, keys["physician"], "Is metformin effective for polycystic ovary syndrome?")
    assert hcp["status"] == "answered" and hcp["flags"]["off_label"]
    on = _ask(server, keys["consumer"], "What should I know about taking ibuprofen for a headache?")
    assert on["requester_type"] == "consumer"
    assert any("doctor or pharmacist" in n for n in on["notices"])
    # A physician's key may ask as a consumer; it may not ask as internal.
    as_consumer = _ask(server, keys["physician"], "Is metformin effective for polycystic ovary syndrome?",
                       requester_type="consumer")
    assert as_consumer["status"] == "refused"
    r = httpx.post(server.url + "/v1/ask", json={"question": "warfarin dose", "requester_type": "internal"},
                   headers=h(keys["physician"]), timeout=30)
    assert r.status_code == 422 and "may not ask as" in r.text


def test_reviewers_publish_and_withdraw_standard_responses_over_the_api(api):
    server, keys = api
    a = _ask(server, keys["physician"], "Can lisinopril cause angioedema?")
    body = {"trace_id": a["trace_id"], "owner": "MI cardiovascular", "variants": ["Does lisinopril cause angioedema?"],
            "review_date": "2027-06-30"}
    assert httpx.post(server.url + "/v1/faq", json=body, headers=h(keys["physician"])).status_code == 403
    assert httpx.get(server.url + "/v1/faq", headers=h(keys["msl"])).status_code == 403
    r = httpx.post(server.url + "/v1/faq", json=body, headers=h(keys["reviewer"]), timeout=120)
    assert r.status_code == 200, r.text
    faq_id = r.json()["id"]
    again = _ask(server, keys["physician"], "Does lisinopril cause angioedema?")
    assert again["citations"][0]["document_id"] == faq_id and again["citations"][0]["underlying"]
    listed = httpx.get(server.url + "/v1/faq", headers=h(keys["reviewer"])).json()["entries"]
    assert [e["id"] for e in listed] == [faq_id] and listed[0]["owner"] == "MI cardiovascular"
    bad = httpx.post(server.url + "/v1/faq", json=body | {"text": "Lisinopril is safe."}, headers=h(keys["admin"]))
    assert bad.status_code == 422 and "cites none" in bad.text
    assert httpx.delete(server.url + f"/v1/faq/{faq_id}", headers=h(keys["admin"])).status_code == 200
    after = _ask(server, keys["physician"], "Does lisinopril cause angioedema?")
    assert all(c["document_id"] != faq_id for c in after["citations"])
