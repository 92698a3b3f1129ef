"""Questions answered by a table row: medinfo against the LangChain quick-start retriever, in one run.

    .venv/bin/python bench/tables.py [--root TREE] [--store DIR] [--shared ../shared/data] [--out reports/tables.json]

Questions: eval/golden/tables/questions.jsonl, written by hand on the tables of the bundled labels ("corpus:<drug>")
and of the 17 labels of shared/data/fda_labels_more; each names the facts a right answer holds (a row's label and
its value). Split by document with the hash of bench/quality.py: the bundled labels and the dev half of the unseen
ones are dev, the other half test (whole labels unseen).
Store: the bundled corpus plus the 17 labels ingested without a manifest (`--approve`), by the code of --root (a git
worktree of an older commit measures the same questions before a change). Baseline: bench/quality.py's quick
start (PyPDFLoader -> RecursiveCharacterTextSplitter(1000, 200) -> Chroma, same MiniLM).
Measured: all facts in medinfo's answer + quotes, all facts in one quote (the row cited whole), in the first quote
(the row leads), quotes per answer, refusals; the
baseline's top-1 and top-3 chunks holding all facts (anywhere in the chunk: a cell read apart from its row counts).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
QUESTIONS = HERE.parent / "eval" / "golden" / "tables" / "questions.jsonl"


def norm(text: str) -> str:
    return " ".join(text.lower().split())


def has_all(facts: list[str], text: str) -> bool:
    t = norm(text)
    return all(norm(f) in t for f in facts)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", default=str(HERE.parent), help="the medinfo tree whose code answers")
    ap.add_argument("--store", default="/tmp/medinfo-tables-store")
    ap.add_argument("--shared", default=str(HERE.parent.parent / "shared" / "data"))
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--out")
    args = ap.parse_args()
    root = Path(args.root).resolve()
    # The ingest's parser processes import the code too: they must find --root's first (the editable install
    # would give them this tree's, whose revision ids differ when the pipeline version does).
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(root), os.environ.get("PYTHONPATH")) if p)
    sys.path.insert(0, str(root))
    from assistant.answering.assistant import Assistant  # the code of --root, imported first: its packages stay
    from assistant.settings import Settings
    from ingest.embedding import Embedder
    from ingest.pipeline import ingest
    from ingest.store import Store

    path = list(sys.path)
    sys.path.insert(1, str(HERE))
    from quality import baseline, split_of  # bench/quality.py of this tree

    sys.path[:] = path  # quality.py puts this tree first: the ingest's parser processes must import --root's code

    shared = Path(args.shared)
    store_dir = Path(args.store)
    more = store_dir.parent / (store_dir.name + "-more")
    more.mkdir(parents=True, exist_ok=True)
    for pdf in (shared / "fda_labels_more").glob("*.pdf"):
        if not (more / pdf.name).exists():
            shutil.copy(pdf, more / pdf.name)
    t0 = time.perf_counter()
    store = Store(store_dir, Embedder())
    ingest([root / "corpus"], store=store)
    ingest([more], store=store, approve=True)
    print(f"store ready in {time.perf_counter() - t0:.0f} s")
    medinfo = Assistant(store=store, settings=Settings.load(store.data_dir))
    medinfo.warm_up()
    base = None if args.no_baseline else baseline(more, store_dir.parent / (store_dir.name + "-baseline"))
    items = [json.loads(x) for x in QUESTIONS.read_text().splitlines() if x.strip()]
    rows = []
    for it in items:
        split = "dev" if it["file"].startswith("corpus:") else split_of(it["file"])
        a = medinfo.ask(it["question"], channel="bench")
        quotes = [c.quote for c in a.citations]
        row = {"id": it["id"], "split": split, "status": a.status,
               "facts": has_all(it["facts"], a.answer + " " + " ".join(quotes)),
               "row_quoted": any(has_all(it["facts"], q) for q in quotes),
               "first_quote_row": bool(quotes) and has_all(it["facts"], quotes[0]), "quotes": len(quotes)}
        if base is not None:
            hits = base.similarity_search(it["question"], k=3)
            row["base_top1"] = bool(hits) and has_all(it["facts"], hits[0].page_content)
            row["base_top3"] = has_all(it["facts"], " ".join(h.page_content for h in hits))
        rows.append(row)
        print(f"{it['id']:20s} {split:4s} {a.status:22s} facts={row['facts']!s:5s} row={row['row_quoted']!s:5s} "
              f"base1={row.get('base_top1')!s:5s} base3={row.get('base_top3')}", flush=True)
    summary = {}
    for split in ("dev", "test"):
        g = [r for r in rows if r["split"] == split]
        if not g:
            continue

        def rate(k: str, g: list = g) -> float | None:
            vals = [r[k] for r in g if k in r]
            return round(sum(vals) / len(vals), 3) if vals else None

        summary[split] = {"n": len(g), "refused": round(sum(r["status"] != "answered" for r in g) / len(g), 3),
                          "medinfo_facts": rate("facts"), "medinfo_row_quoted": rate("row_quoted"),
                          "medinfo_first_quote_row": rate("first_quote_row"),
                          "quotes_per_answer": round(sum(r["quotes"] for r in g) / len(g), 2),
                          "baseline_facts_top1": rate("base_top1"), "baseline_facts_top3": rate("base_top3")}
    print(json.dumps(summary, indent=1))
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps({"summary": summary, "rows": rows}, indent=1))


if __name__ == "__main__":
    main()
