"""The vector index: a chromadb collection of chunk vectors, embedded (PersistentClient) or a
Chroma server (HttpClient, when a server URL is given: the setting chroma_url, MEDINFO_CHROMA_URL).

Vectors always go in and queries always go out as explicit embeddings: chromadb's default
embedding function would download a model. The collection may briefly hold vectors of a revision
that is not (yet, or any more) current; readers filter by the catalogue, never trust this alone.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from ingest import offline  # noqa: F401  (telemetry off before chromadb is imported)

BATCH = 2000


def _client(data_dir: Path, url: str | None):
    import chromadb
    from chromadb.config import Settings

    settings = Settings(anonymized_telemetry=False, allow_reset=False)
    if url:
        m = re.match(r"^(https?)://([^:/]+)(?::(\d+))?/?$", url)
        if not m:
            raise ValueError(f"the Chroma server URL (MEDINFO_CHROMA_URL) must look like http://host:port, "
                             f"not {url!r}")
        return chromadb.HttpClient(host=m.group(2), port=int(m.group(3) or 8000), ssl=m.group(1) == "https",
                                   settings=settings)
    return chromadb.PersistentClient(path=str(data_dir / "chroma"), settings=settings)


class VectorIndex:
    def __init__(self, data_dir: Path, model_name: str, dim: int, url: str | None = None):
        self.client = _client(Path(data_dir), url)
        name = "chunks_" + re.sub(r"[^A-Za-z0-9._-]", "_", model_name)[:60]
        self.collection = self.client.get_or_create_collection(
            name=name, embedding_function=None,
            metadata={"hnsw:space": "cosine", "model": model_name, "dim": dim},
        )

    def add(self, ids: list[str], vectors: np.ndarray, metadatas: list[dict[str, Any]]) -> None:
        for i in range(0, len(ids), BATCH):
            self.collection.upsert(ids=ids[i:i + BATCH], embeddings=vectors[i:i + BATCH].tolist(),
                                   metadatas=metadatas[i:i + BATCH])

    def delete(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        for i in range(0, len(ids), BATCH):
            self.collection.delete(ids=ids[i:i + BATCH])

    def ids(self) -> set[str]:
        out: set[str] = set()
        offset = 0
        while True:
            got = self.collection.get(include=[], limit=10000, offset=offset)
            out.update(got["ids"])
            if len(got["ids"]) < 10000:
                return out
            offset += 10000

    def vectors(self, ids: list[str]) -> dict[str, np.ndarray]:
        out = {}
        for i in range(0, len(ids), BATCH):
            got = self.collection.get(ids=ids[i:i + BATCH], include=["embeddings"])
            for cid, vec in zip(got["ids"], got["embeddings"]):
                out[cid] = np.asarray(vec, dtype=np.float32)
        return out

    def query(self, vector: np.ndarray, k: int, where: dict | None = None) -> list[tuple[str, float]]:
        n = self.collection.count()
        if n == 0:
            return []
        res = self.collection.query(query_embeddings=[vector.tolist()], n_results=min(k, n), where=where or None,
                                    include=["distances"])
        return [(cid, 1.0 - float(d)) for cid, d in zip(res["ids"][0], res["distances"][0])]

    def count(self) -> int:
        return self.collection.count()
