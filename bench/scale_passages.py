"""Where the store breaks as it grows (issue 15): the bundled corpus plus N synthetic literature passages.

    .venv/bin/python bench/scale_passages.py --sizes 10000,100000 [--keep DIR]
    (also: .venv/bin/python bench/scale.py --passages 10000,100000)

Real text first: the bundled corpus and the evaluation documents (eval/golden/docs: BioASQ snippets, MEDIQA
passages) are ingested with the real embedder. Then N synthetic records, clearly labelled as such ("Synthetic
passage K (scale bench) from <document> page P: ..."), each the sentences of one real passage in another order,
go through the same ingest pipeline as one JSONL file. Their vectors are precomputed, not embedded: the source
passage's real vector plus Gaussian noise (cosine ~0.9 to it), so the figures measure the store, not the model.
For each size, in one run:
  ingest throughput of the synthetic records (the pipeline without the model), disk size of the store,
  a worker's start (a fresh process: Assistant + first answer) and its peak resident memory,
  time from the commit of one new document to an answer citing it (a warm assistant),
  `ask` p50/p95 warm in-process on the label and PubMedQA golden questions,
  recall@10 of the vector index's search (Chroma HNSW) against exact search over the same vectors.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from latency import pct  # noqa: E402  (bench/latency.py)
from latency import questions as latency_questions  # noqa: E402

from ingest import offline  # noqa: E402,F401
from ingest.embedding import Embedder  # noqa: E402

TAG = re.compile(r"Synthetic passage \d+ \(scale bench\) from (\S+) page \d+ \[(\d+)\]")


class PrecomputedEmbedder(Embedder):
    """The real model for real text (and for questions); for a synthetic passage, its source passage's vector
    plus noise, looked up by the index in its label. Same name as the real model: one store, one collection."""

    def __init__(self, sources: np.ndarray, noise: float = 0.02):
        super().__init__()
        self.sources = sources
        self.noise = noise

    def embed(self, texts, batch_size=None):
        out = np.zeros((len(texts), 384), dtype=np.float32)
        real = [i for i, t in enumerate(texts) if not TAG.search(t[:300])]
        if real:
            out[real] = super().embed([texts[i] for i in real], batch_size)
        for i, t in enumerate(texts):
            m = TAG.search(t[:300])
            if m:
                rng = np.random.default_rng(zlib.crc32(t.encode()))
                v = self.sources[int(m.group(2))] + rng.normal(0, self.noise, 384).astype(np.float32)
                out[i] = v / np.linalg.norm(v)
        return out


def du(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def base_store(data: Path) -> None:
    from ingest.pipeline import ingest

    for root in (ROOT / "corpus", ROOT / "eval/golden/docs"):
        ingest([root], data_dir=data)


def synthetic(data: Path, n: int, out: Path) -> np.ndarray:
    """Write n synthetic records made from the store's literature and consumer passages; return the source
    vectors (row k = the vector of the passage that record k was made from)."""
    from ingest.store import Store, row_search_text

    store = Store(data)
    rows = [r for r in store.catalog.current_chunks(("approved",)) if len(r["text"]) >= 120]
    cached = store.cache.get_many([row_search_text(r) for r in rows])
    rows = [r for r in rows if store.cache.key(row_search_text(r)) in cached]
    vecs = np.stack([cached[store.cache.key(row_search_text(r))] for r in rows])
    store.close()
    rng = random.Random(15)
    with out.open("w") as fh:
        for k in range(n):
            j = rng.randrange(len(rows))
            r = rows[j]
            sents = re.split(r"(?<=[.;])\s+", r["text"])
            rng.shuffle(sents)
            text = (f"Synthetic passage {k} (scale bench) from {r['doc_id']} page {r['page_no']} [{j}]: "
                    + " ".join(sents))
            fh.write(json.dumps({"id": f"syn{k}", "title": f"Synthetic passage {k} (scale bench)", "text": text})
                     + "\n")
    return vecs


# The worker's peak memory is its own VmHWM: getrusage's ru_maxrss carries over, through exec, the resident size
# of the process it was forked from (a worker started from the bench after an in-process ingest reported the
# bench's 2 GB at 145k passages instead of its own 1.1 GB).
WORKER = r"""
import json, sys, time
t = time.perf_counter()
sys.path.insert(0, sys.argv[2])
from assistant.answering.assistant import Assistant
a = Assistant(data_dir=sys.argv[1])
a.ask("What is the recommended starting dose of warfarin?")
hwm = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({"start_s": time.perf_counter() - t, "rss_mb": hwm / 1024}))
"""


def questions() -> list[str]:
    """The label golden questions and the first 46 PubMedQA ones (bench/latency.py's list, first 100)."""
    return latency_questions()[:100]


def measure(data: Path, n: int, tmp: Path) -> dict:
    from assistant.answering.assistant import Assistant
    from ingest.pipeline import ingest
    from ingest.store import Store

    records = tmp / f"syn-{n}"
    shutil.rmtree(records, ignore_errors=True)
    records.mkdir()
    synthetic_src = records / "synthetic.jsonl"
    sources = synthetic(data, n, synthetic_src)
    (records / "manifest.yaml").write_text("documents:\n  - path: synthetic.jsonl\n    id_prefix: scale-\n"
                                           "    kind: literature\n    status: approved\n    expiry: null\n"
                                           "    source: synthetic (bench/scale_passages.py)\n")
    emb = PrecomputedEmbedder(sources)
    t = time.perf_counter()
    summary, _ = ingest([records], store=Store(data, emb))
    ingest_s = time.perf_counter() - t
    out: dict = {"synthetic": n, "passages": summary["store"]["searchable_chunks"],
                 "ingest_passages_per_s": summary["chunks_added"] / ingest_s, "ingest_s": ingest_s,
                 "disk_mb": du(data) / 1e6}
    # A worker's start: a fresh process, to its first answer.
    proc = subprocess.run([sys.executable, "-c", WORKER, str(data), str(ROOT)], capture_output=True, text=True,
                          timeout=3600)
    out |= json.loads(proc.stdout.strip().splitlines()[-1])
    # Warm asks in-process.
    a = Assistant(store=Store(data, emb))
    a.warm_up()
    qs = questions()
    for q in qs[:5]:
        a.ask(q)
    lat = []
    for q in qs:
        t = time.perf_counter()
        a.ask(q)
        lat.append((time.perf_counter() - t) * 1000)
    out["ask_p50_ms"], out["ask_p95_ms"] = pct(lat, 50), pct(lat, 95)
    # A new document: from its commit to an answer citing it.
    new = tmp / f"new-{n}"
    shutil.rmtree(new, ignore_errors=True)
    new.mkdir()
    (new / "zorblatin.md").write_text("# Zorblatin storage note\n\nZorblatin tablets must be stored below 25 C "
                                      "in the original blister to protect them from moisture.\n")
    ingest([new], store=Store(data, emb), approve=True)
    t = time.perf_counter()
    ans = a.ask("How should zorblatin tablets be stored?")
    out["new_doc_s"] = time.perf_counter() - t
    out["new_doc_cited"] = bool(ans.citations) and "zorblatin" in ans.citations[0].document_id
    recall = dense_recall(a.store, a.retriever.snapshot(), qs[:50])
    first = next(iter(recall.values()))
    out["dense_recall_at_10"], out["dense_recall_at_10_ties"] = first["recall_at_10"], first["recall_at_10_ties"]
    out["dense_recall"] = recall
    out["bench_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def dense_recall(store, snap, qs: list[str], lists: tuple[int, ...] = (), chroma: bool = True) -> dict:
    """Recall@10 of approximate dense search against exact search over the snapshot's vectors: the probing of
    clustered segments (assistant/answering/dense.py) at each number of groups in `lists` (the setting's default
    when none), unfiltered and filtered to one product's label + literature (as a question naming a product is), and
    Chroma's HNSW index (chroma=True). Also counting as found a result as similar as the 10th exact one
    (synthetic near-copies tie). Milliseconds: median per query."""
    from assistant.answering.dense import DenseIndex
    from assistant.answering.retrieval import Filters
    from assistant.settings import RetrievalWeights

    vecs = [store.embedder.embed_query(q) for q in qs]
    product = next(iter(sorted(set(snap.products.values()))), None)
    masks = {"all": None, f"products=[{product}]": snap.mask(Filters(products=[product])) > 0}
    out: dict = {}
    for name, allowed in masks.items():
        exact = []
        for vec in vecs:
            sims = snap.similarities(store, vec)
            if allowed is not None:
                sims = np.where(allowed, sims, -np.inf)
            top = np.argsort(-sims)[:10]
            exact.append(({int(i) for i in top}, float(sims[top[-1]])))
        for k in lists or (RetrievalWeights().ann_lists,):
            index = DenseIndex(snap._vector_parts, len(snap.passages), k, snap.dense.exact_below)
            rest = snap.matrix(store)
            hits = ties = 0
            ms = []
            for vec, (want, tenth) in zip(vecs, exact):
                t = time.perf_counter()
                got = index.top(vec, 10, allowed, None if rest is None else (snap._rest, rest))
                ms.append((time.perf_counter() - t) * 1000)
                hits += len(want & {i for i, _ in got})
                ties += sum(1 for _, sim in got if sim >= tenth - 1e-4)
            out[f"{name} lists={k}"] = {"recall_at_10": hits / (10 * len(vecs)),
                                        "recall_at_10_ties": ties / (10 * len(vecs)), "ms_p50": pct(ms, 50)}
    if chroma:
        hits = ties = 0
        for vec in vecs:
            sims = snap.similarities(store, vec)
            top = np.argsort(-sims)[:10]
            tenth = float(sims[top[-1]])
            approx = store.index.query(vec, 10)
            hits += len({snap.passages[int(i)].chunk_id for i in top} & {cid for cid, _ in approx})
            ties += sum(1 for _, sim in approx if sim >= tenth - 1e-4)
        out["chroma_hnsw"] = {"recall_at_10": hits / (10 * len(vecs)), "recall_at_10_ties": ties / (10 * len(vecs))}
    return out


def snapshot_build(data: str) -> None:
    """One snapshot built with the terms stored at ingest and one tokenising every passage, in one process (a
    store ingested before terms were stored gets them filled in first, as its next ingest would store them)."""
    from assistant.answering.retrieval import Snapshot
    from ingest.store import Store
    from ingest.terms import tokenize
    from ingest.types import search_text

    store = Store(data)
    conn = store.catalog.conn
    rows = [r for r in store.catalog.current_chunks(None) if r["terms"] is None]
    if rows:
        terms = tokenize([search_text(r["text"], r["section"]) for r in rows])
        conn.execute("BEGIN")
        conn.executemany("UPDATE chunks SET terms=? WHERE chunk_id=?",
                         [(" ".join(t), r["chunk_id"]) for r, t in zip(rows, terms)])
        conn.execute("COMMIT")
    Snapshot(store)  # warm: imports, the page cache
    times: dict[str, list[float]] = {"stored": [], "tokenised": []}
    for _ in range(2):  # alternated, so drift on a shared machine falls on both
        t = time.perf_counter()
        n = len(Snapshot(store).passages)
        times["stored"].append(time.perf_counter() - t)
        conn.execute("BEGIN")  # rolled back: the store keeps its terms
        conn.execute("UPDATE chunks SET terms=NULL")
        t = time.perf_counter()
        Snapshot(store)
        times["tokenised"].append(time.perf_counter() - t)
        conn.execute("ROLLBACK")
    print(f"snapshot of {n:,} passages: " + "; ".join(f"{k} {', '.join(f'{x:.1f}' for x in v)} s"
                                                     for k, v in times.items()))


ASK = r"""
import json, sys, time
root = sys.argv[2]
sys.path.insert(0, root + "/bench")
sys.path.insert(0, root)
from ingest import offline
from assistant.answering.assistant import Assistant
from latency import pct, questions
a = Assistant(data_dir=sys.argv[1])
a.warm_up()
qs = questions()[:100]
for q in qs[:5]:
    a.ask(q)
lat = []
for q in qs:
    t = time.perf_counter()
    a.ask(q)
    lat.append((time.perf_counter() - t) * 1000)
print(json.dumps({"p50": pct(lat, 50), "p95": pct(lat, 95)}))
"""


def warm_asks(data: str, runs: int, roots: list[str]) -> None:
    """`ask` p50/p95 warm in-process (as in measure), alternating this code tree and the others given."""
    for k in range(runs):
        for root in [*roots, str(ROOT)]:
            proc = subprocess.run([sys.executable, "-c", ASK, data, root], capture_output=True, text=True,
                                  timeout=3600, env=_env(root), cwd=root)
            r = json.loads(proc.stdout.strip().splitlines()[-1])
            print(f"run {k + 1}: {root}: ask p50 {r['p50']:.0f} ms, p95 {r['p95']:.0f} ms", flush=True)


def _env(root: str) -> dict:
    """The environment of a process that runs the code tree root."""
    return dict(os.environ, PYTHONPATH=root)


def _start(data: str, root: str, use: str | None) -> dict:
    """One worker's start (WORKER) with the code tree root; use: the setting retrieval.index_segments, if set."""
    env = _env(root)
    if use is not None:
        env["MEDINFO_RETRIEVAL__INDEX_SEGMENTS"] = use
    proc = subprocess.run([sys.executable, "-c", WORKER, data, root], capture_output=True, text=True,
                          timeout=3600, env=env, cwd=root)
    return json.loads(proc.stdout.strip().splitlines()[-1])


CLI = "import sys; sys.path.insert(0, sys.argv[1]); from assistant.cli import main; sys.exit(main(sys.argv[2:]))"


def starts_after_ingest(data: str, runs: int, roots: list[str]) -> None:
    """Each code tree in turn, `runs` times: `medinfo ingest` of one new literature record with that tree's code
    (timed: this tree's ingest also saves the passage table for the workers), then a worker's start (WORKER)."""
    for k in range(runs):
        for root in [*roots, str(ROOT)]:
            with tempfile.TemporaryDirectory() as tmp:
                doc = f"bench-ingest-{k}-{time.time_ns()}"
                (Path(tmp) / "one.jsonl").write_text(json.dumps({
                    "id": doc, "title": f"Bench record {doc}",
                    "text": "Warfarin dosing after a new record: a bench record that only makes the catalogue change."
                }) + "\n")
                (Path(tmp) / "manifest.yaml").write_text(
                    "documents:\n  - path: one.jsonl\n    kind: literature\n    status: approved\n"
                    "    source: bench/scale_passages.py --after-ingest\n")
                t = time.perf_counter()
                proc = subprocess.run([sys.executable, "-c", CLI, root, "ingest", tmp, "--data-dir", data, "--json"],
                                      capture_output=True, text=True, timeout=3600, cwd=root,
                                      env=_env(root))
                took = time.perf_counter() - t
                assert proc.returncode == 0, proc.stderr[-2000:]
            r = _start(data, root, None)
            print(f"run {k + 1}: {root}: ingest of one record {took:.1f} s; then a worker's start "
                  f"{r['start_s']:.1f} s, peak RSS {r['rss_mb']:.0f} MB", flush=True)


def worker_starts(data: str, runs: int, roots: list[str], in_memory: bool = True, after_change: bool = False) -> None:
    """A worker's start (fresh process to its first answer) and peak memory, alternating the code trees given
    (e.g. a worktree of an older commit) and, for this tree, the index read from the segments (terms, vectors) or built
    in memory (setting retrieval.index_segments). after_change: each tree in turn, one start at the catalogue state
    as it finds it, then each start right after a withdrawal or a reinstatement of one literature record (a change
    that is not an addition), so that no start finds a table saved at its own state."""

    from ingest import segments
    from ingest.store import Store

    store = Store(data)
    print("segments written:", segments.update(store.catalog, store.data_dir, store.cache))
    variants = [(r, None) for r in roots] + [(str(ROOT), "false")] * in_memory + [(str(ROOT), "true")]
    if after_change:
        doc = store.catalog.conn.execute(
            "SELECT doc_id FROM documents WHERE kind='literature' AND status='approved' ORDER BY doc_id LIMIT 1"
        ).fetchone()[0]
        for root, use in variants:
            for k in range(runs + 1):
                if k:
                    back = store.catalog.reinstate(doc) is not None or not store.catalog.withdraw(doc, "bench")
                    what = "reinstated" if back else "withdrawn"
                r = _start(data, root, use)
                when = "as found" if not k else f"after {doc} {what}"
                print(f"{root} ({use or 'default'}): start {when}: {r['start_s']:.1f} s, peak RSS {r['rss_mb']:.0f} MB",
                      flush=True)
        store.catalog.reinstate(doc)
        return
    for k in range(runs):
        for root, use in variants:
            r = _start(data, root, use)
            label = root if use is None else f"this tree, index_segments={use}"
            print(f"run {k + 1}: {label}: start {r['start_s']:.1f} s, peak RSS {r['rss_mb']:.0f} MB", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,100000", help="synthetic passages; each size on a fresh copy")
    ap.add_argument("--keep", help="build the stores here (kept) instead of a temporary directory")
    ap.add_argument("--recall-only", help="an existing store: only the dense recall figures")
    ap.add_argument("--snapshot-only", help="an existing store: a snapshot's build with and without stored terms")
    ap.add_argument("--worker-only", help="an existing store: a worker's start and memory (see worker_starts)")
    ap.add_argument("--root", action="append", default=[],
                    help="with --worker-only or --ask-only: another code tree to compare")
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--after-change", action="store_true",
                    help="with --worker-only: starts right after a withdrawal / reinstatement (see worker_starts)")
    ap.add_argument("--after-ingest", action="store_true",
                    help="with --worker-only: each start right after `medinfo ingest` of one new record")
    ap.add_argument("--skip-in-memory", action="store_true",
                    help="with --worker-only: leave out this tree's start with index_segments=false (minutes at 1M)")
    ap.add_argument("--lists", help="with --recall-only: groups probed per clustered segment, e.g. 16,32,64")
    ap.add_argument("--queries", type=int, default=50, help="with --recall-only: golden questions asked")
    ap.add_argument("--no-chroma", action="store_true", help="with --recall-only: leave out Chroma's HNSW")
    ap.add_argument("--ask-only", help="an existing store: warm ask latency (see warm_asks)")
    args = ap.parse_args()
    if args.ask_only:
        warm_asks(args.ask_only, args.runs, args.root)
        return
    if args.worker_only and args.after_ingest:
        starts_after_ingest(args.worker_only, args.runs, args.root)
        return
    if args.worker_only:
        worker_starts(args.worker_only, args.runs, args.root, in_memory=not args.skip_in_memory,
                      after_change=args.after_change)
        return
    if args.snapshot_only:
        snapshot_build(args.snapshot_only)
        return
    if args.recall_only:
        from assistant.answering.retrieval import Snapshot
        from ingest.store import Store

        store = Store(args.recall_only)
        lists = tuple(int(x) for x in args.lists.split(",")) if args.lists else ()
        for name, r in dense_recall(store, Snapshot(store), questions()[:args.queries], lists,
                                    chroma=not args.no_chroma).items():
            print(f"{name}: {json.dumps(r)}", flush=True)
        return
    tmp = Path(args.keep or tempfile.mkdtemp(prefix="medinfo-scale-"))
    tmp.mkdir(parents=True, exist_ok=True)
    base = tmp / "base"
    if not (base / "catalog.sqlite").exists():
        t = time.perf_counter()
        base_store(base)
        print(f"base store (real text, real vectors): {time.perf_counter() - t:.0f} s", flush=True)
    print("| synthetic + real passages | ingest passages/s (no model) | disk MB | worker start s | worker peak RSS MB "
          "| new document answered after s | ask p50 ms | ask p95 ms | dense recall@10 vs exact |")
    print("|---|---|---|---|---|---|---|---|---|")
    try:
        for n in [int(x) for x in args.sizes.split(",")]:
            data = tmp / f"store-{n}"
            if data.exists():
                shutil.rmtree(data)
            shutil.copytree(base, data)
            r = measure(data, n, tmp)
            print(f"| {r['passages']:,} | {r['ingest_passages_per_s']:.0f} | {r['disk_mb']:.0f} | {r['start_s']:.1f} | "
                  f"{r['rss_mb']:.0f} | {r['new_doc_s']:.1f} ({'cited' if r['new_doc_cited'] else 'not cited'}) | "
                  f"{r['ask_p50_ms']:.0f} | {r['ask_p95_ms']:.0f} | {r['dense_recall_at_10']:.3f} "
                  f"({r['dense_recall_at_10_ties']:.3f} with ties) |", flush=True)
            print(json.dumps(r), file=sys.stderr, flush=True)
            if not args.keep:
                shutil.rmtree(data)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
