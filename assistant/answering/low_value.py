"""Tables of contents and carton text: searchable, but rarely the answer. Decided per page when a question first
reaches it (reading every passage at start took 5.6 s of 14 at 145k passages; bench/RESULTS.md, issue 15)."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

from assistant.answering.passages import PassageTable
from assistant.question.intents import INTENTS
from ingest.text import toc_like

_LOW_VALUE_RE = re.compile(r"PRINCIPAL DISPLAY PANEL|PACKAGE LABEL|FULL PRESCRIBING INFORMATION: CONTENTS|"
                           r"Dispense with\s+Medication Guide|\bNDC\s*\d{4,5}-\d", re.I)
# How to store the product, in "16 HOW SUPPLIED/STORAGE AND HANDLING" after its package list (whose NDC numbers
# mark the rest of the page as carton text): labelling, not carton text. The storage question's own intent says both.
STORAGE = next(i for i in INTENTS if i.name == "storage")
# A package's line: "NDC 0093-1234-01 Bottles of 100", "Bottles of 30 NDC 12345-025-30" (not a tablet's
# description that runs on into its NDC numbers); damped as evidence (answering/evidence.py)
PACKAGE_LINE = re.compile(r"^\W*(?:NDC\s*\d|(?:bottles?|cartons?|box(?:es)?|packs?|packages?|blisters?|cases?)\b"
                          r"[^.]{0,40}\bNDC\s*\d)", re.I)


END = 1 << 60
FPI_START = re.compile(r"^\s*FULL PRESCRIBING INFORMATION\s*$", re.M)  # not "...: CONTENTS"
WORD = re.compile(r"[^\W\d_]{2}")  # two letters of any script


class LowValue:
    """low_value[i]: is passage i carton or table-of-contents text? Such text runs from its marker to the end of
    its page or to where the full prescribing information begins on it; what precedes the marker on that page
    (Highlights) is not demoted. A passage without a word (the
    bullets "• • •" a PDF's list markers left alone under "1 INDICATIONS AND USAGE") is low value too."""

    def __init__(self, table: PassageTable, load_texts: Callable[[Iterable[int]], None]):
        self.table, self.load_texts = table, load_texts
        self._low_from: dict[tuple[str, int], tuple[int, int]] = {}

    def __getitem__(self, i: int) -> bool:
        p = self.table[i]
        key = (p.rev_id, p.page)
        span = self._low_from.get(key)
        if span is None:
            page = self.table.page_rows(i)
            self.load_texts(page)
            rows = [self.table[j] for j in page]
            start = min((q.start for q in rows if marker(q.text)), default=END)
            # the contents end where the full prescribing information begins on the same page
            resumed = min((q.start for q in rows if q.start >= start and FPI_START.search(q.text)), default=END)
            span = self._low_from[key] = (start, resumed)
        if span[0] <= p.start < span[1]:
            return not (STORAGE.section.search(p.section or "") and STORAGE.question.search(p.text or ""))
        return not WORD.search(p.text or "")

    def __len__(self) -> int:
        return len(self.table)


@lru_cache(maxsize=65536)
def marker(text: str) -> bool:
    """Does the passage open carton or contents text?"""
    return bool(_LOW_VALUE_RE.search(text) or toc_like(text))
