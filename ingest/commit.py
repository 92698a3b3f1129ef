"""Writing parsed documents into the store, many at a time.

A literature file holds thousands of small records; written one by one, each paid for its own embedding
call (one text, one core), its own vector upsert and its own catalogue transaction, and ingest ran at a
fifth of the embedder's speed. The writer collects new revisions until `batch_chunks` passages wait, then:
  1. embeds and upserts all their vectors at once (invisible: readers trust only catalogue-live chunks);
  2. makes them all current in one sqlite transaction;
  3. deletes the vectors of the revisions they replaced;
  4. runs what was waiting for them (a file's record is written only once all its documents are committed).
A kill at any point leaves the same state as before batching: a file without its record is read again on
the next run, and the documents it had already committed are found unchanged.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from ingest.types import INDEXED, Chunk, Document

if TYPE_CHECKING:
    from ingest.store import Store

BATCH_CHUNKS = 512  # passages per batch: bench/RESULTS.md (issue 15) measures the effect


class Writer:
    def __init__(self, store: Store, summary: Any, batch_chunks: int = BATCH_CHUNKS):
        self.store = store
        self.summary = summary  # ingest.pipeline.Summary: what the run reports
        self.batch_chunks = max(1, batch_chunks)
        self.pending: list[tuple[Document, list[Chunk], str, bool]] = []  # doc, chunks, meta fp, had a revision
        self.waiting: list[Callable[[], None]] = []
        self.n_chunks = 0
        self.segments_complete = True  # every passage this run made searchable went into a segment as it committed

    def add(self, doc: Document, chunks: list[Chunk]) -> None:
        """Store `doc`: a metadata change at once; a new revision with the next batch."""
        store, summary, cat = self.store, self.summary, self.store.catalog
        meta = doc.meta
        held = cat.withdrawal(meta.id)
        if held and meta.status != "withdrawn":  # withdrawn by id: stays so until reinstated
            summary.notes.append(f"{meta.id} stays withdrawn ({held['reason']}); `medinfo withdraw {meta.id} "
                                 "--reinstate` brings it back")
            meta.status = "withdrawn"
        fp = meta.fingerprint()
        current = cat.document(meta.id)
        searchable = meta.status in INDEXED
        if current and current["rev_id"] == doc.rev_id:
            if cat.conn.execute("SELECT meta_fp FROM documents WHERE doc_id=?", (meta.id,)).fetchone()[0] == fp:
                summary.unchanged += 1
                return
            cat.update_metadata(meta.id, meta, fp)
            self.segments_complete = False  # (a new product changes the terms its passages are indexed under)
            summary.metadata_updated.append(meta.id)
            if not searchable:
                store.index.delete(cat.rev_chunk_ids(doc.rev_id))
                if current["status"] in INDEXED and meta.status == "withdrawn":
                    summary.withdrawn.append(meta.id)
            else:
                rows = [r for r in cat.current_chunks(INDEXED) if r["rev_id"] == doc.rev_id]
                summary.embedded += store.add_vectors(rows)
            return
        was_indexed = bool(current and current["status"] in INDEXED)
        self.pending.append((doc, chunks, fp, current is not None))
        if was_indexed and meta.status == "withdrawn":
            summary.withdrawn.append(meta.id)
        self.n_chunks += len(chunks)
        if self.n_chunks >= self.batch_chunks:
            self.flush()

    def then(self, action: Callable[[], None]) -> None:
        """Run `action` once every document added so far is committed."""
        if self.pending:
            self.waiting.append(action)
        else:
            action()

    def flush(self) -> None:
        pending, waiting = self.pending, self.waiting
        self.pending, self.waiting, self.n_chunks = [], [], 0
        if pending:
            store, summary = self.store, self.summary
            rows = [_row(c, doc.meta) for doc, chunks, _, _ in pending if doc.meta.status in INDEXED
                    for c in chunks]
            if rows:
                summary.embedded += store.add_vectors(rows)
            old_revs = store.catalog.commit_revisions([(doc, chunks, fp) for doc, chunks, fp, _ in pending])
            stale = [cid for rev in old_revs if rev for cid in store.catalog.rev_chunk_ids(rev)]
            if stale:
                store.index.delete(stale)
            self.segments_complete &= _index_terms(store, pending)
            for doc, chunks, _, had in pending:
                summary.pages += len(doc.pages)
                summary.chunks_added += len(chunks)
                (summary.updated if had else summary.added).append(doc.meta.id)
        for action in waiting:
            action()


def _index_terms(store: Store, pending: list) -> bool:
    """The committed searchable passages' terms and vectors as one segment (ingest/segments.py). A kill before
    this line loses nothing: the end of the next ingest writes a segment for every passage no segment holds."""
    from ingest.segments import append
    from ingest.store import row_search_text
    from ingest.terms import tokenize

    batch = [(doc, c) for doc, chunks, _, _ in pending if doc.meta.status in INDEXED for c in chunks]
    if not batch:
        return True
    if any(c.terms is None for _, c in batch):
        return False  # terms not computed here: left to the end of the ingest
    product_terms = {n: tokenize([n])[0] for n in {doc.meta.product for doc, _ in batch if doc.meta.product}}
    texts = [row_search_text(_row(c, doc.meta)) for doc, c in batch]
    found = store.cache.get_many(texts)
    cache = store.cache
    vectors = np.stack([found[cache.key(t)] for t in texts]) if all(cache.key(t) in found for t in texts) else None
    append(store.data_dir, [c.id for _, c in batch], [doc.meta.product for doc, _ in batch],
           [(product_terms[doc.meta.product] if doc.meta.product else []) + c.terms.split() for doc, c in batch],
           vectors, store.embedder.name, (c.text for _, c in batch))
    return True


def _row(c: Chunk, meta) -> dict:
    return {"chunk_id": c.id, "doc_id": c.doc_id, "rev_id": c.rev_id, "page_no": c.page, "start": c.start,
            "end": c.end, "text": c.text, "section": c.section, "product": meta.product, "kind": meta.kind,
            "audience": meta.audience}
