"""Recognising drug names in a question, for product awareness and honest refusal.

Names come from a bundled list of common drugs (assistant/data/drug_names.txt) and from suffixes
that mark drug classes (-pril, -sartan, -statin, -xaban, -mab...). A question about a drug the store
holds no content for is refused rather than answered from another product's label.
"""
from __future__ import annotations

import re
from functools import lru_cache

from assistant.question.terms import stem_tokens
from assistant.question.wordlists import DATA, words

SUFFIXES = tuple(sorted(words("drug_suffixes.txt")))
NOT_DRUGS = words("not_drugs.txt")


@lru_cache(maxsize=1)
def lexicon() -> frozenset[str]:
    path = DATA / "drug_names.txt"
    names = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip().lower()
        if line and not line.startswith("#"):
            names.append(line)
    return frozenset(names)


def drugs_in(text: str) -> list[str]:
    """Drug names mentioned in text (lower case, in order of appearance)."""
    low = text.lower()
    found: list[tuple[int, str]] = []
    for name in lexicon():
        m = re.search(rf"(?<![a-z0-9]){re.escape(name)}(?![a-z0-9])", low)
        if m:
            found.append((m.start(), name))
    for m in re.finditer(r"[a-z]{5,}", low):
        word = m.group(0)
        if word not in NOT_DRUGS and word.endswith(SUFFIXES) and not any(word == n for _, n in found):
            found.append((m.start(), word))
    return [n for _, n in sorted(found)]


def stems(name: str) -> list[str]:
    return stem_tokens(name)


# A word this close to a product name (rapidfuzz ratio, 0-100) is taken for it. Set by hand, not fitted: one
# letter wrong in a 7-letter name scores 85.7, in a 5-6 letter name 80-83 (too close to other words), so
# shorter names need a transposition-close match. Checked on the consumer questions of the dev split only.
MISSPELLING_MIN = {5: 91, 7: 85}


def misspelt(text: str, names: dict[str, str], known_words: frozenset[str] = frozenset()) -> list[tuple[int, str]]:
    """(position, name) for the words of text that misspell one of names ("tylenal", "amoxicilin")."""
    from rapidfuzz import fuzz, process

    single = [n for n in names if " " not in n and len(n) >= 5]
    out = []
    for m in re.finditer(r"[a-z][a-z-]{4,}", text):
        word = m.group(0)
        if word in names or word in known_words:
            continue
        cutoff = MISSPELLING_MIN[7] if len(word) >= 7 else MISSPELLING_MIN[5]
        hit = process.extractOne(word, single, scorer=fuzz.ratio, score_cutoff=cutoff)
        if hit:
            out.append((m.start(), hit[0]))
    return out
