"""What a chosen evidence sentence is shown with, and in which order: the lead-in of its list, the sentence it
leans on ("This risk ..."), the sentences of one passage in the order of its text."""
from __future__ import annotations

import re
from typing import TypeVar

from assistant.answering.lead import Ranked

Evidence = TypeVar("Evidence", bound=Ranked)


def with_lead_ins(chosen: list[Evidence], candidates: list[Evidence]) -> list[Evidence]:
    """A chosen list item is preceded by the sentence that introduces its list ("... contraindicated in:")."""
    by_chunk: dict[str, list[Evidence]] = {}
    for c in candidates:
        by_chunk.setdefault(c.passage.chunk_id, []).append(c)
    out: list[Evidence] = []
    for ev in chosen:
        heading = ev.section.rsplit(" > ", 1)[-1] if ev.section.endswith("?") else ""
        if heading:  # under a Medication Guide's question: the question first
            asked = [s for s in by_chunk.get(ev.passage.chunk_id, []) if s.lead_in and s.start < ev.start
                     and " ".join(s.display.split()) == " ".join(heading.split())]
            if asked and asked[-1] not in out:
                out.append(asked[-1])
        if _is_item(ev):
            intro = None
            for s in sorted(by_chunk.get(ev.passage.chunk_id, []), key=lambda e: -e.start):
                if s.start >= ev.start:
                    continue
                if s.lead_in:
                    intro = s if s.section == ev.section else None  # not a heading of another panel
                    break
                if not _is_item(s):
                    break
            if intro is not None and intro not in out:
                out.append(intro)
        if ev not in out:
            out.append(ev)
    return out


# A sentence that leans on the one before it: "This risk is further increased ...", "These patients ...",
# "In these situations ...", "However, ...". Shown only after the sentence it leans on. "This study", "In this work"
# name the abstract's own study, not the sentence before ("In this work, we investigated ... lncRNA prostate
# cancer-associated transcript 6 (PCAT6) ...", a BioASQ dev snippet of one sentence, was never evidence).
_SELF = r"(?:study|work|paper|article|review|report|trial|analysis|investigation|research|survey|meta-analysis)\b"
ANAPHORIC = re.compile(r"^(?:[•·▪◦*–-]\s*)?(?:(?:This\s+(?!" + _SELF + r")|(?:These|That|Those|Such)\s+)"
                       r"(?!product\b|medicine\b|drug\b|label\b)[a-z]|They\b|Both\b|In (?:these|such) \w+|"
                       rf"In this (?!{_SELF})\w+|However\b|Therefore\b|Thus\b|"
                       r"Furthermore\b|Moreover\b|In addition\b|Additionally\b|Conversely\b|Similarly\b)")


def with_antecedents(chosen: list[Evidence], candidates: list[Evidence]) -> list[Evidence]:
    """An anaphoric sentence comes after the sentence just before it in its passage, or not at all."""
    out: list[Evidence] = []
    for ev in chosen:
        if ANAPHORIC.match(ev.display.lstrip()) and not any(
                o.passage.chunk_id == ev.passage.chunk_id and o.end <= ev.start and _adjacent(o, ev) for o in out):
            before = sentence_before(ev, candidates)
            if before is None:
                continue  # what it refers to is not shown: leave it out
            if before not in out:
                out.append(before)
        if ev not in out:
            out.append(ev)
    return out


def sentence_before(ev: Evidence, candidates: list[Evidence]) -> Evidence | None:
    prior = [c for c in candidates if c.passage.chunk_id == ev.passage.chunk_id and c.end <= ev.start]
    if not prior:
        return None
    best = max(prior, key=lambda c: c.start)
    return best if _adjacent(best, ev) else None


def _adjacent(a: Evidence, b: Evidence) -> bool:
    """Nothing but spaces and bullets between a and b in their passage (no sentence was skipped)."""
    p = a.passage
    gap = p.text[a.end - p.start:b.start - p.start]
    return not re.search(r"[A-Za-z]{2}", gap)


def in_reading_order(chosen: list[Evidence]) -> list[Evidence]:
    """The lead (with what introduces it) first, then the other sentences passage by passage, each passage in the
    order of its text: an answer does not jump back and forth inside one passage."""
    if len(chosen) <= 2:
        return chosen
    lead_end = 1
    while lead_end < len(chosen) and chosen[lead_end - 1].passage.chunk_id == chosen[lead_end].passage.chunk_id \
            and (chosen[lead_end - 1].lead_in or ANAPHORIC.match(chosen[lead_end].display.lstrip())) \
            and chosen[lead_end - 1].start < chosen[lead_end].start:
        lead_end += 1
    head, rest = chosen[:lead_end], chosen[lead_end:]
    first_seen: dict[str, int] = {}
    for i, ev in enumerate(rest):
        first_seen.setdefault(ev.passage.chunk_id, i)
    return head + sorted(rest, key=lambda e: (first_seen[e.passage.chunk_id], e.start))


def _is_item(ev: Evidence) -> bool:
    flat = ev.display
    return not flat.endswith((".", "!", "?")) or flat.startswith(("•", "-", "–")) or flat[:1].islower()
