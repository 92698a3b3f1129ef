"""Chunking that keeps provenance: sentence-aligned chunks with exact page offsets and their section.

Every chunk satisfies page.text[chunk.start:chunk.end] == chunk.text. Chunks never cut a sentence
(unless a single sentence is longer than the chunk size), start afresh at each section heading and
carry the heading as metadata, so "2.3 Initial and Maintenance Dosing" travels with its passage.
The section state flows across pages: a section that starts on page 5 still labels page 6.
"""
from __future__ import annotations

import re

from ingest.text import (
    PLR_SECTION,
    SECTION_NUMBER,
    Heading,
    classify_heading,
    is_drug_facts_heading,
    sentence_spans,
    split_section_heading,
    wrapped_sub_heading,
)
from ingest.types import Chunk, Document

TARGET_CHARS = 700
MAX_CHARS = 1000
MIN_CHARS = 40
STRUCTURED = ("spl", "docx")  # formats whose pages are sections named by the source itself
SECTION_BREAK_CHARS = 150  # a new section starts a new chunk unless the current one is a mere stub


_EMPTY_BULLETS = re.compile(r"^(?:[ \t]*[•·▪◦*–-][ \t]*\n)+")
# Sentences that open a section by the wording the FDA prescribes for it, read as its start where the heading itself
# was not extracted (a heading drawn as an image, a header band): the Medication Guide of a ciprofloxacin label ran
# on as "14.3 Plague > Anthrax and Plague Studies". (21 CFR 208.20: "Read this Medication Guide ..."; 21 CFR
# 201.57(c)(18): section 17 opens "Advise the patient to read the FDA-approved patient labeling".)
OPENINGS = [
    (re.compile(r"^read this (medication guide|patient information|instructions for use)\b", re.I), None),
    (re.compile(r"^advise the patient to read the fda-approved patient labeling\b", re.I),
     "17 PATIENT COUNSELING INFORMATION"),
]


# The note that ends a label's table of contents (21 CFR 201.57(b)): the contents list every heading, and where a
# two-column page runs them into the text ("2.2 Recommended Dosage ..." then "7 DRUG INTERACTIONS ... 17 PATIENT
# COUNSELING INFORMATION"), the text that goes on after them is still under the heading it was under before.
CONTENTS_END = re.compile(r"^\W*sections or subsections omitted from the full prescribing information are not listed",
                          re.I)


class SectionState:
    def __init__(self) -> None:
        self.section = ""
        self.sub = ""
        self._number: str | None = None  # a bare section number ("12.1") whose title is the next line

    def see(self, sentence: str) -> str | None:
        """Update from a sentence; the heading level ("section", "sub", "panel") when it is a heading, "opening" when
        a sentence of text starts a section by its prescribed wording (OPENINGS)."""
        # Highlights put their bullets' text elsewhere: "•\n•\n•\nADVERSE REACTIONS" is a heading.
        sentence = _EMPTY_BULLETS.sub("", sentence)
        flat = " ".join(sentence.split())
        number, self._number = self._number, None
        if SECTION_NUMBER.match(flat) and self._follows(flat):
            self._number = flat
            return None
        opened = _opened(flat)
        if opened and opened.lower() not in self.section.lower() and not self._in_drug_facts(flat):
            self.section, self.sub = opened, ""
            return "opening"
        heading = None
        if "\n" not in sentence.strip() and is_drug_facts_heading(flat) and self._in_drug_facts(flat):
            # A panel of Drug Facts ("Uses", "Do not use", "Directions"): "Drug Facts > Directions", whatever the
            # line looks like (a title-case "Do not use" is not a section of its own).
            self.section, self.sub = "Drug Facts", ("" if flat.lower() == "drug facts" else flat.rstrip(":"))
            return "panel"
        lines = sentence.strip().split("\n")
        wrapped = split_section_heading(*lines) if len(lines) == 2 else None  # "10 OVER" / "DOSAGE"
        wrapped_sub = wrapped_sub_heading(lines)  # "Adult Dosage for" / "Metformin Hydrochloride Tablets:"
        if wrapped:
            heading = Heading("section", wrapped)
        elif wrapped_sub:
            heading = Heading("sub", wrapped_sub)
        elif len(lines) == 1:
            if number:  # "12.1" then "Mechanism of Action": one numbered heading
                heading = classify_heading(f"{number} {flat}")
            heading = heading or classify_heading(sentence)
        if heading is None:
            return None
        level = heading.level
        if level == "section" and " " not in heading.text.strip() and re.match(r"\d", self.section):
            level = "sub"  # a lone capitalised token inside numbered section ("CYP2C9", "SPINAF"): a table header
        if level == "section":
            self.section, self.sub = " ".join(heading.text.split()), ""
        else:
            self.sub = " ".join(heading.text.split())
        return level

    def _in_drug_facts(self, flat: str) -> bool:
        return flat.lower() == "drug facts" or "drug facts" in f"{self.section} {self.sub}".lower()

    def _follows(self, number: str) -> bool:
        """A bare number is a section number only where the label's numbering is at that point
        (section n or n+1), so a table's "2.5" under section 12 is not taken for one."""
        m = re.match(r"(\d+)", self.section)
        if not m or "." not in number:
            return False
        return int(number.split(".", maxsplit=1)[0]) in (int(m.group(1)), int(m.group(1)) + 1)

    @property
    def label(self) -> str:
        if self.section and self.sub:
            return f"{self.section} > {self.sub}"
        return self.section or self.sub


def _prescribed_section(sentence: str) -> bool:
    """A numbered section of the prescribing information, on one line or wrapped across two."""
    lines = sentence.strip().split("\n")
    return bool(PLR_SECTION.match(" ".join(sentence.split())) or (len(lines) == 2 and split_section_heading(*lines)))


def _opened(flat: str) -> str | None:
    """The section a sentence opens by its prescribed wording (OPENINGS), if any."""
    for pattern, section in OPENINGS:
        m = pattern.match(flat)
        if m:
            return section or m.group(1).upper()
    return None


def chunk_document(doc: Document, target: int = TARGET_CHARS, max_chars: int = MAX_CHARS) -> list[Chunk]:
    state = SectionState()
    chunks: list[Chunk] = []
    rev = doc.rev_id
    # Structured sources (SPL, Word) name each page's section exactly: no heading is guessed inside it.
    structured = doc.meta.attributes.get("format") in STRUCTURED
    in_text = ("", "")  # the section and sub-section of the last sentence of text (not a heading)
    for page in doc.pages:
        text = page.text
        if page.heading:
            state.section, state.sub = page.heading, ""
        cur_start = cur_end = None
        cur_label = state.label
        cur_body = False  # the current chunk holds more than headings

        def flush(page=page, text=text):
            nonlocal cur_start, cur_end
            if cur_start is not None and cur_end - cur_start >= 1:
                chunks.append(Chunk(doc.meta.id, rev, page.number, cur_start, cur_end,
                                    text[cur_start:cur_end], cur_label))  # noqa: B023 - the label of this chunk
            cur_start = cur_end = None

        for s, e in sentence_spans(text):
            level = None if structured else state.see(text[s:e])
            is_heading = level not in (None, "opening")  # an opening sentence is text that also starts a section
            if not structured and CONTENTS_END.match(text[s:e]):
                state.section, state.sub = in_text  # the contents' headings were a list, not the text's sections
            elif not is_heading:
                in_text = (state.section, state.sub)
            size = cur_end - cur_start if cur_start is not None else 0
            if cur_start is not None and (
                level == "opening" or
                # a numbered section of the prescribing information starts a chunk after any body, however short
                (level == "section" and (size >= SECTION_BREAK_CHARS
                                         or (cur_body and _prescribed_section(text[s:e]))))
                or (level == "sub" and size >= target // 2)
                or (level == "panel" and cur_body)  # each Drug Facts panel is a passage of its own
                or e - cur_start > max_chars
                or (cur_end - cur_start >= target and e - cur_start > target * 1.15)
            ):
                flush()
            if cur_start is None:
                cur_start, cur_label, cur_body = s, state.label, False
            cur_end = e
            cur_body = cur_body or not is_heading
            if is_heading and s - cur_start < SECTION_BREAK_CHARS:
                cur_label = state.label  # the chunk's label: the heading in force where its text begins
        flush()
    texts = {p.number: p.text for p in doc.pages}
    return _merge_tiny(chunks, texts)


def _merge_tiny(chunks: list[Chunk], texts: dict[int, str]) -> list[Chunk]:
    """A fragment shorter than MIN_CHARS joins the previous chunk of its page when it fits."""
    out: list[Chunk] = []
    for c in chunks:
        prev = out[-1] if out else None
        if (prev is not None and prev.page == c.page and c.end - c.start < MIN_CHARS
                and c.end - prev.start <= MAX_CHARS):
            out[-1] = Chunk(prev.doc_id, prev.rev_id, prev.page, prev.start, c.end,
                            texts[c.page][prev.start:c.end], prev.section)
        else:
            out.append(c)
    return out


def sentence_sections(text: str, section: str) -> list[tuple[int, int, str]]:
    """Sentence spans of a chunk's text, each with the section in force there (headings inside the
    chunk take over from the chunk's own label)."""
    state = SectionState()
    if " > " in section:
        state.section, state.sub = section.split(" > ", 1)
    else:
        state.section = section
    out = []
    for s, e in sentence_spans(text):
        state.see(text[s:e])
        out.append((s, e, state.label))
    return out
