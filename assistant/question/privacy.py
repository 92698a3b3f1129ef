"""Personal data in questions: names, phone numbers, e-mail addresses, dates of birth and record numbers
are replaced by placeholders before the question reaches the audit log or any LLM endpoint.

The setting `redact` (MEDINFO_REDACT=0) turns redaction off, e.g. where the log itself is a protected
clinical record; the caller decides.
A replaced name still tells the safety check that the patient is identifiable.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.question.wordlists import words

_TITLE = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.?"
_NAME = r"[A-Z][a-z]+(?:[-'][A-Z][a-z]+)?"
PATTERNS: list[tuple[str, re.Pattern]] = [
    ("email", re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")),
    ("date_of_birth", re.compile(
        r"\b(?:DOB|D\.O\.B\.|date of birth|born(?: on)?)\s*[:\-]?\s*"
        r"(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2}|[A-Z][a-z]+ \d{1,2},? \d{4}|\d{1,2} [A-Z][a-z]+ \d{4})",
        re.I)),
    ("record_number", re.compile(
        r"\b(?:MRN|medical record(?: number| no\.?)?|record (?:number|no\.?|#)|patient (?:id|number|no\.?|#)|"
        r"chart (?:number|no\.?|#)|NHS number|SSN|social security number)\s*[:#]?\s*[A-Z0-9][A-Z0-9-]{3,}", re.I)),
    ("phone", re.compile(r"(?<![\w/.])(?:\+?\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)\s?|\d{3}[\s.-])\d{3}[\s.-]?\d{4}"
                         r"(?![\w/])")),
    ("name", re.compile(rf"\b{_TITLE}\s+{_NAME}(?:\s+{_NAME})?")),
    ("name", re.compile(rf"\b(?:named|called|name is|[Pp]atient,)\s+(?P<v>{_NAME}(?:\s+{_NAME})?)")),
    ("name", re.compile(rf"\b(?:[Pp]atient|[Mm]y (?:wife|husband|son|daughter|mother|father))\s+"
                        rf"(?P<v>{_NAME}\s+{_NAME})\b")),
    ("name", re.compile(rf"\b(?P<v>{_NAME}\s+{_NAME}),?\s+(?:a|an|aged|age)\s+\d{{1,3}}[- ](?:year|yo\b)")),
]
PLACEHOLDER = {"email": "[EMAIL]", "date_of_birth": "[DATE OF BIRTH]", "record_number": "[RECORD NUMBER]",
               "phone": "[PHONE]", "name": "[NAME]"}
NOT_NAMES = words("not_names.txt")


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
    for kind, pattern in PATTERNS:
        def repl(m: re.Match, kind: str = kind) -> str:
            whole = m.group(0)
            value = m.group("v") if "v" in m.re.groupindex else whole
            if kind == "name":
                words = value.replace(".", " ").split()
                if words[-1] in NOT_NAMES or words[0] in NOT_NAMES or any(w.lower() in known for w in words):
                    return whole
            kinds.append(kind)
            return whole.replace(value, PLACEHOLDER[kind]) if value != whole else PLACEHOLDER[kind]

        text = pattern.sub(repl, text)
    return Redaction(text, sorted(set(kinds)))
