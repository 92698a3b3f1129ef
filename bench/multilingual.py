"""Questions in Japanese, Chinese and Korean against the English labels: recall@5 and answers per language,
dev and test side by side, beside the same questions in English, in one run.

    MEDINFO_MULTILINGUAL=1 .venv/bin/medinfo ingest corpus --data-dir /tmp/ml   # the second index (opt-in)
    .venv/bin/python bench/multilingual.py --data-dir /tmp/ml

Split dev/test by a hash of the English item id (eval/golden/build_dev_sets.split_of("ml:" + id)); the items of
eval/golden/multilingual/extra_dev.yaml carry split "dev". `--misses` prints each question whose expected page is
not in the top 5, with the pivot the search used.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from eval.golden.build_dev_sets import split_of  # noqa: E402

SETS = Path(__file__).resolve().parents[1] / "eval" / "golden" / "multilingual"


def split_of_row(row: dict) -> str:
    """A cross-language item's split: its own (extra_dev.yaml items are dev), else by a hash of the English id."""
    return row.get("split") or split_of("ml:" + row["id"].rsplit("-", 1)[0])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", required=True)
    ap.add_argument("--split", choices=("dev", "test", "both"), default="both",
                    help="dev only while tuning: the test split is read once, after")
    ap.add_argument("--misses", action="store_true", help="print the dev questions whose page is not in the top 5")
    ap.add_argument("--languages", default="en,ja,zh,ko",
                    help="comma-separated; zh-Hant: the Chinese questions in traditional characters (OpenCC s2t); "
                         "ja-Full: the Japanese questions with full-width Latin letters and digits; "
                         "ja-alt, zh-alt, ko-alt: alternate_dev.yaml, a second wording of the dev label questions")
    ap.add_argument("--by-origin", action="store_true",
                    help="also count the test split by origin: translated golden items, extra_split.yaml's fourth "
                         "batch (new) and fifth batch (fifth)")
    args = ap.parse_args()
    os.environ["MEDINFO_MULTILINGUAL"] = "1"
    from assistant.answering.assistant import Assistant
    from assistant.question import european, language
    from assistant.settings import Settings

    a = Assistant(settings=Settings.load(Path(args.data_dir)))
    print(f"multilingual index: {a.crosslingual.index.count() if a.crosslingual else 0} passages")
    print("| language | split | questions | recall@5 | answered | first citation right document | p50 ms |")
    print("|---|---|---|---|---|---|---|")
    misses: list[str] = []
    by_origin: dict[tuple[str, str], list[int]] = {}
    for lang in args.languages.split(","):
        rows = [json.loads(line) for line in
                (SETS / f"labels_{lang.split('-')[0]}.jsonl").read_text(encoding="utf-8").splitlines()]
        if lang == "en-eu":  # the English originals of the Spanish, French and German questions, split as they are
            rows = [r | {"id": r["id"][:-3] + "-en", "question": r["english"]}
                    for r in map(json.loads, (SETS / "labels_es.jsonl").read_text(encoding="utf-8").splitlines())]
        if lang.endswith("-alt"):  # a second translator's wording of the dev-split label golden questions
            import yaml

            alt = yaml.safe_load((SETS / "alternate_dev.yaml").read_text(encoding="utf-8"))
            base = lang.split("-")[0]
            rows = [r | {"question": alt[r["id"].rsplit("-", 1)[0]][base], "split": "dev"}
                    for r in rows if r["id"].rsplit("-", 1)[0] in alt]
        if lang == "zh-Hant":  # as written in Taiwan and Hong Kong: the same questions in traditional characters
            import opencc
            to_traditional = opencc.OpenCC("s2t.json").convert
            rows = [r | {"question": to_traditional(r["question"])} for r in rows]
        if lang == "ja-Full":  # as typed on a Japanese keyboard: full-width Latin letters and digits (ＩＮＲ)
            def wide(m: re.Match) -> str:
                return chr(ord(m.group(0)) + 0xFEE0)
            rows = [r | {"question": re.sub(r"[A-Za-z0-9]", wide, r["question"])} for r in rows]
        for split in (("dev", "test") if args.split == "both" else (args.split,)):
            n = hit = answered = first = 0
            lat = []
            for r in rows:
                if split_of_row(r) != split:
                    continue
                n += 1
                t = time.perf_counter()
                ans = a.ask(r["question"], channel="bench", top_k=10)
                lat.append((time.perf_counter() - t) * 1000)
                exp = {(e["document_id"], p) for e in r["expected"] for p in e["pages"]}
                docs = {e["document_id"] for e in r["expected"]}
                found = bool({(x.document_id, x.page) for x in ans.retrieved[:5]} & exp)
                hit += found
                if args.misses and not found and split == "dev":  # never printed for test items
                    snap = a.retriever.snapshot()
                    pv = "" if lang.startswith("en") else \
                        european.pivot(r["question"], lang, snap.vocab_words, snap.products) \
                        if lang in european.LANGUAGES else language.pivot(r["question"], snap.products)
                    top = ", ".join(f"{x.document_id.split('-')[0]} p{x.page}" for x in ans.retrieved[:5])
                    misses.append(f"  {r['id']}: {r['question']} | pivot: {pv!r} | expected "
                                  f"{sorted(exp)[:3]} | top 5: {top}")
                answered += ans.status == "answered"
                first += bool(ans.citations) and ans.citations[0].document_id in docs
                if args.by_origin and split == "test":
                    origin = ("new" if r["id"].startswith("ml-new") else "fifth" if r["id"].startswith("ml5")
                              else "golden")
                    counts = by_origin.setdefault((lang, origin), [0, 0])
                    counts[0], counts[1] = counts[0] + 1, counts[1] + found
            lat.sort()
            print(f"| {lang} | {split} | {n} | {hit / n:.3f} | {answered}/{n} | {first / n:.3f} | "
                  f"{lat[len(lat) // 2]:.0f} |")
    if by_origin:
        print("\ntest recall@5 by origin: " + "; ".join(f"{lang} {origin} {h}/{n}"
                                                      for (lang, origin), (n, h) in sorted(by_origin.items())))
    if misses:
        print("\nmissed on dev (expected page not in the top 5):")
        print("\n".join(misses))


if __name__ == "__main__":
    main()
