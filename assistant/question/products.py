"""Recognising drug names in a question, for product awareness and honest refusal.

Names come from a bundled list of common drugs (assistant/question/data/drug_names.txt), the one-word
ingredients and brand names of the FDA/NLM lexicon (ingest/data/drug_names.tsv) and suffixes that mark drug classes
(-pril, -sartan, -statin, -xaban, -mab...). A question about a drug the store holds no content for is refused rather
than answered from another product's label.
"""
from __future__ import annotations

import re
from functools import lru_cache

from assistant.question.terms import stem_tokens
from assistant.question.wordlists import english_counts, lines, words
from ingest.identity import brand_names, ingredients

SUFFIXES = tuple(sorted(words("drug_suffixes.txt")))
NOT_DRUGS = words("not_drugs.txt")


# Lexicon ingredients and brands shorter than this are left out: short names are often words too ("urea", "iron").
MIN_INGREDIENT = 5
# A lexicon brand name that is also a word of general English is a drug name only when English uses it this rarely
# (pyspellchecker's counts: "zoloft", "cipro", "benadryl" 50, "valium" 697, "react" 14,165, "today" 294,418).
MAX_BRAND_COUNT = 100


@lru_cache(maxsize=1)
def lexicon() -> frozenset[str]:
    """The bundled list of common drugs, and every one-word ingredient and brand name of the FDA/NLM lexicon but the
    substances of the body, diet and chemistry (data/substances.txt) and brand names common in English."""
    names = {w.lower() for w in lines("drug_names.txt")}
    skip = words("substances.txt") | NOT_DRUGS
    names.update(n for n in ingredients() if " " not in n and len(n) >= MIN_INGREDIENT and n not in skip)
    common = english_counts()
    names.update(b for b in brand_names() if len(b) >= MIN_INGREDIENT and b not in skip
                 and common.get(b, 0) <= MAX_BRAND_COUNT)
    return frozenset(names)


@lru_cache(maxsize=1)
def _by_shape() -> tuple[frozenset[str], tuple[str, ...]]:
    """The lexicon's names of letters and digits only (found by a word lookup), and the rest (by a search)."""
    simple = frozenset(n for n in lexicon() if re.fullmatch(r"[a-z0-9]+", n))
    return simple, tuple(sorted(lexicon() - simple))


def drugs_in(text: str) -> list[str]:
    """Drug names mentioned in text (lower case, in order of appearance)."""
    low = text.lower()
    simple, other = _by_shape()
    found: list[tuple[int, str]] = [(m.start(), m.group(0)) for m in re.finditer(r"[a-z0-9]+", low)
                                    if m.group(0) in simple]
    for name in other:
        m = re.search(rf"(?<![a-z0-9]){re.escape(name)}(?![a-z0-9])", low)
        if m:
            found.append((m.start(), name))
    for m in re.finditer(r"[a-z]{5,}", low):
        word = m.group(0)
        if word not in NOT_DRUGS and word.endswith(SUFFIXES) and not any(word == n for _, n in found):
            found.append((m.start(), word))
    return list(dict.fromkeys(n for _, n in sorted(found)))


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


# What a label says its product is: "Lisinopril tablets are an angiotensin converting enzyme (ACE) inhibitor
# indicated for ...", "Warfarin sodium is a vitamin K antagonist indicated ...", a Drug Facts line "Ibuprofen 200 mg
# (NSAID)*". Other labels name their interactions by class ("coadministration of NSAIDs ... with ACE inhibitors").
CLASS_IS = re.compile(r"\b(?:is|are) an? (?P<cls>[^.;:•\n]{3,80}?)\s+indicated\b", re.I)
CLASS_ABBR = re.compile(r"\b\d+(?:\.\d+)?\s*(?:mg|mcg|g)\s*\(\s*(?P<cls>[A-Z]{2,8}s?)\s*\)")


def drug_class(texts: list[str]) -> str:
    """The class a product's own label gives it (the first statement found in texts, in label order), or ""."""
    for text in texts:
        m = CLASS_IS.search(text) or CLASS_ABBR.search(text)
        if m and len(m.group("cls").split()) <= 8:
            return " ".join(m.group("cls").split())
    return ""
