"""Run a probe file of consumer questions written by hand ({"q": ..., "want": [products]}) and print, per question,
whether the first citation is from a wanted product's label, with the section and quote that lead the answer.

    .venv/bin/python bench/probe.py --data-dir STORE bench/probe_consumer_brands_and_uses.jsonl

A probe is written before the code it tests runs on it, and read once: it says whether a change generalises beyond
the dev questions it came from. STORE: a store of the bundled corpus (e.g. `bench/quality.py --keep DIR` builds
DIR/medinfo).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ingest import offline  # noqa: E402,F401


def main() -> None:
    from assistant.answering.assistant import Assistant
    from assistant.settings import Settings

    ap = argparse.ArgumentParser()
    ap.add_argument("probe")
    ap.add_argument("--data-dir", required=True)
    args = ap.parse_args()
    assistant = Assistant(settings=Settings.load(Path(args.data_dir)))
    assistant.warm_up()
    docs = {d["doc_id"]: d for d in assistant.store.catalog.documents()}
    rows = [json.loads(line) for line in Path(args.probe).read_text(encoding="utf-8").splitlines() if line.strip()]
    right = 0
    for it in rows:
        answer = assistant.ask(it["q"])
        first = answer.citations[0] if answer.citations else None
        product = docs.get(first.document_id, {}).get("product") if first else None
        ok = product in it["want"]
        right += ok
        lead = " ".join(first.quote.split())[:90] if first else (answer.explanation or "")[:90]
        p = answer.answerability if isinstance(answer.answerability, float) else None
        print(f"{'OK  ' if ok else 'MISS'} {answer.status[:8]} {p if p is None else round(p, 2)} | {it['q']} | "
              f"{product} | {first.section if first else ''} | {lead}")
    print(f"right drug {right}/{len(rows)}")


if __name__ == "__main__":
    main()
