"""Are the evidence-score weights (thresholds.overlap_weight, rank_decay) and a fitted sentence scorer any better on
dev? "Is this sentence evidence?" measured as: the top-scored candidate sentence comes from gold evidence.

    .venv/bin/python bench/evidence_weights.py [--data-dir .medinfo-gate-heldout]

Dev items only: eval/golden/dev/{bioasq,mediqa}.jsonl (gold: an expected document) and the dev split of
eval/golden/labels.jsonl (by document; gold: an expected page). Candidates are read where evidence.select makes them.
Prints the top-1 gold rate of the shipped score, of a grid of its two weights, and of a logistic regression over
the candidates' features (5-fold, grouped by question).
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.answering import evidence  # noqa: E402
from assistant.settings import Thresholds  # noqa: E402
from eval.golden.build_dev_sets import split_of  # noqa: E402
from ingest import offline  # noqa: E402,F401
from ingest.text import TABLE_ROW  # noqa: E402

KINDS = ("bioasq", "mediqa", "labels")


def dev_items() -> list[tuple[str, dict]]:
    out = [(name, json.loads(x)) for name in ("bioasq", "mediqa")
           for x in (ROOT / f"eval/golden/dev/{name}.jsonl").read_text().splitlines() if x]
    for x in (ROOT / "eval/golden/labels.jsonl").read_text().splitlines():
        d = json.loads(x)
        if d.get("answerable", True) and d.get("expected") and \
                split_of(d["expected"][0]["document_id"].split("-")[0]) == "dev":
            out.append(("labels", d))
    return out


def collect(data_dir: str) -> list[dict]:
    from assistant.answering.assistant import Assistant
    from assistant.settings import Settings
    from ingest.embedding import Embedder
    from ingest.store import Store

    captured: list = []
    original = evidence.of_strength

    def spy(candidates, question):  # the candidates as select() scored them, before its choices
        captured.append(list(candidates))
        return original(candidates, question)

    evidence.of_strength = spy
    s = Settings.load(data_dir)
    a = Assistant(store=Store(data_dir, Embedder(s.embedder, s.device)), settings=s)
    rows = []
    for kind, d in dev_items():
        captured.clear()
        a.inspect(d["question"])
        if not captured:
            continue
        docs = {e["document_id"] for e in d["expected"]}
        pages = {(e["document_id"], p) for e in d["expected"] for p in (e.get("pages") or [])}
        rows.append({"kind": kind, "cands": [
            {"score": ev.score, "overlap": ev.overlap, "rank": ev.hit_rank, "lead_in": ev.lead_in,
             "row": bool(TABLE_ROW.search(ev.text)), "section": bool(ev.section), "n": len(ev.text),
             "num": bool(re.search(r"\d", ev.text)),
             "gold": (ev.passage.doc_id, ev.passage.page) in pages if kind == "labels" else ev.passage.doc_id in docs}
            for ev in captured[-1]]})
    evidence.of_strength = original
    return rows


def main() -> None:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", default=str(ROOT / ".medinfo-gate-heldout"))
    rows = collect(ap.parse_args().data_dir)
    print(Counter(r["kind"] for r in rows))
    t = Thresholds()
    w0, d0 = t.overlap_weight, t.rank_decay
    feats, y, group, shipped, rank = [], [], [], [], []
    for qi, r in enumerate(rows):
        for c in r["cands"]:
            prior = 1 / (1 + d0 * c["rank"])
            damp = c["score"] < 0.99 * (w0 * c["overlap"] + (1 - w0) * prior)  # a carton or contents page
            feats.append([c["overlap"], prior, c["lead_in"], c["row"], c["section"], np.log1p(c["n"]), c["num"],
                          damp, c["overlap"] * prior])
            y.append(c["gold"])
            group.append(qi)
            shipped.append(c["score"])
            rank.append(c["rank"])
    X, Y, G = np.array(feats, float), np.array(y), np.array(group)

    def top1(score: np.ndarray) -> str:
        hit, n = Counter(), Counter()
        for qi, r in enumerate(rows):
            m = G == qi
            if Y[m].any():
                hit[r["kind"]] += int(Y[m][np.argmax(score[m])])
                n[r["kind"]] += 1
        rates = [hit[k] / n[k] for k in KINDS]
        return " ".join(f"{k} {v:.3f}" for k, v in zip(KINDS, rates, strict=True)) + f" | mean {np.mean(rates):.3f}"

    print(f"shipped score (overlap_weight {w0}, rank_decay {d0}):", top1(np.array(shipped)))
    ov, rk, damp = X[:, 0], np.array(rank), X[:, 7].astype(bool)
    for w in (0.5, 0.6, 0.65, 0.7, 0.8):
        for d in (0.2, 0.35, 0.5, 0.8):
            print(f"  overlap_weight {w}, rank_decay {d}:",
                  top1((w * ov + (1 - w) / (1 + d * rk)) * np.where(damp, t.low_value_damp, 1.0)))
    for C in (0.01, 0.1, 1.0, 10.0):
        p = np.zeros(len(Y))
        for tr, te in GroupKFold(5).split(X, Y, G):
            p[te] = LogisticRegression(C=C, max_iter=3000).fit(X[tr], Y[tr]).predict_proba(X[te])[:, 1]
        print(f"logistic regression C={C} (5-fold by question):", top1(p))


if __name__ == "__main__":
    main()
