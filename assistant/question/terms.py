"""Terms of a text as the lexical index sees them: bm25s tokens, English stop words removed, Snowball
stems. The same function tokenises questions, passages and word lists, so they always agree."""
from __future__ import annotations

import threading

from assistant.question.wordlists import words

_local = threading.local()


def _stemmer():
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        import Stemmer

        stemmer = _local.stemmer = Stemmer.Stemmer("english")
    return stemmer


def tokenize(texts: list[str]) -> list[list[str]]:
    import bm25s

    return bm25s.tokenize(texts, stopwords="en", stemmer=_stemmer(), show_progress=False, return_ids=False)


def stem_tokens(text: str) -> list[str]:
    return tokenize([text])[0]


def question_words() -> frozenset[str]:
    """Stems that ask rather than say what is asked about (data/question_words.txt)."""
    return words("question_words.txt")
