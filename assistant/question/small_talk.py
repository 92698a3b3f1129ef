"""Messages that are not questions about the content: a greeting, thanks, a remark about the service itself.
They get a plain reply instead of a search (data/small_talk.txt); a message that also asks something is a
question and goes on as one ("Hi! What is the dose of X?", "The site is slow. Is X safe in pregnancy?")."""
from __future__ import annotations

import re

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
_MEDICAL = re.compile(r"\b(?:dose|dosage|mg|side effects?|pregnan\w*|interact\w*|contraindicat\w*|adverse|warning|"
                      r"safe|treat\w*|take|taking|tablet|pill|medicine|medication|drug|symptom\w*|pain)\b", re.I)


MAX_OTHER_WORDS = 4
_FILLER = frozenset("the and but not can can't cannot don't doesn't won't isn't it's i'm you your this that with "
                    "for from keeps keep any again when why does".split())


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
    if service and not products and not _MEDICAL.search(message):
        rest = text
        for p in service:
            rest = re.sub(rf"\b{re.escape(p)}\b", " ", rest)
        if len([w for w in rest.split() if len(w) > 2 and w not in _FILLER]) <= MAX_OTHER_WORDS:
            return "service"  # about the service and little else (not "I found nothing about X on your site")
    return None
