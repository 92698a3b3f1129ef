"""`medinfo eval`: run golden sets, gate on thresholds, write JUnit XML and a report."""
from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
DEFAULT_THRESHOLDS = PACKAGE / "thresholds.yaml"
DEFAULT_BASELINE = PACKAGE / "baseline.json"


def cmd_eval(args) -> int:
    from eval import harness, report
    from eval.client import Client, HttpClient, InProcessClient

    thresholds_path = Path(args.thresholds) if args.thresholds else (
        DEFAULT_THRESHOLDS if DEFAULT_THRESHOLDS.exists() else None)
    try:
        for s in args.sets:
            harness.load_set(Path(s))
        thresholds = harness.load_thresholds(thresholds_path)
    except (OSError, harness.GoldenSetError, ValueError) as exc:
        print(f"medinfo: error: {exc}", file=sys.stderr)
        return 2
    from assistant.settings import Settings

    settings = Settings.load(args.data_dir)
    client: Client
    if args.base_url:
        client = HttpClient(args.base_url, settings.api_key)
    else:
        if args.factory:
            mod, _, func = args.factory.partition(":")
            assistant = getattr(importlib.import_module(mod), func or "build")(settings.data_dir)
        else:
            from assistant.answering.assistant import Assistant

            assistant = Assistant(settings=settings)
        assistant.warm_up()
        client = InProcessClient(assistant)
    bar = None
    if sys.stderr.isatty() and not args.json:
        from tqdm import tqdm

        bar = tqdm(total=0, unit="q", file=sys.stderr)

    def progress(done: int, total: int) -> None:
        if bar is not None:
            bar.total = total
            bar.update(1)

    results, summary = harness.run([Path(s) for s in args.sets], client, progress, top_k=args.top_k,
                                   limit=args.limit, judge=harness.Judge.from_settings(settings))
    if bar is not None:
        bar.close()
    gate_rows = harness.gate(summary, thresholds)
    baseline_path = Path(args.baseline) if args.baseline else (DEFAULT_BASELINE if DEFAULT_BASELINE.exists() else None)
    baseline = json.loads(baseline_path.read_text()) if baseline_path and baseline_path.exists() else None
    regressions = harness.compare(summary, baseline)
    per_tag = harness.by_tag(results)
    first = next((r.answer for r in results if r.answer), {}) or {}
    meta = {"time": report.now(), "client": client.name, "sets": [Path(s).name for s in args.sets],
            "corpus_version": first.get("corpus_version"), "generator": first.get("generator")}
    if args.junit:
        report.write_junit(Path(args.junit), results, gate_rows)
    if args.report:
        writer = report.write_markdown if str(args.report).endswith(".md") else report.write_html
        writer(Path(args.report), results, summary, gate_rows, regressions, per_tag, meta)
    if args.save_baseline:
        Path(args.save_baseline).write_text(json.dumps({"meta": meta, "summary": summary}, indent=2, default=str))
    failed = [g for g in gate_rows if not g["passed"]]
    errors = sum(s.get("errors", 0) for k, s in summary.items() if k != "all")
    if args.json:
        print(json.dumps({"passed": not failed and not errors, "summary": summary, "thresholds": gate_rows,
                          "failed": failed, "regressions": regressions, "by_type": per_tag, "meta": meta},
                         indent=2, default=str))
    else:
        _print_summary(summary, gate_rows, regressions)
    for g in failed:
        print(f"FAILED: {g['set']} {g['metric']} = {g['value']} (required {g['bound']})", file=sys.stderr)
    if errors:
        print(f"FAILED: {errors} item(s) raised errors", file=sys.stderr)
    return 1 if failed or errors else 0


def _print_summary(summary: dict, gate_rows: list[dict], regressions: list[dict]) -> None:
    from eval.report import HEADLINE, _fmt

    names = list(summary)
    key_width = max(len(k) for k, _ in HEADLINE) + 1
    widths = [max(10, len(n)) + 2 for n in names]  # a column as wide as its set's name
    print(f"{'metric':<{key_width}}" + "".join(f"{n:>{w}}" for n, w in zip(names, widths, strict=True)))
    for key, _ in HEADLINE:
        print(f"{key:<{key_width}}" + "".join(f"{_fmt(summary[n].get(key)):>{w}}"
                                              for n, w in zip(names, widths, strict=True)))
    all_ = summary["all"]
    print("LLM-judged: " + ", ".join(f"{k} {all_.get(k)}" for k in ("faithfulness", "response_groundedness",
                                                                     "answer_relevancy")))
    ok = sum(g["passed"] for g in gate_rows)
    print(f"thresholds met: {ok}/{len(gate_rows)}")
    for r in regressions:
        print(f"regression: {r['set']} {r['metric']} {r['baseline']:.3f} -> {r['value']:.3f}")


def register(sub, add) -> None:
    sp = add("eval", "Score the assistant on golden sets and gate on thresholds.", cmd_eval)
    sp.add_argument("sets", nargs="+", metavar="SET", help="golden set(s), JSONL (see eval/README.md)")
    sp.add_argument("--thresholds", help=f"thresholds YAML (default: {DEFAULT_THRESHOLDS.name} of the package)")
    sp.add_argument("--junit", help="write JUnit XML here")
    sp.add_argument("--report", help="write a report here (.html or .md)")
    sp.add_argument("--base-url", help="evaluate a running server instead of the in-process assistant")
    sp.add_argument("--baseline", help="baseline run to compare with (default: eval/baseline.json)")
    sp.add_argument("--save-baseline", help="write this run's summary as a baseline")
    sp.add_argument("--limit", type=int, help="only the first N items of each set")
    sp.add_argument("--top-k", type=int, default=10)
    sp.add_argument("--factory", help="module:function(data_dir) -> Assistant, to evaluate another configuration")
