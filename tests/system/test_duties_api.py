"""Medical-information duties over HTTP: letters by role, safety reports, redaction before the audit log."""
from __future__ import annotations

import io

import httpx
import pypdf
from docx import Document
from helpers import h, run_cli


def test_letter_api_roles_and_content(api):
    server, keys = api
    body = {"question": "Can ciprofloxacin cause tendon rupture?", "format": "pdf", "requester": "Dr. Ade"}
    assert httpx.post(server.url + "/v1/letters", json=body, headers=h(keys["physician"])).status_code == 403
    r = httpx.post(server.url + "/v1/letters", json=body, headers=h(keys["msl"]), timeout=60)
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert r.headers["content-disposition"].endswith('.pdf"') and r.headers["x-medinfo-status"] == "answered"
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(r.content)).pages)
    assert "tendon rupture" in text and "Dear Dr. Ade," in " ".join(text.split())
    r = httpx.post(server.url + "/v1/letters", json=body | {"format": "rtf"}, headers=h(keys["msl"]))
    assert r.status_code == 422


def test_adverse_event_details_and_the_safety_report_route(api):
    server, keys = api
    corpus_dir = server.data_dir
    q = "My patient developed a severe rash three days after starting amoxicillin and was admitted to hospital."
    a = httpx.post(server.url + "/v1/ask", json={"question": q}, headers=h(keys["physician"]), timeout=30).json()
    ae = a["flags"]["details"]["adverse_event"]
    assert a["flags"]["adverse_event"] and ae["drug"] == "amoxicillin" and "rash" in ae["event"]
    assert ae["timing"] == "three days after starting" or "three days" in ae["timing"]
    assert ae["serious"] and ae["criteria"]["identifiable_patient"] and ae["day0"]
    rec = httpx.get(server.url + f"/v1/audit/{a['trace_id']}", headers=h(keys["reviewer"])).json()
    assert rec["flags"]["adverse_event"] is True
    assert httpx.get(server.url + "/v1/safety-reports", headers=h(keys["physician"])).status_code == 403
    reports = httpx.get(server.url + "/v1/safety-reports", headers=h(keys["reviewer"])).json()["reports"]
    assert any(r["trace_id"] == a["trace_id"] and r["kind"] == "adverse_event" for r in reports)
    code, csv_text, _ = run_cli("safety", "export", data_dir=corpus_dir)
    assert code == 0 and a["trace_id"] in csv_text and "amoxicillin" in csv_text
    pc = httpx.post(server.url + "/v1/ask", headers=h(keys["physician"]), timeout=30, json={
        "question": "The warfarin tablets in the new bottle look a different colour than usual. Lot number AB1234."
    }).json()
    assert pc["flags"]["product_complaint"] and pc["flags"]["details"]["product_complaint"]["lot_number"] == "AB1234"


def test_personal_data_is_redacted_before_the_audit_log(api):
    server, keys = api
    corpus_dir = server.data_dir
    q = ("My patient John Smith (DOB 03/04/1950, MRN 88812345, phone 555-123-4567, john.smith@example.org) "
         "developed a rash after amoxicillin. What does the label say about rash?")
    a = httpx.post(server.url + "/v1/ask", json={"question": q}, headers=h(keys["physician"]), timeout=30).json()
    assert a["flags"]["personal_data_redacted"] and any("redacted" in n for n in a["notices"])
    for secret in ("John Smith", "03/04/1950", "88812345", "555-123-4567", "john.smith@example.org"):
        assert secret not in a["question"]
    rec = httpx.get(server.url + f"/v1/audit/{a['trace_id']}", headers=h(keys["reviewer"])).json()
    assert "[NAME]" in rec["question"] and "[EMAIL]" in rec["question"]
    raw = (corpus_dir / "service.sqlite").read_bytes()
    for secret in (b"John Smith", b"555-123-4567", b"john.smith@example.org", b"88812345"):
        assert secret not in raw
    assert a["status"] == "answered" and a["flags"]["adverse_event"]


def test_control_characters_in_a_question_do_not_break_a_letter(api):
    """Found by schemathesis: a question with control characters made the DOCX writer fail."""
    server, keys = api
    headers = h(keys["msl"]) | {"content-type": "application/json"}
    body = '{"question": "warfarin dose \\ud8a1?", "format": "docx"}'  # a lone surrogate: not a string
    r = httpx.post(server.url + "/v1/letters", content=body.encode(), timeout=60, headers=headers)
    assert r.status_code == 422 and "unicode" in r.json()["detail"][0]["msg"]
    body = '{"question": "warfarin\\u0006 dose\\u0093?", "format": "docx"}'  # control characters
    r = httpx.post(server.url + "/v1/letters", content=body.encode(), timeout=60, headers=headers)
    assert r.status_code == 200
    text = " ".join(p.text for p in Document(io.BytesIO(r.content)).paragraphs)
    assert "You asked:" in text and "\u0006" not in text
