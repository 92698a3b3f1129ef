"""An insights report as Markdown, CSV (one table of figures) or a self-contained HTML page with SVG bar charts
(drawn here as plain SVG: no script, no CDN, nothing fetched)."""
from __future__ import annotations

import csv
import html
import io
from typing import Any

TITLES = {"product": "Questions by product", "intent": "Questions by intent", "requester_type": "By requester type",
          "channel": "By channel", "week": "Questions per week"}


def rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Every figure as (section, key, value[, detail]) rows: the CSV, and the tables under the charts."""
    out = []
    for dim, counts in report["volumes"].items():
        out += [{"section": f"volume_by_{dim}", "key": k, "value": v, "detail": ""} for k, v in counts.items()]
    for prod, r in report["rates_by_product"].items():
        out += [{"section": "rate_by_product", "key": f"{prod}:{s}", "value": r[s], "detail": r["questions"]}
                for s in ("answered", "insufficient_evidence", "refused")]
    for g in report["content_gaps"]:
        out.append({"section": "content_gap", "key": g["representative"], "value": g["size"],
                    "detail": f"product {g['product']}; later {g['trend']['later']} / earlier {g['trend']['earlier']}; "
                              + "; ".join(d["document_id"] for d in g["closest_documents"])})
    for k, v in report["verdicts"]["counts"].items():
        out.append({"section": "verdicts", "key": k, "value": v, "detail": ""})
    for w in report["verdicts"]["wrong_by_section"]:
        out.append({"section": "wrong_citations", "key": f"{w['document_id']} | {w['section']}", "value": w["wrong"],
                    "detail": " / ".join(w["comments"])})
    for prod, kinds in report["safety"]["per_product"].items():
        out += [{"section": "safety_reports", "key": f"{prod}:{k}", "value": n, "detail": ""} for k, n in kinds.items()]
    for o in report["safety"]["overdue"]:
        out.append({"section": "safety_overdue", "key": f"report {o['report_id']} ({o['kind']}, {o['product']})",
                    "value": o["working_days"], "detail": f"day 0 {o['day0']}; exported {o['exported'] or 'not yet'}"})
    return out


def to_csv(report: dict[str, Any]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=["section", "key", "value", "detail"])
    w.writeheader()
    for r in rows(report):
        w.writerow({k: _safe(v) for k, v in r.items()})
    return buf.getvalue()


def _safe(v: Any) -> Any:
    """A cell a spreadsheet would run as a formula is written as text."""
    return "'" + v if isinstance(v, str) and v[:1] in ("=", "+", "-", "@") else v


def to_markdown(report: dict[str, Any]) -> str:
    win = report["window"]
    out = ["# Medical-information insights", "",
           f"{win['records']} audited questions" + (f", product {win['product']}" if win["product"] else ""), ""]
    for dim, counts in report["volumes"].items():
        out += [f"## {TITLES[dim]}", "", "| | questions |", "|---|---|"]
        out += [f"| {k} | {v} |" for k, v in counts.items()]
        out.append("")
    out += ["## Answered, insufficient evidence and refused, per product", "",
            "| product | questions | answered | insufficient evidence | refused |", "|---|---|---|---|---|"]
    out += [f"| {p} | {r['questions']} | {r['answered']:.0%} | {r['insufficient_evidence']:.0%} | {r['refused']:.0%} |"
            for p, r in report["rates_by_product"].items()]
    out += ["", "## Content gaps (what the content cannot answer), most asked first", ""]
    for i, g in enumerate(report["content_gaps"], 1):
        docs = ", ".join(d["title"] for d in g["closest_documents"]) or "none found"
        out.append(f"{i}. **{g['representative']}** — asked {g['size']} times ({g['trend']['later']} in the later "
                   f"half of the period), product {g['product']}; closest documents: {docs}")
    v = report["verdicts"]
    out += ["", "## Reviewer verdicts", "", ", ".join(f"{k}: {n}" for k, n in v["counts"].items()) or "none", ""]
    out += [f"- {w['document_id']} / {w['section'] or '(no section)'}: {w['wrong']} wrong"
            + (f" — {'; '.join(w['comments'])}" if w["comments"] else "") for w in v["wrong_by_section"]]
    s = report["safety"]
    out += ["", "## Safety reports", "", f"Exported: {s['exported']}; median working days from day 0 to export: "
            f"{s['median_working_days_to_export']}", ""]
    out += [f"- {p}: " + ", ".join(f"{k} {n}" for k, n in kinds.items()) for p, kinds in s["per_product"].items()]
    if s["overdue"]:
        out += ["", "**Past the one-working-day limit:**", ""]
        out += [f"- report {o['report_id']} ({o['kind']}, {o['product']}): day 0 {o['day0']}, "
                f"{'exported ' + o['exported'] if o['exported'] else 'not exported'}, {o['working_days']} working days"
                for o in s["overdue"]]
    return "\n".join(out) + "\n"


def bar_chart(title: str, counts: dict[str, float], width: int = 560) -> str:
    """A horizontal bar chart as inline SVG."""
    items = list(counts.items())[:15]
    if not items:
        return ""
    top = max(v for _, v in items) or 1
    row, label_w = 22, 190
    h = row * len(items) + 30
    bars = []
    for i, (k, v) in enumerate(items):
        y = 24 + i * row
        w = (width - label_w - 60) * v / top
        bars.append(f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end">{html.escape(str(k)[:28])}</text>'
                    f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row - 6}" class="bar"/>'
                    f'<text x="{label_w + w + 4:.1f}" y="{y + 14}">{v}</text>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{html.escape(title)}" width="{width}" '
            f'height="{h}" class="chart"><text x="0" y="14" class="title">{html.escape(title)}</text>'
            + "".join(bars) + "</svg>")


STYLE = ("body{font-family:system-ui,sans-serif;margin:24px;max-width:1100px}svg.chart{display:block;margin:12px 0}"
         "svg text{font-size:12px;fill:#333}svg text.title{font-weight:600;font-size:13px}"
         "svg rect.bar{fill:#3b6fb6}"
         "table{border-collapse:collapse;margin:8px 0 20px}"
         "td,th{border:1px solid #ddd;padding:3px 8px;text-align:left}")


def to_html(report: dict[str, Any], standalone: bool = True) -> str:
    """A whole page (with its style), or the body alone for the /insights page (styled by style.css)."""
    parts = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>medinfo insights</title>"
             f"<style>{STYLE}</style></head><body>" if standalone else "",
             f"<h1>Medical-information insights</h1><p>{report['window']['records']} audited questions</p>"]
    for dim, counts in report["volumes"].items():
        parts.append(bar_chart(TITLES[dim], counts))
    gaps = report["content_gaps"]
    parts.append(bar_chart("Content gaps: times asked", {g["representative"][:28]: g["size"] for g in gaps}))
    parts.append(bar_chart("Reviewer verdicts", report["verdicts"]["counts"]))
    parts.append("<h2>All figures</h2><table><tr><th>section</th><th>key</th><th>value</th><th>detail</th></tr>")
    parts += [f"<tr><td>{html.escape(str(r['section']))}</td><td>{html.escape(str(r['key']))}</td>"
              f"<td>{html.escape(str(r['value']))}</td><td>{html.escape(str(r['detail']))}</td></tr>"
              for r in rows(report)]
    parts.append("</table></body></html>" if standalone else "</table>")
    return "".join(parts)
