"""The ingest run: files -> documents -> chunks -> vectors + catalogue, incremental and crash-safe.

Order of writes for a new revision of a document:
  1. its vectors are upserted into the index (invisible: readers only trust catalogue-live chunks);
  2. one sqlite transaction makes it the current revision (pages, chunks, document row);
  3. the old revision's vectors are deleted.
A kill between any two steps leaves the catalogue consistent; the next run's reconcile() removes
stray vectors and restores missing ones from the embedding cache, then the run finishes the files
it had not reached (their file record is written last).
Parsing runs in worker processes while the main process embeds.
"""
from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from functools import partial
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from ingest import (
    offline,  # noqa: F401
    segments,
)
from ingest.chunking import chunk_document
from ingest.commit import BATCH_CHUNKS, Writer
from ingest.loaders import SUPPORTED, LoadError, load, sha256_bytes
from ingest.manifest import Entry, Manifest, ManifestError, load_manifest
from ingest.store import Store
from ingest.terms import tokenize
from ingest.types import PIPELINE_VERSION, Chunk, Document, MetadataError, search_text

MANIFEST_NAMES = ("manifest.yaml", "manifest.yml", "manifest.json")
SKIP_NAMES = {"README.md", "readme.txt", "LICENSE", "LICENSE.txt"}


@dataclass
class Summary:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    metadata_updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    withdrawn: list[str] = field(default_factory=list)
    renamed: list[dict[str, str]] = field(default_factory=list)  # an id a file used before -> its new id
    notes: list[str] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    pages: int = 0
    chunks_added: int = 0
    embedded: int = 0
    reconcile: dict[str, int] = field(default_factory=dict)
    multilingual: dict[str, float] | None = None  # the multilingual index: passages embedded, seconds
    segments: dict[str, int] | None = None  # the index segments (ingest/segments.py): how many, passages added
    seconds: float = 0.0

    def skip(self, file: str, reason: str) -> None:
        self.skipped.append({"file": file, "reason": reason})

    def to_dict(self, store: Store | None = None) -> dict[str, Any]:
        d = {
            "documents": {"added": len(self.added), "updated": len(self.updated) + len(self.metadata_updated),
                          "unchanged": self.unchanged, "skipped": len(self.skipped), "withdrawn": len(self.withdrawn)},
            "added": self.added, "updated": self.updated, "metadata_updated": self.metadata_updated,
            "withdrawn": self.withdrawn, "renamed": self.renamed, "notes": self.notes, "skipped": self.skipped,
            "ignored": self.ignored,
            "pages_parsed": self.pages, "chunks_added": self.chunks_added, "passages_embedded": self.embedded,
            "reconciled": self.reconcile, "seconds": round(self.seconds, 2),
        }
        if self.segments is not None:
            d["index_segments"] = self.segments
        if self.multilingual is not None:
            d["multilingual"] = self.multilingual
        if store is not None:
            d["store"] = store.catalog.stats() | {"data_dir": str(store.data_dir)}
        return d


# --- worker side -----------------------------------------------------------------------------

def parse_file(path: str, entry: Entry, fallback_id: str
               ) -> tuple[list[tuple[Document, list[Chunk]]], list[tuple[str, str]]]:
    """Load and chunk one file (runs in a worker process). Returns documents and per-record errors."""
    file = Path(path)
    out, errors = [], []
    for loaded in load(file):
        where = f"{path}#{loaded.key}" if loaded.key is not None else path
        if loaded.error:
            errors.append((where, loaded.error))
            continue
        try:
            meta = entry.meta(loaded.key, loaded.extra, fallback_id, loaded.title)
        except (MetadataError, TypeError) as exc:
            errors.append((where, f"metadata: {exc}"))
            continue
        doc = Document(meta, loaded.pages, path, loaded.sha256)
        chunks = chunk_document(doc)
        for c, terms in zip(chunks, tokenize([search_text(c.text, c.section) for c in chunks])):
            c.terms = " ".join(terms)
        out.append((doc, chunks))
    return out, errors


def _slug(stem: str) -> str:
    import re

    return re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-.")[:100] or "document"


def fallback_id(store: Store, file: Path, sha: str) -> str:
    """The id of a document whose manifest gives none: the id this file had before (a changed file is a new
    revision of the same document), else its name plus the start of its content hash, so two files never
    share an id by name alone (e.g. names made only of non-ASCII characters)."""
    rec = store.catalog.file_record(str(file))
    if rec and len(rec["doc_ids"]) == 1:
        doc = store.catalog.document(rec["doc_ids"][0])
        if doc and doc.get("origin") == "file":
            return str(doc["doc_id"])
    return f"{_slug(file.stem)}-{sha[:8]}"


# --- main side -------------------------------------------------------------------------------

def find_files(paths: list[Path], summary: Summary) -> list[Path]:
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            root = p.resolve()
            for f in sorted(p.rglob("*")):
                if f.is_file() and not any(part.startswith(".") for part in f.relative_to(p).parts):
                    if f.suffix.lower() in SUPPORTED and f.name not in SKIP_NAMES and f.name not in MANIFEST_NAMES:
                        if not f.resolve().is_relative_to(root):
                            summary.skip(str(f), f"a symbolic link to {f.resolve()}, outside {root}: not followed")
                            continue
                        files.append(f)
        elif p.exists():
            files.append(p)
        else:
            summary.skip(str(p), "no such file or directory")
    seen, out = set(), []
    for f in files:
        r = f.resolve()
        if r not in seen:
            seen.add(r)
            out.append(r)
    return out


def discover_manifest(paths: list[Path]) -> Path | None:
    for p in paths:
        if p.is_dir():
            for name in MANIFEST_NAMES:
                if (p / name).exists():
                    return p / name
    return None


def ingest(paths: list[str | Path], manifest: str | Path | None = None, data_dir: str | Path | None = None,
           progress: bool = False, store: Store | None = None, workers: int | None = None,
           approve: bool = False, multilingual: bool = False, batch_chunks: int = BATCH_CHUNKS
           ) -> tuple[dict, int]:
    """Run one ingest. Returns (summary dict, exit code: 0 all done, 3 something skipped).
    approve: files without a manifest entry are approved by the operator running this ingest
    (`medinfo ingest --approve`), not ingested as unreviewed.
    multilingual: also embed every searchable passage into the multilingual index (ingest/multilingual.py).
    batch_chunks: passages embedded and committed together (ingest/commit.py)."""
    t0 = time.perf_counter()
    summary = Summary()
    roots = [Path(p) for p in paths]
    own_store = store is None
    if store is None:
        if data_dir is None:
            raise ValueError("ingest needs a store or a data directory")
        store = Store(data_dir)
    note = store.lock()
    if note:
        summary.notes.append(note)
    run_id = store.catalog.start_run(os.getpid())
    generation_at_start = store.catalog.generation()
    status = "failed"
    try:
        summary.reconcile = store.reconcile()
        manifest_path = Path(manifest) if manifest else discover_manifest(roots)
        try:
            man = load_manifest(manifest_path)
        except ManifestError as exc:
            summary.skip(str(manifest_path), str(exc))
            man = Manifest(manifest_path, {}, [])
            man_broken = True
        else:
            man_broken = False
        for where, reason in man.errors:
            summary.skip(where, f"manifest: {reason}")
        for doc_id, where in man.withdrawals:
            ids = store.catalog.withdraw(doc_id, f"withdrawn in the manifest ({where})", sticky=False)
            summary.withdrawn += [i for i in ids if i not in summary.withdrawn]
        files = find_files(roots, summary)
        jobs: list[tuple[Path, Entry, str, str]] = []
        for f in files:
            entry = man.entry(f)
            if entry is None:
                if man_broken and man.covers(f):
                    summary.skip(str(f), "not ingested: its manifest could not be read")
                    continue
                if man.path is not None:
                    bad = [w for w, _ in man.errors if w.endswith(str(f.relative_to(man.path.parent.resolve())))
                           ] if f.is_relative_to(man.path.parent.resolve()) else []
                    if not bad:
                        summary.ignored.append(str(f))
                    continue
                entry = Entry(f, {"status": "approved"} if approve else {})
            try:
                sha = sha256_bytes(f.read_bytes())
            except OSError as exc:
                summary.skip(str(f), f"unreadable: {exc.strerror or exc}")
                continue
            rec = store.catalog.file_record(str(f))
            if rec and rec["sha256"] == sha and rec["entry_fp"] == entry.fingerprint() + PIPELINE_VERSION and all(
                    (d := store.catalog.document(i)) and d["path"] == str(f) for i in rec["doc_ids"]):
                summary.unchanged += len(rec["doc_ids"])
                continue
            jobs.append((f, entry, sha, fallback_id(store, f, sha)))
        complete = _run_jobs(store, jobs, summary, progress, workers, batch_chunks)
        summary.segments = segments.update(store.catalog, store.data_dir, store.cache,
                                           since=generation_at_start if complete else None)
        if multilingual:
            from ingest.multilingual import fill

            t_ml = time.perf_counter()
            summary.multilingual = {"embedded": fill(store), "seconds": 0.0}
            summary.multilingual["seconds"] = round(time.perf_counter() - t_ml, 2)
        status = "partial" if summary.skipped else "completed"
    except BaseException:
        status = "failed"
        raise
    finally:
        summary.seconds = time.perf_counter() - t0
        result = summary.to_dict(store)
        store.catalog.finish_run(run_id, status, result)
        result["run_id"] = run_id
        if own_store:
            store.close()
        else:
            store.unlock()
    return result, (3 if summary.skipped else 0)


def _worker_init() -> None:
    """A parser process dies with the process that started it (Linux: PR_SET_PDEATHSIG). Parsers come from a
    fork server started clean (no threads, no open store, no copy of the ingest lock), so a kill -9 of the
    ingest leaves nothing behind that holds the store, and no parser inherits a lock held by another thread
    of the ingest (a fork of the ingest itself once deadlocked in sqlite's allocator that way)."""
    import ctypes
    import signal

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG = 1
    except (OSError, AttributeError):
        pass
    if os.getppid() == 1:  # the parent died before the signal was armed
        os._exit(1)


def _parser_context():
    ctx = get_context("forkserver")
    ctx.set_forkserver_preload(["ingest.pipeline"])
    return ctx


def _run_jobs(store: Store, jobs: list[tuple[Path, Entry, str, str]], summary: Summary, progress: bool,
              workers: int | None, batch_chunks: int = BATCH_CHUNKS) -> bool:
    """Parse and store the files; returns whether every passage it committed went into an index segment."""
    if not jobs:
        return True
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(jobs), unit="file", file=sys.stderr, dynamic_ncols=True)
    n_workers = workers if workers is not None else min(2, len(jobs))
    seen_ids: dict[str, str] = {}
    writer = Writer(store, summary, batch_chunks)
    futures: Iterable[tuple[tuple[Path, Entry, str, str], Any]]
    if n_workers <= 0:
        futures = [(job, _Done(lambda j=job: parse_file(str(j[0]), j[1], j[3]))) for job in jobs]
        pool = None
    else:
        pool = ProcessPoolExecutor(max_workers=n_workers, mp_context=_parser_context(), initializer=_worker_init)
        # Big files first, results taken as they complete: parsing overlaps embedding with no idle tail.
        order = sorted(jobs, key=lambda j: -j[0].stat().st_size)
        submitted = {pool.submit(parse_file, str(job[0]), job[1], job[3]): job for job in order}
        futures = ((submitted[fut], fut) for fut in as_completed(submitted))
    try:
        for (f, entry, sha, _), fut in futures:
            if bar is not None:
                bar.set_postfix_str(f.name[:40])
            try:
                docs, errors = fut.result()
            except LoadError as exc:
                summary.skip(str(f), str(exc))
                _advance(bar)
                continue
            except Exception as exc:  # noqa: BLE001 - one bad file must not stop the run
                summary.skip(str(f), f"{type(exc).__name__}: {exc}")
                _advance(bar)
                continue
            for where, reason in errors:
                summary.skip(where, reason)
            doc_ids = []
            for doc, chunks in docs:
                other = seen_ids.get(doc.meta.id)
                if other and other != str(f):
                    summary.skip(f"{f}", f"duplicate document id {doc.meta.id!r} (already from {other})")
                    continue
                seen_ids[doc.meta.id] = str(f)
                older = _older_version(store, doc)
                if older:
                    summary.notes.append(f"{f}: {older}")
                    continue
                conflict = _conflict(store, doc)
                if conflict:
                    summary.skip(f"{f}" + (f"#{doc.meta.id}" if len(docs) > 1 else ""), conflict)
                    errors.append((str(f), conflict))
                    continue
                writer.add(doc, chunks)
                doc_ids.append(doc.meta.id)
            writer.then(partial(_file_done, store, f, sha, entry, doc_ids, not errors, summary))
            _advance(bar)
        writer.flush()
        return writer.segments_complete
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        if bar is not None:
            bar.close()


def _file_done(store: Store, f: Path, sha: str, entry: Entry, doc_ids: list[str], clean: bool,
               summary: Summary) -> None:
    """After a file's documents are committed: ids it no longer yields, then its record (written last, so a
    file whose run was cut is read again)."""
    _renamed(store, f, doc_ids, summary)
    if clean:
        store.catalog.set_file_record(str(f), sha, entry.fingerprint() + PIPELINE_VERSION, doc_ids)


def _advance(bar) -> None:
    if bar is not None:
        bar.update(1)


class _Done:
    """A Future-like for inline (no worker) parsing."""

    def __init__(self, fn):
        self.fn = fn

    def result(self):
        return self.fn()


def _conflict(store: Store, doc: Document) -> str | None:
    """Why `doc` may not take its id: another source holds it (unless the manifest says it replaces it, or
    the content is the same file moved)."""
    current = store.catalog.document(doc.meta.id)
    if current is None or current["path"] in (None, doc.path) or doc.meta.id in doc.meta.replaces:
        return None
    if current["sha256"] == doc.sha256:
        return None  # the same content from a new place: a move, not a replacement
    if _set_id(store.catalog.current_meta(doc.meta.id)) == _set_id(doc.meta.to_dict()) is not None:
        return None  # another version of the same SPL set: the newer one supersedes
    return (f"document id {doc.meta.id!r} is already held by {current['path']} ({current['status']}, "
            f"{current.get('origin') or 'manifest'} id); it was not replaced. If this file is meant to replace "
            f"it, say so in its manifest entry: `replaces: {doc.meta.id}`")


def _set_id(meta: dict | None) -> str | None:
    return ((meta or {}).get("attributes") or {}).get("set_id")


def _older_version(store: Store, doc: Document) -> str | None:
    """Why `doc` must not become current: the store holds a newer version of the same SPL set."""
    new = doc.meta.attributes.get("spl_version")
    current = store.catalog.current_meta(doc.meta.id)
    old = ((current or {}).get("attributes") or {}).get("spl_version")
    if new is None or old is None or new >= old or _set_id(current) != _set_id(doc.meta.to_dict()):
        return None
    return (f"version {new} of SPL set {_set_id(current)} is older than the current version {old}; "
            "the current version stays")


def _renamed(store: Store, f: Path, new_ids: list[str], summary: Summary) -> None:
    """Ids this file gave its documents before and no longer does (the manifest renamed them): each old id
    becomes an alias of the new one and leaves the searchable set, so withdrawing the new id covers it."""
    rec = store.catalog.file_record(str(f))
    if not rec or not new_ids:
        return
    for old in rec["doc_ids"]:
        doc = store.catalog.document(old)
        if old in new_ids or doc is None or doc["path"] != str(f):
            continue
        target = new_ids[0] if len(new_ids) == 1 else None
        if target:
            store.catalog.add_alias(old, target, f"{f.name} now yields {target}")
            summary.renamed.append({"from": old, "to": target})
        else:
            store.catalog.withdraw(old, f"{f.name} no longer yields it", sticky=False)
            summary.withdrawn.append(old)
        store.index.delete(store.catalog.rev_chunk_ids(doc["rev_id"]))
