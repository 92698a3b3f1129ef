"""Answer latency: `ask` in-process and warm over the bundled corpus (p50, p95), and the CLI's first
answer from a cold start.

    .venv/bin/python bench/latency.py [--data-dir D]   (ingests the bundled corpus into D first)
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest import offline  # noqa: E402,F401


def questions() -> list[str]:
    labels = [json.loads(x)["question"] for x in (ROOT / "eval/golden/labels.jsonl").read_text().splitlines()]
    pubmed = [json.loads(x)["question"] for x in (ROOT / "eval/golden/pubmedqa.jsonl").read_text().split("\n") if x]
    return labels + pubmed[:146]


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", default=None)
    args = ap.parse_args()
    data_dir = args.data_dir or tempfile.mkdtemp(prefix="medinfo-latency-")
    from ingest.pipeline import ingest

    summary, _ = ingest([ROOT / "corpus"], data_dir=data_dir)
    print(f"store {data_dir}: {summary['store']['searchable_chunks']} searchable chunks")
    from assistant.answering.assistant import Assistant

    t = time.perf_counter()
    a = Assistant(data_dir=data_dir)
    a.warm_up()
    print(f"assistant start-up (model load, index snapshot): {time.perf_counter() - t:.1f} s")
    qs = questions()
    for q in qs[:20]:
        a.ask(q)  # warm caches of the code paths, not of these exact answers (all are asked again below)
    lat = []
    for q in qs:
        t = time.perf_counter()
        a.ask(q)
        lat.append((time.perf_counter() - t) * 1000)
    print(f"in-process warm ask over {len(qs)} questions: p50 {statistics.median(lat):.1f} ms, "
          f"p95 {pct(lat, 95):.1f} ms, max {max(lat):.1f} ms")
    cold = []
    for q in ("What is the recommended starting dose of warfarin?", "Can ciprofloxacin cause tendon rupture?",
              "Is metformin contraindicated in severe renal impairment?"):
        t = time.perf_counter()
        out = subprocess.run([str(Path(sys.executable).parent / "medinfo"), "ask", q, "--data-dir", data_dir,
                              "--json"], capture_output=True, text=True)
        cold.append(time.perf_counter() - t)
        assert json.loads(out.stdout)["status"] == "answered"
    print(f"CLI first answer from a cold start (new process): median {statistics.median(cold):.2f} s "
          f"(runs: {', '.join(f'{c:.2f}' for c in cold)})")


if __name__ == "__main__":
    main()
