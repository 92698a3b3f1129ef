"""Personal data in questions: names, phone numbers, e-mail addresses, dates of birth and record numbers
are replaced by placeholders before the question reaches the audit log or any LLM endpoint.

Names are found three ways: after a title (Mr., Dr. ... "McDonald", "O'Brien", "Anne-Marie DuPont"); after
a cue that introduces a person ("my patient john smith", "patient: smith, john", "named ..."); and bare,
as a first name followed by a surname, both from the US Census name lists shipped in the `names` package
(MIT), neither a common English word (data/name_like_words.txt). Known product names are never names.

The setting `redact` (MEDINFO_REDACT=0) turns redaction off, e.g. where the log itself is a protected
clinical record; the caller decides. A replaced name still tells the safety check that the patient is
identifiable.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from assistant.question.wordlists import words

_TITLE = r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\b\.?\s+"
# A capitalised name word: Smith, McDonald, O'Brien, DuPont, Anne-Marie.
_CAP = r"[A-Z][a-z]*(?:['’][A-Z][a-z]+|[A-Z][a-z]+|-[A-Z][a-z]+)*(?<=[a-z])"
_WORD = r"[A-Za-z][a-z]*(?:['’-][A-Za-z][a-z]+)*"
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE = (rf"(?:\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}|\d{{4}}-\d{{2}}-\d{{2}}|"
         rf"{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\s+\d{{4}})")
PATTERNS: list[tuple[str, re.Pattern, str]] = [  # (kind, pattern, how a name match is checked)
    ("email", re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"), "plain"),
    ("date_of_birth", re.compile(
        rf"\b(?:DOB|D\.O\.B\.?|date of birth|birth ?date|born(?: on)?)\s*(?:is|was|of|:|-)?\s*(?P<v>{_DATE})", re.I),
     "plain"),
    ("record_number", re.compile(
        r"\b(?:MRN|medical record(?: number| no\.?)?|record (?:number|no\.?|#)|patient (?:id|number|no\.?|#)|"
        r"chart (?:number|no\.?|#)|NHS number|SSN|social security number)\b\s*(?:is|:|#)?\s*"
        r"(?P<v>(?=[A-Z0-9 -]*\d)[A-Z0-9][A-Z0-9 -]{3,}[A-Z0-9])", re.I), "plain"),
    # International (+44 20 7946 0958), UK national (07700 900123, 020 7946 0958), North American numbers.
    ("phone", re.compile(r"(?<![\w/.])(?:\+\d{1,3}[\s.-]?(?:\(0\)\s?)?\d{1,4}(?:[\s.-]?\d{2,4}){2,4}|"
                         r"0\d{2,4}[\s.-]?\d{3,4}[\s.-]?\d{3,4}|"
                         r"(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]?\d{4})(?![\w/])"), "plain"),
    ("name", re.compile(rf"(?P<v>{_TITLE}{_CAP}(?:\s+{_CAP})?)"), "plain"),
    ("name", re.compile(rf"\b(?:named|called|name is|name's)\s+(?P<v>{_WORD}(?:\s+{_WORD})?)", re.I), "cue"),
    ("name", re.compile(rf"\b(?:patient|pt)\s*:\s*(?P<v>{_WORD},?\s+{_WORD})", re.I), "cue"),
    ("name", re.compile(rf"\b(?:my|our|this|the|a) (?:patient|pt|client|resident|wife|husband|partner|son|daughter|"
                        rf"mother|father|mom|dad|friend|neighbou?r|brother|sister)\s*,?\s+(?P<v>{_WORD}(?:\s+{_WORD})?)",
                        re.I), "cue"),
    ("name", re.compile(rf"\b(?P<v>{_CAP}\s+{_CAP}),?\s+(?:a|an|aged|age)\s+\d{{1,3}}[- ](?:year|yo\b)"), "plain"),
    ("name", re.compile(rf"\b(?P<v>{_WORD}\s+{_WORD})\b"), "bare"),
]
PLACEHOLDER = {"email": "[EMAIL]", "date_of_birth": "[DATE OF BIRTH]", "record_number": "[RECORD NUMBER]",
               "phone": "[PHONE]", "name": "[NAME]"}
NOT_NAMES = words("not_names.txt")
# How a name match is checked: plain (a title or an age says it is a person), cue (the words after "my patient",
# "named"... must look like names: cue words are followed by verbs as often as by names), bare (a census first
# name followed by a census surname, neither a common word).
SURNAMES_KEPT = 30000  # the most frequent US surnames (of 88,799): rarer entries are mostly noise


@lru_cache(maxsize=1)
def _census() -> tuple[frozenset[str], frozenset[str]]:
    """(first names, surnames), lower case, from the US Census lists in the `names` package."""
    import names

    base = Path(names.__file__).parent

    def read(name: str, limit: int | None = None) -> frozenset[str]:
        lines = (base / name).read_text().splitlines()[:limit]
        return frozenset(line.split()[0].lower() for line in lines if line.strip())

    return read("dist.male.first") | read("dist.female.first"), read("dist.all.last", SURNAMES_KEPT)


def _name_like(word: str, common: frozenset[str]) -> bool:
    w = word.lower().strip(",")
    return bool(w) and w not in common and (w in _census()[0] or w in _census()[1] or not w.isascii())


def _person(value: str, check: str, known: set[str]) -> bool:
    """Do the words of a match name a person?"""
    found = [w for w in re.split(r"[\s,]+", value.replace(".", " ")) if w]
    if not found or any(w in NOT_NAMES or w.lower() in known for w in found):
        return False
    common = words("name_like_words.txt")
    if check == "bare":
        first, last = found[0].lower(), found[-1].lower()
        firsts, lasts = _census()
        return len(found) == 2 and first in firsts and last in lasts and first not in common and last not in common
    if check == "cue":
        return _name_like(found[0], common)
    return True


@dataclass
class Redaction:
    text: str
    kinds: list[str] = field(default_factory=list)

    @property
    def redacted(self) -> bool:
        return bool(self.kinds)


def redact(text: str, known_terms: set[str] | None = None) -> Redaction:
    """Replace personal data in text. known_terms (product names...) are never taken for names."""
    known = {t.lower() for t in (known_terms or set())}
    kinds: list[str] = []
    for kind, pattern, check in PATTERNS:
        def repl(m: re.Match, kind: str = kind, check: str = check) -> str:
            whole = m.group(0)
            value = m.group("v") if "v" in m.re.groupindex else whole
            if kind == "name":
                value = _trim(value, check)
                if not value or not _person(value, check, known):
                    return whole
            kinds.append(kind)
            if value == whole:
                return PLACEHOLDER[kind]
            start = m.start("v") - m.start() if "v" in m.re.groupindex else whole.index(value)
            return whole[:start] + PLACEHOLDER[kind] + whole[start + len(value):]

        text = pattern.sub(repl, text)
    return Redaction(text, sorted(set(kinds)))


def _trim(value: str, check: str) -> str:
    """A cue's second word is kept only when it looks like a name too ("john developed" -> "john")."""
    if check == "cue":
        parts = value.split()
        if len(parts) == 2 and not _name_like(parts[1].strip(","), words("name_like_words.txt")):
            return parts[0].rstrip(",")
    return value
