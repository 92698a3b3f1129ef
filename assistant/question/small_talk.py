"""Messages that are not questions about the content: a greeting, thanks, a remark about the service itself.
They get a plain reply instead of a search (data/small_talk.txt); a message that also asks something is a
question and goes on as one ("Hi! What is the dose of X?", "The site is slow. Is X safe in pregnancy?")."""
from __future__ import annotations

import re
from functools import cache

from assistant.question.terms import question_words, stem_tokens
from assistant.question.wordlists import groups

REPLIES = {
    "greeting": "Hello. Ask a question about a product's approved labelling or the published literature held here "
                "(for example dosing, contraindications, interactions, use in pregnancy), and the answer will cite "
                "its sources.",
    "thanks": "You are welcome. Ask another question at any time.",
    "service": "This message is about the service itself, not a medical-information question, so nothing was "
               "searched. It is recorded with the conversation; for a technical problem, contact the team that runs "
               "this service.",
}
MAX_OTHER_WORDS = 4  # a remark about the service says little else; "I found nothing about X on your site" says more


@cache
def _phrases() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for kind, *phrases in groups("small_talk.txt"):
        out[kind] = sorted((p.replace("_", " ") for p in phrases), key=len, reverse=True)
    return out


def kind_of(message: str, products: list[str]) -> str | None:
    """greeting, thanks or service when that is all the message is; None for a question."""
    text = " ".join(re.sub(r"[^\w\s']", " ", message.lower()).split())
    if not text:
        return None
    phrases = _phrases()
    for kind in ("greeting", "thanks"):
        rest = text
        for p in phrases["greeting"] + phrases[kind]:
            rest = re.sub(rf"\b{re.escape(p)}\b", " ", rest)
        if not rest.strip() and any(re.search(rf"\b{re.escape(p)}\b", text) for p in phrases[kind]):
            return kind
    service = [p for p in phrases["service"] if re.search(rf"\b{re.escape(p)}\b", text)]
    stems = set(stem_tokens(text))
    if service and not products and not stems & _medical_stems():
        rest = text
        for p in service:
            rest = re.sub(rf"\b{re.escape(p)}\b", " ", rest)
        other = [t for t in stem_tokens(rest) if len(t) > 2 and t not in question_words()]
        if len(other) <= MAX_OTHER_WORDS:
            return "service"
    return None


@cache
def _medical_stems() -> frozenset[str]:
    return frozenset(t for p in _phrases()["medical"] for t in stem_tokens(p))
