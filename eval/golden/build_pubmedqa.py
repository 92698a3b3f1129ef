"""Builds pubmedqa.jsonl from the bundled PubMedQA dev set: question -> its abstract (page 1).

    .venv/bin/python eval/golden/build_pubmedqa.py
"""
from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    data = json.loads((ROOT / "corpus/literature/pubmedqa_dev.json").read_text())
    out = []
    for pmid, item in data.items():
        out.append({"id": f"pubmedqa-{pmid}", "question": item["QUESTION"], "answerable": True,
                    "expected": [{"document_id": f"pmid-{pmid}", "pages": [1]}],
                    "reference_answer": item["LONG_ANSWER"],
                    "tags": {"set": "pubmedqa", "type": "literature", "decision": item["final_decision"]}})
    path = Path(__file__).parent / "pubmedqa.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in out))
    print(f"wrote {len(out)} items to {path}")


if __name__ == "__main__":
    main()
