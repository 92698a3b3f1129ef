"""Sentence spans and section headings in extracted text, always as offsets into that text.

PDF extraction breaks lines mid-sentence and scatters cross-references ("( \\n5.1\\n)"), so the
splitter works on the raw text and never rewrites it: every span is (start, end) with
text[start:end] the sentence, stripped of surrounding whitespace.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path


def _lines(name: str) -> tuple[str, ...]:
    """The entries of a list of ingest/data/ (one a line; # starts a comment)."""
    text = (Path(__file__).parent / "data" / name).read_text(encoding="utf-8")
    return tuple(e for e in (line.split("#", 1)[0].strip() for line in text.splitlines()) if e)


def _words(name: str) -> frozenset[str]:
    """A word list of ingest/data/ (one or more words a line)."""
    return frozenset(w for line in _lines(name) for w in line.split())


ABBREVIATIONS = _words("abbreviations.txt")
CONTINUATION_WORDS = _words("continuation_words.txt")
DRUG_FACTS_HEADINGS = _lines("drug_facts_headings.txt")
# A dose or an amount: "10 mg", "0.05 mg/day", "2 tablets" (a line with one is not a heading).
DOSE_UNIT = re.compile(r"\d\s*(?:mg|mcg|µg|g|mL|kg|%|units?|tablets?|capsules?)\b")
SMALL_WORDS = _words("small_words.txt")

_NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,2})\s+([A-Z][^\n]{2,90})$")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_TERMINAL = ".!?:;)]"
_MAX_SENTENCE = 600


@dataclass(frozen=True)
class Heading:
    level: str  # "section" (numbered or capitals) or "sub" (title case)
    text: str


def classify_heading(line: str) -> Heading | None:
    """Is this stripped line a heading? Label section numbers, capitals and short title-case lines."""
    line = " ".join(line.split())
    if not line or len(line) > 100 or line[-1] in ".,;" or " | " in line:  # " | ": a table row (ingest/tables.py)
        return None
    m = _NUMBERED.match(line)
    if m and not DOSE_UNIT.search(line) and mostly_capitalised(m.group(2)):
        return Heading("section", line)
    capitals = in_capitals(line)
    if capitals and (_caps_prose(line) or numeric_row(line)):
        return None
    if capitals and sum(c.isalpha() for c in line) >= 4 and len(line.split()) <= 12:
        return Heading("section", line)
    words = _WORD.findall(line)
    if (2 <= len(words) <= 9 and line[0].isupper() and line[-1] not in _TERMINAL and mostly_capitalised(line)
            and not re.search(r"\d", line)):
        return Heading("sub", line)
    return None


# A line of a paragraph set in capitals, wrapped (a Medication Guide's "YOU MAY REPORT / SIDE EFFECTS TO FDA AT
# 1-800-FDA-1088."): it ends on a word that continues the sentence, speaks to the reader or has a modal verb without
# asking, or introduces a list in five words or more.
_CONTINUES = frozenset("a an and as at about after before by for from if in into of on or than that the to with not "
                       "is are may can tell call ask keep your you".split())
_READER = re.compile(r"\b(?:YOU|YOUR|MAY|CAN|SHOULD|WILL|MUST)\b")  # the reader, or a modal verb: a sentence
# a verb no heading has: "SERIOUS AND FATAL REACTIONS HAVE BEEN REPORTED IN ...", "DO NOT SPLIT, CRUSH, OR CHEW ..."
CAPS_VERB = re.compile(r"\b(?:HAVE|HAS|HAD)\s+(?:NOT\s+)?BEEN\b|\b(?:DO|DOES|DID|IS|ARE|WAS|WERE)\s+NOT\b")


def _caps_prose(line: str) -> bool:
    """Is this line of capitals part of a sentence ("THE MOST COMMON SIDE EFFECTS OF X INCLUDE:") rather than a
    heading?"""
    last = line.rsplit(maxsplit=1)[-1].strip(",:;()").lower()
    return (last in _CONTINUES or (line[-1] != "?" and (_READER.search(line) or CAPS_VERB.search(line)) is not None)
            or (line[-1] == ":" and len(line.split()) >= 5))


def in_capitals(line: str) -> bool:
    """Every letter of the line is a capital (and it has letters)."""
    letters = [c for c in line if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def numeric_row(line: str) -> bool:
    """A row of a table whose cells came out as one line of text ("HR (95% CI)* 1.13 (0.76, 1.69) 1.26 (0.85, 1.87)",
    "PASI 75 578 (71%) 26 (7%)"): as many numbers as words. Its capitals make no heading."""
    tokens = line.split()
    numbers = sum(1 for t in tokens if any(c.isdigit() for c in t))
    words = sum(1 for t in tokens if not any(c.isdigit() for c in t) and sum(c.isalpha() for c in t) >= 2)
    return numbers >= 2 and numbers >= words


def caps_sentence(lines: list[str]) -> bool:
    """Lines of capitals that make a sentence ("THE SAFETY AND EFFECTIVENESS OF X EXTENDED-RELEASE" / "TABLETS IN
    PEDIATRIC PATIENTS ... HAVE NOT BEEN"): from the first, a run of lines in capitals (at most four, up to a full
    stop) that says a verb no heading has. The first line is long (six words or more) and neither a boxed warning's
    title nor ends on a colon: a short heading over a paragraph in capitals stays one."""
    first = lines[0].strip() if lines else ""
    if len(first.split()) < 6 or first.startswith("WARNING") or first.endswith(":"):
        return False
    run = []
    for line in lines[:4]:
        line = line.strip()
        if not in_capitals(line):
            break
        run.append(line)
        if line.endswith("."):
            break
    return CAPS_VERB.search(" ".join(run)) is not None


def mostly_capitalised(text: str) -> bool:
    """Three quarters of its words (small words aside) start with a capital: title case."""
    words = [w for w in _WORD.findall(text) if w.lower() not in SMALL_WORDS]
    if not words:
        return False
    caps = sum(1 for w in words if w[0].isupper())
    return caps / len(words) >= 0.75


def _line_spans(text: str):
    pos = 0
    for line in text.split("\n"):
        yield pos, pos + len(line), line
        pos += len(line) + 1


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentence (or list item, or heading) spans of `text`, in order, whitespace-trimmed."""
    cuts = _boundaries(text)
    spans = []
    prev = 0
    for cut in sorted(cuts) + [len(text)]:
        if cut <= prev:
            continue
        spans.extend(_trim_and_split(text, prev, cut))
        prev = cut
    return spans


# The numbered sections of the FDA prescribing-information format (21 CFR 201.57(c)). Such a line starts a section
# even when the line above ends without punctuation (a wrapped list item: "... autoinjector only\n4 CONTRAINDICATIONS").
PLR_SECTION = re.compile(
    r"^1?\d\s+(?:INDICATIONS AND USAGE|DOSAGE AND ADMINISTRATION|DOSAGE FORMS AND STRENGTHS|CONTRAINDICATIONS|"
    r"WARNINGS AND PRECAUTIONS|ADVERSE REACTIONS|DRUG INTERACTIONS|USE IN SPECIFIC POPULATIONS|"
    r"DRUG ABUSE AND DEPENDENCE|OVERDOSAGE|DESCRIPTION|CLINICAL PHARMACOLOGY|NONCLINICAL TOXICOLOGY|"
    r"CLINICAL STUDIES|REFERENCES|HOW SUPPLIED/STORAGE AND HANDLING|PATIENT COUNSELING INFORMATION)$")


def split_section_heading(first: str, second: str) -> str | None:
    """A numbered section heading wrapped across two lines ("10 OVER" / "DOSAGE", "12 CLINICAL" / "PHARMACOLOGY"):
    the heading it makes, else None. The first line must hold the number and a word, so that a page number above a
    heading ("2" / "CONTRAINDICATIONS") is not taken for the section's number."""
    first, second = " ".join(first.split()), " ".join(second.split())
    if not re.match(r"1?\d\s+[A-Z]", first) or PLR_SECTION.match(first) or PLR_SECTION.match(second):
        return None
    for joined in (first + second, f"{first} {second}"):
        if PLR_SECTION.match(joined):
            return joined
    return None


# Words a title-case line cannot end on when the next line starts with a number: it goes on there ("Store at" /
# "20° to 25°C").
_OPEN_END = frozenset("a an and as at by for from in into of on or than that the to with".split())


def wrapped_sub_heading(lines: list[str]) -> str | None:
    """A title-case heading wrapped after a preposition, article or conjunction ("Pediatric Dosage for" /
    "Metformin Hydrochloride Tablets" / ":"): the heading it makes, else None."""
    lines = [" ".join(ln.split()) for ln in lines if ln.strip()]
    if not 2 <= len(lines) <= 3 or lines[0].split()[-1] not in _OPEN_END or "," in lines[0]:
        return None  # a comma: a list of headings or of changes ("Warnings and Precautions, Major Adverse")
    words = " ".join(lines).split()
    if 2 * sum(w.isupper() and len(w) > 1 for w in words) > len(words):
        return None  # capitals: a boxed warning's title wrapped ("... EVENTS (MACE), and" / "THROMBOSIS")
    first = classify_heading(lines[0])
    joined = " ".join(lines).rstrip(" :")
    whole = classify_heading(joined)
    return joined if first and first.level == "sub" and whole and whole.level == "sub" else None


# A Highlights heading set between rules ("-----INDICATIONS AND USAGE-----", "___WARNINGS___"): a heading whatever the
# line above ends with ("Initial U.S. Approval: 1975", a recent change's date "12/2021").
RULED_HEADING = re.compile(r"^[-_–—=]{3,}\s*[A-Z].*[A-Z]\s*[-_–—=]{3,}$")


def _boundaries(text: str) -> set[int]:
    cuts: set[int] = set()
    lines = list(_line_spans(text))
    widest = _block_widths(lines)
    depth_at = _bracket_depths(text)
    # Line-level boundaries: headings, list items, lines that end a sentence.
    for i, (_, e, line) in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            cuts.add(e)  # blank line ends whatever came before
            continue
        if i + 1 >= len(lines):
            continue
        nxt = lines[i + 1][2].strip()
        if not nxt:
            continue
        if depth_at[min(e, len(text) - 1)] > 0 or split_section_heading(stripped, nxt):
            continue
        heading = classify_heading(stripped)
        if heading and heading.level == "section" and caps_sentence([x[2] for x in lines[i:i + 4]]):
            continue  # a sentence set in capitals, wrapped: it goes on on the next line
        if heading and heading.level == "sub" and not (nxt[0].isupper() or nxt[0].isdigit() or _starts_item(nxt)):
            heading = None  # "Warfarin Sodium Tablets USP\nare supplied as ...": a wrapped sentence
        if heading and heading.level == "sub" and nxt[0].isdigit() and stripped.split()[-1] in _OPEN_END:
            heading = None  # "Store at\n20° to 25°C ...": a sentence wrapped after a preposition
        if heading and wrapped_sub_heading([stripped, nxt]):
            continue  # "Adult Dosage for" / "Metformin Hydrochloride Tablets:": one heading, wrapped
        if heading or _starts_item(nxt) or starts_drug_facts_heading(nxt) or is_drug_facts_heading(stripped) or (
            classify_heading(nxt) and (stripped[-1] in _TERMINAL or RULED_HEADING.match(nxt))
        ) or PLR_SECTION.match(" ".join(nxt.split())):
            cuts.add(e)
            continue
        last_word = stripped.split()[-1].lower().rstrip(",")
        first = nxt[0]
        if stripped[-1] in ".!?" and (first.isupper() or first.isdigit()) and not _is_abbrev(stripped):
            cuts.add(e)
        elif stripped[-1] in ":;)]" and (first.isupper() or first in "•·-–*"):
            cuts.add(e)
        elif (first.isupper() and stripped[-1].isalnum() and last_word not in CONTINUATION_WORDS
              and not stripped.endswith(("-", ",", "/")) and _looks_like_item(stripped)):
            cuts.add(e)
        elif first.islower() and _short_in_block(len(stripped), widest[i]) and (
                (stripped[-1].isalnum() and last_word not in CONTINUATION_WORDS
                 and not _PREDICATE.match(nxt) and not _PREDICATE.match(stripped))
                or (stripped[-1] == "." and not _is_abbrev(stripped))):
            cuts.add(e)  # an unpunctuated list item (a Drug Facts panel whose bullets were lost in extraction)
    # In-line boundaries: terminal punctuation followed by space and a capital.
    for m in re.finditer(r"[.!?](?:[\"'”’)\]]*)\s+(?=[\"'“(\[]?[A-Z0-9•])", text):
        if depth_at[m.start()] > 0:
            continue
        before = text[max(0, m.start() - 12):m.start() + 1]
        if _is_abbrev(before) or re.search(r"\d\.$", before) and text[m.end():m.end() + 1].isdigit():
            continue
        cuts.add(m.start() + len(m.group(0).rstrip()))
    return cuts


def is_drug_facts_heading(line: str) -> bool:
    """The line is a Drug Facts heading and nothing else ("Stop use and ask a doctor if"): it introduces what
    follows, like a lead-in ending with a colon."""
    flat = " ".join(line.lower().split()).rstrip(":")
    # "Active ingredient (in each tablet)": a heading with what it applies to
    return flat in DRUG_FACTS_HEADINGS or re.sub(r"\s*\([^()]*\)$", "", flat) in DRUG_FACTS_HEADINGS


def starts_drug_facts_heading(line: str) -> bool:
    """The line begins with a Drug Facts heading ("Directions", "Stop use and ask a doctor if ...")."""
    low = line.lower()
    return any(low.startswith(h) and (len(low) == len(h) or not low[len(h)].isalnum()) for h in DRUG_FACTS_HEADINGS)


def _block_widths(lines: list) -> list[int]:
    """For each line, the length of the longest line of its block (the non-empty lines around it)."""
    out = [0] * len(lines)
    start = 0
    for i in range(len(lines) + 1):
        if i == len(lines) or not lines[i][2].strip():
            width = max((len(line[2].strip()) for line in lines[start:i]), default=0)
            out[start:i] = [width] * (i - start)
            start = i + 1
    return out


def _short_in_block(length: int, widest: int, share: float = 0.6, width: int = 50) -> bool:
    """Does a line end well short of its block's longest line (a wrapped sentence fills the column, a list item
    does not)? A block narrower than `width` is measured against `width`: a passage of one short Drug Facts panel
    ("Stop use and ask a doctor if / you feel faint or vomit blood / ringing in the ears ...") holds no full-width
    line, yet its items are items. Hand-set: bench/RESULTS.md, "Drug Facts items"."""
    return length < share * max(widest, width)


# A line that starts with the verb of a sentence whose subject came before ("Warfarin Sodium Tablets USP, 1 mg" /
# "are supplied as pink to light pink, oval shaped" / "uncoated scored tablets ..."): the sentence goes on, it is no
# list item (a bold run the PDF set on its own line had been cut off as one, and quoted alone).
_PREDICATE = re.compile(r"(?:are|is|was|were|contains?|should|must|will|may)\s")


def _starts_item(line: str) -> bool:
    return bool(re.match(r"^([•·▪◦*–-]|\(?[a-z0-9]{1,2}[.)])\s", line))


def _looks_like_item(line: str) -> bool:
    # A line ending without punctuation before a capitalised line: a list item or table row,
    # unless it is a long line that simply wrapped (those usually end in a small word).
    return len(line) < 70 or line.rstrip().endswith(")")


def _is_abbrev(before: str) -> bool:
    m = re.search(r"(?:^|[\s(])([A-Za-z](?:\.[A-Za-z])*|[A-Za-z]{1,6})\.$", before)
    if not m:
        return False
    token = m.group(1).lower()
    return token in ABBREVIATIONS or (len(token) == 1 and token.isalpha() and m.group(1).isupper())


def _bracket_depths(text: str) -> list[int]:
    """Depth of () and [] at each character; a depth held over 300 characters is dropped."""
    depths = [0] * (len(text) + 1)
    depth = 0
    opened_at = 0
    for i, c in enumerate(text):
        if c in "([":
            if depth == 0:
                opened_at = i
            depth += 1
        elif c in ")]" and depth > 0:
            depth -= 1
        if depth and i - opened_at > 300:
            depth = 0
        depths[i] = depth
    depths[len(text)] = depth
    return depths


def _trim_and_split(text: str, start: int, end: int) -> list[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end:
        return []
    if end - start <= _MAX_SENTENCE:
        return [(start, end)]
    # Over-long run (tables, lists without punctuation): split at line breaks, then at '; ', ', ', ' '.
    for sep in ("\n", "; ", ", ", " "):
        cut = text.rfind(sep, start + 1, start + _MAX_SENTENCE)
        if cut > start + 50:
            return _trim_and_split(text, start, cut + (len(sep) if sep != "\n" else 0)) + \
                _trim_and_split(text, cut + len(sep), end)
    return [(start, start + _MAX_SENTENCE)] + _trim_and_split(text, start + _MAX_SENTENCE, end)


def normalize_space(text: str) -> str:
    """The text as a reader sees it: whitespace runs collapsed, PDF cross-reference breaks joined."""
    text = " ".join(text.split())
    text = re.sub(r"\( (\d)", r"(\1", text)
    text = re.sub(r"(\d) \)", r"\1)", text)
    return text


_SEE = r"\s*\[\s*see\b[^\]]*\]"  # "[see Warnings and Precautions (5.1)]"
_XREF = re.compile(_SEE + r"|"
                   r"\s*\(\s*\d{1,2}(?:\.\d{1,2})?(?:\s*,\s*\d{1,2}(?:\.\d{1,2})?)*\s*\)(?=\s*[.;:]?\s*$)", re.I)
_SEE_XREF = re.compile(_SEE, re.I)


# A table row as ingest/tables.py and ingest/spl.py write it ("VKORC1: AG | CYP2C9 *1/*3: 3-4 mg").
TABLE_ROW = re.compile(r"\S: \S[^|]*\s\|\s\S")


def without_xrefs(text: str) -> str:
    """A sentence for reading: label cross-references ("[see Warnings (5.1)]", a trailing "(5.1)") removed. In a table
    row a trailing number in brackets is a value ("7 (2.1)": 7 patients, 2.1 %) and stays."""
    flat = normalize_space(text)
    if TABLE_ROW.search(flat):
        return _SEE_XREF.sub("", flat).strip() or flat
    out = _XREF.sub("", flat).strip()
    out = re.sub(r"\s+([.,;:])", r"\1", out)
    out = re.sub(r"\.\s*\.$", ".", out)
    out = re.sub(r"(?:\s+[o•▪◦·])+$", "", out)  # list markers whose items the PDF put elsewhere
    return out or normalize_space(text)


SECTION_NUMBER = re.compile(r"^\d{1,2}\.\d{1,2}$")  # "12.1" printed on a line of its own
_TOC_ENTRY = re.compile(r"^\d{1,2}(?:\.\d{1,2})?\s+[A-Z]")
# A table-of-contents run inside a sentence: "Pharmacogenomics 13 NONCLINICAL TOXICOLOGY".
TOC_TEXT = re.compile(r"(?:^|\s)\d{1,2}(?:\.\d{1,2})?\s+[A-Z]{4,}(?:\s+(?:[A-Z]{2,}|AND|OF))*(?:\s|$)")


def toc_like(text: str) -> bool:
    """A table of contents continued past its marker: numbered headings ("5.1 Hemorrhage", or "5.1" with
    its title on the next line) and no prose."""
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    numbered = sum(1 for i, ln in enumerate(lines)
                   if _TOC_ENTRY.match(ln) or (SECTION_NUMBER.match(ln) and i + 1 < len(lines)
                                               and lines[i + 1][:1].isupper()))
    prose = sum(1 for ln in lines if len(ln.split()) >= 8 and not _TOC_ENTRY.match(ln))
    sentences = sum(1 for ln in lines if ln.endswith(".") and len(ln.split()) >= 4)
    return numbered >= 3 and numbered >= 0.4 * len(lines) and prose <= 1 and not sentences
