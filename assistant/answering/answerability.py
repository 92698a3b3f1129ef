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

from assistant.answering import reader
from assistant.answering.evidence import Evidence, Selection, answered
from assistant.answering.retrieval import Hit, Snapshot, only_intent_words
from assistant.question.intents import section_matches
from assistant.question.terms import present, stem_tokens
from ingest.embedding import Embedder

SENTENCES_EMBEDDED = 4  # the first evidence sentences compared with the question (one batch, ~30 ms on 2 cores)
MODEL_PATH = Path(__file__).parent / "data" / "answerability.json"
# Only features that do not scale with the size of the store (BM25 scores and retrieval ranks do: a model
# fitted on a large store then refused nearly everything in a small one).
FEATURES = ("coverage", "best_overlap", "best_dense", "lead_score", "n_terms", "has_intent", "intent_section",
            "product_named", "product_evidence",
            # interactions (a linear model cannot form them): evidence from the named product's label that is
            # also close or covering; a section the question names; no product, by closeness. (Whether the
            # evidence is literature is left out: it told the dev sets apart, not answers from non-answers.)
            "product_x_dense", "product_x_coverage", "intent_x_section", "unnamed_x_dense",
            # a question that names nothing but a product and a section ("How does warfarin work?"), answered
            # from that section
            "intent_only", "intent_only_x_section",
            # which terms are missing, not only how much weight: a question whose rarest terms are absent from the
            # evidence ("Plasmodium vivax and HIV co-infection" answered about Plasmodium vivax alone) is about
            # something else; a passage that stands out from the next document's is a targeted answer
            "rare_missing", "top_terms_found", "lead_coverage", "dense_margin",
            # closeness of the question to the evidence sentences themselves, not to the passages around them
            "sentence_dense", "lead_sentence_dense",
            # the reader (answering/reader.py): the question and the first evidence sentences read together, the
            # best sentence alone and all of them as one passage
            "reader_max", "reader_joined")


def features(hits: list[Hit], selection: Selection, snap: Snapshot, intents: list, products: list[str],
             question: str = "", embedder: Embedder | None = None, read: bool = True) -> dict[str, float]:
    """embedder: the store's (the question's vector comes from its query cache, already computed for retrieval);
    without it the sentence features are 0. read: run the reader (~60 ms); without it its features are 0 (the
    hand-set rule, which decides without the fitted model, does not use them)."""
    ev = selection.judged
    lead = _lead(ev)
    f = {
        "coverage": selection.coverage,
        "best_overlap": selection.best_overlap,
        "best_dense": max((h.dense for h in hits), default=0.0),
        "lead_score": lead.score if lead else 0.0,
        "n_terms": math.log1p(selection.n_terms),
        "has_intent": float(bool(intents)),
        "intent_section": (sum(section_matches(intents, e.section) for e in ev) / len(ev)) if ev and intents else 0.0,
        "product_named": float(bool(products)),
        "product_evidence": (sum(e.passage.product in products for e in ev) / len(ev)) if ev and products else 0.0,
    }
    f["product_x_dense"] = f["product_evidence"] * f["best_dense"]
    f["product_x_coverage"] = f["product_evidence"] * f["coverage"]
    f["intent_x_section"] = f["has_intent"] * f["intent_section"]
    f["unnamed_x_dense"] = (1.0 - f["product_named"]) * f["best_dense"]
    f["intent_only"] = float(bool(intents) and bool(products) and only_intent_words(question, intents, snap))
    f["intent_only_x_section"] = f["intent_only"] * f["intent_section"]
    f.update(_term_features(selection, intents))
    best = max(hits, key=lambda h: h.dense, default=None)
    other = max((h.dense for h in hits if best is not None and h.passage.doc_id != best.passage.doc_id), default=0.0)
    f["dense_margin"] = max(0.0, f["best_dense"] - other) if best is not None else 0.0
    f["sentence_dense"] = f["lead_sentence_dense"] = 0.0
    if embedder is not None and ev and question:
        shown = ev[:SENTENCES_EMBEDDED]
        sims = embedder.embed_cached([e.display for e in shown]) @ embedder.embed_query(question)
        f["sentence_dense"] = float(sims.max())
        f["lead_sentence_dense"] = float(sims[shown.index(lead)]) if lead in shown else float(sims[0])
    f.update(reader.features(question, reader_sentences(selection) if read else []))
    return f


def reader_sentences(selection: Selection) -> list[str]:
    """What the reader reads of the evidence: its first sentences, as shown."""
    return [e.display for e in selection.judged[:SENTENCES_EMBEDDED]]


def _lead(ev: list[Evidence]) -> Evidence | None:
    """The answer's lead sentence: the first evidence sentence that is not the lead-in of a list ("Do not use",
    "... contraindicated in:"), which is shown only for its items."""
    return next((e for e in ev if not e.lead_in), ev[0] if ev else None)


def _term_features(selection: Selection, intents: list) -> dict[str, float]:
    terms, ev = selection.terms, selection.judged
    if not terms or not ev:
        return {"rare_missing": 0.0, "top_terms_found": 1.0 if ev else 0.0, "lead_coverage": 0.0}

    def tokens(items) -> set[str]:
        out: set[str] = set()
        for e in items:
            out |= selection.aliases.expand(set(stem_tokens(e.text))) | set(stem_tokens(e.section)) | \
                answered(intents, e.text, e.section)
        return out

    found, lead = tokens(ev), tokens([_lead(ev)])
    top = max(terms.values()) or 1.0
    missing = [w for t, w in terms.items() if not present(t, found)]
    ranked = sorted(terms, key=lambda t: -terms[t])[:3]
    total = sum(terms.values()) or 1.0
    return {"rare_missing": max(missing, default=0.0) / top,
            "top_terms_found": sum(present(t, found) for t in ranked) / len(ranked),
            "lead_coverage": sum(w for t, w in terms.items() if present(t, lead)) / total}


@dataclass
class Model:
    mean: list[float]
    scale: list[float]
    coef: list[float]
    intercept: float
    threshold: float
    meta: dict

    calibration: tuple[float, float] = (1.0, 0.0)  # Platt scaling of the logit, fitted on dev

    def probability(self, f: dict[str, float]) -> float:
        z = self.intercept + sum(c * (f[k] - m) / (s or 1.0)
                                 for k, m, s, c in zip(FEATURES, self.mean, self.scale, self.coef))
        a, b = self.calibration
        z = a * max(-30.0, min(30.0, z)) + b
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@lru_cache(maxsize=4)
def load(path: str = str(MODEL_PATH)) -> Model | None:
    p = Path(path)
    if not p.is_file():
        return None
    raw = json.loads(p.read_text())
    if tuple(raw["features"]) != FEATURES:
        return None  # fitted on other features: refit with bench/fit_answerability.py
    return Model(raw["mean"], raw["scale"], raw["coef"], raw["intercept"], raw["threshold"], raw.get("meta", {}),
                 tuple(raw.get("calibration") or (1.0, 0.0)))  # type: ignore[arg-type]
