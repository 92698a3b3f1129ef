"""Terms of a text as the lexical index sees them: bm25s tokens, English stop words removed, Snowball
stems. The same function tokenises questions, passages and word lists, so they always agree."""
from __future__ import annotations

from functools import cache, lru_cache

from assistant.question.wordlists import groups, lines, words
from ingest.terms import tokenize

__all__ = ["tokenize", "stem_tokens", "question_words", "echo_rate"]


def stem_tokens(text: str) -> list[str]:
    return list(_stems(text))


@lru_cache(maxsize=50_000)
def _stems(text: str) -> tuple[str, ...]:
    """Kept by text: answering tokenises the same evidence sentences and sections for question after question."""
    return tuple(tokenize([text])[0])


def question_words() -> frozenset[str]:
    """Stems that ask rather than say what is asked about (data/question_words.txt)."""
    return words("question_words.txt")


@cache
def _echo_table() -> tuple[float, dict[str, float]]:
    rates: dict[str, float] = {}
    for line in lines("term_echo.tsv"):
        stem, _n, _k, rate = line.split("\t")
        rates[stem] = float(rate)
    return rates.pop("default", 1.0), rates


def echo_rate(stem: str) -> float:
    """How often the answer to a question holding this stem says it too (data/term_echo.tsv, fitted on the dev
    splits by bench/fit_term_echo.py): low for words that frame a question ("role", "mechanism", "action"), the
    default for a stem met too seldom to tell (a drug, a gene)."""
    default, rates = _echo_table()
    return rates.get(stem, default)


@cache
def _synonyms() -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for group in groups("synonyms.txt"):
        stems = {t for w in group for t in (stem_tokens(w) or [w])}
        for t in stems:
            out.setdefault(t, set()).update(stems)
    return {t: frozenset(s) for t, s in out.items()}


def variants(term: str) -> frozenset[str]:
    """The term and its synonyms (question/data/synonyms.txt)."""
    return _synonyms().get(term, frozenset()) | {term}


def present(term: str, tokens: set[str]) -> bool:
    """Is the term, or a synonym of it (question/data/synonyms.txt), among the tokens?"""
    return term in tokens or not _synonyms().get(term, frozenset()).isdisjoint(tokens)  # no set built: a hot path
