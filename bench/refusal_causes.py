"""Where the refusals of answerable questions come from, on a dev set: before retrieval (scope), no usable evidence,
or the answerability model refusing evidence that holds a gold passage (or not).

    .venv/bin/python bench/refusal_causes.py [--data-dir DIR] [--show N] eval/golden/dev/mediqa.jsonl ...

Counts per set and cause; --show N prints N questions of the cause "model refuses gold evidence" (or --cause) with
their lead sentence and features, to read. Dev sets only: reading test items would tune on them.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest import offline  # noqa: E402,F401

SHOWN = ("coverage", "best_dense", "sentence_dense", "rare_missing", "top_terms_found", "lead_coverage")


def cause(r: dict, want: set[str], threshold: float, p: float | None) -> str:
    if r["scope"].refusal:
        return "scope refusal"
    ev = r["selection"].evidence if r["selection"] else []
    if not ev:
        return "no usable evidence"
    gold_ev = any(e.passage.doc_id in want for e in ev)
    gold_hit = any(h.passage.doc_id in want for h in r["hits"])
    if p is not None and p < threshold:
        if gold_ev:
            return "model refuses gold evidence"
        return "model refuses, gold retrieved not selected" if gold_hit else "model refuses, gold not retrieved"
    return "answered, gold evidence" if gold_ev else "answered, no gold evidence"


def main() -> None:
    from assistant.answering.answerability import load
    from assistant.answering.assistant import Assistant
    from assistant.settings import Settings
    from ingest.embedding import Embedder
    from ingest.store import Store

    ap = argparse.ArgumentParser()
    ap.add_argument("sets", nargs="+")
    ap.add_argument("--data-dir", default=str(ROOT / ".medinfo-gate-heldout"))
    ap.add_argument("--show", type=int, default=0)
    ap.add_argument("--cause", default="model refuses gold evidence",
                    help='the cause --show prints (e.g. "answered, no gold evidence")')
    args = ap.parse_args()
    if any("/dev/" not in s for s in args.sets):
        sys.exit("dev sets only (eval/golden/dev/...): reading test items would tune on them")
    store = Store(Path(args.data_dir), Embedder())
    assistant = Assistant(store=store, settings=Settings.load(store.data_dir))
    assistant.warm_up()
    model = load()
    threshold = model.threshold if model else 0.0
    counts: Counter[tuple[str, str]] = Counter()
    shown = 0
    for path in args.sets:
        name = Path(path).stem
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            it = json.loads(line)
            if not it.get("answerable", True):
                continue
            r = assistant.inspect(it["question"])
            p = model.probability(r["features"]) if model and r["features"] else None
            c = cause(r, {e["document_id"] for e in it.get("expected") or []}, threshold, p)
            counts[(name, c)] += 1
            if c == args.cause and shown < args.show:
                shown += 1
                f = r["features"]
                print(f"{p:.2f}  {it['question'][:200]}\n      {r['selection'].evidence[0].display[:160]}\n      "
                      + " ".join(f"{k} {f[k]:.2f}" for k in SHOWN))
    for (name, c), n in sorted(counts.items()):
        print(f"{name:16s} {c:45s} {n}")


if __name__ == "__main__":
    main()
