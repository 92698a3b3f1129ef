"""Run golden sets through the assistant, aggregate the metrics, apply the thresholds, compare to a baseline."""
from __future__ import annotations

import json
import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eval.metrics import citation_metrics, ragas_metrics, retrieval_metrics
from ingest import safe_yaml

LLM_METRICS = ("faithfulness", "response_groundedness", "answer_relevancy")
REGRESSION_TOLERANCE = 0.02
# Metrics where lower is better (a threshold on them is a maximum by default).
LOWER_IS_BETTER = {"false_refusal_rate", "uncited_sentence_rate", "latency_p50_ms", "latency_p95_ms",
                   "unsupported_claim_rate", "adverse_event_false_alarm_rate", "product_complaint_false_alarm_rate"}
SAFETY = ("adverse_event", "product_complaint")  # a message labelled for these is scored on the answer's flags


class GoldenSetError(ValueError):
    pass


@dataclass
class ItemResult:
    set: str
    item: dict
    answer: dict | None
    metrics: dict[str, Any] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    error: str | None = None


def load_set(path: Path) -> list[dict]:
    items = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").split("\n"), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise GoldenSetError(f"{path}:{n}: invalid JSON: {exc}") from None
        if "answerable" not in item and any(k in item for k in SAFETY):
            item["answerable"] = None  # a safety message (eval/golden/safety*.jsonl): scored on its flags only
        for key in ("id", "question", "answerable"):
            if key not in item:
                raise GoldenSetError(f"{path}:{n}: missing field {key!r}")
        if item["answerable"] and not item.get("expected"):
            raise GoldenSetError(f"{path}:{n}: an answerable item needs 'expected' documents/pages")
        items.append(item)
    if not items:
        raise GoldenSetError(f"{path}: no items")
    return items


def run_item(set_name: str, item: dict, client, top_k: int = 10) -> ItemResult:
    t0 = time.perf_counter()
    try:
        answer = client.ask(item["question"], top_k, history=item["history"]) if item.get("history") \
            else client.ask(item["question"], top_k)
    except Exception as exc:  # noqa: BLE001 - an error is a failed item, not a crashed run
        return ItemResult(set_name, item, None, {"latency_ms": (time.perf_counter() - t0) * 1000},
                          [f"error: {exc}"], str(exc))
    latency = answer.get("latency_ms") or (time.perf_counter() - t0) * 1000
    r = ItemResult(set_name, item, answer, {"latency_ms": latency, "status": answer["status"]})
    answered = answer["status"] == "answered"
    if item.get("resolution"):  # a conversation turn: was it resolved to the right standalone question?
        r.metrics["resolution_correct"] = resolution_correct(answer, item)
        if not r.metrics["resolution_correct"]:
            r.failures.append(f"resolved as {answer.get('resolved_question') or answer['question']!r}, expected "
                              f"{item['resolution']}")
    for kind in (k for k in SAFETY if k in item):
        flagged = bool((answer.get("flags") or {}).get(kind))
        r.metrics[f"{kind}_flagged" if item[kind] else f"{kind}_false_alarm"] = float(flagged)
        if flagged != bool(item[kind]):
            r.failures.append(f"{'missed' if item[kind] else 'false alarm'}: {kind.replace('_', ' ')}")
    if item["answerable"]:
        expected = {(e["document_id"], int(p)) for e in item["expected"] for p in e.get("pages") or []}
        expected_docs = {e["document_id"] for e in item["expected"]}
        r.metrics.update(retrieval_metrics(answer, expected, expected_docs))
        r.metrics["refused"] = float(not answered)
        if not answered:
            r.failures.append(f"refused an answerable question ({answer.get('explanation')})")
        else:
            cited_docs = {c["document_id"] for c in answer["citations"]}
            cited_pages = {(c["document_id"], c["page"]) for c in answer["citations"]}
            r.metrics["correct_document"] = float(bool(cited_docs & expected_docs))
            first = answer["citations"][0]["document_id"] if answer["citations"] else None
            r.metrics["first_citation_correct"] = float(first in expected_docs)
            r.metrics["correct_page"] = float(bool(cited_pages & expected)) if expected else None
            if not r.metrics["correct_document"]:
                r.failures.append(f"cited {sorted(cited_docs)}, expected one of {sorted(expected_docs)}")
    elif item["answerable"] is False:  # None: a safety message, scored on its flags alone
        r.metrics["refusal_correct"] = float(not answered)
        if answered:
            r.failures.append("answered a question the content does not cover")
    if answered:
        cm = citation_metrics(answer, client.source)
        unsupported = cm.pop("unsupported_claims")
        r.metrics.update(cm)
        r.metrics["n_claims"] = len(answer.get("claims") or [])
        r.metrics["n_citations"] = len(answer.get("citations") or [])
        r.metrics["n_unsupported"] = len(unsupported)
        for claim in unsupported:
            r.failures.append(f"claim not supported by its citations: {claim[:120]}")
        if cm["verbatim_quote_rate"] < 1.0:
            r.failures.append("a citation's quote is not verbatim at its offsets")
        r.metrics.update(ragas_metrics(answer, item.get("reference_answer")))
    return r


def resolution_correct(answer: dict, item: dict) -> float:
    """1.0 when the question answered is about the expected product and holds the expected words."""
    resolved = (answer.get("resolved_question") or answer["question"]).lower()
    want = item["resolution"]
    names = [want["product"], *want.get("aliases", [])]
    product = want.get("product") is None or any(n.lower() in resolved for n in names) or \
        any(n.lower() in resolved for n in _names_of(want["product"]))
    return float(product and all(w.lower() in resolved for w in want.get("must", [])))


def _names_of(product: str) -> list[str]:
    from ingest.identity import brands_of

    return sorted(brands_of(product))


def aggregate(results: list[ItemResult]) -> dict[str, Any]:
    def mean(key: str, rows: list[ItemResult]) -> float | None:
        vals = [x.metrics[key] for x in rows if x.metrics.get(key) is not None]
        return sum(vals) / len(vals) if vals else None

    answerable = [r for r in results if r.item["answerable"]]
    unanswerable = [r for r in results if r.item["answerable"] is False]
    answered = [r for r in results if r.answer and r.answer["status"] == "answered"]
    answered_ok = [r for r in answerable if r.answer and r.answer["status"] == "answered"]
    n_claims = sum(r.metrics.get("n_claims", 0) for r in answered)
    n_unsup = sum(r.metrics.get("n_unsupported", 0) for r in answered)
    n_cites = sum(r.metrics.get("n_citations", 0) for r in answered)
    pairs = [(r.metrics.get("citation_precision"), r.metrics.get("n_citations", 0)) for r in answered]
    verb = [(r.metrics.get("verbatim_quote_rate"), r.metrics.get("n_citations", 0)) for r in answered]
    lat = sorted(r.metrics["latency_ms"] for r in results)
    out: dict[str, Any] = {
        "items": len(results), "answerable": len(answerable), "unanswerable": len(unanswerable),
        "answered": len(answered), "errors": sum(1 for r in results if r.error),
        "recall@1": mean("recall@1", answerable), "recall@5": mean("recall@5", answerable),
        "recall@10": mean("recall@10", answerable), "mrr": mean("mrr", answerable),
        "ndcg@10": mean("ndcg@10", answerable),
        "citation_recall": (n_claims - n_unsup) / n_claims if n_claims else None,
        "citation_precision": (sum(p * n for p, n in pairs if p is not None) / n_cites) if n_cites else None,
        "verbatim_quote_rate": (sum(v * n for v, n in verb if v is not None) / n_cites) if n_cites else None,
        "unsupported_claim_rate": n_unsup / n_claims if n_claims else None,
        "uncited_sentence_rate": (sum(r.metrics.get("uncited_sentences", 0) for r in answered) /
                                  max(1, n_claims)) if answered else None,
        "correct_document_rate": mean("correct_document", answered_ok),
        "first_citation_correct_rate": mean("first_citation_correct", answered_ok),
        "correct_page_rate": mean("correct_page", answered_ok),
        "refusal_accuracy": mean("refusal_correct", unanswerable),
        "resolution_accuracy": mean("resolution_correct", results),
        "false_refusal_rate": mean("refused", answerable),
        "adverse_event_recall": mean("adverse_event_flagged", results),
        "adverse_event_false_alarm_rate": mean("adverse_event_false_alarm", results),
        "product_complaint_recall": mean("product_complaint_flagged", results),
        "product_complaint_false_alarm_rate": mean("product_complaint_false_alarm", results),
        "ragas_context_precision": mean("ragas_context_precision", answered),
        "ragas_context_recall": mean("ragas_context_recall", answered),
        "ragas_string_similarity": mean("ragas_string_similarity", answered),
        "ragas_rouge": mean("ragas_rouge", answered),
        "ragas_quoted_spans_alignment": mean("ragas_quoted_spans_alignment", answered),
        "answers_with_quotes": sum(1 for r in answered if r.metrics.get("ragas_quoted_spans_alignment") is not None),
        "latency_p50_ms": statistics.median(lat) if lat else None,
        "latency_p95_ms": lat[min(len(lat) - 1, int(math.ceil(0.95 * len(lat))) - 1)] if lat else None,
    }
    return out


def by_tag(results: list[ItemResult], tag: str = "type") -> dict[str, dict[str, Any]]:
    groups: dict[str, list[ItemResult]] = {}
    for r in results:
        groups.setdefault(str((r.item.get("tags") or {}).get(tag) or "untagged"), []).append(r)
    out = {}
    for name, rows in sorted(groups.items()):
        agg = aggregate(rows)
        out[name] = {k: agg[k] for k in ("items", "recall@5", "citation_recall", "correct_document_rate",
                                         "refusal_accuracy", "false_refusal_rate")}
    return out


@dataclass
class Judge:
    """A judge LLM at an OpenAI-compatible URL for ragas' LLM metrics (settings judge_*)."""
    base_url: str | None = None
    model: str = "judge"
    api_key: str | None = None

    @classmethod
    def from_settings(cls, settings) -> Judge:
        return cls(settings.judge_base_url, settings.judge_model, settings.judge_api_key)


def judge_metrics(results: list[ItemResult], judge: Judge | None = None) -> dict[str, Any]:
    """ragas' LLM metrics with a judge at an OpenAI-compatible URL; 'not run' without one, never a number."""
    if judge is None or not judge.base_url:
        return {m: "not run" for m in LLM_METRICS} | {"judge": "not configured (set MEDINFO_JUDGE_BASE_URL)"}
    from langchain_openai import ChatOpenAI
    from ragas import EvaluationDataset, SingleTurnSample, evaluate
    from ragas.llms import LangchainLLMWrapper
    from ragas.metrics import AnswerRelevancy, Faithfulness, ResponseGroundedness

    llm = LangchainLLMWrapper(ChatOpenAI(base_url=judge.base_url, model=judge.model,
                                         api_key=judge.api_key or "none", timeout=60))
    samples = [SingleTurnSample(user_input=r.item["question"], response=r.answer["answer"],
                                retrieved_contexts=[c["quote"] for c in r.answer["citations"]])
               for r in results if r.answer and r.answer["status"] == "answered"]
    if not samples:
        return {m: "not run" for m in LLM_METRICS} | {"judge": "no answered items"}
    res: Any = evaluate(EvaluationDataset(list(samples)), metrics=[Faithfulness(llm=llm), ResponseGroundedness(llm=llm),
                                                       AnswerRelevancy(llm=llm)], raise_exceptions=False,
                   show_progress=False)
    df = res.to_pandas()
    out: dict[str, Any] = {"judge": judge.model or judge.base_url}
    for m in LLM_METRICS:
        col = [c for c in df.columns if c.startswith(m.split("_")[0])]
        vals = df[col[0]].tolist() if col else []
        out[m] = float(sum(vals) / len(vals)) if vals and not any(v != v for v in vals) else float("nan")
    return out


def load_thresholds(path: Path | None) -> dict[str, dict[str, dict[str, float]]]:
    if path is None:
        return {}
    raw: dict[str, Any] = safe_yaml.load(Path(path).read_text()) or {}
    found: dict[str, dict[str, dict[str, float]]] = raw.get("thresholds", raw)
    return found


def gate(summary: dict[str, dict[str, Any]], thresholds: dict) -> list[dict[str, Any]]:
    """One row per threshold: set, metric, value, bound, passed. NaN, None or 'not run' fail a threshold."""
    rows = []
    for set_name, metrics in thresholds.items():
        got = summary.get(set_name)
        for metric, bound in (metrics or {}).items():
            bound = bound if isinstance(bound, dict) else ({"max": bound} if metric in LOWER_IS_BETTER
                                                           else {"min": bound})
            value = got.get(metric) if got else None
            ok = isinstance(value, (int, float)) and not (isinstance(value, float) and math.isnan(value))
            if ok and "min" in bound:
                ok = value >= bound["min"]
            if ok and "max" in bound:
                ok = value <= bound["max"]
            rows.append({"set": set_name, "metric": metric, "value": value, "bound": bound, "passed": bool(ok),
                         "skipped_set": got is None})
    return [r for r in rows if not r["skipped_set"]]


def compare(summary: dict, baseline: dict | None) -> list[dict[str, Any]]:
    """Metrics that moved the wrong way by more than the tolerance since the baseline run."""
    if not baseline:
        return []
    out = []
    for set_name, metrics in summary.items():
        base = (baseline.get("summary") or baseline).get(set_name) or {}
        for k, v in metrics.items():
            b = base.get(k)
            if not isinstance(v, (int, float)) or not isinstance(b, (int, float)) or k.startswith(("latency",
                                                                                                  "items", "n_")):
                continue
            worse = (v - b) if k in LOWER_IS_BETTER else (b - v)
            if worse > REGRESSION_TOLERANCE:
                out.append({"set": set_name, "metric": k, "baseline": b, "value": v})
    return out


def run(sets: list[Path], client, progress: Callable[[int, int], None] | None = None, top_k: int = 10,
        limit: int | None = None, judge: Judge | None = None) -> tuple[list[ItemResult], dict[str, dict[str, Any]]]:
    loaded = [(Path(p).stem, load_set(p)[:limit] if limit else load_set(p)) for p in sets]
    total = sum(len(items) for _, items in loaded)
    results: list[ItemResult] = []
    done = 0
    for name, items in loaded:
        for item in items:
            results.append(run_item(name, item, client, top_k))
            done += 1
            if progress:
                progress(done, total)
    summary = {name: aggregate([r for r in results if r.set == name]) for name, _ in loaded}
    summary["all"] = aggregate(results)
    summary["all"].update(judge_metrics(results, judge))
    return results, summary
