"""Which evidence sentence leads an answer. The selection ranks sentences by score; a reader expects the direct
answer first: a dose for a dose question, a sentence under the section asked for, a product's approved labelling
before literature about it."""
from __future__ import annotations

import re
from typing import Protocol, TypeVar

from assistant.answering.passages import Passage
from assistant.question.intents import INTENTS, POPULATIONS, section_matches
from ingest.text import DOSE_UNIT


class Ranked(Protocol):
    """What ordering reads of an evidence sentence (answering.evidence.Evidence)."""
    passage: Passage
    score: float
    section: str
    start: int
    end: int
    overlap: float
    lead_in: bool

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
    """Is this sentence about a special population, by its words, its heading, or the opening of an unheaded
    subsection it continues: a passage that opens with the population ("For pediatric patients with glomerular
    filtration rate > 30 ...") goes on about it ("Dosage should be adjusted ... up to a maximum of 0.61 mg/kg")."""
    opening = ev.passage.text[:OPENING] if ev.start > ev.passage.start else ""
    return any(i.name in SPECIAL and (i.question.search(ev.display) or i.section.search(ev.section or "")
                                      or i.question.search(opening)) for i in INTENTS)


OPENING = 40  # characters of a passage read for the population an unheaded subsection opens with


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


# An abstract's parts by their labels ("BACKGROUND AND STUDY AIMS:", "CONCLUSIONS:"), and what a sentence says
# (also in title case: "Background:", "Conclusions:")
LABEL = re.compile(r"(?:^|(?<=\s))([A-Z][A-Z ,&/-]{2,60}|(?:Background|Introduction|Context|Rationale|Aims?|"
                   r"Objectives?|Purposes?|Methods?|Results?|Findings|Conclusions?|Interpretation)"
                   r"(?: and (?:[Aa]ims?|[Oo]bjectives?|[Pp]urposes?|[Mm]ethods))?):\s")
AIM_PART = re.compile(r"\b(?:AIMS?|OBJECTIVES?|PURPOSES?|GOALS?)\b")
SETTING_PART = re.compile(r"\b(?:BACKGROUND|INTRODUCTION|CONTEXT|RATIONALE)\b")
FINDING_PART = re.compile(r"\b(?:CONCLUSIONS?|INTERPRETATION|RESULTS?|FINDINGS)\b")
STATES_AIM = re.compile(
    r"\b(?:the|our) (?:main |primary )?(?:aims?|purposes?|objectives?|goals?) of (?:this|the|our|the present) "
    r"(?:\w+ )?(?:study|work|trial|analysis|investigation|review)|"
    r"\b(?:this|the present|our|the current) (?:\w+ )?(?:study|work|trial|analysis|review) (?:was designed|was planned|"
    r"aim(?:s|ed)|sought|examined|investigated|evaluated|assessed|compared|explored|reviewed|addressed|assesses)|"
    r"^\W*(?:To|We aimed to|We sought to) (?:assess|evaluate|investigate|determine|compare|examine|analy[sz]e|explore|"
    r"clarify|describe|study)\b", re.I)
STATES_FINDING = re.compile(
    r"\b(?:in conclusion|we conclude|conclu(?:de|ded|sion)|we found|we show(?:ed)?|we demonstrated?|"
    r"(?:these|our|the) (?:results|findings|data) (?:suggest|indicate|show|demonstrate|support))", re.I)
YES_NO = re.compile(r"(?:^|[:;,]\s*)(?:is|are|was|were|does|do|did|can|could|should|would|will|has|have|may|might)"
                    r"\s", re.I)


def findings_first(chosen: list[Evidence], candidates: list[Evidence], question: str, min_overlap: float,
                   limit: int) -> list[Evidence]:
    """An abstract's finding leads before its stated aim: "The aim of this study was to analyze the contribution of
    DBE ..." restates the question, "CONCLUSIONS: DBE appears to be equally safe and effective ..." answers it. For a
    yes/no question the background the study starts from does not lead either ("BACKGROUND: Anastomotic leakage is
    the most threatening early complication ..."); for another question it may be the answer ("What are
    super-enhancers?"). The finding is a sentence of the same abstract under its conclusions or results, or one that
    says it concludes, holding min_overlap of the question's words (whatever its score: an abstract's conclusion
    seldom repeats the question as its aim does); else the order stays."""
    if not chosen or chosen[0].passage.kind != "literature":
        return chosen
    lead = chosen[0]
    part = abstract_part(lead)
    yes_no = bool(YES_NO.search(question.strip()))
    if not (STATES_AIM.search(lead.display) or AIM_PART.search(part) or (yes_no and SETTING_PART.search(part))):
        return chosen
    pool = chosen[1:] + [e for e in candidates if all(e is not c for c in chosen)]
    found = [e for e in pool if e.passage.doc_id == lead.passage.doc_id and not e.lead_in
             and e.overlap >= min_overlap and _finding(e)]
    if not found:
        return chosen
    best = max(found, key=lambda e: (FINDING_PART.search(abstract_part(e)) is not None
                                     and "RESULT" not in abstract_part(e), e.score))
    rest = [e for e in chosen if e is not best]
    return ([best] + rest)[:max(limit, len(chosen))]


def abstract_part(ev: Ranked) -> str:
    """The label of the abstract's part this sentence is in ("" for an unlabelled abstract)."""
    text, at = ev.passage.text, ev.start - ev.passage.start
    part = ""
    for m in LABEL.finditer(text, 0, min(len(text), at + 80)):
        if m.start() > at + 2:
            break
        part = m.group(1)
    return part.upper()


def _finding(ev: Ranked) -> bool:
    part = abstract_part(ev)
    if part:
        return bool(FINDING_PART.search(part)) and not STATES_AIM.search(ev.display)
    return bool(STATES_FINDING.search(ev.display))
