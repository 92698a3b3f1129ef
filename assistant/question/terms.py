"""Terms of a text as the lexical index sees them: bm25s tokens, English stop words removed, Snowball
stems. The same function tokenises questions, passages and word lists, so they always agree."""
from __future__ import annotations

from functools import lru_cache

from assistant.question.wordlists import words
from ingest.terms import tokenize

__all__ = ["tokenize", "stem_tokens", "question_words"]


def stem_tokens(text: str) -> list[str]:
    return list(_stems(text))


@lru_cache(maxsize=50_000)
def _stems(text: str) -> tuple[str, ...]:
    """Kept by text: answering tokenises the same evidence sentences and sections for question after question."""
    return tuple(tokenize([text])[0])


def question_words() -> frozenset[str]:
    """Stems that ask rather than say what is asked about (data/question_words.txt)."""
    return words("question_words.txt")
