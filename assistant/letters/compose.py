"""MSL response letters built from a verified answer: reference line and date, salutation, the
unsolicited-request statement, the question, a summary, evidence grouped by source type (approved
labelling first, then literature), numbered references (title, version and date, page), and a closing
with the reviewer-approval placeholder. Every evidence sentence is a verified claim of the answer with
its references; the framing text comes from prompts/letter_v1.yaml.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from assistant.contract import Answer
from assistant.prompts import template
from assistant.question.language import traditional


@dataclass
class Reference:
    n: int
    title: str
    version: str
    effective: str | None
    pages: list[int]
    source_type: str
    document_id: str
    document_status: str = "approved"
    sections: list[str] = field(default_factory=list)  # sources without pages (SPL, Word): sections cited
    citation: str | None = None  # literature: the NLM/Vancouver reference with DOI and PMID

    @property
    def label(self) -> str:
        """What kind of source this is, as a reviewer must see it."""
        if self.document_status == "unreviewed":
            return "Unreviewed content"
        return {"approved": "Approved labelling", "literature": "Published literature"}.get(self.source_type,
                                                                                          self.source_type)

    def text(self) -> str:
        if self.citation:
            return f"[{self.label}] {self.citation}"
        dated = f", effective {self.effective}" if self.effective else ""
        where = []
        if self.pages:
            where.append(f"Page{'s' if len(self.pages) > 1 else ''} {', '.join(str(p) for p in sorted(self.pages))}.")
        if self.sections:
            where.append(f"Section{'s' if len(self.sections) > 1 else ''} {'; '.join(self.sections)}.")
        return f"[{self.label}] {self.title}. Version {self.version}{dated}. " + " ".join(where)


@dataclass
class Sentence:
    text: str
    refs: list[int]

    def render(self) -> str:
        return self.text + " " + "".join(f"[{n}]" for n in self.refs)


@dataclass
class Letter:
    reference: str
    date: str
    salutation: str
    question: str
    status: str
    summary: list[Sentence]
    sections: list[tuple[str, list[Sentence]]]
    references: list[Reference]
    notices: list[str] = field(default_factory=list)
    template: dict = field(default_factory=dict)
    trace_id: str = ""
    requester_type: str | None = None  # who the letter answers: hcp (with profession), consumer, internal
    profession: str | None = None

    def requester_line(self) -> str | None:
        if not self.requester_type or "requester_line" not in self.template:
            return None
        kind = self.template.get("requester_types", {}).get(self.requester_type, self.requester_type)
        if self.profession:
            kind += f" ({self.profession})"
        return self.template["requester_line"].format(requester_type=kind)


def build(answer: Answer, requester: str | None = None, effective_dates: dict[str, str | None] | None = None,
          today: date | None = None) -> Letter:
    t = _template(answer.language)
    today = today or date.today()
    dates = effective_dates or {}
    # One reference per document, approved labelling first, in order of first citation.
    cites = sorted(answer.citations, key=lambda c: (c.source_type != "approved", c.n))
    refs: dict[str, Reference] = {}
    for c in cites:
        ref = refs.get(c.document_id)
        if ref is None:
            ref = refs[c.document_id] = Reference(len(refs) + 1, c.title, c.version, dates.get(c.document_id), [],
                                                  c.source_type, c.document_id, c.document_status)
        if c.section_position:
            if c.section_path not in ref.sections:
                ref.sections.append(c.section_path or f"{c.section_position}")
        elif c.page not in ref.pages:
            ref.pages.append(c.page)
        ref.citation = ref.citation or c.reference
    by_n = {c.n: c for c in answer.citations}
    sentences: list[tuple[Sentence, str]] = []
    labelling: tuple[Sentence, str] | None = None
    for claim in answer.claims:
        if not claim.supported:
            continue
        ns = list(dict.fromkeys(refs[by_n[n].document_id].n for n in claim.citations if n in by_n))
        kinds = {by_n[n].source_type for n in claim.citations if n in by_n}
        sentences.append((Sentence(_sentence(claim.text), ns), "approved" if "approved" in kinds else "literature"))
        if labelling is None and any(by_n[n].product for n in claim.citations if n in by_n):
            labelling = sentences[-1]
    # The summary is a product's approved labelling whenever the answer cites any: literature never becomes the
    # summary over it. Otherwise the answer's own lead (answering/lead.py orders them alike).
    lead = labelling or (sentences[0] if sentences else None)
    summary = [lead[0]] if lead else []
    rest = [s for s in sentences if s is not lead] if len(sentences) > 1 else sentences
    sections = []
    for kind, heading in (("approved", t["approved_heading"]), ("literature", t["literature_heading"])):
        items = [s for s, k in rest if k == kind]
        if items:
            sections.append((heading, items))
    notices = list(answer.notices)
    if answer.status != "answered":
        notices.insert(0, " ".join(x for x in (t["no_evidence"], answer.explanation or "") if x))
    salutation = t["salutation"].format(requester=requester) if requester else t["salutation_default"]
    return Letter(reference=f"MI-{today:%Y%m%d}-{answer.trace_id[:8].upper()}", date=today.isoformat(),
                  salutation=salutation,
                  # a question in another language is shown as asked (its resolution is in English search words)
                  question=answer.question if answer.language else answer.resolved_question or answer.question,
                  status=answer.status, summary=summary,
                  sections=sections, references=sorted(refs.values(), key=lambda r: r.n), notices=notices,
                  template=t, trace_id=answer.trace_id, requester_type=answer.requester_type,
                  profession=answer.profession)


def _template(language: str | None) -> dict:
    """The framing text in the question's language where prompts/ has it (letter_v1.<language>.yaml; Chinese in
    traditional characters from the simplified one), else in English. The evidence stays verbatim."""
    base = (language or "").split("-")[0]
    try:
        t = template(f"letter_v1.{base}") if base else template("letter_v1")
    except FileNotFoundError:
        return template("letter_v1")
    if language == "zh-Hant":
        t = {k: traditional(v) if isinstance(v, str) else {a: traditional(b) for a, b in v.items()}
             if isinstance(v, dict)
             else v for k, v in t.items()}
    return t


def _sentence(text: str) -> str:
    text = text.strip()
    return text if re.search(r"[.!?:]$", text) else text + "."


def to_markdown(letter: Letter) -> str:
    t = letter.template
    out = [f"# {t['title']}", "", t["reference"].format(reference=letter.reference) + "  ",
           t["date"].format(date=letter.date) + ("  " if letter.requester_line() else ""),
           *([letter.requester_line()] if letter.requester_line() else []), "", letter.salutation, "",
           " ".join(t["unsolicited"].split()), "",
           t["question"].format(question=letter.question), ""]
    for n in letter.notices:
        out += [f"> {n}", ""]
    if letter.summary:
        out += [f"## {t['summary_heading']}", "", " ".join(s.render() for s in letter.summary), ""]
    for heading, items in letter.sections:
        out += [f"## {heading}", ""] + [f"- {s.render()}" for s in items] + [""]
    if letter.references:
        out += [f"## {t['references_heading']}", ""] + [f"{r.n}. {r.text()}" for r in letter.references] + [""]
    out += [" ".join(t["closing"].split()), "", *t["signoff"].split("\n"), "", "---", "", t["approval"], "",
            f"<sub>Trace {letter.trace_id}</sub>", ""]
    return "\n".join(out)
