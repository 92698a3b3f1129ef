"""Evidence selection: sentence spans inside the retrieved passages, scored against the question and
de-duplicated across near-identical labels.

Each piece of evidence is an exact span of a stored page (chunk start + sentence offsets), so its
quote is the page text between its offsets, never a paraphrase.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.answering import choice
from assistant.answering.acronyms import Aliases, defined
from assistant.answering.choice import asked_section_kept, differ_notice, duplicate_of, numbers, of_strength
from assistant.answering.context import ANAPHORIC, in_reading_order, sentence_before, with_antecedents, with_lead_ins
from assistant.answering.key_terms import key_terms, subject
from assistant.answering.lead import direct_first, findings_first, labelling_first
from assistant.answering.low_value import PACKAGE_LINE
from assistant.answering.retrieval import Hit, Passage, Snapshot
from assistant.question.intents import INTENTS, answered_stems, section_matches, vouched_stems
from assistant.question.terms import present, stem_tokens
from assistant.settings import Thresholds
from ingest.identity import FORMS, is_stamp
from ingest.text import (
    DOSE_UNIT,
    DRUG_FACTS_HEADINGS,
    TABLE_ROW,
    TOC_TEXT,
    classify_heading,
    is_drug_facts_heading,
    mostly_capitalised,
    without_xrefs,
)

# Never evidence: page furniture of labels and DailyMed prints (its "may not be the latest approved by FDA" banner,
# the "----------" rule under its title), recent-changes lines, a store brand's trademark note.
BOILERPLATE = re.compile(r"(see full prescribing information|these highlights do not include|revised:\s*\d|"
                         r"\(\d+(?:\.\d+)?\)\s+\d{1,2}/\d{4}|"  # "Calciphylaxis (5.3) 9/2016": recent changes
                         r"to report suspected adverse reactions|initial u\.s\. approval|^table \d+[:.]?\s*$|"
                         r"medical subject headings|may not be the latest approved by fda|-{8,}|"
                         r"sections or subsections omitted from the full prescribing information|"  # contents note
                         r"^keep (?:this and all drugs )?out of (?:the )?reach of children\.?$|"  # on every Drug Facts
                         r"^questions or comments\??$|tamper[- ]evident|"  # Drug Facts' last panel; the carton's seal
                         r"not (?:affiliated with|manufactured or distributed by) the (?:owner|makers?)\b)", re.I)
# Never evidence for a claim: an entry of a reference list ("Kelly DJ, et al. Serum concentrations of ...", "Smith AB,
# Jones CD. Title. J Med. 2001;...") or a label's References section, which cite sources rather than state findings;
# SPL product-data rows ("ciprofloxacin (UNII: 5E8K9I0O4U)", ingredient and packaging tables).
REFERENCE_ENTRY = re.compile(r"^(?:\[?\d{1,3}[.)\]]\s*)?[A-Z][A-Za-z'’-]+\s+[A-Z]{1,3}\b,?\s+"
                             r"(?:et\s+al\b|[A-Z][A-Za-z'’-]+\s+[A-Z]{1,3}\b)")
REFERENCES_SECTION = re.compile(r"(?:^|>\s*)(?:\d+(?:\.\d+)*\s+)?(?:references?|bibliography)\s*$", re.I)
PRODUCT_DATA = re.compile(r"\bUNII\s*:", re.I)
# A label's product-name line names the product and says nothing about it: "XARELTO® (rivaroxaban) tablets, for
# oral use", "TYENNE® (tocilizumab-aazg) injection, for intravenous use".
_PRODUCT_NAME = re.compile(rf"[A-Z][A-Za-z0-9®™-]*(?:\s+[A-Z][A-Za-z0-9®™-]*){{0,3}}\s*(?:®|™|TM)?\s*"
                           rf"\([a-z][a-z0-9 ,-]{{2,60}}\)\s*(?:[a-z-]+\s+){{0,3}}?(?:{FORMS})\b"
                           rf"(?:\s*,?\s*for\s+[a-z ]+?\s+use)?")


# A DailyMed title line: the product in capitals, a hyphen, the generic name and form ("ACETAMINOPHEN 325 MG-
# acetaminophen tablet", "ZESTRIL- lisinopril tablet").
_SPL_TITLE = re.compile(r"([A-Z0-9][A-Z0-9 .,%/&()®™-]*?)\s*-\s+([a-z][a-z0-9 ,.%()/-]*)")


def product_line(flat: str) -> bool:
    """Nothing but product names: what is left without them has no word."""
    m = _SPL_TITLE.fullmatch(flat.strip())
    if m and (re.search(rf"\b(?:{FORMS})\b", m.group(2)) or m.group(1).split()[0].lower() in m.group(2)):
        return True
    rest = _PRODUCT_NAME.sub("", flat)
    return rest != flat and not re.search(r"[A-Za-z]{3,}", rest)


@dataclass
class Evidence:
    passage: Passage
    start: int  # page offsets
    end: int
    text: str  # exactly page_text[start:end]
    score: float
    hit_rank: int
    overlap: float
    lead_in: bool = False  # a sentence ending with ':' that introduces a list
    section: str = ""  # label section in force at this sentence
    also_in: list[str] = field(default_factory=list)  # other documents stating the same

    @property
    def display(self) -> str:
        return without_xrefs(self.text)


@dataclass
class Selection:
    evidence: list[Evidence]
    coverage: float  # share of the question's key terms (IDF-weighted) found in the evidence
    best_overlap: float
    notices: list[str]
    terms: dict[str, float] = field(default_factory=dict)  # key terms of the question, IDF-weighted
    aliases: Aliases = field(default_factory=Aliases)  # abbreviations the evidence defines for the question's words
    scored: list[Evidence] | None = None  # the evidence in score order, when an abstract's finding leads instead

    @property
    def judged(self) -> list[Evidence]:
        """The evidence the answerability model reads: in the order it was fitted on."""
        return self.evidence if self.scored is None else self.scored

    @property
    def n_terms(self) -> int:
        return len(self.terms)


def _sentences(hit: Hit) -> list[tuple[int, int, str, bool, str]]:
    """(page start, page end, text, is_lead_in, section) for the usable sentences of a hit."""
    p = hit.passage
    out = []
    in_list = False  # after a lead-in, a lower-case sentence is a list item, not the tail of a cut sentence
    last: int | None = None  # the sentence just before, if usable
    asked = ""  # the question heading of patient labelling the sentences come under
    for s, e, section in _short_items_joined(p.text, p.sentence_sections()):
        if not in_list and p.text[s:e].rstrip().endswith(",") and not p.text[e:].strip():
            # cut by the passage's end ("Although effective in clinical trials,"): quoted up to its last full stop
            # ("... (MDS). - Treatment is planned ... - Seven types of standard treatment are used for AML,"), if any
            stop = max(p.text.rfind(". ", s, e), p.text.rfind(".\n", s, e))
            if stop < 0:
                in_list = False
                continue
            e = stop + 1
        text = p.text[s:e]
        flat = BULLETS.sub("", without_xrefs(text))  # bullets and cross-references aside
        if p.kind == "approved":
            # A Medication Guide is headed by questions ("What should I avoid while taking warfarin sodium
            # tablets?"): the question heads the sentences after it, and is shown only with them.
            if flat.rstrip().endswith("?") and len(flat.split()) >= 3:
                asked, in_list = " ".join(flat.split()), False
                out.append((p.start + s, p.start + e, text, True, section))
                continue
            if asked:
                section = f"{section} > {asked}"
        lead = flat.endswith(":") or is_drug_facts_heading(flat)
        # A Drug Facts heading of three words or more says what its items mean ("Do not use", "Stop use and ask a
        # doctor if"): an item is never shown without it ("with any other drug containing acetaminophen").
        heading = lead and len(flat.split()) >= 3 and is_drug_facts_heading(flat)
        usable = heading or (len(flat) >= 20 and len(flat.split()) >= 4 and not classify_heading(flat)
                  and not _numbered_title(flat) and not BOILERPLATE.search(flat)
                  and (_alpha_ratio(flat) >= 0.55 or TABLE_ROW.search(flat))  # a row's numbers have names
                  and not TOC_TEXT.search(flat) and (in_list or not _fragment(text, flat)) and not is_stamp(flat)
                  and not product_line(flat) and not REFERENCE_ENTRY.match(flat) and not PRODUCT_DATA.search(flat)
                  and not REFERENCES_SECTION.search(section or ""))
        item = flat[:1].islower() and BULLETS.match(text.lstrip()) is not None
        if item and not in_list and last is not None and not out[last][2].rstrip().endswith((".", ";")):
            # a list whose lead-in has no colon ("Herceptin is indicated for adjuvant treatment of ... breast
            # cancer" then "• with docetaxel and carboplatin"): an item completes the sentence before it
            out[last] = out[last][:3] + (True,) + out[last][4:]
            in_list = True
        if usable:
            out.append((p.start + s, p.start + e, text, lead, section))
        last = len(out) - 1 if usable else None
        in_list = lead or (in_list and flat[:1].islower())
    return out


BULLETS = re.compile(r"^(?:[•·▪◦*–-]\s*)+")
LIST_INTRO = re.compile(r":[ \t]*\n")  # a line ending with a colon, more lines after it


def _short_items_joined(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """A list of short items stays with the line that introduces it: "temporarily relieves minor aches and pains
    due to:\nheadache\nmuscular aches\nbackache ..." is one sentence. Each short item alone is too short to be
    evidence, so the lead-in was quoted with its first item only ("... due to: headache"). A Drug Facts heading
    introduces a list as a colon does."""
    out: list[tuple[int, int, str]] = []
    for s, e, section in spans:
        flat = BULLETS.sub("", text[s:e].strip())
        short = all(len(line.split()) <= 5 for line in flat.splitlines())  # items the splitter left on one
        before = text[out[-1][0]:out[-1][1]].rstrip() if out else ""
        if out and flat[:1].islower() and (short and not flat.endswith(".") and _introduces(before) or (
                flat.endswith("?") and before[-1:] not in ".!?:;")):  # or a question cut across lines ("What
            out[-1] = (out[-1][0], e, out[-1][2])  # should I avoid while taking" / "metformin ... tablets ?")
        else:
            out.append((s, e, section))
    return out



def _introduces(sentence: str) -> bool:
    """A line ending with a colon, or a Drug Facts heading on the first line ("Ask a doctor before use if you
    have\nulcers\nbleeding problems\nhigh blood pressure": the items, each too short to quote, stay with it)."""
    first = BULLETS.sub("", sentence.strip().split("\n", 1)[0])
    heading = _opening_heading(sentence)  # then at most a few words more ("... before use if the user is")
    return bool(LIST_INTRO.search(sentence)) or (
        "." not in first and bool(heading) and len(first.split()) <= max(10, len(heading.split()) + 4))


def _opening_heading(text: str) -> str:
    """The Drug Facts heading of three words or more (not "Use", "Warnings") the first line of a sentence opens
    with, in lower case; "" when none."""
    first = BULLETS.sub("", text.strip().split("\n", 1)[0]).lower()
    return max((h for h in DRUG_FACTS_HEADINGS if len(h.split()) >= 3 and first.startswith(h)), key=len, default="")


def _numbered_title(flat: str) -> bool:
    """A heading with an age or a count in it ("Pediatric Patients 6 Years of Age and Older with Hypertension"):
    a title without its numbers, and no dose or unit in it."""
    if not re.search(r"\d", flat) or flat[-1] in ".:;,!?":
        return False
    words = len(re.findall(r"[A-Za-z]+", flat))
    if SUBSECTION.match(flat) and words <= 20:
        return True  # a numbered subsection's heading, however cased or cut ("7.1 Drug Interactions that may Increase
        # the Risk of Myopathy and", the rest of it on the next line)
    if DOSE_UNIT.search(flat):
        return False
    return 2 <= words <= 20 and flat[0].isupper() and mostly_capitalised(flat)


SUBSECTION = re.compile(r"\d{1,2}(?:\.\d{1,2})+\s+[A-Z]")


def _fragment(text: str, flat: str) -> bool:
    """The tail of a sentence cut by a page or column break ("and treat calciphylaxis as appropriate.")."""
    raw = text.lstrip()
    return flat[:1].islower() and flat.endswith(".") and not raw.startswith(("•", "-", "–", "*", "▪", "◦", "·"))


def _table_pages(ranked: list[tuple[int, Hit]], snap: Snapshot) -> list[tuple[int, Hit]]:
    """The other passages of the page of each hit that holds table rows, at that hit's rank (their rows only are
    candidates): a table's rows run over several passages, and the row a question names ("250 mg/5 mL", "80 mL
    bottle") may sit in one that was not retrieved while a row beside it was."""
    seen = {h.passage.chunk_id for _, h in ranked}
    out = []
    for rank, hit in ranked:
        i = snap.index.get(hit.passage.chunk_id)
        if i is None or not TABLE_ROW.search(hit.passage.text):
            continue
        page = [j for j in snap.passages.page_rows(i) if snap.passages[j].chunk_id not in seen]
        snap.load_texts(page)
        for j in page:
            p = snap.passages[j]
            seen.add(p.chunk_id)
            if TABLE_ROW.search(p.text):
                out.append((rank, Hit(p, hit.score, dense=hit.dense)))
    return out


def _alpha_ratio(text: str) -> float:
    letters = sum(c.isalpha() for c in text)
    return letters / max(1, len(text.replace(" ", "")))


def select(question: str, hits: list[Hit], snap: Snapshot, products: list[str], intents: list | None = None,
           thresholds: Thresholds | None = None, unlabelled: list[str] | tuple = ()) -> Selection:  # Scope.unlabelled
    t = thresholds or Thresholds()
    intents = intents or []
    terms = key_terms(question, snap, products)
    vouched = vouched_stems(intents)
    about = subject(terms, vouched)
    total = sum(terms.values()) or 1.0
    candidates: list[Evidence] = []
    ranked = list(enumerate(hits[:t.max_hits]))
    aliases = defined(question, (h.passage.text for _, h in ranked)) if terms else Aliases()
    pool = [(r, h, False) for r, h in ranked] + [(r, h, True) for r, h in _table_pages(ranked, snap)]
    others = choice.others_in(products, snap, unlabelled)
    both: set[int] = set()  # the candidates that do
    paired = False  # some sentence found names two of the products named
    page_rank: dict[tuple[str, int], int] = {}  # the best rank on each page: a table's rows compete on their words,
    for r, h in ranked:                           # not on which passage of the page each fell into
        page_rank.setdefault((h.passage.doc_id, h.passage.page), r)
    for rank, hit, rows_only in pool:
        i = snap.index.get(hit.passage.chunk_id)
        low = i is not None and snap.low_value[i]  # a carton, a table of contents
        titled = _titled(hit.passage, intents, about)
        for start, end, text, lead, section in _sentences(hit):
            damp = t.low_value_damp if low or PACKAGE_LINE.match(text) else 1.0  # or a package's line
            section = _panel(text, section) or section or titled
            row = TABLE_ROW.search(text) is not None
            if rows_only and not row:
                continue
            prior = 1.0 / (1.0 + t.rank_decay * (page_rank.get((hit.passage.doc_id, hit.passage.page), rank)
                                                 if row else rank))
            section_tokens = set(stem_tokens(section)) if section and not _about_else(text, intents) else set()
            in_section = bool(intents and section_tokens and section_matches(intents, section))
            if in_section:
                section_tokens |= vouched
            toks = aliases.expand(set(stem_tokens(text))) | answered(intents, text, section)
            hit_w = sum(w for term, w in terms.items() if present(term, toks))
            sec_w = sum(w for term, w in terms.items() if present(term, section_tokens) and not present(term, toks))
            overlap = (hit_w + 0.5 * sec_w) / total
            if not terms and in_section:  # "What is Tylenol used for?": the asked section is all the question says
                overlap = 0.5
            # one named drug's labelling on another named drug: on the question's subject, whatever its words
            pair = choice.names_other(others, hit.passage.product, toks)
            if pair and not choice.name_list(text):
                overlap = max(overlap, t.min_overlap)
            score = (t.overlap_weight * overlap + (1 - t.overlap_weight) * prior) * damp
            ev = Evidence(hit.passage, start, end, text, score, rank, overlap, lead_in=lead, section=section)
            if pair:
                ev.score *= t.both_products_boost
                paired = True
                if overlap >= t.min_overlap:
                    both.add(id(ev))
            candidates.append(ev)
    candidates = choice.of_pair(of_strength(candidates, question), both, products + list(unlabelled), snap.products)
    candidates.sort(key=lambda e: (id(e) not in both, -e.score))  # what speaks of two named drugs first
    chosen: list[Evidence] = []
    notices: list[str] = []
    for ev in candidates:
        if len(chosen) >= t.max_sentences:
            break
        if chosen and ev.passage.doc_id != chosen[0].passage.doc_id and \
                ev.passage.product and ev.passage.product == chosen[0].passage.product:
            ev.score *= t.other_label_damp  # keep to the lead's label when another label of the product says the same
        if chosen and (ev.score < t.min_relative_score * chosen[0].score or ev.overlap < t.min_overlap):
            continue
        if ev.lead_in:
            continue  # a sentence introducing a list is only shown with its items (see context.with_lead_ins)
        if ANAPHORIC.match(ev.display.lstrip()) and sentence_before(ev, candidates) is None:
            continue  # shown only after what it refers to (context.with_antecedents), which no sentence here gives
        dup = duplicate_of(ev, chosen, t.duplicate_ratio)
        if dup is not None:
            if dup.passage.doc_id != ev.passage.doc_id and ev.passage.doc_id not in dup.also_in:
                if numbers(dup.display) != numbers(ev.display):
                    notices.append(differ_notice(dup, ev))
                    chosen.append(ev)
                else:
                    dup.also_in.append(ev.passage.doc_id)
            continue
        chosen.append(ev)
    chosen = asked_section_kept(chosen, candidates, intents, t)
    chosen = labelling_first(_on_subject(chosen, about, aliases, products), notices)
    if others and not paired and any(i.name == "interactions" for i in intents):
        notices.append(f"No passage found speaks of {' and '.join(products)} together; what each label says of "
                       "interactions in general is shown.")
    # a question that names nothing but the section it asks for ("How does metformin work?") is answered by that
    # section, however well a sentence elsewhere matched its words ("the insulin ... does not work as well")
    only_section = bool(terms) and all(term in vouched for term in terms)
    chosen = direct_first(chosen, intents, 0.0 if only_section else t.direct_answer_margin)
    # an antecedent brought in may be a list item in turn ("in adults with HeFH." before "This is an inherited
    # condition ..."): lead-ins after antecedents
    scored = in_reading_order(with_lead_ins(with_antecedents(chosen, candidates), candidates))
    # what the answerability model reads (fitted on the score order); what is shown may lead with an abstract's
    # finding rather than its aim
    led = findings_first(chosen, candidates, question, t.min_overlap, t.max_sentences)
    chosen = scored if led is chosen else in_reading_order(with_lead_ins(with_antecedents(led, candidates),
                                                                           candidates))
    found = set()
    for ev in scored:
        found |= aliases.expand(set(stem_tokens(ev.text))) | set(stem_tokens(ev.section)) | \
            answered(intents, ev.text, ev.section)
        if intents and section_matches(intents, ev.section):
            found |= vouched
    coverage = sum(w for term, w in terms.items() if present(term, found)) / total if terms else 0.0
    best = max((e.overlap for e in scored), default=0.0)
    return Selection(chosen, coverage, best, notices, terms, aliases, None if chosen is scored else scored)


def _on_subject(chosen: list[Evidence], about: str, aliases: Aliases, products: list[str]) -> list[Evidence]:
    """A question that names no product, whose subject some evidence speaks of, is not answered from a product's
    labelling that never names that subject: "What is the mechanism of action of arimoclomol?" was led by
    ciprofloxacin's Mechanism of Action (the section matched, and labelling leads literature)."""
    if not about or products:
        return chosen

    held = {id(e): present(about, aliases.expand(set(stem_tokens(e.passage.text))) | set(stem_tokens(e.section)))
            for e in chosen}  # once per sentence: both the test below and the filter read it
    if not any(held.values()):
        return chosen
    return [e for e in chosen if held[id(e)] or not (e.passage.kind == "approved" and e.passage.product)]


def answered(intents: list, text: str, section: str) -> set[str]:
    """The question words a sentence without a heading accounts for by what it says (intents.answered_stems); under a
    heading, the heading decides (a "CYP3A4 inhibitors" row does not state a mechanism)."""
    return set() if section else answered_stems(intents, text)


_TOPICS = ("dosing", "adverse_reactions", "interactions", "pregnancy", "lactation", "indications")


def _panel(text: str, section: str) -> str:
    """The Drug Facts panel a sentence opens with, when its passage is headed by another ("Ask a doctor or
    pharmacist before use if you are taking …" inside "Drug Facts > Do not use" on a page that runs the panels
    together): the panel is its section."""
    if not section.startswith("Drug Facts"):
        return ""
    heading = _opening_heading(text)
    if not heading or heading in section.lower():
        return ""
    return "Drug Facts > " + heading.capitalize()


def _titled(p, intents: list, subject: str = "") -> str:
    """A record without sections (a consumer-health page, an abstract) is headed by its title alone: the title is
    the section of its sentences when it names what is asked ("Appendicitis (What causes appendicitis?)", "How to
    diagnose Appendicitis?"), so that page leads the answer rather than a definition from the page beside it; and
    names the subject asked about too (key_terms.subject): "Tamsley syndrome (Symptoms)" heads no answer to "What
    are the symptoms of Orbeck syndrome?"."""
    if not intents or p.section or not section_matches(intents, p.title):
        return ""
    return p.title if not subject or subject in stem_tokens(p.title) else ""


def _about_else(text: str, intents: list) -> bool:
    """A sentence plainly about another topic ("Recommended starting dosage is 10 mg" under a
    CONTRAINDICATIONS heading of a two-column Highlights page): its heading does not vouch for it."""
    asked = {i.name for i in intents}
    return any(i.name in _TOPICS and i.name not in asked and i.question.search(text) for i in INTENTS)
