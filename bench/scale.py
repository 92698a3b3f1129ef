"""Scale-out figures, in one run: ingest throughput into a Chroma server (`chroma run` on loopback)
against the embedded store, and the verifier's cost per answer.

    .venv/bin/python bench/scale.py [--corpus corpus/fda_labels]
    .venv/bin/python bench/scale.py --passages 10000,100000   (issue 15: bench/scale_passages.py)
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from ingest import offline  # noqa: E402,F401


def ingest_into(corpus: Path, data_dir: str, embedder) -> dict:
    from ingest.pipeline import ingest
    from ingest.store import Store

    t = time.perf_counter()
    summary, _ = ingest([corpus], data_dir=data_dir, store=Store(data_dir, embedder))
    return {"seconds": time.perf_counter() - t, "pages": summary["pages_parsed"], "chunks": summary["chunks_added"]}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=str(ROOT / "corpus/fda_labels"))
    ap.add_argument("--passages", help="store sizes to measure instead (bench/scale_passages.py --sizes)")
    args = ap.parse_args()
    if args.passages:
        sys.argv = [sys.argv[0], "--sizes", args.passages]
        from scale_passages import main as passages

        passages()
        return
    from server import free_port

    from ingest.embedding import Embedder

    embedder = Embedder()
    _ = embedder.model
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        chroma = subprocess.Popen([str(Path(sys.executable).parent / "chroma"), "run", "--path", f"{tmp}/server",
                                   "--host", "127.0.0.1", "--port", str(port)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(200):
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.2)
            embedded = ingest_into(Path(args.corpus), f"{tmp}/embedded", embedder)
            # Same texts: the embedding cache is per data dir, so both runs embed from scratch.
            os.environ["MEDINFO_CHROMA_URL"] = f"http://127.0.0.1:{port}"
            served = ingest_into(Path(args.corpus), f"{tmp}/served", embedder)
            del os.environ["MEDINFO_CHROMA_URL"]
        finally:
            chroma.terminate()
            chroma.wait(20)
        for name, r in (("embedded PersistentClient", embedded), ("Chroma server (HttpClient)", served)):
            print(f"ingest into {name}: {r['pages']} pages, {r['chunks']} chunks in {r['seconds']:.1f} s = "
                  f"{r['pages'] / r['seconds']:.2f} pages/s")
        print(f"server / embedded time ratio: {served['seconds'] / embedded['seconds']:.2f}")

        from assistant.answering.assistant import Assistant
        from assistant.answering.verify import Verifier
        from ingest.store import Store

        a = Assistant(store=Store(f"{tmp}/embedded", embedder))
        a.warm_up()
        questions = [json.loads(x)["question"] for x in (ROOT / "eval/golden/labels.jsonl").read_text().splitlines()]
        answers = [a.ask(q) for q in questions]
        answered = [x for x in answers if x.status == "answered"]
        def paraphrased(ans):  # not verbatim, as an LLM writes: forces the lexical and semantic checks
            return "\n".join("In the label, " + c.text[0].lower() + c.text[1:] + " " +
                             "".join(f"[{n}]" for n in c.citations) for c in ans.claims)

        for label, verifier, text_of in (
                ("extractive answers, lexical", Verifier(), lambda x: x.answer),
                ("non-verbatim answers, lexical", Verifier(), paraphrased),
                ("non-verbatim answers, lexical + semantic (LLM generator)", Verifier(embedder=embedder),
                 paraphrased)):
            times = []
            for ans in answered:
                text = text_of(ans)
                t = time.perf_counter()
                verifier.verify(text, ans.citations)
                times.append((time.perf_counter() - t) * 1000)
            n_claims = sum(len(x.claims) for x in answered)
            print(f"verifier {label}: median {statistics.median(times):.2f} ms per answer, "
                  f"p95 {sorted(times)[int(0.95 * (len(times) - 1))]:.2f} ms ({len(answered)} answers, "
                  f"{n_claims / len(answered):.1f} claims each)")


if __name__ == "__main__":
    main()
