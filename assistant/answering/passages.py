"""The live passages of a snapshot as columns, and a Passage object only for the passages a question reaches.

A store of a million passages held a million Passage objects in every worker: seconds to build at start and
after each catalogue change, and hundreds of megabytes (bench/RESULTS.md, issue 15). Here the per-passage fields
are numpy columns (page, span, section code, document row) and the chunk ids one list; a document's fields
(title, product, audience, dates...) are held once per document. `table[i]` makes passage i's object on first
use and keeps it, so the same object (its text read once, its sentence sections computed once) is met again.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np

# A document's fields, in this order, in PassageTable.docs.
DOC_FIELDS = ("doc_id", "rev_id", "title", "kind", "product", "audience", "version", "effective", "expiry", "status")


@dataclass(slots=True)
class Passage:
    chunk_id: str
    doc_id: str
    rev_id: str
    page: int
    start: int
    end: int
    section: str
    stored_text: str | None  # None until read (Snapshot.load_texts, or the loader at first use)
    title: str
    kind: str
    product: str | None
    audience: str
    version: str
    effective: str | None
    expiry: str | None
    status: str = "approved"

    _sections: list | None = field(default=None, repr=False, compare=False)
    loader: Callable[[str], str] | None = field(default=None, repr=False, compare=False)

    @property
    def text(self) -> str:
        if self.stored_text is None:
            self.stored_text = self.loader(self.chunk_id) if self.loader is not None else ""
        return self.stored_text

    def sentence_sections(self) -> list[tuple[int, int, str]]:
        """Sentence spans (offsets into self.text) with the label section in force at each."""
        if self._sections is None:
            from ingest.chunking import sentence_sections

            self._sections = sentence_sections(self.text, self.section)
        return self._sections


def live_on(effective: str | None, expiry: str | None, day: date) -> bool:
    if effective and date.fromisoformat(effective) > day:
        return False
    return not (expiry and date.fromisoformat(expiry) < day)


class ChunkIndex:
    """Chunk id -> position in a list of ids, by binary search over the ids sorted once (a dict of 1.36 M ids cost
    a snapshot ~1 s and ~100 MB). Ids of the usual form ("c_" + 20 hex digits, ingest.types.chunk_id) are sorted and
    searched by their first 16 digits as one integer (string comparisons took 2.3 s of a snapshot at 1.36 M); the
    bytes are then compared, so two ids sharing those digits are never taken for each other."""

    def __init__(self, chunk_ids: Sequence[str]):
        self.chunk_ids = chunk_ids
        ids = np.array(list(chunk_ids), dtype="S") if len(chunk_ids) else np.zeros(0, dtype="S1")
        self.keys = hex_keys(ids)
        self.order = np.argsort(ids if self.keys is None else self.keys, kind="stable")
        self.ranked = ids[self.order]
        self._ranked_keys = None if self.keys is None else self.keys[self.order]

    def extended(self, chunk_ids: Sequence[str]) -> ChunkIndex:
        """The index of chunk_ids: this index's ids followed by new ones (inserted into the sorted arrays)."""
        n0 = len(self.chunk_ids)
        new = np.array(list(chunk_ids[n0:]), dtype="S") if len(chunk_ids) > n0 else np.zeros(0, dtype="S22")
        keys = hex_keys(new) if len(new) else np.zeros(0, dtype=np.uint64)
        if self.keys is None or self._ranked_keys is None or keys is None or new.dtype.itemsize != 22:
            return ChunkIndex(chunk_ids)
        by_key = np.argsort(keys, kind="stable")
        at = np.searchsorted(self._ranked_keys, keys[by_key], side="right")
        out = ChunkIndex.__new__(ChunkIndex)
        out.chunk_ids = chunk_ids
        out.keys = np.concatenate([self.keys, keys])
        out._ranked_keys = np.insert(self._ranked_keys, at, keys[by_key])
        out.ranked = np.insert(self.ranked, at, new[by_key])
        out.order = np.insert(self.order, at, n0 + by_key)
        return out

    def without(self, keep: np.ndarray, chunk_ids: Sequence[str]) -> ChunkIndex:
        """The index of the rows keep (a bool per row) holds, in their order (chunk_ids: those rows' ids)."""
        pos = np.cumsum(keep) - 1
        kept = keep[self.order]
        out = ChunkIndex.__new__(ChunkIndex)
        out.chunk_ids = chunk_ids
        out.keys = None if self.keys is None else self.keys[keep]
        out._ranked_keys = None if self._ranked_keys is None else self._ranked_keys[kept]
        out.ranked = self.ranked[kept]
        out.order = pos[self.order[kept]]
        return out

    def find(self, ids: np.ndarray, keys: np.ndarray | None = None) -> np.ndarray:
        """For each id (a bytes array), its position in chunk_ids, or -1 (keys: hex_keys(ids), if known)."""
        ids = np.asarray(ids)
        n = len(self.ranked)
        if not n or not len(ids):
            return np.full(len(ids), -1, dtype=np.int64)
        if self._ranked_keys is None:  # ids of other forms: sorted and searched as bytes
            pos = np.minimum(np.searchsorted(self.ranked, ids), n - 1)
            return np.where(self.ranked[pos] == ids, self.order[pos], -1)
        rk = self._ranked_keys
        if keys is None:  # an id not of the usual form gets some key, and the bytes check turns it down
            keys = hex_keys(ids, strict=False)
            if keys is None:  # not bytes at all
                return np.full(len(ids), -1, dtype=np.int64)
        pos = np.minimum(np.searchsorted(rk, keys), n - 1)
        hit = self.ranked[pos] == ids
        for j in np.flatnonzero(~hit & (rk[pos] == keys)).tolist():  # ids sharing a key (rare): the next ones
            k = int(pos[j]) + 1
            while k < n and rk[k] == keys[j] and self.ranked[k] != ids[j]:
                k += 1
            if k < n and rk[k] == keys[j]:
                pos[j], hit[j] = k, True
        return np.where(hit, self.order[pos], -1)

    def get(self, chunk_id: str, default: int | None = None) -> int | None:
        i = int(self.find(np.array([chunk_id.encode()]))[0])
        return default if i < 0 else i

    def __getitem__(self, chunk_id: str) -> int:
        i = self.get(chunk_id)
        if i is None:
            raise KeyError(chunk_id)
        return i

    def __contains__(self, chunk_id: object) -> bool:
        return isinstance(chunk_id, str) and self.get(chunk_id) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self.chunk_ids)

    def __len__(self) -> int:
        return len(self.chunk_ids)


_HEX = np.full(256, 255, dtype=np.uint8)
_HEX[np.frombuffer(b"0123456789", np.uint8)] = np.arange(10)
_HEX[np.frombuffer(b"abcdef", np.uint8)] = np.arange(10, 16)


def hex_keys(ids: np.ndarray, strict: bool = True) -> np.ndarray | None:
    """The first 16 hex digits after "c_" of each id as an integer, if every id is "c_" + 20 hex digits (strict:
    else None; not strict: every id gets a key, meaningless for ids of another form)."""
    if ids.dtype.kind != "S" or not len(ids):
        return None if strict or ids.dtype.kind != "S" else np.zeros(0, dtype=np.uint64)
    if ids.dtype.itemsize != 22:
        if strict:
            return None
        ids = ids.astype("S22")
    b = np.ascontiguousarray(ids).view(np.uint8).reshape(len(ids), 22)
    digits = _HEX[b[:, 2:]]
    if strict and ((b[:, 0] != ord("c")).any() or (b[:, 1] != ord("_")).any() or (digits == 255).any()):
        return None
    digits = np.where(digits == 255, 0, digits)
    key = np.zeros(len(ids), dtype=np.uint64)
    for k in range(16):
        key = (key << np.uint64(4)) | digits[:, k].astype(np.uint64)
    return key


class PassageTable(Sequence):
    """Rows in catalogue order (document, page, start). Built with add(); frozen by done()."""

    def __init__(self, loader: Callable[[str], str] | None = None):
        self.loader = loader
        self.chunk_ids: list[str] = []
        self.docs: list[tuple] = []  # DOC_FIELDS per document row
        self.sections: list[str] = []
        self._section_code: dict[str, int] = {}
        self._cols: list[list[int]] = [[], [], [], [], []]  # doc row, page, start, end, section code
        self._made: dict[int, Passage] = {}

    def add_doc(self, fields: tuple) -> int:
        self.docs.append(fields)
        return len(self.docs) - 1

    def add(self, chunk_id: str, doc_row: int, page: int, start: int, end: int, section: str, text: str | None) -> None:
        code = self._section_code.get(section)
        if code is None:
            code = self._section_code[section] = len(self.sections)
            self.sections.append(section)
        self.chunk_ids.append(chunk_id)
        cols = self._cols
        cols[0].append(doc_row)
        cols[1].append(page)
        cols[2].append(start)
        cols[3].append(end)
        cols[4].append(code)
        if text is not None:
            i = len(self.chunk_ids) - 1
            self._made[i] = self._make(i, text)

    def extended(self, rows, loader: Callable[[str], str] | None = None) -> PassageTable:
        """A new table: this one's rows, then those of a cursor over Catalog.iter_current_chunks (documents that
        are live and not yet here). This table is left as it is (a snapshot in use keeps it)."""
        t = PassageTable(loader)
        t.chunk_ids, t.docs = list(self.chunk_ids), list(self.docs)
        t.sections, t._section_code = list(self.sections), dict(self._section_code)
        rev, doc_row = None, -1
        for r in rows:
            if r[2] != rev:
                rev = r[2]
                doc_row = t.add_doc((r[1], r[2], r[9], r[10], r[11], r[12], r[13], r[14], r[15], r[16]))
            t.add(r[0], doc_row, r[3], r[4], r[5], r[6], None)
        new = [np.array(c, dtype=np.int64) for c in t._cols]
        del t._cols
        t.doc_row, t.page, t.start, t.end, t.section = (
            np.concatenate([old, add]) for old, add in zip((self.doc_row, self.page, self.start, self.end,
                                                             self.section), new))
        return t

    def without(self, drop: np.ndarray) -> tuple[PassageTable, np.ndarray]:
        """A new table without the passages of the document rows drop (a bool per document row), and which of this
        table's rows it keeps (a bool per row). The order of the rest is kept, so a page's rows stay together."""
        keep = ~drop[self.doc_row]
        row_of = np.cumsum(~drop) - 1
        t = PassageTable(self.loader)
        t.chunk_ids = [c for c, k in zip(self.chunk_ids, keep.tolist()) if k]
        t.docs = [d for d, gone in zip(self.docs, drop.tolist()) if not gone]
        t.sections, t._section_code = self.sections, self._section_code
        del t._cols
        t.doc_row = row_of[self.doc_row[keep]]
        t.page, t.start, t.end, t.section = (c[keep] for c in (self.page, self.start, self.end, self.section))
        return t, keep

    def done(self) -> PassageTable:
        self.doc_row, self.page, self.start, self.end, self.section = (np.array(c, dtype=np.int64)
                                                                       for c in self._cols)
        del self._cols
        return self

    # --- columns ---------------------------------------------------------------------------------------
    def doc_column(self, name: str) -> list:
        """A document field for every passage (each document's value computed once)."""
        k = DOC_FIELDS.index(name)
        per_doc = [d[k] for d in self.docs]
        return [per_doc[r] for r in self.doc_row.tolist()]

    def page_rows(self, i: int) -> range:
        """The rows of passage i's page (rows of a page are contiguous: catalogue order)."""
        d, pg = self.doc_row[i], self.page[i]
        lo = i
        while lo > 0 and self.doc_row[lo - 1] == d and self.page[lo - 1] == pg:
            lo -= 1
        hi = i + 1
        while hi < len(self.chunk_ids) and self.doc_row[hi] == d and self.page[hi] == pg:
            hi += 1
        return range(lo, hi)

    # --- the Sequence of Passage objects ------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.chunk_ids)

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        p = self._made.get(i)
        if p is None:
            if i < 0:
                return self[len(self) + i]
            p = self._made[i] = self._make(i, None)
        return p

    def __iter__(self) -> Iterator[Passage]:
        for i in range(len(self.chunk_ids)):
            yield self[i]

    def made(self) -> int:
        """How many Passage objects exist (for tests and benches)."""
        return len(self._made)

    def _make(self, i: int, text: str | None) -> Passage:
        d = self.docs[int(self._value(0, i))]
        return Passage(self.chunk_ids[i], d[0], d[1], int(self._value(1, i)), int(self._value(2, i)),
                       int(self._value(3, i)), self.sections[int(self._value(4, i))], text, d[2], d[3], d[4], d[5],
                       d[6], d[7], d[8], d[9], loader=self.loader)

    def _value(self, col: int, i: int) -> int:
        if hasattr(self, "_cols"):  # still being built
            return self._cols[col][i]
        return (self.doc_row, self.page, self.start, self.end, self.section)[col][i]
