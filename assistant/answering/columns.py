"""The live passages' metadata as integer-coded columns, so a filter mask is a few numpy comparisons instead of a
Python test per passage (at 1.36 M passages the per-passage loop took seconds per new filter; bench/RESULTS.md,
issue 15). Built once per snapshot, at its first uncached mask; the masks equal snapshot._allowed's decisions."""
from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np


class Codes:
    """One column: each passage's value as an index into `values`."""

    def __init__(self, column: Sequence[Any]):
        index: dict[Any, int] = {}
        self.codes = np.fromiter((index.setdefault(v, len(index)) for v in column), dtype=np.int32,
                                 count=len(column))
        self.values = list(index)
        self._index = index

    @classmethod
    def per_document(cls, doc_values: Sequence[Any], doc_row: np.ndarray) -> Codes:
        """A column whose value is its document's: coded once per document, then spread over the passages."""
        col = cls(doc_values)
        col.codes = col.codes[doc_row] if len(doc_values) else np.zeros(len(doc_row), dtype=np.int32)
        return col

    def code_of(self, value: Any) -> int | None:
        return self._index.get(value)

    def equals(self, value: Any) -> np.ndarray:
        code = self._index.get(value)
        return self.codes == code if code is not None else np.zeros(len(self.codes), dtype=bool)

    def among(self, values: Any) -> np.ndarray:
        codes = [self._index[v] for v in values if v in self._index]
        return np.isin(self.codes, codes) if codes else np.zeros(len(self.codes), dtype=bool)

    def by_value(self, test) -> np.ndarray:
        """test(value) for each passage, computed once per distinct value."""
        return np.fromiter((test(v) for v in self.values), dtype=bool, count=len(self.values))[self.codes]


class Columns:
    def __init__(self, passages: Sequence, patient_section: re.Pattern):
        self.product = Codes([p.product for p in passages])
        self.audience = Codes([p.audience for p in passages])
        self.kind = Codes([p.kind for p in passages])
        self.doc = Codes([p.doc_id for p in passages])
        self.section = Codes([p.section for p in passages])
        self.title = Codes([p.title for p in passages])
        self._patient_section = patient_section
        self.n = len(passages)

    @classmethod
    def of_table(cls, table, patient_section: re.Pattern) -> Columns:
        """From a PassageTable's columns (assistant/answering/passages.py) without making its Passage objects."""
        self = cls.__new__(cls)
        docs, rows = table.docs, table.doc_row
        self.product = Codes.per_document([d[4] for d in docs], rows)
        self.audience = Codes.per_document([d[5] for d in docs], rows)
        self.kind = Codes.per_document([d[3] for d in docs], rows)
        self.doc = Codes.per_document([d[0] for d in docs], rows)
        self.section = Codes.per_document(table.sections, table.section)
        self.title = Codes.per_document([d[2] for d in docs], rows)
        self._patient_section = patient_section
        self.n = len(table)
        return self

    def allowed(self, f) -> np.ndarray:
        """What snapshot._allowed decides for every passage, for Filters f."""
        m = np.ones(self.n, dtype=bool)
        if f.product:
            m &= self.product.equals(f.product)
        if f.audience:
            m &= self.audience.among((f.audience, "any"))
        if f.source_type:
            m &= self.kind.equals(f.source_type)
        approved = self.kind.equals("approved")
        if f.products:
            m &= ~approved | self.product.among(f.products)
        if f.unlabelled:
            m &= ~approved | self.product.among((None, ""))
        if f.hide_internal:
            m &= ~self.audience.equals("internal")
        if f.patient:
            patient = self.audience.among(("patient", "consumer")) | \
                self.section.by_value(lambda s: bool(self._patient_section.search(s or "")))
            m &= approved & patient
        if f.exclude_docs:
            m &= ~self.doc.among(f.exclude_docs)
        return m

    def sections_match(self, test) -> np.ndarray:
        """test(section) as floats for every passage, computed once per distinct section and title. A passage of
        content that is not literature and has no section (a consumer-health page) is headed by its document's
        title: "Lung cancer - small cell (Prevention)" is a prevention section, as evidence._titled reads it. An
        article's title names what it studies, not a section of it ("… for the treatment of …" is not a Treatment
        section): the abstracts whose titles match would crowd out the best-worded ones."""
        by_section = self.section.by_value(lambda s: bool(s) and bool(test(s)))
        untitled = self.section.by_value(lambda s: not s) & ~self.kind.equals("literature")
        return (by_section | (untitled & self.title.by_value(lambda t: bool(t) and bool(test(t))))).astype(np.float32)
