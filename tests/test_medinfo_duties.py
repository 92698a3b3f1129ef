"""Response letters, adverse-event and product-complaint signals, off-label handling and personal-data
redaction: the medical-information duties around an answer."""
from __future__ import annotations

import io
import json
import re

import httpx
import pypdf
import pytest
from conftest import ROOT, run_cli
from docx import Document

QUESTION = "What is the recommended starting dose of warfarin?"
HEADINGS = ["Medical Information Response", "Reference: MI-", "unsolicited request", "You asked:", "Summary",
            "Approved prescribing information", "References", "Medical reviewer approval"]


def _claims_of(text: str, answer: dict) -> None:
    """Every evidence sentence of the letter is a verified claim of the answer."""
    flat = " ".join(text.split())
    claims = [c["text"] for c in answer["claims"]]
    assert claims and all(" ".join(c.split()).rstrip(".") in flat for c in claims)


def h(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


@pytest.mark.parametrize("fmt", ["md", "docx", "pdf"])
def test_letter_in_each_format_reads_back_with_its_structure(corpus_dir, tmp_path, fmt):
    out = tmp_path / f"letter.{fmt}"
    code, summary, err = run_cli("letter", QUESTION, "--requester", "Dr. Jane Doe", "--format", fmt, "--out",
                                 str(out), "--json", data_dir=corpus_dir)
    assert code == 0, err
    data = out.read_bytes()
    if fmt == "md":
        text = data.decode()
    elif fmt == "docx":
        text = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    else:
        assert data.startswith(b"%PDF")
        text = "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    flat = " ".join(text.split())
    for heading in HEADINGS:
        assert heading in flat, heading
    assert "Dear Dr. Jane Doe," in flat and re.search(r"2 (mg )?to 5 mg once daily", flat)
    assert "Warfarin Sodium Tablets, Prescribing Information" in flat and "Version 2022-" in flat and "Page 6" in flat
    # Order: reference line and date, salutation, statement, summary, evidence, references, approval.
    positions = [flat.index(x) for x in ("Reference: MI-", "Dear Dr.", "unsolicited", "Summary", "References",
                                         "Medical reviewer approval")]
    assert positions == sorted(positions)
    audit = run_cli("audit", "export", "--format", "jsonl", data_dir=corpus_dir)[1]
    record = [json.loads(line) for line in audit.splitlines() if json.loads(line)["trace_id"] == summary["trace_id"]]
    assert record and record[0]["channel"] == "letter"
    _claims_of(text, {"claims": record[0]["claims"]})


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


def test_letter_for_an_unanswerable_question_says_so(corpus_dir, tmp_path):
    out = tmp_path / "l.md"
    code, summary, _ = run_cli("letter", "What is the dose of apixaban?", "--format", "md", "--out", str(out),
                               "--json", data_dir=corpus_dir)
    assert code == 0 and summary["status"] == "insufficient_evidence"
    text = out.read_text()
    assert "does not answer this question" in text and "## Summary" not in text and "Dear Healthcare" in text


# --- safety signals -----------------------------------------------------------------------------

def _labelled(name: str) -> list[dict]:
    return [json.loads(x) for x in (ROOT / "eval/golden" / name).read_text().splitlines() if x]


def test_adverse_events_and_complaints_on_the_labelled_set(assistant):
    """The labelled set (70 questions, 32 adverse events incl. subtle ones, negations among the rest), run
    through the assistant as a user would: recall >= 0.95 and precision >= 0.8 for each signal."""
    items = _labelled("safety.jsonl")
    assert len(items) >= 60 and sum(i["adverse_event"] for i in items) >= 30
    counts = {k: {"tp": 0, "fp": 0, "fn": 0} for k in ("adverse_event", "product_complaint")}
    for it in items:
        flags = assistant.ask(it["question"]).flags
        for k in counts:
            got, want = getattr(flags, k), it[k]
            counts[k]["tp"] += got and want
            counts[k]["fp"] += got and not want
            counts[k]["fn"] += want and not got
    for k, c in counts.items():
        recall = c["tp"] / (c["tp"] + c["fn"])
        precision = c["tp"] / (c["tp"] + c["fp"])
        assert recall >= 0.95 and precision >= 0.8, (k, c)


def test_adverse_event_details_and_the_safety_report_route(api, corpus_dir):
    server, keys = api
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


def test_general_questions_and_negations_are_not_reports(assistant):
    for q in ("What are the most common side effects of atorvastatin?",
              "My patient has been on lisinopril for a year and no side effects were seen. Can the dose be increased?"):
        flags = assistant.ask(q).flags
        assert not flags.adverse_event and not flags.product_complaint, q


# --- off-label ----------------------------------------------------------------------------------

def test_off_label_use_is_answered_from_literature_only_with_a_notice(assistant):
    a = assistant.ask("Is metformin effective for polycystic ovary syndrome?")
    assert a.flags.off_label and a.flags.details["off_label"]["product"] == "metformin"
    assert a.flags.details["off_label"]["unsolicited"] is True
    assert any(n.startswith("Off-label") for n in a.notices)
    assert a.status == "answered" and a.citations
    assert all(c.source_type == "literature" for c in a.citations)
    on = assistant.ask("Is warfarin indicated for atrial fibrillation?")
    assert not on.flags.off_label and on.citations[0].source_type == "approved"
    dose = assistant.ask("What is the dose of amoxicillin for renal impairment?")
    assert not dose.flags.off_label


# --- personal data ------------------------------------------------------------------------------

def test_personal_data_is_redacted_before_the_audit_log(api, corpus_dir):
    server, keys = api
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
