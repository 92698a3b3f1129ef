"""A question's key terms and how they are found in evidence: the question's stems (its typos already read as the
stored words meant, Snapshot.respelt in scope.decide) less the words that ask, the product's own names and the other
drugs named beside it, each weighted by its rarity in the store (idf) and by how often an answer says it
(question/terms.echo_rate), and by half for the words of the asker's story (after a subject line; everyday English
the store seldom says: _chat_stems); a term is found where it or a synonym of it (question/data/synonyms.txt) is.
"""
from __future__ import annotations

import math
import re

from assistant.answering.snapshot import Snapshot
from assistant.question.intents import without_amounts
from assistant.question.products import drugs_in
from assistant.question.terms import echo_rate, question_words, stem_tokens
from assistant.question.wordlists import english_counts, english_total


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
    chat = _chat_stems(question, snap)
    for t in stem_tokens(without_amounts(question)):
        if t in asking or t in product_stems or len(t) < 2:
            continue
        terms[t] = snap.idf(t) * echo_rate(t)  # a word that frames a question weighs less (terms.echo_rate)
        if (topic is not None and t not in topic) or t in chat:  # the story around the subject weighs less
            terms[t] *= STORY_WEIGHT
    return terms


# A word of the asker's story rather than of the subject: its share of the store's passages is less than 10**2 times
# its share of everyday English (pyspellchecker's OpenSubtitles counts): "grandson", "devils", "apparently", "sure",
# "please", "daughter", "really", "seeing"; not "lice", "shower", "rubella", "renal", "family". Such a word weighs
# STORY_WEIGHT as a key term. The margin was chosen on the dev sets (1.0, 1.5, 2.0, 2.5; bench/RESULTS.md, twenty-third
# session): at 2.5 an out-of-corpus question was answered.
CHAT_MARGIN = 2.0


def _chat_stems(question: str, snap: Snapshot) -> set[str]:
    """The stems of the question's words of everyday English that the store seldom says (CHAT_MARGIN)."""
    english = english_counts()
    if not english:
        return set()
    total, n = english_total(), max(1, snap.lexical.n)
    out = set()
    for word in re.findall(r"[A-Za-z][A-Za-z']+", question):
        count = english.get(word.lower(), 0)
        if not count:
            continue  # a word everyday English never says (a gene, a drug, a misspelling) is the subject's
        for t in stem_tokens(word):
            share = (snap.lexical.df(t) if t in snap.lexical else 0) / n
            if math.log10((share + 1e-7) / (count / total + 1e-7)) < CHAT_MARGIN:
                out.add(t)
    return out


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
