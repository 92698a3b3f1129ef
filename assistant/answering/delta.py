"""Which documents a snapshot must add to its predecessor's passages, when the catalogue only gained some.

A new snapshot used to read every live row of the catalogue, so at 1.36 M passages a new document took ~18 s from its
commit to an answer (bench/RESULTS.md, issue 15). When the only change since the previous snapshot is documents
entering the live set (a new document, a new one approved), the new snapshot is the previous one's passages plus
theirs. Anything else (a document withdrawn, replaced by a new revision, re-dated or re-labelled, a label newly
superseded, another day) reads the catalogue whole, as before.

Changes are found by the documents' `updated_at`, which every write of a document sets; a margin covers writes
committed while the previous snapshot was read. Only for the embedded sqlite catalogue: with a shared PostgreSQL
catalogue, hosts' clocks differ and the catalogue is read whole.
"""
from __future__ import annotations

from datetime import date

import numpy as np

from assistant.answering.passages import live_on

MARGIN = 300.0  # seconds before the previous snapshot's reading whose changes are looked at again
MOST = 2_000  # more changed documents than this: read the catalogue whole


def seen_until(catalog) -> float:
    """The latest write to any document (read before a snapshot reads the passages)."""
    row = catalog.conn.execute("SELECT MAX(updated_at) FROM documents").fetchone()
    return float(row[0] or 0.0)


def added_documents(catalog, previous, statuses: tuple[str, ...], today: date, superseded: dict
                    ) -> tuple[list[str], list[str]] | None:
    """(added, changed): ids of the documents whose passages, added to `previous`'s, make the live set as the
    catalogue has it now, and of every document written since (live or not); None when anything else changed."""
    if catalog.target != catalog.path or previous.today != today or set(previous.superseded) != set(superseded):
        return None
    rows = catalog.conn.execute(
        "SELECT doc_id, rev_id, title, kind, product, audience, version, effective, expiry, status FROM documents "
        "WHERE updated_at > ? LIMIT ?", (previous.seen_until - MARGIN, MOST + 1)).fetchall()
    if len(rows) > MOST:
        return None
    known = previous.columns.doc
    added = []
    for r in rows:
        fields = tuple(r)
        code = known.code_of(fields[0])
        if code is None:  # no live passage before: live now?
            if fields[9] in statuses and live_on(fields[7], fields[8], today) and fields[0] not in superseded:
                added.append(fields[0])
            continue
        i = int(np.flatnonzero(known.codes == code)[0])
        if tuple(previous.passages.docs[int(previous.passages.doc_row[i])]) != fields:
            return None  # a live document changed
    return added, [r[0] for r in rows]
