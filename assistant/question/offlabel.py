"""Off-label signal: the question asks about a use of a product that its approved labelling does not cover.

The use is the phrase after "for", "to treat", "in the treatment of", "to prevent"... ("Can metformin be
used for weight loss?" -> "weight loss"). It is on-label when the key words of that use appear in the
product's approved indications (the INDICATIONS AND USAGE / Uses sections of its current labels).
An off-label question is answered from literature only, with a visible notice, and recorded as an
unsolicited request.
"""
from __future__ import annotations

import re
from collections.abc import Callable

from assistant.question.products import drugs_in
from assistant.question.terms import stem_tokens, variants
from assistant.question.wordlists import words

USE = re.compile(r"\b(?:for|to treat|treating|treatment of|in the treatment of|to prevent|prevention of|"
                 r"as (?:a )?(?:treatment|therapy|prophylaxis) for|to manage|management of|indicated for|"
                 r"approved for|used in|work for|effective (?:for|in|against)|help (?:with)?)\s+"
                 r"(?P<use>[^?.;,]{3,80})", re.I)
NOT_A_USE = words("not_a_use.txt")
FOR_IT_TO = re.compile(r"(?:[\w'-]+\s+){1,3}to\s+[a-z]+", re.I)  # "for <someone or something> to <do>"
SOMEONE = re.compile(r"(?:her|him|me|us|them|it|you|my|your|his|their|our|the|a|an|this|that|someone|somebody|"
                     r"people|parents|children|kids|patients|women|men|adults)\b", re.I)
# A use is on-label when at least this share of its words (stemmed) are in the product's indications.
MIN_USE_COVERAGE = 0.5
INDICATION_SECTION = re.compile(r"indications|^1(\.\d+)?\s|^uses$|indicated", re.I)


def asked_use(question: str) -> str | None:
    found = _use(question)
    return found[0] if found else None


def _use(question: str) -> tuple[str, int] | None:
    """(the use asked about, where its "for ..." starts)."""
    m = USE.search(question)
    if not m:
        return None
    use = re.split(r"\b(?:in (?:adults|children|patients|people|women|men)|with|while|during|at|who)\b",
                   m.group("use"), maxsplit=1)[0].strip()
    if m.group(0).lower().startswith("for") and FOR_IT_TO.match(use) and (
            SOMEONE.match(use) or drugs_in(use.split()[0])):
        return None  # "How long does it take for lisinopril to start working?": a subject and its verb, no use
    kept = [w for w in re.findall(r"[A-Za-z][A-Za-z'-]+", use) if not _describes(w.lower())]
    if kept and all(drugs_in(w) for w in kept):
        return None  # a drug, not a use: "What is the boxed warning for Coumadin?"
    return (" ".join(kept), m.start()) if kept else None


def _describes(word: str) -> bool:
    """A population, dose or time word, hyphenated ones by their parts ("month-old" in "for a 2-month-old infant")."""
    return word in NOT_A_USE or all(part in NOT_A_USE for part in word.split("-") if part)


# A use word is found in the indications as itself, as a synonym (question/data/synonyms.txt: "uti" and "urinary")
# or, this long, inside a longer word of the indications: the medical compound of its lay phrase ("high
# cholesterol" -> "hypercholesterolemia", "urinary" -> "genitourinary").
MIN_ROOT = 7


def _in_words(term: str, words_: set[str]) -> bool:
    return any(v in words_ or (len(v) >= MIN_ROOT and any(v in w for w in words_ if len(w) > len(v)))
               for v in variants(term))


def is_indication(section: str, text: str) -> bool:
    """Does a passage state indications (its section, or "indicated for ...")?"""
    return bool(INDICATION_SECTION.search(section or "") or re.search(r"\bindicated (?:for|as|in)\b", text))


def check(question: str, products: list[str], indications: Callable[[str], str],
          positions: dict[str, int] | None = None) -> dict | None:
    """{"product", "use"} when the question asks about a use that no named product's approved labelling covers;
    indications(product) gives the text of that product's approved indications. With several products, the use
    may belong to any of them ("warfarin with ibuprofen for back pain": ibuprofen's); the product reported is the
    one named last before the use (positions: offsets of the products in question). A product whose indications
    are not known (no text) is given the benefit of the doubt, as a question about it alone is."""
    found = _use(question)
    if not found or not products:
        return None
    use, start = found
    terms = {t for t in stem_tokens(use) if len(t) > 2}
    if not terms:
        return None
    uncovered = []
    for product in products:
        text = indications(product)
        if not text:  # no indications read for it (an OTC label's Uses): not known to be off-label
            return None
        have = set(stem_tokens(text))
        if len({t for t in terms if _in_words(t, have)}) / len(terms) >= MIN_USE_COVERAGE:
            return None
        uncovered.append(product)
    if not uncovered:
        return None
    where = positions or {}
    before = [p for p in uncovered if where.get(p, -1) < start]
    subject = max(before, key=lambda p: where.get(p, -1)) if before else uncovered[0]
    return {"product": subject, "use": use, "unsolicited": True}
