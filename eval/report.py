"""JUnit XML (one test case per item and per threshold) and a report a medical reviewer can read
(HTML with a table, a chart of metrics per question type and every item's answer, or Markdown)."""
from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from eval.harness import ItemResult

HEADLINE = [
    ("citation_recall", "Claims supported by their citations"),
    ("citation_precision", "Citations that support their claim"),
    ("verbatim_quote_rate", "Quotes verbatim at their offsets"),
    ("correct_document_rate", "Answers citing an expected document"),
    ("first_citation_correct_rate", "First citation is an expected document"),
    ("correct_page_rate", "Answers citing an expected page"),
    ("refusal_accuracy", "Unanswerable questions refused"),
    ("false_refusal_rate", "Answerable questions refused"),
    ("resolution_accuracy", "Follow-ups resolved to the right question"),
    ("adverse_event_recall", "Adverse-event reports flagged"),
    ("adverse_event_false_alarm_rate", "Messages without one flagged as an adverse event"),
    ("product_complaint_recall", "Product complaints flagged"),
    ("product_complaint_false_alarm_rate", "Messages without one flagged as a complaint"),
    ("recall@5", "Expected page retrieved in top 5"),
    ("mrr", "Mean reciprocal rank"),
    ("ndcg@10", "nDCG@10"),
    ("ragas_context_recall", "ragas context recall (non-LLM)"),
    ("ragas_rouge", "ragas ROUGE vs reference answer"),
    ("latency_p50_ms", "Latency p50 (ms)"),
    ("latency_p95_ms", "Latency p95 (ms)"),
]


def _fmt(v: Any) -> str:
    if v is None:
        return "n/a"
    if isinstance(v, float):
        return f"{v:.3f}" if abs(v) < 10 else f"{v:.0f}"
    return str(v)


def _bound(b: dict) -> str:
    parts = []
    if "min" in b:
        parts.append(f"≥ {b['min']}")
    if "max" in b:
        parts.append(f"≤ {b['max']}")
    return ", ".join(parts)


def write_junit(path: Path, results: list[ItemResult], gate_rows: list[dict]) -> None:
    suites = ET.Element("testsuites", name="medinfo eval")
    by_set: dict[str, list[ItemResult]] = {}
    for r in results:
        by_set.setdefault(r.set, []).append(r)
    for name, rows in by_set.items():
        suite = ET.SubElement(suites, "testsuite", name=f"items.{name}", tests=str(len(rows)),
                              failures=str(sum(1 for r in rows if r.failures)))
        for r in rows:
            case = ET.SubElement(suite, "testcase", classname=f"eval.{name}", name=r.item["id"],
                                 time=f"{r.metrics.get('latency_ms', 0) / 1000:.3f}")
            if r.failures:
                f = ET.SubElement(case, "failure", message=r.failures[0][:200])
                f.text = "\n".join(r.failures) + f"\n\nquestion: {r.item['question']}"
    suite = ET.SubElement(suites, "testsuite", name="thresholds", tests=str(len(gate_rows)),
                          failures=str(sum(1 for g in gate_rows if not g["passed"])))
    for g in gate_rows:
        case = ET.SubElement(suite, "testcase", classname=f"thresholds.{g['set']}", name=g["metric"])
        if not g["passed"]:
            ET.SubElement(case, "failure", message=f"{g['set']} {g['metric']} = {_fmt(g['value'])}, "
                                                   f"required {g['bound']}")
    ET.indent(suites)
    Path(path).write_bytes(ET.tostring(suites, encoding="utf-8", xml_declaration=True))


def _bars(per_tag: dict[str, dict], metric: str, title: str) -> str:
    """An inline SVG bar chart of one metric per tag."""
    rows = [(k, v.get(metric)) for k, v in per_tag.items() if isinstance(v.get(metric), (int, float))]
    if not rows:
        return ""
    w, bar_h, label_w = 560, 18, 170
    h = 30 + bar_h * len(rows) + 10
    parts = [f'<svg width="{w}" height="{h}" role="img" aria-label="{html.escape(title)}">',
             f'<text x="0" y="16" font-weight="bold">{html.escape(title)}</text>']
    for i, (name, v) in enumerate(rows):
        y = 28 + i * bar_h
        value = float(v or 0.0)
        length = max(1, (w - label_w - 50) * value)
        colour = "#2e7d32" if value >= 0.9 else "#f9a825" if value >= 0.7 else "#c62828"
        parts.append(f'<text x="0" y="{y + 13}" font-size="12">{html.escape(name)}</text>'
                     f'<rect x="{label_w}" y="{y + 2}" width="{length:.0f}" height="{bar_h - 5}" fill="{colour}"/>'
                     f'<text x="{label_w + length + 5:.0f}" y="{y + 13}" font-size="12">{v:.2f}</text>')
    parts.append("</svg>")
    return "".join(parts)


def write_html(path: Path, results: list[ItemResult], summary: dict, gate_rows: list[dict],
               regressions: list[dict], per_tag: dict[str, dict], meta: dict) -> None:
    e = html.escape
    failed = [g for g in gate_rows if not g["passed"]]
    met = len(gate_rows) - len(failed)
    verdict = ("PASSED" if not failed else "FAILED") + f" — {met}/{len(gate_rows)} thresholds met"
    out = ["<!doctype html><html lang='en'><head><meta charset='utf-8'><title>medinfo evaluation report</title>",
           "<style>body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}"
           "table{border-collapse:collapse;margin:1em 0;width:100%}td,th{border:1px solid #ccc;padding:4px 8px;"
           "text-align:left;vertical-align:top;font-size:14px}th{background:#f3f3f3}.ok{color:#2e7d32}"
           ".bad{color:#c62828;font-weight:bold}.verdict{font-size:1.4em}.q{font-weight:600}"
           "details{margin:2px 0}.quote{background:#fffbe6;border-left:3px solid #e0c050;padding:2px 6px;"
           "margin:2px 0;font-size:13px}</style></head><body>",
           "<h1>medinfo evaluation report</h1>",
           f"<p class='verdict {'ok' if not failed else 'bad'}'>{e(verdict)}</p>",
           f"<p>Run {e(meta.get('time', ''))} · assistant: {e(meta.get('client', ''))} · corpus version "
           f"{e(str(meta.get('corpus_version', '')))} · generator {e(str(meta.get('generator', '')))} · sets: "
           f"{e(', '.join(meta.get('sets', [])))}</p>",
           "<h2>What this measures</h2><p>Each golden question is asked as a user would ask it. An answer's claims "
           "are checked against the quotes they cite (citation recall), each citation against its claim "
           "(citation precision), and each quote against the stored page text at its offsets (verbatim). "
           "Unanswerable questions must be refused; answerable ones must cite an expected document.</p>"]
    if failed:
        out.append("<h2 class='bad'>Thresholds not met</h2><ul>")
        out += [f"<li class='bad'>{e(g['set'])}: {e(g['metric'])} = {_fmt(g['value'])} "
                f"(required {e(_bound(g['bound']))})</li>" for g in failed]
        out.append("</ul>")
    if regressions:
        out.append("<h2 class='bad'>Regressions since the baseline</h2><ul>")
        out += [f"<li>{e(r['set'])}: {e(r['metric'])} {_fmt(r['baseline'])} → {_fmt(r['value'])}</li>"
                for r in regressions]
        out.append("</ul>")
    out.append("<h2>Summary</h2><table><tr><th>Metric</th>" +
               "".join(f"<th>{e(s)}</th>" for s in summary) + "</tr>")
    bounds = {(g["set"], g["metric"]): g for g in gate_rows}
    for key, label in HEADLINE:
        cells = []
        for s, m in summary.items():
            g = bounds.get((s, key))
            cls = "" if g is None else ("ok" if g["passed"] else "bad")
            req = f" <small>(required {e(_bound(g['bound']))})</small>" if g else ""
            cells.append(f"<td class='{cls}'>{_fmt(m.get(key))}{req}</td>")
        out.append(f"<tr><td>{e(label)} <small>({key})</small></td>{''.join(cells)}</tr>")
    all_ = summary.get("all", {})
    out.append("</table><p>LLM-judged metrics: " + ", ".join(
        f"{k}: {_fmt(all_.get(k))}" for k in ("faithfulness", "response_groundedness", "answer_relevancy")) +
        f" ({e(str(all_.get('judge', '')))}).</p>")
    out.append("<h2>By question type</h2>")
    out.append(_bars(per_tag, "citation_recall", "Citation recall by question type"))
    out.append(_bars(per_tag, "correct_document_rate", "Correct document by question type"))
    out.append("<table><tr><th>Type</th><th>Items</th><th>Recall@5</th><th>Citation recall</th>"
               "<th>Correct document</th><th>Refusal accuracy</th><th>False refusals</th></tr>")
    for t, m in per_tag.items():
        out.append(f"<tr><td>{e(t)}</td><td>{m['items']}</td><td>{_fmt(m['recall@5'])}</td>"
                   f"<td>{_fmt(m['citation_recall'])}</td><td>{_fmt(m['correct_document_rate'])}</td>"
                   f"<td>{_fmt(m['refusal_accuracy'])}</td><td>{_fmt(m['false_refusal_rate'])}</td></tr>")
    out.append("</table><h2>Items</h2><p>Failing items first. Open an item to read the answer and its quotes.</p>"
               "<table><tr><th>Item</th><th>Question</th><th>Status</th><th>Cited</th><th>Findings</th></tr>")
    for r in sorted(results, key=lambda r: (not r.failures, r.set, r.item["id"])):
        a = r.answer or {}
        cited = ", ".join(sorted({f"{c['document_id']} p{c['page']}" for c in a.get("citations") or []}))
        body = e(a.get("answer") or r.error or "").replace("\n", "<br>")
        quotes = "".join(f"<div class='quote'>[{c['n']}] {e(c['title'])}, p{c['page']}: {e(c['quote'])}</div>"
                         for c in a.get("citations") or [])
        out.append(f"<tr><td>{e(r.item['id'])}</td><td><details><summary class='q'>{e(r.item['question'])}"
                   f"</summary><p>{body}</p>{quotes}</details></td><td>{e(a.get('status', 'error'))}</td>"
                   f"<td>{e(cited)}</td><td class='{'bad' if r.failures else 'ok'}'>"
                   f"{'<br>'.join(e(f) for f in r.failures) or 'ok'}</td></tr>")
    out.append("</table></body></html>")
    Path(path).write_text("\n".join(out), encoding="utf-8")


def write_markdown(path: Path, results: list[ItemResult], summary: dict, gate_rows: list[dict],
                   regressions: list[dict], per_tag: dict[str, dict], meta: dict) -> None:
    failed = [g for g in gate_rows if not g["passed"]]
    lines = ["# medinfo evaluation report", "",
             f"**{'PASSED' if not failed else 'FAILED'}** — {len(gate_rows) - len(failed)}/{len(gate_rows)} "
             f"thresholds met. Run {meta.get('time')}, corpus {meta.get('corpus_version')}.", ""]
    for g in failed:
        lines.append(f"- FAILED {g['set']} {g['metric']} = {_fmt(g['value'])} (required {g['bound']})")
    for reg in regressions:
        lines.append(f"- REGRESSION {reg['set']} {reg['metric']}: {_fmt(reg['baseline'])} -> {_fmt(reg['value'])}")
    lines += ["", "| Metric | " + " | ".join(summary) + " |", "|---|" + "---|" * len(summary)]
    for key, label in HEADLINE:
        lines.append(f"| {label} | " + " | ".join(_fmt(m.get(key)) for m in summary.values()) + " |")
    lines += ["", "## By question type (citation recall)", ""]
    for t, m in per_tag.items():
        v = m.get("citation_recall")
        bar = "█" * int(round((v or 0) * 20))
        lines.append(f"- `{t:<18}` {bar} {_fmt(v)} ({m['items']} items)")
    lines += ["", "## Failing items", ""]
    for r in results:
        if r.failures:
            lines.append(f"- **{r.item['id']}** {r.item['question']}: {'; '.join(r.failures)}")
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
