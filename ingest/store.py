"""The store: the sqlite catalogue plus the chromadb vector index, under one data directory.

    <data-dir>/catalog.sqlite      documents, revisions, pages, chunks, files, runs (or a PostgreSQL database:
                                   database_url, MEDINFO_DATABASE_URL; ingest/database.py)
    <data-dir>/embeddings.sqlite   embedding cache (text hash -> vector)
    <data-dir>/chroma/             chromadb PersistentClient (unless a Chroma server URL is given)

The caller says where (assistant.settings resolves --data-dir, MEDINFO_DATA_DIR and ~/.medinfo).
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import time
from pathlib import Path

from ingest import offline  # noqa: F401
from ingest.catalog import Catalog
from ingest.database import redact
from ingest.embedding import Embedder, EmbeddingCache
from ingest.types import INDEXED, search_text
from ingest.vectors import VectorIndex


class StoreBusy(RuntimeError):
    pass


def _recorded_pid(fd: int) -> int | None:
    try:
        text = os.pread(fd, 32, 0).decode().strip()
        return int(text) if text else None
    except (OSError, ValueError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _orphan_holders(path: Path) -> list[int]:
    """Processes that hold `path` open and whose parent is gone (re-parented to init): left over by a kill -9."""
    target = str(path.resolve())
    out = []
    for proc in Path("/proc").glob("[0-9]*"):
        pid = int(proc.name)
        if pid == os.getpid():
            continue
        try:
            holds = any(os.readlink(fd) == target for fd in (proc / "fd").iterdir())
            ppid = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if holds and ppid == 1:
            out.append(pid)
    return out


def resolve_data_dir(data_dir: str | Path) -> Path:
    return Path(data_dir).expanduser().resolve()


def private(data_dir: Path) -> Path:
    """The store directory, created if needed, readable by its owner only (it holds the audit log, keys
    and content under review)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        data_dir.chmod(0o700)
    return data_dir


def vector_metadata(row: dict) -> dict:
    return {"doc_id": row["doc_id"], "rev_id": row["rev_id"], "page": int(row["page_no"]), "kind": row["kind"],
            "product": row.get("product") or "", "audience": row.get("audience") or "hcp"}


def row_search_text(row: dict) -> str:
    return search_text(row["text"], row.get("section") or "", row.get("product"))


class Store:
    def __init__(self, data_dir: str | Path, embedder: Embedder | None = None, chroma_url: str | None = None,
                 database_url: str | None = None):
        """chroma_url: vectors in a Chroma server; database_url: the catalogue in a PostgreSQL database (both
        shared with API workers on other hosts)."""
        self.data_dir = resolve_data_dir(data_dir)
        private(self.data_dir)
        self.chroma_url = chroma_url
        self.remote = bool(chroma_url)  # vectors live in a Chroma server shared with other processes
        self.catalog = Catalog(self.data_dir / "catalog.sqlite", database_url)
        self.embedder = embedder or Embedder()
        self._index: VectorIndex | None = None
        self._cache: EmbeddingCache | None = None
        self._lock_fd: int | None = None

    @property
    def index(self) -> VectorIndex:
        if self._index is None:
            self._index = VectorIndex(self.data_dir, self.embedder.name, self.embedder.dim or 384, self.chroma_url)
        return self._index

    @property
    def cache(self) -> EmbeddingCache:
        if self._cache is None:
            self._cache = EmbeddingCache(self.data_dir / "embeddings.sqlite", self.embedder.name)
        return self._cache

    # --- writer lock: one ingest at a time per data directory -------------------------------
    def lock(self) -> str | None:
        """Take the ingest lock. Returns a note when it took over from an ingest that was killed."""
        path = self.data_dir / "ingest.lock"
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        owner = _recorded_pid(fd)
        note = None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            stale = [] if owner is None or _alive(owner) else _orphan_holders(path)
            if not stale:
                os.close(fd)
                raise StoreBusy(f"another ingest is running on {self.data_dir} (pid {owner}); wait for it to "
                                "finish") from None
            for pid in stale:  # parser processes of a killed ingest that still hold its lock
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.5)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
            except OSError:
                os.close(fd)
                raise StoreBusy(f"the ingest lock of {self.data_dir} is held by processes of a killed ingest "
                                f"({', '.join(map(str, stale))})") from None
            note = (f"took over the ingest lock from a killed ingest (pid {owner}); stopped its leftover "
                    f"processes {', '.join(map(str, stale))}")
        if note is None and owner and owner != os.getpid() and not _alive(owner):
            note = f"the previous ingest (pid {owner}) was interrupted; this run completes its work"
        if not self.catalog.lock_writer():
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
            raise StoreBusy("another ingest is running against the shared catalogue "
                            f"({redact(str(self.catalog.target))}); wait for it to finish")
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._lock_fd = fd
        return note

    def unlock(self) -> None:
        self.catalog.unlock_writer()
        if self._lock_fd is not None:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
            os.close(self._lock_fd)
            self._lock_fd = None

    # --- vectors for catalogue rows ----------------------------------------------------------
    def add_vectors(self, rows: list[dict]) -> int:
        """Embed (through the cache) and index catalogue chunk rows. Returns how many were embedded anew."""
        if not rows:
            return 0
        vecs, fresh = self.cache.embed(self.embedder, [row_search_text(r) for r in rows])
        self.index.add([r["chunk_id"] for r in rows], vecs, [vector_metadata(r) for r in rows])
        return fresh

    def reconcile(self) -> dict:
        """Make the vector index hold exactly the searchable chunks (after a crash or a withdrawal). When the
        previous ingest finished and the index holds as many vectors as there are searchable chunks, nothing can
        be amiss (a kill between a vector upsert and its commit, or a withdrawal, leaves a different count), and
        neither side is read in full: at a million passages that read took minutes (bench/RESULTS.md)."""
        cat = self.catalog
        # The last run before this process's own (an ingest calls this inside its run; a withdrawal outside any).
        previous = next((r for r in cat.runs(limit=2) if not (r["status"] == "running" and r["pid"] == os.getpid())),
                        None)
        finished = previous is not None and previous["status"] in ("completed", "partial")
        if finished and self.index.count() == cat.count_current_chunks(INDEXED):
            return {"removed": 0, "restored": 0, "embedded": 0}
        live = {r["chunk_id"]: r for r in cat.current_chunks(INDEXED, text=False)}
        have = self.index.ids()
        extra = have - live.keys()
        missing = [live[c] for c in live.keys() - have]
        texts = cat.chunk_texts([r["chunk_id"] for r in missing])
        for r in missing:
            r["text"] = texts.get(r["chunk_id"], "")
        if extra:
            self.index.delete(extra)
        fresh = self.add_vectors(missing)
        return {"removed": len(extra), "restored": len(missing), "embedded": fresh}

    def close(self) -> None:
        self.unlock()
        self.catalog.close()
        if self._cache is not None:
            self._cache.close()
