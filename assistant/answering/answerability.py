"""Does the selected evidence answer the question? A logistic model over retrieval, overlap and structure
features, fitted on the dev splits by bench/fit_answerability.py (never on test items) and stored as plain
numbers in answering/data/answerability.json, with its calibration and the operating point chosen on dev.

Without the file (or with the setting answerability_model set to "rule") the hand-set rule of earlier
releases decides: key-term coverage and dense similarity against Thresholds.min_coverage / min_dense.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from assistant.answering.evidence import Selection
from assistant.answering.retrieval import Hit, Snapshot, only_intent_words
from assistant.question.intents import section_matches

MODEL_PATH = Path(__file__).parent / "data" / "answerability.json"
# Only features that do not scale with the size of the store (BM25 scores and retrieval ranks do: a model
# fitted on a large store then refused nearly everything in a small one).
FEATURES = ("coverage", "best_overlap", "best_dense", "lead_score", "n_terms", "has_intent", "intent_section",
            "product_named", "product_evidence", "literature",
            # interactions (a linear model cannot form them): evidence from the named product's label that is
            # also close or covering; a section the question names; literature, and no product, by closeness
            "product_x_dense", "product_x_coverage", "intent_x_section", "literature_x_dense", "unnamed_x_dense",
            # a question that names nothing but a product and a section ("How does warfarin work?"), answered
            # from that section
            "intent_only", "intent_only_x_section")


def features(hits: list[Hit], selection: Selection, snap: Snapshot, intents: list, products: list[str],
             n_terms: int, question: str = "") -> dict[str, float]:
    ev = selection.evidence
    f = {
        "coverage": selection.coverage,
        "best_overlap": selection.best_overlap,
        "best_dense": max((h.dense for h in hits), default=0.0),
        "lead_score": ev[0].score if ev else 0.0,
        "n_terms": math.log1p(n_terms),
        "has_intent": float(bool(intents)),
        "intent_section": (sum(section_matches(intents, e.section) for e in ev) / len(ev)) if ev and intents else 0.0,
        "product_named": float(bool(products)),
        "product_evidence": (sum(e.passage.product in products for e in ev) / len(ev)) if ev and products else 0.0,
        "literature": (sum(e.passage.kind == "literature" for e in ev) / len(ev)) if ev else 0.0,
    }
    f["product_x_dense"] = f["product_evidence"] * f["best_dense"]
    f["product_x_coverage"] = f["product_evidence"] * f["coverage"]
    f["intent_x_section"] = f["has_intent"] * f["intent_section"]
    f["literature_x_dense"] = f["literature"] * f["best_dense"]
    f["unnamed_x_dense"] = (1.0 - f["product_named"]) * f["best_dense"]
    f["intent_only"] = float(bool(intents) and bool(products) and only_intent_words(question, intents, snap))
    f["intent_only_x_section"] = f["intent_only"] * f["intent_section"]
    return f


@dataclass
class Model:
    mean: list[float]
    scale: list[float]
    coef: list[float]
    intercept: float
    threshold: float
    meta: dict

    def probability(self, f: dict[str, float]) -> float:
        z = self.intercept + sum(c * (f[k] - m) / (s or 1.0)
                                 for k, m, s, c in zip(FEATURES, self.mean, self.scale, self.coef))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@lru_cache(maxsize=4)
def load(path: str = str(MODEL_PATH)) -> Model | None:
    p = Path(path)
    if not p.is_file():
        return None
    raw = json.loads(p.read_text())
    if tuple(raw["features"]) != FEATURES:
        return None  # fitted on other features: refit with bench/fit_answerability.py
    return Model(raw["mean"], raw["scale"], raw["coef"], raw["intercept"], raw["threshold"], raw.get("meta", {}))
