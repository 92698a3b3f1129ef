"""Insights over a large audit log: the time `medinfo insights` takes over N records (default 100,000).

    .venv/bin/python bench/insights.py --data-dir .medinfo-gate [--records 100000]

The store is copied to a temporary directory and its audit table seeded with synthetic records (questions drawn
from the golden sets, with products, statuses, requester types and times spread over 12 weeks; rows inserted
directly, outside the hash chain, which the report does not read). The timed part is what the command does: read
the log, attribute products and intents, cluster the unanswered questions, read verdicts and safety reports.
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", required=True)
    ap.add_argument("--records", type=int, default=100_000)
    args = ap.parse_args()
    from assistant.answering.retrieval import Snapshot
    from assistant.insights import build
    from assistant.records import ServiceDB
    from assistant.settings import Settings
    from ingest.embedding import Embedder
    from ingest.store import Store

    golden = Path(__file__).resolve().parents[1] / "eval" / "golden"
    questions = [json.loads(line)["question"] for f in ("labels.jsonl", "consumer_drugs.jsonl", "mediqa.jsonl")
                 for line in (golden / f).read_text().splitlines() if line.strip()]
    rnd = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "store"
        shutil.copytree(args.data_dir, data, ignore=shutil.ignore_patterns("service.sqlite*", "*.lock", "*.log"))
        s = Settings.load(data, audit_anchor_dir=Path(tmp) / "anchors")
        store = Store(data, Embedder(s.embedder))
        db = ServiceDB(data, s.audit_anchor_dir)
        chunks = [(r["chunk_id"], r["doc_id"]) for r in store.catalog.current_chunks()][:2000]
        t0 = time.time() - 84 * 86400
        rows = []
        for i in range(args.records):
            status = rnd.choices(["answered", "insufficient_evidence", "refused"], [0.7, 0.25, 0.05])[0]
            cited = []
            if status == "answered":
                cid, doc = rnd.choice(chunks)
                cited = [{"n": 1, "chunk_id": cid, "document_id": doc, "version": "1", "page": 1, "start": 0, "end": 1}]
            ctx = {"requester_type": rnd.choice(["hcp", "hcp", "consumer", "internal"])}
            rows.append((i + 1, f"b{i}", t0 + rnd.random() * 84 * 86400, "bench", "physician", rnd.choice(questions),
                         status, json.dumps([c["chunk_id"] for c in cited]), json.dumps(cited), "extractive", None,
                         "x", "{}", 50.0, "a", "[]", rnd.choice(["api", "cli", "chat-completions"]), "0", "0", None,
                         json.dumps(ctx)))
        db.conn.executemany("INSERT INTO audit (seq, trace_id, time, user, role, question, status, retrieved, cited, "
                            "generator, prompt_version, corpus_version, flags, latency_ms, answer, claims, channel, "
                            "prev_hash, hash, mac, context) VALUES (" + ",".join("?" * 21) + ")", rows)
        db.conn.commit()
        _ = store.embedder.model  # loaded as the CLI loads it, before the report
        t = time.perf_counter()
        snap = Snapshot(store)
        t_snap = time.perf_counter() - t
        t = time.perf_counter()
        rep = build(db, store.catalog, store.embedder.embed, products_in=snap.products_in)
        took = time.perf_counter() - t
        store.close()
    print(f"{args.records:,} audit records: report in {took:.2f} s (+ {t_snap:.2f} s for the product lexicon); "
          f"{len(rep['content_gaps'])} content gaps from {sum(g['size'] for g in rep['content_gaps']):,} unanswered "
          f"questions; {len(questions)} distinct question texts")


if __name__ == "__main__":
    main()
