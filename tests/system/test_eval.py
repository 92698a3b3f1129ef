"""The evaluation harness and release gate: it passes on main, and it fails, naming the metric, when the
retriever breaks or a generator slips an unsupported sentence past a broken verifier."""
from __future__ import annotations

import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from helpers import ROOT, run_cli

LABELS = str(ROOT / "eval/golden/labels.jsonl")


THRESHOLDS = str(ROOT / "eval/thresholds.yaml")


FACTORIES = textwrap.dedent('''
    """Broken configurations of the assistant, to prove the gate fails."""
    from assistant.answering.assistant import Assistant
    from assistant.answering.extractive import Draft, ExtractiveGenerator
    from assistant.answering.retrieval import Retriever


    class WrongDocumentRetriever(Retriever):
        """A regression: always returns passages of the acetaminophen label."""

        def search(self, query, k=8, filters=None):
            from assistant.answering.retrieval import Filters
            return super().search("acetaminophen liver damage warning", k=k, filters=Filters(product="acetaminophen"))


    class AddsAClaim(ExtractiveGenerator):
        def compose(self, question, evidence):
            d = super().compose(question, evidence)
            return Draft(d.text + "\\n- It is safe for every patient at any dose. [1]", d.citations, d.contexts)


    class TrustingVerifier:
        """A regression: the verifier accepts everything."""

        def verify(self, answer, citations, contexts=None):
            from assistant.contract import Claim
            from assistant.answering.claims import split_claims
            return [Claim(text=c.text, citations=c.citations, supported=True, support=1.0)
                    for c in split_claims(answer)], []


    def deaf_to_safety(data_dir):
        """A regression: no message is read as an adverse event or a complaint."""
        import assistant.answering.assistant as answering
        answering.analyse = lambda *args, **kwargs: {"adverse_event": None, "product_complaint": None}
        return Assistant(data_dir=data_dir)


    def broken_retriever(data_dir):
        a = Assistant(data_dir=data_dir)
        a.retriever = WrongDocumentRetriever(a.store)
        return a


    def unsupported_sentence(data_dir):
        a = Assistant(data_dir=data_dir)
        a.generator = AddsAClaim()
        a.verifier = TrustingVerifier()
        return a
''')


@pytest.fixture(scope="module")
def factories(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("factories")
    (d / "broken_configs.py").write_text(FACTORIES)
    return d


def test_the_gate_passes_on_main_and_writes_junit_and_a_report(corpus_dir, tmp_path):
    junit, html = tmp_path / "eval.xml", tmp_path / "eval.html"
    code, out, err = run_cli("eval", LABELS, "--thresholds", THRESHOLDS, "--junit", str(junit), "--report",
                             str(html), "--json", data_dir=corpus_dir)
    assert code == 0, err
    assert out["passed"] and not out["failed"]
    s = out["summary"]["labels"]
    assert s["citation_recall"] >= 0.95 and s["verbatim_quote_rate"] == 1.0 and s["refusal_accuracy"] >= 0.9
    assert out["summary"]["all"]["faithfulness"] == "not run"  # no judge configured: never a number
    suites = {s.get("name"): s for s in ET.parse(junit).getroot()}
    assert len(suites["items.labels"]) == 54 and len(suites["thresholds"]) >= 9
    page = html.read_text()
    assert "<table" in page and "<svg" in page and "PASSED" in page and "Citation recall by question type" in page


def test_a_broken_retriever_fails_the_gate_naming_the_metric(corpus_dir, factories, tmp_path):
    code, out, err = run_cli("eval", LABELS, "--thresholds", THRESHOLDS, "--factory",
                             "broken_configs:broken_retriever", "--junit", str(tmp_path / "j.xml"),
                             data_dir=corpus_dir, env={"PYTHONPATH": str(factories)})
    assert code == 1
    assert "FAILED: labels correct_document_rate" in err or "FAILED: labels recall@5" in err
    failures = [c for c in ET.parse(tmp_path / "j.xml").getroot().iter("testcase")
                if c.find("failure") is not None and c.get("classname") == "thresholds.labels"]
    assert {"recall@5", "mrr"} <= {c.get("name") for c in failures}


def test_an_unsupported_sentence_past_a_broken_verifier_fails_the_gate(corpus_dir, factories):
    code, out, err = run_cli("eval", LABELS, "--thresholds", THRESHOLDS, "--factory",
                             "broken_configs:unsupported_sentence", "--json", data_dir=corpus_dir,
                             env={"PYTHONPATH": str(factories)})
    assert code == 1
    names = {f["metric"] for f in out["failed"]}
    assert "citation_recall" in names and "unsupported_claim_rate" in names
    assert "FAILED: labels citation_recall" in err


def test_an_invalid_golden_set_is_a_usage_error(corpus_dir, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "question": "q?", "answerable": true}\n')
    code, _, err = run_cli("eval", str(bad), data_dir=corpus_dir)
    assert code == 2 and "needs 'expected'" in err


def test_the_report_opens_in_a_browser(corpus_dir, tmp_path, browser):
    html = tmp_path / "eval.html"
    run_cli("eval", LABELS, "--thresholds", THRESHOLDS, "--report", str(html), "--limit", "54", data_dir=corpus_dir)
    page = browser.new_page()
    page.goto(html.as_uri())
    assert "PASSED" in page.inner_text(".verdict")
    assert page.locator("table").count() >= 3 and page.locator("svg").count() >= 1
    page.click("details summary >> nth=0")
    assert page.locator("details[open]").count() == 1 and page.locator("details[open] p").inner_text()
    page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
    page.close()


def test_eval_against_a_running_server(api, tmp_path):
    server, keys = api
    code, out, err = run_cli("eval", LABELS, "--base-url", server.url, "--limit", "12", "--thresholds",
                             "/dev/null", "--json", env={"MEDINFO_API_KEY": keys["physician"]})
    assert code == 0, err
    assert out["meta"]["client"] == f"http {server.url}" and out["summary"]["labels"]["items"] == 12
    assert out["summary"]["labels"]["verbatim_quote_rate"] == 1.0 and out["summary"]["labels"]["errors"] == 0


def test_held_out_safety_messages_are_gated_on_the_answers_flags(corpus_dir, factories):
    """A safety set (no 'answerable' field) is scored on the flags of the answers: recall and false alarms per kind;
    a regression that stops flagging fails the gate naming the metric."""
    safety = str(ROOT / "eval/golden/safety_holdout20.jsonl")
    code, out, err = run_cli("eval", safety, "--thresholds", THRESHOLDS, "--json", data_dir=corpus_dir)
    s = out["summary"]["safety_holdout20"]
    assert code == 0, err
    assert s["adverse_event_recall"] >= 0.9 and s["adverse_event_false_alarm_rate"] <= 0.1
    assert s["product_complaint_recall"] >= 0.75 and s["refusal_accuracy"] is None  # nothing read as unanswerable
    code, out, err = run_cli("eval", safety, "--thresholds", THRESHOLDS, "--factory", "broken_configs:deaf_to_safety",
                             "--json", data_dir=corpus_dir, env={"PYTHONPATH": str(factories)})
    assert code == 1 and "FAILED: safety_holdout20 adverse_event_recall" in err
    assert {"adverse_event_recall", "product_complaint_recall"} <= {f["metric"] for f in out["failed"]}
