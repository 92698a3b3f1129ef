"""Insights over a seeded audit log (a few hundred records across products, statuses and weeks, on a real store):
volumes, content gaps that group paraphrases of one unanswered question, reviewer verdicts, an overdue safety
report, and the Markdown/CSV/HTML renderings."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from assistant.insights import build, render
from assistant.records import ServiceDB
from assistant.settings import Settings
from ingest.store import Store

DAY = 86400.0
APIXABAN = ["Can apixaban tablets be crushed?", "Is it OK to crush apixaban?",
            "Can apixaban be crushed for a patient who cannot swallow tablets?"]
SEMAGLUTIDE = ["How much weight do patients lose on semaglutide?", "What weight loss does semaglutide cause?"]


def _record(trace: str, t: float, question: str, status: str, cited: list[dict], role: str = "physician") -> dict:
    return {"trace_id": trace, "time": t, "user": "u", "role": role, "question": question, "status": status,
            "retrieved": [c["chunk_id"] for c in cited], "cited": cited, "generator": "extractive",
            "prompt_version": None, "corpus_version": "x", "flags": {}, "latency_ms": 50.0, "answer": "a",
            "claims": [], "channel": "api", "context": {"requester_type": "consumer" if role == "consumer" else "hcp"}}


@pytest.fixture(scope="module")
def seeded(two_labels_template, tmp_path_factory, embedder):
    import shutil

    data = tmp_path_factory.mktemp("insights") / "store"
    shutil.copytree(two_labels_template, data)
    store = Store(data, embedder)
    db = ServiceDB(data, Settings.load(data).audit_anchor_dir)
    chunks = {}
    for row in store.catalog.current_chunks():
        chunks.setdefault(row["product"], row)
    start = datetime(2026, 11, 2, 9, tzinfo=UTC).timestamp()  # a Monday; four weeks follow
    n = 0
    for week in range(4):
        for i in range(40):
            for product, count in (("warfarin", 1), ("metformin", 1 if i % 2 else 0)):
                if not count:
                    continue
                c = chunks[product]
                cite = [{"n": 1, "chunk_id": c["chunk_id"], "document_id": c["doc_id"], "version": "1", "page": 1,
                         "start": 0, "end": 10}]
                n += 1
                db.append_audit(_record(f"t{n}", start + week * 7 * DAY + i * 600, f"{product} dose question {i}",
                                        "answered", cite, role="consumer" if i % 10 == 0 else "physician"))
    for k in range(30):  # one unanswered question in three wordings, more often later in the period
        n += 1
        db.append_audit(_record(f"g{n}", start + (6 + k * 0.7) * DAY, APIXABAN[k % 3], "insufficient_evidence", []))
    for k in range(12):
        n += 1
        db.append_audit(_record(f"s{n}", start + k * DAY, SEMAGLUTIDE[k % 2], "insufficient_evidence", []))
    db.append_audit(_record("r1", start + 30 * DAY, "Is warfarin safe in pregnancy?", "refused", []))
    for v, comment in (("wrong", "quote is from the wrong section"), ("wrong", ""), ("correct", "")):
        db.add_review("t1", 1, v, comment, "rev")
    # An adverse event two working days old, never exported; another exported the same day.
    db.add_safety_report("t2", "adverse_event", "u", {"drug": "warfarin", "event": "bleeding",
                                                      "day0": "2026-11-23T10:00:00+00:00"})
    db.add_safety_report("t3", "adverse_event", "u", {"drug": "metformin", "event": "nausea",
                                                      "day0": datetime.now(UTC).isoformat()})
    db.record_export([r["report_id"] for r in db.safety_reports() if r["trace_id"] == "t3"], "pv")
    yield store, db
    store.close()


def _report(seeded, **kw):
    from assistant.answering.retrieval import Snapshot

    store, db = seeded
    return build(db, store.catalog, store.embedder.embed, today=date(2026, 11, 25),
                 products_in=Snapshot(store).products_in, **kw)


def test_volumes_and_rates(seeded):
    r = _report(seeded)
    v = r["volumes"]
    assert v["product"]["warfarin"] == 161 and v["product"]["metformin"] == 80
    assert list(v["week"])[:4] == ["2026-W45", "2026-W46", "2026-W47", "2026-W48"]
    assert sum(v["week"].values()) == r["window"]["records"] == 161 + 80 + 30 + 12
    assert v["requester_type"]["consumer"] == 16 and v["channel"] == {"api": r["window"]["records"]}
    assert r["rates_by_product"]["metformin"]["answered"] == 1.0
    assert r["rates_by_product"]["warfarin"]["refused"] == round(1 / 161, 4)


def test_content_gaps_group_paraphrases_and_rank_by_how_often_asked(seeded):
    gaps = _report(seeded)["content_gaps"]
    assert [g["size"] for g in gaps[:2]] == [30, 12]
    assert set(gaps[0]["questions"]) == set(APIXABAN) and set(gaps[1]["questions"]) == set(SEMAGLUTIDE)
    assert gaps[0]["representative"] in APIXABAN and gaps[0]["trend"]["later"] > gaps[0]["trend"]["earlier"]


def test_verdicts_and_overdue_safety_reports(seeded):
    r = _report(seeded)
    assert r["verdicts"]["counts"] == {"wrong": 2, "correct": 1}
    wrong = r["verdicts"]["wrong_by_section"][0]
    assert wrong["wrong"] == 2 and wrong["comments"] == ["quote is from the wrong section"]
    s = r["safety"]
    assert s["per_product"] == {"metformin": {"adverse_event": 1}, "warfarin": {"adverse_event": 1}}
    assert [o["product"] for o in s["overdue"]] == ["warfarin"] and s["overdue"][0]["working_days"] == 2
    assert s["exported"] == 1 and s["median_working_days_to_export"] == 0


def test_filters_and_renderings(seeded):
    r = _report(seeded, product="metformin")
    assert r["window"]["records"] == 80 and set(r["volumes"]["product"]) == {"metformin"}
    full = _report(seeded)
    md = render.to_markdown(full)
    assert "## Content gaps" in md and "asked 30 times" in md
    csv_text = render.to_csv(full)
    assert "content_gap," in csv_text and "safety_overdue" in csv_text
    html = render.to_html(full)
    assert html.count("<svg") >= 6 and "<script" not in html
    until = _report(seeded, until=datetime(2026, 11, 9, tzinfo=UTC).timestamp())
    assert until["window"]["records"] < full["window"]["records"]
