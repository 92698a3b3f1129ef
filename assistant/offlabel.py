"""Off-label signal: the question asks about a use of a product that its approved labelling does not cover.

The use is the phrase after "for", "to treat", "in the treatment of", "to prevent"... ("Can metformin be
used for weight loss?" -> "weight loss"). It is on-label when the key words of that use appear in the
product's approved indications (the INDICATIONS AND USAGE / Uses sections of its current labels).
An off-label question is answered from literature only, with a visible notice, and recorded as an
unsolicited request.
"""
from __future__ import annotations

import re

from assistant.retrieval import Snapshot, stem_tokens

USE = re.compile(r"\b(?:for|to treat|treating|treatment of|in the treatment of|to prevent|prevention of|"
                 r"as (?:a )?(?:treatment|therapy|prophylaxis) for|to manage|management of|indicated for|"
                 r"approved for|used in|work for|effective (?:for|in|against)|help (?:with)?)\s+"
                 r"(?P<use>[^?.;,]{3,80})", re.I)
NOT_A_USE = {"patient", "patients", "adult", "adults", "child", "children", "pediatric", "elderly", "women",
             "men", "people", "infants", "pregnancy", "pregnant", "breastfeeding", "dose", "dosing", "long", "how",
             "days", "weeks", "months", "years", "hours", "day", "week", "month", "year", "use", "treatment",
             "therapy", "someone", "person", "mg", "the", "a", "an", "with", "in", "of", "and", "or", "me", "him",
             "her", "them", "my", "his", "their", "kidney", "renal", "hepatic", "liver", "impairment",
             "age", "older", "younger", "than", "stage", "moderate", "severe", "mild",
             "first", "time", "while", "at", "least", "once", "twice", "daily", "night", "morning", "meals", "food",
             "neonates", "neonate", "newborn", "newborns", "aged", "toddlers", "adolescents", "teenagers", "kids",
             "boys", "girls", "infant", "up", "to", "more", "less", "over", "under", "all", "any", "each", "every",
             "this", "that", "these", "those", "it", "its", "is", "are", "be", "can", "should", "does", "do",
             "weight-based", "body", "kg", "mcg", "ml", "tablet", "tablets", "capsule", "capsules"}
INDICATION_SECTION = re.compile(r"indications|^1(\.\d+)?\s|^uses$|indicated", re.I)


def asked_use(question: str) -> str | None:
    m = USE.search(question)
    if not m:
        return None
    use = re.split(r"\b(?:in (?:adults|children|patients|people|women|men)|with|while|during|at|who)\b",
                   m.group("use"), maxsplit=1)[0].strip()
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z'-]+", use) if w.lower() not in NOT_A_USE]
    return " ".join(words) if words else None


def indications_text(snap: Snapshot, product: str) -> str:
    parts = [p.text for p in snap.passages if p.product == product and p.kind == "approved"
             and (INDICATION_SECTION.search(p.section or "") or re.search(r"\bindicated (?:for|as|in)\b", p.text))]
    return " ".join(parts)


def check(question: str, snap: Snapshot, products: list[str]) -> dict | None:
    """{"product", "use"} when the question asks about a use not in the product's approved labelling."""
    use = asked_use(question)
    if not use or not products:
        return None
    terms = {t for t in stem_tokens(use) if len(t) > 2}
    if not terms:
        return None
    for product in products:
        text = indications_text(snap, product)
        if not text:
            continue
        have = set(stem_tokens(text))
        covered = len(terms & have) / len(terms)
        if covered < 0.5:
            return {"product": product, "use": use, "unsolicited": True}
    return None
