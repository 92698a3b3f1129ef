"""Build the follow-up golden set from eval/golden/followups/conversations.yaml: one item per turn, with the
earlier turns of its conversation as `history`, the expected resolution (product and words) and the expected
documents with the pages that hold one of the turn's phrases in a store of the bundled corpus.

    .venv/bin/python eval/golden/build_followups.py --data-dir .medinfo-gate

Split dev/test by a hash of the conversation id (as build_dev_sets.split_of does for questions): the test half is
eval/golden/followups.jsonl (the gate), the dev half eval/golden/dev/followups.jsonl.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from eval.golden.build_dev_sets import split_of  # noqa: E402
from ingest.catalog import Catalog  # noqa: E402

HERE = Path(__file__).parent


def pages_with(cat: Catalog, doc_id: str, phrases: list[str]) -> list[int]:
    doc = cat.document(doc_id)
    if doc is None:
        raise SystemExit(f"{doc_id}: not in the store; ingest the bundled corpus first")
    pats = [re.compile(r"\s+".join(map(re.escape, p.split())), re.I) for p in phrases]
    rows = cat.conn.execute("SELECT page_no, text FROM pages WHERE rev_id=? ORDER BY page_no", (doc["rev_id"],))
    return [n for n, text in rows if any(p.search(text) for p in pats)]


def build(spec: dict, cat: Catalog) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {"dev": [], "test": []}
    for conv in spec["conversations"]:
        split = split_of("conversation:" + conv["id"])
        history: list[str] = []
        for n, turn in enumerate(conv["turns"], 1):
            expected = [{"document_id": d, "pages": pages_with(cat, d, turn["phrases"])} for d in turn["docs"]]
            expected = [e for e in expected if e["pages"]]
            if not expected:
                raise SystemExit(f"{conv['id']} turn {n}: no page of {turn['docs']} holds {turn['phrases']}")
            out[split].append({
                "id": f"{conv['id']}-{n}", "conversation": conv["id"], "history": list(history),
                "question": turn["q"], "answerable": True, "expected": expected,
                "resolution": {"product": turn["product"], "must": turn["must"]},
                "tags": {"set": "followups", "type": "first" if n == 1 else "follow-up", "split": split}})
            history.append(turn["q"])
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", default=".medinfo-gate", help="a store holding the bundled corpus")
    args = ap.parse_args()
    spec = yaml.safe_load((HERE / "followups" / "conversations.yaml").read_text())
    out = build(spec, Catalog(Path(args.data_dir) / "catalog.sqlite"))
    for split, path in (("test", HERE / "followups.jsonl"), ("dev", HERE / "dev" / "followups.jsonl")):
        path.write_text("".join(json.dumps(item) + "\n" for item in out[split]))
        print(f"{path}: {len(out[split])} turns ({sum(1 for i in out[split] if i['history'])} follow-ups)")


if __name__ == "__main__":
    main()
