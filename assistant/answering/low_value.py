"""Tables of contents and carton text: searchable, but rarely the answer. Decided per page when a question first
reaches it (reading every passage at start took 5.6 s of 14 at 145k passages; bench/RESULTS.md, issue 15)."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

from assistant.answering.passages import PassageTable
from ingest.text import toc_like

_LOW_VALUE_RE = re.compile(r"PRINCIPAL DISPLAY PANEL|PACKAGE LABEL|FULL PRESCRIBING INFORMATION: CONTENTS|"
                           r"Dispense with\s+Medication Guide|\bNDC\s*\d{4,5}-\d", re.I)


class LowValue:
    """low_value[i]: is passage i carton or table-of-contents text? Such text runs from its marker to the end of
    its page; what precedes the marker on that page (Highlights) is not demoted."""

    def __init__(self, table: PassageTable, load_texts: Callable[[Iterable[int]], None]):
        self.table, self.load_texts = table, load_texts
        self._low_from: dict[tuple[str, int], int] = {}

    def __getitem__(self, i: int) -> bool:
        p = self.table[i]
        key = (p.rev_id, p.page)
        start = self._low_from.get(key)
        if start is None:
            page = self.table.page_rows(i)
            self.load_texts(page)
            marked = [self.table[j].start for j in page if marker(self.table[j].text)]
            start = self._low_from[key] = min(marked, default=1 << 60)
        return p.start >= start

    def __len__(self) -> int:
        return len(self.table)


@lru_cache(maxsize=65536)
def marker(text: str) -> bool:
    """Does the passage open carton or contents text?"""
    return bool(_LOW_VALUE_RE.search(text) or toc_like(text))
