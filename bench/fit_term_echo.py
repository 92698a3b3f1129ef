"""Fit how often a question word is echoed by its answer, on the dev splits only, and write the table the key-term
weights read (assistant/question/data/term_echo.tsv).

    .venv/bin/python bench/fit_term_echo.py [--shared ../shared/data] [--write]

Why: a question's key terms are weighted by their rarity in the store (idf). Some rare words frame the question
rather than name what it is about: "What is the purpose of the dihydrorhodamine 123 assay?", "Explain the action
of balovaptan", "In which tissues is Xist expressed?". The answer names the assay, the drug, the gene, and seldom
says "purpose", "action" or "tissues"; such answers were refused as not covering the question. How often each word
of a question appears in the answer's own text (or a synonym of it, question/data/synonyms.txt) is measured here:

- BioASQ 7B-10B: every question of the dev split (eval/golden/build_dev_sets.split_of), against its gold snippets;
- MEDIQA 2019 Task 3: dev split, against its passages graded >= 3;
- K-QA (questions with a physician's answer): dev split, against that answer.

Test-split questions are never read. A stem met in fewer than MIN_QUESTIONS dev questions is not written: it takes
the default (the rate over all words), so a drug or gene name seen once says nothing about the next one. The
written rate is smoothed towards the default (PRIOR pseudo-questions).
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "eval" / "golden"))

from build_dev_sets import bioasq, mediqa, read_jsonl, split_of  # noqa: E402

from assistant.question.terms import present, question_words, stem_tokens  # noqa: E402

OUT = ROOT / "assistant" / "question" / "data" / "term_echo.tsv"
MIN_QUESTIONS = 5
PRIOR = 5.0


def pairs(shared: Path) -> list[tuple[str, str, str]]:
    """(source, question, answer text) of the dev splits."""
    out = []
    items, snippets = bioasq(shared)
    for it in items:
        if it["tags"]["split"] == "dev":
            out.append(("bioasq", it["question"],
                        " ".join(t for snips in snippets[it["id"]].values() for _s, _o, t in snips)))
    items, passages, _graded = mediqa(shared)
    for it in items:
        if it["tags"]["split"] == "dev":
            gold = [e["document_id"].removeprefix("mediqa-") for e in it["expected"]]
            out.append(("mediqa", it["question"], " ".join(passages[a]["AnswerText"] for a in gold)))
    for it in read_jsonl(shared / "dev" / "kqa" / "kqa_golden.jsonl"):
        q = " ".join(it["question"].split())
        if split_of(q) == "dev" and it.get("answer"):
            out.append(("kqa", q, it["answer"]))
    return out


def fit(rows: list[tuple[str, str, str]]) -> tuple[float, dict[str, tuple[int, int, float]]]:
    asking = question_words()
    seen: Counter[str] = Counter()
    echoed: Counter[str] = Counter()
    for _source, question, answer in rows:
        found = set(stem_tokens(answer))
        for t in set(stem_tokens(question)):
            if t in asking or len(t) < 2 or t.isdigit():
                continue
            seen[t] += 1
            echoed[t] += present(t, found)
    default = sum(echoed.values()) / max(1, sum(seen.values()))
    table = {t: (n, echoed[t], (echoed[t] + PRIOR * default) / (n + PRIOR))
             for t, n in seen.items() if n >= MIN_QUESTIONS}
    return default, table


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=str(ROOT.parent / "shared" / "data"))
    ap.add_argument("--write", action="store_true", help=f"write {OUT.relative_to(ROOT)}")
    args = ap.parse_args()
    rows = pairs(Path(args.shared))
    default, table = fit(rows)
    print(json.dumps({"dev_questions": dict(Counter(r[0] for r in rows)), "default": round(default, 3),
                      "stems_written": len(table)}))
    ranked = sorted(table.items(), key=lambda kv: kv[1][2])
    print("least echoed:", ", ".join(f"{t} {r:.2f} ({k}/{n})" for t, (n, k, r) in ranked[:40]))
    print("most echoed:", ", ".join(f"{t} {r:.2f} ({k}/{n})" for t, (n, k, r) in ranked[-15:]))
    if args.write:
        lines = ["# How often a question word (stem) is found in its answer's text, or a synonym of it: written by",
                 "# bench/fit_term_echo.py from the dev splits of BioASQ 7B-10B (gold snippets), MEDIQA 2019 Task 3",
                 "# (passages graded >= 3) and K-QA (physicians' answers); test-split questions never read.",
                 f"# Stems met in >= {MIN_QUESTIONS} dev questions, smoothed towards the default ({PRIOR:g} "
                 "pseudo-questions). Columns: stem, questions, echoed, rate.",
                 f"default\t{sum(n for n, _k, _r in table.values())}\t-\t{default:.3f}"]
        lines += [f"{t}\t{n}\t{k}\t{r:.3f}" for t, (n, k, r) in sorted(table.items())]
        OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
