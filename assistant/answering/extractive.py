"""Generators turn selected evidence into an answer with [n] markers and its citations.

The default, extractive, composes the answer from verbatim evidence sentences: a lead sentence
(the best evidence, with the sentence that introduces it when it is a list item), then the
supporting points as a list. No model, nothing downloaded, faithful by construction; the verifier
still checks it like any other generator's output.
"""
from __future__ import annotations

from dataclasses import dataclass

from assistant.answering.evidence import Evidence
from assistant.contract import Citation


@dataclass
class Draft:
    text: str
    citations: list[Citation]
    contexts: dict[int, str]  # n -> the whole passage the quote sits in (for verification)
    insufficient: bool = False  # the generator itself found the evidence insufficient


def citation_for(n: int, ev: Evidence) -> Citation:
    p = ev.passage
    return Citation(n=n, chunk_id=p.chunk_id, document_id=p.doc_id, title=p.title, version=p.version,
                    source_type=p.kind, page=p.page, start=ev.start, end=ev.end, quote=ev.text,
                    section=ev.section or p.section, document_status=p.status, product=_labelled(p))


def citation_for_passage(n: int, p) -> Citation:
    """A citation of a whole stored passage (what an LLM is given and cites)."""
    return Citation(n=n, chunk_id=p.chunk_id, document_id=p.doc_id, title=p.title, version=p.version,
                    source_type=p.kind, page=p.page, start=p.start, end=p.end, quote=p.text, section=p.section,
                    document_status=p.status, product=_labelled(p))


def _labelled(p) -> str | None:
    return (p.product or None) if p.kind == "approved" else None


def number_evidence(evidence: list[Evidence]) -> tuple[list[Citation], dict[int, str], dict[int, int]]:
    """One citation per distinct span; returns citations, contexts and evidence index -> n."""
    citations: list[Citation] = []
    contexts: dict[int, str] = {}
    index: dict[int, int] = {}
    seen: dict[tuple[str, int, int], int] = {}
    for i, ev in enumerate(evidence):
        key = (ev.passage.chunk_id, ev.start, ev.end)
        if key not in seen:
            n = len(citations) + 1
            seen[key] = n
            citations.append(citation_for(n, ev))
            contexts[n] = ev.passage.text
        index[i] = seen[key]
    return citations, contexts, index


class ExtractiveGenerator:
    name = "extractive"
    prompt_version = None

    def compose(self, question: str, evidence: list[Evidence]) -> Draft:
        citations, contexts, index = number_evidence(evidence)
        sentences = [f"{ev.display} [{index[i]}]" for i, ev in enumerate(evidence)]
        if not sentences:
            return Draft("", [], {})
        lead, rest = sentences[0], sentences[1:]
        if not rest:
            return Draft(lead, citations, contexts)
        # The lead on its own paragraph, the supporting points as a list under it
        # (directly under it when the lead introduces a list: "... contraindicated in:").
        sep = "\n" if evidence[0].lead_in else "\n\n"
        return Draft(lead + sep + "\n".join(f"- {s}" for s in rest), citations, contexts)
