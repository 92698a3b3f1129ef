"""Abbreviations the evidence defines, read as the words they stand for. An abstract defines "double-balloon
enteroscopy (DBE)" once and then says only "DBE": its conclusion "DBE appears to be equally safe and effective ..."
answers "Double balloon enteroscopy: is it efficacious and safe?" though it holds none of the question's three
words, and an aim that spells them out won over it. An abbreviation counts for the question's words only where a
retrieved passage defines it by exactly those words (the long form, then the letters in parentheses, the letters
being the words' initials), so "peritoneal dialysis affect" never reads a patent ductus arteriosus "PDA"."""
from __future__ import annotations

import re
from collections.abc import Iterable

from assistant.question.terms import stem_tokens

WORD = re.compile(r"[A-Za-z][A-Za-z0-9']*")
LONGEST = 6  # words in a long form
FUNCTION = frozenset({"a", "an", "and", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with"})


class Aliases:
    """Pairs (abbreviation stem, the stems of its long form) defined for one question's words."""

    def __init__(self, pairs: Iterable[tuple[str, frozenset[str]]] = ()):
        self.pairs = [(short, frozenset({short, short + "s"}), long) for short, long in pairs]

    def expand(self, tokens: set[str]) -> set[str]:
        """The tokens, plus the long form's stems where the abbreviation is among them and the abbreviation where
        the whole long form is."""
        if not self.pairs:
            return tokens
        out = set(tokens)
        for short, forms, long in self.pairs:
            if not forms.isdisjoint(tokens):
                out |= long
            elif long <= tokens:
                out.add(short)
        return out


def defined(question: str, texts: Iterable[str]) -> Aliases:
    """The abbreviations the texts define for a run of the question's words, and the question's own abbreviations
    the texts define (either way round: "What causes DBE perforation?" finds "double-balloon enteroscopy")."""
    words = WORD.findall(question)
    lower = [w.lower() for w in words]
    runs = {tuple(lower[i:i + k]) for i in range(len(lower)) for k in range(1, LONGEST + 1) if i + k <= len(lower)}
    asked = {w for w in words if len(w) >= 2 and w.isupper() and w.isalpha()}
    found: dict[str, frozenset[str]] = {}
    for text in texts:
        for m in _DEFINITION.finditer(text):
            short = m.group(2)
            if short in found:
                continue
            before = [w.lower() for w in WORD.findall(m.group(1))]
            for k in range(1, min(len(before), LONGEST) + 1):
                run = tuple(before[-k:])
                # the question spells it out (its own words), or abbreviates it (the fewest words it stands for)
                if (run in runs or short in asked) and stands_for(short, run):
                    found[short] = _stems(run)
                    break
    return Aliases((stem_tokens(short)[0], long) for short, long in found.items()
                   if stem_tokens(short) and long)


def stands_for(short: str, run: tuple[str, ...]) -> bool:
    """Can the abbreviation be read from the words: every word but a function word gives its first letter, and the
    letters between come from inside the words in order ("hippocampal atrophy": HCA; "small for gestational age":
    SGA; "non small cell lung cancer": NSCLC)."""
    s = short.lower()
    if not run or run[0] in FUNCTION or run[-1] in FUNCTION:
        return False

    def match(si: int, wi: int) -> bool:
        if wi == len(run):
            return si == len(s)
        w = run[wi]
        if w in FUNCTION and match(si, wi + 1):
            return True
        if si >= len(s) or s[si] != w[0]:
            return False
        ends, j = [si + 1], si + 1
        for ch in w[1:]:
            if j < len(s) and s[j] == ch:
                j += 1
                ends.append(j)
        return any(match(e, wi + 1) for e in ends)

    return match(0, 0)


def _stems(run: tuple[str, ...]) -> frozenset[str]:
    return frozenset(stem_tokens(" ".join(run)))


# a long form (up to LONGEST words, hyphens between them as spaces) then "(ABBR)" or "(ABBRs)"
_DEFINITION = re.compile(rf"((?:[A-Za-z][A-Za-z0-9']*[\s-]+){{1,{LONGEST}}})\(([A-Z][A-Z0-9]{{1,7}})s?[);,]")
