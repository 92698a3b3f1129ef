"""Recall and precision of the adverse-event and product-complaint signals on the labelled set.

    .venv/bin/python bench/safety.py [-v] [--show-held-out]   (eval/golden/safety*.jsonl)

Since the twenty-fifth session the signals are decided by the classifiers bench/fit_safety.py fits on every set
here but HELD_OUT (the word rules they replaced were written on the same sets; each NOTE tells that history).

-v prints the misclassified messages of the sets rules were written against; those of the held-out sets
(HELD_OUT) only with --show-held-out, so that reading a tuning run's output does not read the test items.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.question.safety import analyse  # noqa: E402

# The bundled corpus's products and their aliases (as the assistant knows them from the manifest).
PRODUCTS = {"warfarin": ["coumadin", "jantoven"], "metformin": ["glucophage"], "atorvastatin": ["lipitor"],
            "ciprofloxacin": ["cipro"], "lisinopril": ["zestril", "prinivil"], "amoxicillin": ["amoxil"],
            "acetaminophen": ["paracetamol", "tylenol"], "ibuprofen": ["advil", "motrin"]}


def score(items: list[dict], kind: str, verbose: bool = False) -> dict:
    tp = fp = fn = tn = 0
    for it in items:
        q = it["question"].lower()
        found = [p for p, aliases in PRODUCTS.items() if any(n in q for n in [p, *aliases])]
        got = analyse(it["question"], found)[kind] is not None
        want = it[kind]
        tp += got and want
        fp += got and not want
        fn += want and not got
        tn += not got and not want
        if verbose and got != want:
            print(f"  {'MISSED' if want else 'FALSE ALARM'} {kind}: {it['question']}")
    return {"n": len(items), "positives": tp + fn, "recall": tp / (tp + fn) if tp + fn else None,
            "precision": tp / (tp + fp) if tp + fp else None, "tp": tp, "fp": fp, "fn": fn, "tn": tn}


NOTES = {"safety.jsonl": "the set the rules were written and tuned on",
         "safety_holdout.jsonl": "written after the first tuning; one round of fixes followed",
         "safety_holdout2.jsonl": "written after that; before its one round of fixes: AE recall 0.167, PC recall 0",
         "safety_holdout3.jsonl": "written after that; before its one round of fixes: AE recall 0.0, PC recall 0.5",
         "safety_holdout4.jsonl": "written after that; scored 0.333 AE recall before the recall-first rewrite",
         "safety_holdout5.jsonl": "written after all vocabulary tuning; AE recall 0.25 with event words required, "
                                  "then the rule became structural (person or occurrence + product, no event word)",
         "safety_holdout6.jsonl": "written 2026-12-01 (issue 11) without running the rules on it first; never tuned",
         "safety_consumer.jsonl dev": "K-QA patient messages naming a drug, labelled 2026-12-02; the advice rule was "
                                      "written against this half",
         "safety_consumer.jsonl test": "the other half (split by a hash of the text); not read while writing it. "
                                       "Its misclassified messages were printed by -v once, on 2026-12-03, and read; "
                                       "no rule was changed after that",
         "safety_holdout7.jsonl": "42 messages written 2026-12-03 (tenth session), labelled before the rules were "
                                  "run on them and before that session's rule change; measured once, after it "
                                  "(AE recall 0.875, false alarms 7/26, PC recall 3/4); one round of fixes followed",
         "safety_holdout8.jsonl": "36 messages written 2026-12-03 after holdout7's round of fixes, labelled before "
                                  "any rule was run on them; measured once (AE recall 12/12, false alarms 1/24, "
                                  "complaint recall 1/3); then one round of complaint-vocabulary fixes",
         "safety_holdout9.jsonl": "40 messages written 2026-12-04 (twenty-first session), labelled before any rule "
                                  "was run on them; measured once (AE recall 13/14, false alarms 4/26, complaint "
                                  "recall 3/4); then one round of fixes",
         "safety_holdout10.jsonl": "40 messages written 2026-12-04 after holdout9's fixes, labelled before any rule "
                                   "was run on them; measured once (AE recall 11/12, false alarms 3/28, complaint "
                                   "recall 3/3); then one round of fixes (2026-12-05)",
         "safety_holdout11.jsonl": "40 messages written 2026-12-05 before holdout10's misclassifications were read, "
                                   "labelled before any rule was run on them; measured once (AE recall 13/14, false "
                                   "alarms 1/26, complaint recall 3/4); then one round of fixes (2026-12-05)",
         "safety_holdout12.jsonl": "40 messages written 2026-12-05 (twenty-fourth session) before holdout11's "
                                   "misclassifications were read, labelled before any rule was run on them; measured "
                                   "once (AE recall 14/14, false alarms 6/26, complaint recall 2/4); then one round "
                                   "of fixes",
         "safety_holdout13.jsonl": "40 messages written 2026-12-05 after holdout11/12's fixes, labelled before any "
                                   "rule was run on them; measured once (AE recall 10/13, false alarms 3/27, "
                                   "complaint recall 3/4); then one round of fixes",
         "safety_holdout14.jsonl": "40 messages written 2026-12-05 after holdout13's fixes, labelled before any "
                                   "rule was run on them; measured once (AE recall 11/13, false alarms 3/27, "
                                   "complaint recall 1/4); then one round of fixes",
         "safety_holdout15.jsonl": "40 messages written 2026-12-05 after holdout14's fixes, labelled before any "
                                   "rule was run on them; measured once (AE recall 13/14, false alarms 2/26, "
                                   "complaint recall 3/4); then one round of fixes",
         "safety_holdout16.jsonl": "40 messages written 2026-12-05 after holdout15's fixes, labelled before any "
                                   "rule was run on them; measured once (AE recall 13/13, false alarms 2/27, "
                                   "complaint recall 1/4); then one round of fixes",
         "safety_holdout17.jsonl": "40 messages written 2026-12-05 after holdout16's fixes, labelled before any "
                                   "rule was run on them; measured once (AE recall 12/13, false alarms 5/27, "
                                   "complaint recall 0/4); then one round of fixes",
         "safety_holdout18.jsonl": "40 messages written 2026-12-05 after holdout17's fixes, labelled before any "
                                   "rule was run on them; measured once (AE recall 11/13, false alarms 4/27, "
                                   "complaint recall 2/4); then one round of fixes",
         "safety_holdout19.jsonl": "40 messages written 2026-12-05 after holdout18's fixes, labelled before any "
                                   "rule was run on them; never tuned (never fitted on)",
         "safety_holdout20.jsonl": "40 messages written 2026-12-05 (twenty-fifth session) after the classifiers were "
                                   "fitted, labelled before they were run on them; never fitted on",
         "safety_holdout21.jsonl": "40 messages written 2026-12-05 in registers the other sets lack (call-centre "
                                   "notes, clinical shorthand, social media, e-mails), labelled before the "
                                   "classifiers were run on them; never fitted on",
         "safety_holdout22.jsonl": "a stress set: 40 messages written 2026-12-05 for the classifiers' weak spot "
                                   "seen on dev (a report then a general question; the same cases without an "
                                   "event), labelled before they were run on them; measured once (AE recall 13/20, "
                                   "false alarms 1/20). Tried as training data: no clear gain (bench/RESULTS.md); "
                                   "never fitted on since"}
HELD_OUT = {"safety_holdout6.jsonl", "safety_consumer.jsonl test", "safety_holdout19.jsonl",
            "safety_holdout20.jsonl", "safety_holdout21.jsonl", "safety_holdout22.jsonl"}


def main() -> None:
    for name in ("safety.jsonl", "safety_holdout.jsonl", "safety_holdout2.jsonl", "safety_holdout3.jsonl",
                 "safety_holdout4.jsonl", "safety_holdout5.jsonl", "safety_holdout6.jsonl",
                 "safety_holdout7.jsonl", "safety_holdout8.jsonl", "safety_holdout9.jsonl", "safety_holdout10.jsonl",
                 "safety_holdout11.jsonl", "safety_holdout12.jsonl",
                 "safety_holdout13.jsonl", "safety_holdout14.jsonl",
                 "safety_holdout15.jsonl",
                 "safety_holdout16.jsonl",
                 "safety_holdout17.jsonl",
                 "safety_holdout18.jsonl",
                 "safety_holdout19.jsonl", "safety_holdout20.jsonl", "safety_holdout21.jsonl", "safety_holdout22.jsonl",
                 "safety_consumer.jsonl dev",
                 "safety_consumer.jsonl test"):
        path, _, split = name.partition(" ")
        items = [json.loads(x) for x in (ROOT / "eval/golden" / path).read_text().splitlines() if x]
        items = [i for i in items if not split or i.get("split") == split]
        print(f"== {name} ({NOTES[name]})")
        for kind in ("adverse_event", "product_complaint"):
            s = score(items, kind, verbose="-v" in sys.argv and (name not in HELD_OUT or "--show-held-out" in sys.argv))
            fmt = lambda v: "n/a" if v is None else f"{v:.3f}"  # noqa: E731
            print(f"{kind}: {s['positives']} positives of {s['n']}; recall {fmt(s['recall'])}, precision "
                  f"{fmt(s['precision'])} (tp {s['tp']}, fp {s['fp']}, fn {s['fn']}; false alarms "
                  f"{s['fp']}/{s['fp'] + s['tn']})")


# The messages of a set in Japanese, Chinese and Korean (eval/golden/safety_languages/), read by the cross-language
# classifiers: holdout18 chose their operating point (dev); holdout20 is held out.
LANGUAGE_SETS = {"holdout18": "dev: the cross-language operating point was chosen on it",
                 "holdout20": "held out: never fitted on, in any language"}


def languages() -> None:
    import yaml

    from assistant.question import language

    names = {n: p for p, aliases in PRODUCTS.items() for n in [p, *aliases]}
    for name, note in LANGUAGE_SETS.items():
        english = {i["id"]: i for i in map(json.loads, (ROOT / f"eval/golden/safety_{name}.jsonl").read_text()
                                           .splitlines())}
        rows = yaml.safe_load((ROOT / f"eval/golden/safety_languages/{name}.yaml").read_text())
        for lang in ("ja", "zh", "ko"):
            print(f"== safety_languages/{name}.yaml {lang} ({note})")
            for kind in ("adverse_event", "product_complaint"):
                tp = fp = fn = tn = 0
                for item_id, texts in rows.items():
                    text, want = texts[lang], english[item_id][kind]
                    got = analyse(text, language.drugs_in(text, names), lang=lang)[kind] is not None
                    tp, fp, fn, tn = tp + (got and want), fp + (got and not want), fn + (want and not got), \
                        tn + (not got and not want)
                    if "-v" in sys.argv and got != want and (name != "holdout20" or "--show-held-out" in sys.argv):
                        print(f"  {'MISSED' if want else 'FALSE ALARM'} {kind}: {text}")
                print(f"{kind}: recall {tp}/{tp + fn}, false alarms {fp}/{fp + tn}")


if __name__ == "__main__":
    main()
    languages()
