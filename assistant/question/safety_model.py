"""The fitted adverse-event and product-complaint classifiers (bench/fit_safety.py writes data/safety_model.json).

Each is a logistic regression over two views of the message: its all-MiniLM-L6-v2 vector (the default int8
embedder, unit length) and the TF-IDF of its words and word pairs (sublinear counts, unit length), fitted on the
labelled safety sets the rules had been written on, and measured on the sets held out from them (bench/safety.py).
A question in another language is read by a second pair over its multilingual-e5-small vector alone, fitted on the
same English messages: the model places a message and its translation close together.
"""
from __future__ import annotations

import json
import math
import re
import threading
from collections import Counter
from functools import lru_cache
from pathlib import Path

import numpy as np

MODEL = Path(__file__).with_name("data") / "safety_model.json"
SPEC = "minilm-int8"  # the embedder the model was fitted with
TOKEN = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token pattern, which the fit used
_lock = threading.Lock()
_embedders: list = []
_e5: list = []


@lru_cache(maxsize=1)
def model() -> dict:
    data = json.loads(MODEL.read_text())
    data["index"] = {t: i for i, t in enumerate(data["terms"])}
    data["idf"] = np.asarray(data["idf"])
    for kind in data["kinds"].values():
        kind["embedding"] = np.asarray(kind["embedding"])
        kind["words"] = np.asarray(kind["words"])
    for kind in data["across"]["kinds"].values():
        kind["embedding"] = np.asarray(kind["embedding"])
    return data


def terms(text: str) -> list[str]:
    """Words of two letters or more, lower-cased, and each pair of neighbouring words."""
    words = TOKEN.findall(text.lower())
    return words + [f"{a} {b}" for a, b in zip(words, words[1:])]


def tfidf(text: str) -> tuple[np.ndarray, np.ndarray]:
    """(term indices, unit-length weights) of a text in the model's vocabulary."""
    m = model()
    counts = Counter(m["index"][t] for t in terms(text) if t in m["index"])
    idx = np.fromiter(counts, dtype=int, count=len(counts))
    weights = np.array([1.0 + math.log(counts[i]) for i in idx]) * m["idf"][idx] if len(idx) else np.zeros(0)
    norm = float(np.linalg.norm(weights))
    return idx, weights / norm if norm else weights


def embedder(given=None):
    """The int8 MiniLM embedder: the caller's (the assistant's store embedder) when it is that model, else one
    loaded once per process."""
    if given is not None and getattr(given, "spec", None) == SPEC:
        return given
    with _lock:
        if not _embedders:
            from ingest.embedding import Embedder

            _embedders.append(Embedder(SPEC, "cpu"))
        return _embedders[0]


def probabilities(text: str, vector: np.ndarray | None = None, given_embedder=None) -> dict[str, float]:
    """{"adverse_event": p, "product_complaint": p} of a message; vector: its MiniLM int8 vector, if known."""
    m = model()
    if vector is None:
        vector = embedder(given_embedder).embed_query(text)
    idx, weights = tfidf(text)
    out = {}
    for name, kind in m["kinds"].items():
        z = kind["intercept"] + float(kind["embedding"] @ vector) + float(kind["words"][idx] @ weights)
        out[name] = 1.0 / (1.0 + math.exp(-z))
    return out


def probabilities_across(text: str, e5=None) -> dict[str, float]:
    """The same for a message in any language, from its multilingual-e5-small vector (e5: the caller's E5)."""
    if e5 is None:
        with _lock:
            if not _e5:
                from ingest.multilingual import E5

                _e5.append(E5())
            e5 = _e5[0]
    vector = e5.query(text)
    out = {}
    for name, kind in model()["across"]["kinds"].items():
        z = kind["intercept"] + float(kind["embedding"] @ vector)
        out[name] = 1.0 / (1.0 + math.exp(-z))
    return out


def threshold(kind: str, across: bool = False) -> float:
    return float((model()["across"] if across else model())["kinds"][kind]["threshold"])
