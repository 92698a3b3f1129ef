"""The opt-in answerability judge (assistant/answering/judge.py) on the items of bench/fit_answerability.py: where
the fitted model refuses, the judge's P(yes) is read, and the answer rates are printed for a range of cuts, the
fitted model alone first. The cut (thresholds.judge_min_yes) is chosen on dev; test is read once after.

    .venv/bin/python bench/judge_answerability.py --split dev --gguf qwen.gguf [--store /tmp/medinfo-fit-store]
    .venv/bin/python bench/judge_answerability.py --split dev --base-url http://127.0.0.1:8080/v1

--gguf runs a GGUF model in this process with llama-cpp-python (the same chat template as its OpenAI-compatible
server, `python -m llama_cpp.server`); --base-url asks an endpoint through the product's own client. Judgements are
cached in --out (one JSON line per item), so an interrupted run resumes.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import fit_answerability as fa  # noqa: E402

from assistant.answering import answerability  # noqa: E402
from assistant.answering.judge import Judge  # noqa: E402
from assistant.answering.llm import yes_share  # noqa: E402


class InProcess:
    """A GGUF model through llama-cpp-python, read like an endpoint's log-probabilities."""

    def __init__(self, path: str):
        from llama_cpp import Llama

        self.llm = Llama(model_path=path, n_ctx=2048, n_threads=2, logits_all=True, verbose=False)

    def _chat(self, system: str, user: str, **kw) -> dict:
        return self.llm.create_chat_completion(messages=[{"role": "system", "content": system},
                                                         {"role": "user", "content": user}], temperature=0, **kw)

    def complete(self, system: str, user: str) -> str:
        return self._chat(system, user, max_tokens=8)["choices"][0]["message"]["content"]

    def yes_probability(self, system: str, user: str) -> float | None:
        top = self._chat(system, user, max_tokens=1, logprobs=True, top_logprobs=10)["choices"][0]["logprobs"]
        return yes_share([(t["token"], t["logprob"]) for t in top["content"][0]["top_logprobs"]])


def rates(rows: list[dict], answered: np.ndarray) -> str:
    """fit_answerability's rates (answered | evidence answers, refused out of corpus, ...) and per set."""
    y = np.array([r["y"] for r in rows])
    kinds = np.array([r["kind"] for r in rows])
    overall = fa.rates(answered.astype(float), y, list(kinds), 0.5)
    per = " ".join(f"{k} {answered[(kinds == k) & (y == 1)].mean():.2f}" for k in sorted(set(kinds))
                   if ((kinds == k) & (y == 1)).any())
    return f"{json.dumps(overall)} | answered per set where the evidence answers: {per}"


def main() -> None:
    from assistant.answering.assistant import Assistant
    from assistant.answering.llm import OpenAICompatible
    from assistant.settings import Settings

    ap = argparse.ArgumentParser()
    ap.add_argument("--split", choices=("dev", "test"), default="dev")
    ap.add_argument("--shared", default=str(fa.ROOT.parent / "shared" / "data"))
    ap.add_argument("--store", default="/tmp/medinfo-fit-store")
    ap.add_argument("--gguf")
    ap.add_argument("--base-url")
    ap.add_argument("--model", default="default")
    ap.add_argument("--out", default=None, help="cache of judgements (default /tmp/judge-<split>.jsonl)")
    ap.add_argument("--cuts", default="0.55,0.6,0.65,0.7,0.75,0.8")
    args = ap.parse_args()
    store = fa.build_store(Path(args.shared), Path(args.store))
    assistant = Assistant(store=store, settings=Settings.load(store.data_dir, thresholds={"answerability": "rule"}))
    assistant.warm_up()
    model = answerability.load()
    assert model is not None
    llm = InProcess(args.gguf) if args.gguf else OpenAICompatible(args.base_url, args.model, retries=1)
    judge = Judge(llm, 0.0)
    out = Path(args.out or f"/tmp/judge-{args.split}.jsonl")
    done = {r["id"]: r for r in map(json.loads, out.read_text().splitlines())} if out.exists() else {}
    docs = {d["doc_id"]: d for d in store.catalog.documents()}
    rows = []
    with out.open("a") as cache:
        for it in fa.items(Path(args.shared)):
            if it["split"] != args.split:
                continue
            if it["id"] in done:
                rows.append(done[it["id"]])
                continue
            r = assistant.inspect(it["question"])
            if r["selection"] is None or not r["selection"].evidence:
                continue  # refused before the model: the judge is never asked either
            p = model.probability(r["features"])
            row = {"id": it["id"], "kind": it["kind"], "y": fa.label(it, r, docs), "p": p,
                   "answer": bool(p >= model.threshold), "judge": None}
            if not row["answer"]:
                row["judge"] = judge.probability(it["question"], r["selection"])
            cache.write(json.dumps(row) + "\n")
            cache.flush()
            rows.append(row)
    print(f"{args.split}: {len(rows)} items, {sum(not r['answer'] for r in rows)} refused by the fitted model "
          f"(operating point {model.threshold})")
    alone = np.array([r["answer"] for r in rows])
    print(f"  fitted model alone: {rates(rows, alone)}")
    for cut in map(float, args.cuts.split(",")):
        judged = np.array([r["answer"] or (r["judge"] is not None and r["judge"] >= cut) for r in rows])
        print(f"  + judge at P(yes) >= {cut:.2f}: {rates(rows, judged)}")


if __name__ == "__main__":
    main()
