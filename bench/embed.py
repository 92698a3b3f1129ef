"""Embedding throughput on whatever device this machine has (issue 15): passages per second for the default
int8 CPU path and for the float model on MEDINFO_DEVICE=auto (CUDA when torch sees it, else the CPU).

    .venv/bin/python bench/embed.py [--n 2000] [--specs minilm-int8,minilm]

Texts: the BioASQ gold snippets shipped for evaluation (eval/golden/docs), real literature passages.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest import offline  # noqa: E402,F401


def texts(n: int) -> list[str]:
    out = []
    for line in (ROOT / "eval/golden/docs/bioasq_snippets.jsonl").read_text().splitlines():
        if line.strip():
            out.append(json.loads(line)["text"])
    while len(out) < n:  # more than the file holds: the same texts again, each made distinct
        out += [f"{t} ({len(out) + i})" for i, t in enumerate(out[: n - len(out)])]
    return out[:n]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--specs", default="minilm-int8,minilm")
    ap.add_argument("--device", default="auto")
    ap.add_argument("--runs", type=int, default=2)
    args = ap.parse_args()
    import torch

    from ingest.embedding import Embedder

    data = texts(args.n)
    print(f"torch {torch.__version__}, CUDA available: {torch.cuda.is_available()}, {args.n} passages "
          f"(median {statistics.median(len(t) for t in data):.0f} characters)")
    for spec in args.specs.split(","):
        emb = Embedder(spec, device=args.device)
        emb.embed(data[:8])  # load and warm up
        rates = []
        for _ in range(args.runs):
            t = time.perf_counter()
            emb.embed(data)
            rates.append(len(data) / (time.perf_counter() - t))
        print(f"{spec:12s} on {emb.device}: " + ", ".join(f"{r:.1f}" for r in rates) + " passages/s")


if __name__ == "__main__":
    main()
