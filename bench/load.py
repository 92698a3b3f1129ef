"""Load: C concurrent clients asking for D seconds against a real `medinfo serve` over the bundled corpus.

    .venv/bin/python bench/load.py --data-dir D [--clients 16] [--seconds 60] [--workers 2]

Questions cycle through the bundled golden sets (labels and PubMedQA). Prints answers/s, errors,
p50/p95 latency as the clients saw it.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))


def questions() -> list[str]:
    labels = [json.loads(x)["question"] for x in (ROOT / "eval/golden/labels.jsonl").read_text().splitlines()]
    pubmed = [json.loads(x)["question"] for x in (ROOT / "eval/golden/pubmedqa.jsonl").read_text().split("\n") if x]
    return labels + pubmed


async def client(url: str, key: str, qs: list[str], offset: int, stop: float, lat: list, errors: list):
    async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=30) as http:
        i = offset
        while time.perf_counter() < stop:
            q = qs[i % len(qs)]
            i += 17
            t = time.perf_counter()
            try:
                r = await http.post("/v1/ask", json={"question": q})
                if r.status_code != 200:
                    errors.append(r.status_code)
                    continue
            except httpx.HTTPError as exc:
                errors.append(type(exc).__name__)
                continue
            lat.append((time.perf_counter() - t) * 1000)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", required=True)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--ready-timeout", type=int, default=120, help="seconds to wait for the server (large stores: "
                    "each worker builds its snapshot before it answers)")
    args = ap.parse_args()
    from helpers import free_port

    from assistant.records import ServiceDB

    key = ServiceDB(Path(args.data_dir)).create_key("physician", "load-bench")[1]
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([str(Path(sys.executable).parent / "medinfo"), "serve", "--data-dir", args.data_dir,
                             "--port", str(port), "--workers", str(args.workers)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + args.ready_timeout
        while time.time() < deadline:
            try:
                if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        else:
            raise SystemExit(f"medinfo serve did not answer {url}/healthz within {args.ready_timeout} s")
        qs = questions()
        # Warm every worker before measuring.
        for q in qs[:20]:
            httpx.post(url + "/v1/ask", json={"question": q}, headers={"Authorization": f"Bearer {key}"},
                       timeout=args.ready_timeout)
        lat: list[float] = []
        errors: list = []
        stop = time.perf_counter() + args.seconds
        t0 = time.perf_counter()

        async def run():
            await asyncio.gather(*(client(url, key, qs, i * 31, stop, lat, errors) for i in range(args.clients)))

        asyncio.run(run())
        elapsed = time.perf_counter() - t0
        lat.sort()
        print(f"{args.clients} clients, {args.seconds} s, {args.workers} worker(s): {len(lat)} answers, "
              f"{len(errors)} errors, {len(lat) / elapsed:.1f} answers/s, p50 {statistics.median(lat):.0f} ms, "
              f"p95 {lat[int(0.95 * (len(lat) - 1))]:.0f} ms, max {lat[-1]:.0f} ms")
    finally:
        proc.terminate()
        proc.wait(20)


if __name__ == "__main__":
    main()
