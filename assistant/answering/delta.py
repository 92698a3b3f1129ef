"""A new snapshot's passages from an earlier table and the documents that changed since, instead of every live row.

A new snapshot used to read every live row of the catalogue: at 1.36 M passages a new document took ~18 s from its
commit to an answer, and a worker's first start after any catalogue change ~17 s (bench/RESULTS.md, issue 15). Here
the earlier table (the previous snapshot's, or the one an earlier process saved, table_cache.py) loses the passages
of the documents that left the live set or changed, and gains those of the documents that entered it or changed.

Changed documents are found by their `updated_at`, which every write of a document sets from the clock of the machine
that holds the catalogue (a shared PostgreSQL server's, not the writing host's: ingest/catalog.py `clock`); a margin
covers writes committed while the earlier table was read. A new day can move documents across their effective or
expiry dates, and a new label can supersede an older one: those documents are looked at too. More than MOST
documents to look at, or a day earlier than the table's: the catalogue is read whole.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from assistant.answering.passages import ChunkIndex, PassageTable, live_on
from ingest.catalog import clock

MARGIN = 300.0  # seconds before the earlier table's reading whose changes are looked at again
MOST = 2_000  # more documents to look at than this: read the catalogue whole
FIELDS = "doc_id, rev_id, title, kind, product, audience, version, effective, expiry, status"  # as PassageTable.docs


@dataclass
class Base:
    """The table a new snapshot starts from, and the catalogue state it was read at."""
    passages: PassageTable
    today: date
    superseded: set[str]
    seen_until: float
    index: ChunkIndex | None = None  # the table's chunk-id index, when one is at hand


@dataclass
class Grown:
    passages: PassageTable
    index: ChunkIndex
    kept_docs: np.ndarray | None  # for each document row of the base table, whether it is still here (None: all)
    added: list[str]  # documents whose passages were read
    changed: list[str]  # every document looked at (live or not)


def seen_until(catalog) -> float:
    """The latest write to any document (read before a snapshot reads the passages), and never later than the
    catalogue's clock now: rows stamped by a writing host's clock ahead of the server's (before writes took the
    server's clock) cannot hide later writes."""
    row = catalog.conn.execute("SELECT MAX(updated_at) FROM documents").fetchone()
    return min(float(row[0] or 0.0), clock(catalog.conn))


def changes(catalog, base: Base, statuses: tuple[str, ...], today: date, superseded: dict
            ) -> tuple[list[str], list[str], list[str]] | None:
    """(added, removed, changed): the documents whose passages are read into the new table, those whose passages
    leave the base table, and every document looked at; None when the catalogue must be read whole."""
    if today < base.today:
        return None
    conn = catalog.conn
    rows = {r[0]: (tuple(r[:10]), float(r[10])) for r in conn.execute(
        f"SELECT {FIELDS}, updated_at FROM documents WHERE updated_at > ? LIMIT ?",
        (base.seen_until - MARGIN, MOST + 1))}
    others = set(superseded).symmetric_difference(base.superseded)
    if today != base.today:  # documents whose dates put them in or out of force since the base's day
        others.update(r[0] for r in conn.execute(
            "SELECT doc_id, effective, expiry FROM documents WHERE effective IS NOT NULL OR expiry IS NOT NULL")
            if live_on(r[1], r[2], base.today) != live_on(r[1], r[2], today))
    others.difference_update(rows)
    if len(rows) + len(others) > MOST:
        return None
    ordered = sorted(others)
    for k in range(0, len(ordered), 500):
        part = ordered[k:k + 500]
        rows.update((r[0], (tuple(r[:10]), 0.0)) for r in conn.execute(
            f"SELECT {FIELDS}, updated_at FROM documents WHERE doc_id IN ({','.join('?' * len(part))})", part))
    wanted = set(rows)
    before = {d[0]: d for d in base.passages.docs if d[0] in wanted}
    added, removed = [], []
    for doc_id, (fields, updated) in rows.items():
        live = fields[9] in statuses and live_on(fields[7], fields[8], today) and doc_id not in superseded
        old = before.get(doc_id)
        if old is not None and live and tuple(old) == fields and updated <= base.seen_until:
            continue  # seen by the base already (a write inside the margin)
        if old is not None:
            removed.append(doc_id)
        if live:
            added.append(doc_id)
    return added, removed, list(rows)


def grow(catalog, base: Base, statuses: tuple[str, ...], today: date, superseded: dict, loader) -> Grown | None:
    """The live passages now, from the base table and the changed documents; None when read whole instead."""
    found = changes(catalog, base, statuses, today, superseded)
    if found is None:
        return None
    added, removed, changed = found
    table, index, kept_docs = base.passages, base.index, None
    if removed:
        gone = set(removed)
        drop = np.fromiter((d[0] in gone for d in table.docs), dtype=bool, count=len(table.docs))
        kept_docs = ~drop
        table, kept_rows = table.without(drop)
        index = index.without(kept_rows, table.chunk_ids) if index is not None else None
    rows = catalog.iter_current_chunks(statuses, text=False, terms=False, doc_ids=added) if added else []
    table = table.extended(rows, loader)
    index = index.extended(table.chunk_ids) if index is not None else ChunkIndex(table.chunk_ids)
    return Grown(table, index, kept_docs, added, changed)
