"""Build golden/out_of_corpus.jsonl: the test split of PubMedRS-200 (MIT licence, see its LICENSE in
shared/data/dev/pubmedrs200): clinical questions from systematic reviews whose evidence is not in the bundled
corpus. medinfo must refuse them. The split is the one bench/fit_answerability.py uses (sha1 of the id, odd =
test); the dev half is what the answerability model was fitted on, so only the test half is here.

    python eval/golden/build_out_of_corpus.py ../shared/data/dev/pubmedrs200/pubmedrs200.jsonl
"""
from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

OUT = Path(__file__).parent / "out_of_corpus.jsonl"


def main(src: str) -> None:
    rows = []
    for line in Path(src).read_text(encoding="utf-8").split("\n"):
        if not line.strip():
            continue
        it = json.loads(line)
        if int(hashlib.sha1(it["id"].encode()).hexdigest(), 16) % 2 == 0:
            continue  # dev: fitted on
        rows.append({"id": it["id"], "question": it["question"], "answerable": False, "expected": [],
                     "reference_answer": None, "tags": {"type": "out_of_corpus", "source": "PubMedRS-200 (MIT)",
                                                        "split": "test"}})
    OUT.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    print(f"wrote {len(rows)} questions to {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
