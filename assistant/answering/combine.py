"""One answer from the answers to the parts of a message that asked several questions: each part under its own
question, answered or said to be unanswered, citations numbered through."""
from __future__ import annotations

from assistant.answering.claims import MARKER
from assistant.contract import Answer, Citation, Claim, Part, RetrievedPassage

NOT_ANSWERED = "The available content does not answer this part."


def _renumbered(text: str, shift: int) -> str:
    return MARKER.sub(lambda m: "".join(f"[{int(n) + shift}]" for n in m.group(1).replace(";", ",").split(",")),
                      text)


def combine(question: str, answers: list[Answer]) -> Answer:
    blocks: list[str] = []
    citations: list[Citation] = []
    claims: list[Claim] = []
    removed: list[Claim] = []
    notices: list[str] = []
    retrieved: list[RetrievedPassage] = []
    parts: list[Part] = []
    for a in answers:
        shift = len(citations)
        if a.status == "answered":
            text = _renumbered(a.answer, shift)
            citations += [c.model_copy(update={"n": c.n + shift}) for c in a.citations]
            claims += [c.model_copy(update={"citations": [n + shift for n in c.citations]}) for c in a.claims]
            removed += a.removed_claims
        else:
            text = NOT_ANSWERED
        blocks.append(f"{a.question}\n{text}")
        parts.append(Part(question=a.question, status=a.status, explanation=a.explanation,
                          citations=list(range(shift + 1, len(citations) + 1))))
        notices += [n for n in a.notices if n not in notices]
        retrieved += [r for r in a.retrieved if r not in retrieved]
    answered = [a for a in answers if a.status == "answered"]
    first = answers[0]
    out = first.model_copy(update=dict(
        question=question, status="answered" if answered else "insufficient_evidence",
        answer="\n\n".join(blocks) if answered else first.answer, citations=citations, claims=claims,
        removed_claims=removed, notices=notices, retrieved=retrieved, parts=parts,
        explanation=None if len(answered) == len(answers) else
        f"{len(answers) - len(answered)} of the {len(answers)} questions asked are not answered by the available "
        "content (see parts).",
        closest_documents=[] if answered else first.closest_documents,
        answerability=min((a.answerability for a in answered if a.answerability is not None), default=None)))
    return out
