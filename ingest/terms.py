"""Terms of a text as the lexical index sees them: bm25s tokens, English stop words removed, Snowball stems.
The same function tokenises questions (assistant.question.terms), passages and word lists, so they always agree.
A passage's terms are computed at ingest, in the parser processes, and stored with the chunk: a worker reads them
instead of tokenising every passage at start."""
from __future__ import annotations

import threading

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
