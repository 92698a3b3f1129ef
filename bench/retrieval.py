"""Retrieval quality: recall@1, recall@5 and MRR of BM25 alone, dense alone and the fused retriever.

    .venv/bin/python bench/retrieval.py [--embedder minilm] [--medquad ../shared/data/medquad] [--limit 1000]

(a) PubMedQA dev: question -> its abstract, among the 500 bundled abstracts.
(b) MedQuAD (CancerGov, NIDDK, CDC): question -> its exact answer passage among all answers, which are
    indexed without their questions (each answer is one page of its topic document).
Both are ingested with medinfo's own pipeline into a fresh temporary store.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest import offline  # noqa: E402,F401


def medquad_items(root: Path) -> tuple[list[dict], list[dict]]:
    import xml.etree.ElementTree as ET

    entries, questions = [], []
    for sub in sorted(p for p in root.iterdir() if p.is_dir()):
        for f in sorted(sub.glob("*.xml")):
            doc_id = f"{sub.name.split('_', 1)[1].lower()}-{f.stem}".replace("_", "-")
            entries.append({"path": str(f), "id": doc_id, "kind": "approved"})
            page = 0
            for qa in ET.parse(f).getroot().iter("QAPair"):
                ans = qa.findtext("Answer")
                if ans and ans.strip():
                    page += 1
                    q = qa.findtext("Question")
                    if q:
                        questions.append({"question": q.strip(), "doc_id": doc_id, "page": page,
                                          "answer": " ".join(ans.split())})
    return entries, questions


def pubmedqa_items() -> list[dict]:
    data = json.loads((ROOT / "corpus/literature/pubmedqa_dev.json").read_text())
    return [{"question": v["QUESTION"], "doc_id": f"pmid-{k}", "page": 1} for k, v in data.items()]


def evaluate(retriever, items: list[dict], page_text=None, structure: bool = False) -> dict:
    """structure=True retrieves as the assistant does: question intents boost the label sections
    (or MedQuAD answer types) they name, and product names restrict approved content."""
    from assistant.answering.retrieval import Filters
    from assistant.question.intents import intents_of

    r1 = r5 = mrr = 0.0
    t0 = time.perf_counter()
    snap = retriever.snapshot()
    for it in items:
        q = it["question"]
        filters = Filters(intents=intents_of(q), products=snap.products_in(q)) if structure else Filters()
        hits = retriever.search(q, k=30, filters=filters)
        seen, rank = [], None
        for h in hits:
            key = (h.passage.doc_id, h.passage.page)
            if key in seen:
                continue
            seen.append(key)
            same = key == (it["doc_id"], it["page"])
            if not same and page_text is not None and "answer" in it:
                same = page_text(key) == it["answer"]  # MedQuAD repeats some answers verbatim
            if same:
                rank = len(seen)
                break
        if rank is not None:
            r1 += rank == 1
            r5 += rank <= 5
            mrr += 1.0 / rank
    n = len(items)
    return {"R@1": r1 / n, "R@5": r5 / n, "MRR": mrr / n, "ms_per_query": (time.perf_counter() - t0) * 1000 / n}


def run_set(name: str, paths: list[Path], manifest: Path | None, items: list[dict], embedder: str,
            configs: dict[str, dict], store_dir: str | None = None) -> dict:
    from assistant.answering.retrieval import Retriever
    from ingest.embedding import Embedder
    from ingest.pipeline import ingest
    from ingest.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        if store_dir:
            tmp = str(Path(store_dir) / f"{name.split(maxsplit=1)[0]}-{embedder}")
        store = Store(tmp, Embedder(embedder))
        t = time.perf_counter()
        summary, _ = ingest(paths, manifest=manifest, data_dir=tmp, store=store)
        print(f"[{name}] {summary['store']['documents']} documents, {summary['store']['searchable_chunks']} chunks "
              f"in {time.perf_counter() - t:.0f} s", flush=True)
        texts: dict = {}

        def page_text(key):
            if key not in texts:
                d = store.catalog.document(key[0])
                texts[key] = " ".join((store.catalog.page_text(d["rev_id"], key[1]) or "").split())
            return texts[key]

        out = {}
        for label, kw in configs.items():
            kw = dict(kw)
            structure = kw.pop("structure", False)
            out[label] = evaluate(Retriever(store, **kw), items, page_text, structure)
            m = out[label]
            print(f"[{name}] {label:<36} R@1 {m['R@1']:.3f}  R@5 {m['R@5']:.3f}  MRR {m['MRR']:.3f}  "
                  f"({m['ms_per_query']:.0f} ms/query)", flush=True)
        store.close()
    return out


CONFIGS = {
    "bm25 alone": {"dense_weight": 0.0, "bm25_weight": 1.0, "focus_weight": 0.0},
    "dense alone": {"dense_weight": 1.0, "bm25_weight": 0.0, "focus_weight": 0.0},
    "plain RRF (1:1)": {"dense_weight": 1.0, "bm25_weight": 1.0, "focus_weight": 0.0},
    "fused, weighted (no structure)": {"focus_weight": 0.0},
    "fused + focus + structure (medinfo)": {"structure": True},
}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--embedder", default="minilm-int8")
    ap.add_argument("--medquad", default=str(ROOT.parent / "shared" / "data" / "medquad"))
    ap.add_argument("--limit", type=int, default=1000, help="MedQuAD questions sampled (seed 0)")
    ap.add_argument("--sets", default="pubmedqa,medquad")
    ap.add_argument("--store-dir", default=None, help="keep the stores here (re-runs skip the ingest)")
    args = ap.parse_args()
    sets = args.sets.split(",")
    if "pubmedqa" in sets:
        import yaml

        with tempfile.TemporaryDirectory() as tmp:
            m = Path(tmp) / "manifest.yaml"
            src = ROOT / "corpus/literature/pubmedqa_dev.json"
            m.write_text(yaml.safe_dump({"documents": [{"path": str(src), "id_prefix": "pmid-",
                                                        "kind": "literature"}]}))
            run_set("pubmedqa", [src], m, pubmedqa_items(), args.embedder, CONFIGS, args.store_dir)
    if "medquad" in sets:
        import yaml

        entries, questions = medquad_items(Path(args.medquad))
        random.Random(0).shuffle(questions)
        questions = questions[: args.limit]
        with tempfile.TemporaryDirectory() as tmp:
            m = Path(tmp) / "manifest.yaml"
            m.write_text(yaml.safe_dump({"documents": entries}))
            run_set(f"medquad ({len(questions)} questions)", [Path(e["path"]) for e in entries], m, questions,
                    args.embedder, CONFIGS, args.store_dir)


if __name__ == "__main__":
    main()
