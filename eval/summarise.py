"""Print eval runs side by side (e.g. test and dev): one row per set and metric.

    python eval/summarise.py reports/eval-full-test.json reports/eval-full-dev.json
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

METRICS = ("items", "answered", "false_refusal_rate", "refusal_accuracy", "first_citation_correct_rate",
           "correct_document_rate", "correct_page_rate", "recall@5", "citation_recall", "verbatim_quote_rate",
           "resolution_accuracy")


def main(paths: list[str]) -> None:
    runs = [(Path(p).stem, json.loads(Path(p).read_text())["summary"]) for p in paths]
    sets = [s for s in runs[0][1] if s != "all"]
    print(f"{'set':<16}{'metric':<30}" + "".join(f"{name:>22}" for name, _ in runs))
    for s in sets:
        for m in METRICS:
            vals = [r.get(s, {}).get(m) for _, r in runs]
            if all(v is None for v in vals):
                continue
            print(f"{s:<16}{m:<30}" + "".join(f"{v:>22.3f}" if isinstance(v, float) else f"{v!s:>22}"
                                               for v in vals))


if __name__ == "__main__":
    main(sys.argv[1:])
