"""The live passages' table of a snapshot read at a worker's start, saved for the next process that starts, so that a
worker's start does not read every catalogue row again: at 1.36 M passages that read took ~10 s of a ~16 s start
(bench/RESULTS.md, issue 15). At the same catalogue state (generation, corpus version, statuses, day) the table is
taken as it is; at a later one, it is brought up to date from the documents changed since (delta.py).

One file, `<data-dir>/segments/table.pickle`, replaced whole (written beside, then renamed); a file for other statuses
or a later generation is ignored. The data directory is the store's own (as trusted as its sqlite files). With a
shared PostgreSQL catalogue each host's data directory keeps the table its own processes read.
"""
from __future__ import annotations

import os
import pickle
import threading
from datetime import date
from pathlib import Path

from assistant.answering.passages import PassageTable

NAME = "table.pickle"


def key(catalog, statuses: tuple[str, ...], today: date) -> dict:
    return {"generation": catalog.generation(), "corpus_version": catalog.corpus_version(),
            "statuses": ",".join(statuses), "day": today.isoformat()}


def load(data_dir: Path, state: dict) -> tuple[dict, dict] | None:
    """(the state it was saved at, the saved table and what came with it), if saved for the same statuses at
    this generation or an earlier one (delta.py brings an earlier one up to date)."""
    try:
        with open(Path(data_dir) / "segments" / NAME, "rb") as f:
            saved = pickle.load(f)
            if not isinstance(saved, dict) or saved.get("statuses") != state["statuses"] or \
                    not isinstance(saved.get("generation"), int) or saved["generation"] > state["generation"]:
                return None
            return saved, pickle.load(f)
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, AttributeError, ImportError):
        return None


def save(data_dir: Path, state: dict, table: PassageTable, superseded: dict, attributes: dict, seen_until: float
         ) -> threading.Thread:
    """Write in a second thread (returned; not a daemon, so a process that exits first still finishes the file).
    seen_until: the latest document write before the table was read (delta.seen_until)."""
    value = {"chunk_ids": table.chunk_ids, "docs": table.docs, "sections": table.sections,
             "columns": (table.doc_row, table.page, table.start, table.end, table.section),
             "superseded": superseded, "attributes": attributes, "seen_until": seen_until}

    def write() -> None:
        root = Path(data_dir) / "segments"
        tmp = root / f".{NAME}.{os.getpid()}.{threading.get_ident()}"
        try:
            root.mkdir(parents=True, exist_ok=True)
            with open(tmp, "wb") as f:
                pickle.dump(state, f, protocol=5)
                pickle.dump(value, f, protocol=5)
            os.replace(tmp, root / NAME)
        except OSError:
            tmp.unlink(missing_ok=True)

    t = threading.Thread(target=write, name="medinfo-table-cache")
    t.start()
    return t


def table_of(saved: dict, loader) -> PassageTable:
    t = PassageTable(loader)
    t.chunk_ids, t.docs, t.sections = saved["chunk_ids"], saved["docs"], saved["sections"]
    t._section_code = {s: i for i, s in enumerate(t.sections)}
    del t._cols
    t.doc_row, t.page, t.start, t.end, t.section = saved["columns"]
    return t
