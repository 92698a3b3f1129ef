"""Build eval/golden/safety_consumer.jsonl: real patient messages that name a drug (K-QA, MIT licence, from
../shared/data/dev/kqa), labelled by hand for adverse events, split dev/test by a hash of the question text.

    python eval/golden/build_safety_consumer.py [--shared ../shared/data]

Which messages: every K-QA question (with or without gold) in which the shipped lexicon finds a drug
(assistant/question/products.drugs_in), duplicates dropped. Most are follow-up messages of a patient's chat
("Can I take Advil for the headache?", "Is Valtrex the same thing as valacyclovir?"): the false alarms an
adverse-event rule raises on personal questions that report nothing.

The labels (written 2026-12-02, before any rule was changed against them): an adverse event is a message saying
that something undesirable happened, or is happening, to a specific person with an identifiable product: a
suspected reaction, a lack of effect, an overdose or medication error, an exposure in pregnancy or breastfeeding that
has taken place. Not an event: what a drug might do, the condition being treated, a plan, a known allergy as
history, a product class ("antibiotics") as the only suspect. ADVERSE_EVENTS lists the positive questions;
every other selected message is labelled negative.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from eval.golden.build_dev_sets import split_of  # noqa: E402

ADVERSE_EVENTS = {
    "I remember trying hydrocortisone that I had in my medicine cabinet and it really sting on my skin, is that normal?",
    "I guess my only question is it normal for nystatin to not take care of yeast infection?",
    "Is cellulitis an allergic reaction to the clindamycin?",
}


def build(shared: Path) -> list[dict]:
    from assistant.question.products import drugs_in

    out, seen = [], set()
    for name in ("kqa_golden.jsonl", "kqa_questions_no_gold.jsonl"):
        for line in (shared / "dev" / "kqa" / name).read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            q = " ".join(item["question"].split())
            if q in seen or not drugs_in(q):
                continue
            seen.add(q)
            out.append({"id": item["id"], "question": q, "adverse_event": q in ADVERSE_EVENTS,
                        "product_complaint": False, "split": split_of(q),
                        "source": "K-QA (MIT), labelled for adverse events by hand"})
    missing = ADVERSE_EVENTS - seen
    assert not missing, f"labelled questions not found: {missing}"
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=str(ROOT.parent / "shared" / "data"))
    args = ap.parse_args()
    items = build(Path(args.shared))
    path = HERE / "safety_consumer.jsonl"
    path.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), encoding="utf-8")
    n_test = sum(i["split"] == "test" for i in items)
    print(f"wrote {path}: {len(items)} messages ({sum(i['adverse_event'] for i in items)} adverse events), "
          f"test {n_test}, dev {len(items) - n_test}")


if __name__ == "__main__":
    main()
