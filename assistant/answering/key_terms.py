"""A question's key terms and how they are found in evidence: the question's stems (its typos already read as the
stored words meant, Snapshot.respelt in scope.decide) less the words that ask, the product's own names and the other
drugs named beside it, each weighted by its rarity in the store (idf) and by how often an answer says it
(question/terms.echo_rate); a term is found where it or a synonym of it (question/data/synonyms.txt) is.
"""
from __future__ import annotations

import re

from assistant.answering.snapshot import Snapshot
from assistant.question.intents import without_amounts
from assistant.question.products import drugs_in
from assistant.question.terms import echo_rate, question_words, stem_tokens


def key_terms(question: str, snap: Snapshot, products: list[str]) -> dict[str, float]:
    product_stems = {t for p in products for t in stem_tokens(p)}
    for name, prod in snap.products.items():
        if prod in products:
            product_stems.update(stem_tokens(name))
    if products:
        # Another drug named beside a product that nothing here names ("Since I took Fioricet, can I take
        # ibuprofen?"): the product's label answers and cannot name it. One the store names ("aspirin while on
        # Jantoven": warfarin's label speaks of aspirin) stays a key term.
        for drug in drugs_in(question):
            stems = stem_tokens(drug)
            if drug not in snap.products and not all(t in snap.lexical for t in stems):
                product_stems.update(stems)
    terms = {}
    asking = question_words()
    topic = _subject_line(question)
    for t in stem_tokens(without_amounts(question)):
        if t in asking or t in product_stems or len(t) < 2:
            continue
        terms[t] = snap.idf(t) * echo_rate(t)  # a word that frames a question weighs less (terms.echo_rate)
        if topic is not None and t not in topic:
            terms[t] *= STORY_WEIGHT
    return terms


STORY_WEIGHT = 0.5
SUBJECT_LINE_WORDS = 6


def _subject_line(message: str) -> set[str] | None:
    """A message that asks nothing with a question mark and opens with a short subject line ("Duchenne Muscular
    Dystrophy. I am doing a research project on this genetic disease and I would like to know ..."): the stems of
    that line, what the message is about; the story after it weighs less (STORY_WEIGHT). None for anything else."""
    if "?" in message:
        return None
    parts = [p for p in re.split(r"(?<=[.!])\s+", message.strip()) if p.strip()]
    if len(parts) < 2 or len(parts[0].split()) > SUBJECT_LINE_WORDS:
        return None
    return set(stem_tokens(parts[0]))


def subject(terms: dict[str, float], framing: set[str]) -> str:
    """The key term that weighs most and does not name the section asked for (framing: intents.vouched_stems): what
    the question is about ("orbeck" in "What are the symptoms of Orbeck syndrome?"); "" when none."""
    return max((t for t in terms if t not in framing), key=terms.__getitem__, default="")
