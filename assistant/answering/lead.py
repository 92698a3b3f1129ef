"""Which evidence sentence leads an answer. The selection ranks sentences by score; a reader expects the direct
answer first: a dose for a dose question, a sentence under the section asked for, a product's approved labelling
before literature about it."""
from __future__ import annotations

from typing import Protocol, TypeVar

from assistant.answering.passages import Passage
from assistant.question.intents import INTENTS, POPULATIONS, section_matches
from ingest.text import DOSE_UNIT


class Ranked(Protocol):
    """What ordering reads of an evidence sentence (answering.evidence.Evidence)."""
    passage: Passage
    score: float
    section: str

    @property
    def display(self) -> str: ...


Evidence = TypeVar("Evidence", bound=Ranked)

LITERATURE_BESIDE_LABELLING = (
    "This answer cites published literature beside the approved labelling. The approved labelling comes first "
    "and governs; where the literature says something else, it is not part of the approved labelling.")


def direct_first(chosen: list[Evidence], intents: list, margin: float) -> list[Evidence]:
    """The direct answer first, among the sentences nearly as good as the best (score within the margin, same kind of
    source). A dose question is answered by a dose, and for the patients it names: one stating a dose leads; among
    those, when the question names no population, one for the general population leads before a side case
    (children, the elderly, renal or hepatic impairment, pregnancy), whether its text or its heading says so. Any
    other section asked for ("Who should not take X?"): a sentence under it leads one from elsewhere."""
    asked = {i.name for i in intents}
    if len(chosen) < 2 or not intents:
        return chosen
    if "dosing" not in asked:
        lead = chosen[0]
        # what must not be done leads whatever else matched ("Do not use with any other drug containing
        # acetaminophen" before the Uses that "for my headache" matched)
        contra = [i for i in intents if i.name == "contraindications"]
        under = [e for e in chosen if e.passage.kind == lead.passage.kind
                 and section_matches(contra, e.section)] if contra else []
        if not under:
            if section_matches(intents, lead.section):
                return chosen
            under = [e for e in chosen if e.passage.kind == lead.passage.kind and e.score >= margin * lead.score
                     and section_matches(intents, e.section)]
        return [under[0]] + [e for e in chosen if e is not under[0]] if under else chosen
    general = not asked & set(SPECIAL)
    lead = chosen[0]
    near = [e for e in chosen if e is lead or (e.passage.kind == lead.passage.kind and e.score >= margin * lead.score)]
    best = min(near, key=lambda e: (not DOSE_UNIT.search(e.display), general and special(e)))
    return chosen if best is lead else [best] + [e for e in chosen if e is not best]


SPECIAL = (*POPULATIONS, "pregnancy", "lactation")  # the populations a dose is qualified by, and pregnancy


def special(ev: Evidence) -> bool:
    """Is this sentence about a special population, by its words or its heading?"""
    return any(i.name in SPECIAL and (i.question.search(ev.display) or i.section.search(ev.section or ""))
               for i in INTENTS)


def labelling_first(chosen: list[Evidence], notices: list[str]) -> list[Evidence]:
    """Literature never silently outranks a product's approved labelling: the labelling leads, and the answer says
    so. Approved content about no product (a consumer-health page) takes its place by its score: it led a better
    literature sentence on another topic ("What is the function of STING?" opened with a page on the EVC gene)."""
    if "literature" not in {e.passage.kind for e in chosen} or not any(_labelling(e) for e in chosen):
        return chosen
    notices.append(LITERATURE_BESIDE_LABELLING)
    return sorted(chosen, key=lambda e: not _labelling(e))


def _labelling(ev: Evidence) -> bool:
    return ev.passage.kind == "approved" and bool(ev.passage.product)
