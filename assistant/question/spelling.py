"""Misspelt words of a question, corrected against the words of the store: "williams sydrome conditon", "is optic
atrophy ginetic". A word the store never holds weighs most among the key terms (it is the rarest), so one typo made
the evidence look as if it missed what was asked, and the answer was refused.

Only a word of at least MIN_LENGTH letters that no stored passage holds is corrected, to the stored word at one edit
(two from LONG letters; two letters swapped are one edit: "pateint") whose stem the most passages hold; a word with
no such neighbour (a drug or a gene the store does not know) stays as it is, so a question about something absent
still reads as absent. A word of general English is never corrected, though the store lacks it: "wondering" is not
"wandering", "decrements" not "increments", "coexisting" not "consisting" (the word list of pyspellchecker, built
from OpenSubtitles with its misspellings removed; without the package only the store decides), except in its British
spelling when the store holds the American one ("licenced", "oesophageal", "tumour": see AMERICAN). Nor is a drug
name the store lacks ("keflex" is not "reflex"). A stored word that is the asked word without its first letters is a
prefix dropped, not a typo ("deprescribing" is not "prescribing", "nonadherence" not "adherence"): never a
correction. A compound written in two words is joined (see _joined).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from assistant.question.products import lexicon
from assistant.question.wordlists import english_counts

MIN_LENGTH = 6
LONG = 9
MIN_JOINED = 3  # passages that must hold a compound for two words to be read as it (not a PDF's run-together words)
WORD = re.compile(r"[A-Za-z]+")
# British spellings and the American ones the labels and most abstracts use, tried on a word the store lacks
AMERICAN = ((r"ae", "e"), (r"oe", "e"), (r"our", "or"), (r"tre(s?)$", r"ter\1"), (r"cenc", "cens"),
            (r"isation", "ization"), (r"is(e|ed|es|ing)$", r"iz\1"), (r"ogue$", "og"), (r"ll(ed|ing)$", r"l\1"))


def american(word: str, vocab: frozenset[str]) -> str | None:
    """The stored American spelling of a British word ("anaemia" -> "anemia"), or None."""
    variants = {word}
    for pattern, repl in AMERICAN:
        variants |= {re.sub(pattern, repl, v) for v in variants}
    return min((v for v in variants - {word} if v in vocab), default=None)


@lru_cache(maxsize=2)
def _by_length(vocab: frozenset[str]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for w in vocab:
        if w.isalpha() and len(w) >= MIN_LENGTH - 1:
            out.setdefault(len(w), []).append(w)
    return out


def corrections(text: str, vocab: frozenset[str], frequency: Callable[[str], int]) -> list[tuple[int, int, str]]:
    """(start, end, stored word) for each misspelt word of text. vocab: the stored words (lower case); frequency:
    how many passages hold a word's stem."""
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    if not vocab:
        return []
    by_length = _by_length(vocab)
    out = _joined(text, vocab, frequency)
    for m in WORD.finditer(text):
        word = m.group(0).lower()
        if len(word) < MIN_LENGTH or word in vocab or any(s <= m.start() < e for s, e, _ in out):
            continue
        us = american(word, vocab)
        if us:
            out.append((m.start(), m.end(), us))
            continue
        if word in english() or word in lexicon():  # a word of English, a drug name ("keflex" is not "reflex")
            continue
        edits = 2 if len(word) >= LONG else 1
        pool = [w for n in range(len(word) - edits, len(word) + edits + 1) for w in by_length.get(n, [])]
        near = [c for c in process.extract(word, pool, scorer=OSA.distance, score_cutoff=edits, limit=20)
                if not word.endswith(c[0])]  # a prefix dropped changes the meaning
        if not near:
            continue
        best = min(near, key=lambda c: (c[1], -frequency(c[0]), c[0]))
        if frequency(best[0]) > 0:
            out.append((m.start(), m.end(), best[0]))
    return sorted(out)


@lru_cache(maxsize=1)
def english() -> frozenset[str]:
    """The words of general English (wordlists.english_counts)."""
    return frozenset(english_counts())


def _joined(text: str, vocab: frozenset[str], frequency: Callable[[str], int]) -> list[tuple[int, int, str]]:
    """A compound written in two words ("head ache", "tooth ache", "heart burn"): joined when the store holds the
    compound in more passages than the rarer of its two words, and in at least MIN_JOINED ("every day" stays:
    "everyday" is rarer than both; a word the index does not count, "is", "to", is never joined)."""
    out: list[tuple[int, int, str]] = []
    words = list(WORD.finditer(text))
    for a, b in zip(words, words[1:]):
        joined = (a.group(0) + b.group(0)).lower()
        if text[a.end():b.start()] != " " or len(joined) < MIN_LENGTH or joined not in vocab \
                or (out and out[-1][1] > a.start()):
            continue
        rarer = min(frequency(a.group(0).lower()), frequency(b.group(0).lower()))
        if rarer > 0 and frequency(joined) > max(rarer, MIN_JOINED - 1):  # two words of substance, the compound held
            out.append((a.start(), b.end(), joined))
    return out


GLUED_NUMBER = re.compile(r"\b(\d+(?:\.\d+)?)([A-Za-z]{2,})\b")  # "250mg", "3years"
LIST_NUMBER = re.compile(r"\b([A-Za-z]{3,})(\d{1,2}\))")  # "is it hereditary2) does ..." (a numbered list run together)


def unglued(text: str, held: Callable[[str], int]) -> str:
    """A number run into a stored word written apart ("250mg" -> "250 mg", "3years" -> "3 years", "hereditary2)" ->
    "hereditary 2)"), unless the index holds the glued token itself ("3tc", "5fu"): glued, it is a key term no
    passage holds, so the evidence looked as if it missed what was asked. held: how many passages hold a word."""
    def number(m: re.Match) -> str:
        return f"{m.group(1)} {m.group(2)}" if held(m.group(2).lower()) and not held(m.group(0).lower()) \
            else m.group(0)

    def listed(m: re.Match) -> str:
        return f"{m.group(1)} {m.group(2)}" if held(m.group(1).lower()) else m.group(0)

    return LIST_NUMBER.sub(listed, GLUED_NUMBER.sub(number, text))


def corrected(text: str, vocab: frozenset[str], frequency: Callable[[str], int]) -> str:
    """text in lower case with its misspelt words replaced (see corrections)."""
    low = text.lower()
    for start, end, word in reversed(corrections(low, vocab, frequency)):
        low = low[:start] + word + low[end:]
    return low
