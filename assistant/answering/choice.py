"""Which ranked evidence sentences an answer keeps: one per fact (a near-duplicate from another label is cited
beside it, with a notice when their figures differ), the strength a question names, and a place for the section it
asks for."""
from __future__ import annotations

import re
from collections.abc import Sequence

from rapidfuzz import fuzz

from assistant.answering.context import ANAPHORIC
from assistant.answering.lead import Evidence
from assistant.question.intents import section_matches
from assistant.question.products import drugs_in
from assistant.question.terms import stem_tokens
from assistant.settings import Thresholds


def duplicate_of(ev: Evidence, chosen: list[Evidence], ratio: int) -> Evidence | None:
    a = ev.display.lower()
    for c in chosen:
        if c.passage.doc_id == ev.passage.doc_id and numbers(a) != numbers(c.display):
            continue  # one label's sentences alike in words, apart in the figures that are the answer: two rows of
            # a table, each strength's tablet ("... 1 mg are supplied as pink ...", "... 2 mg ... lavender ...")
        if c.passage.product != ev.passage.product:
            continue  # the Uses of ibuprofen and of acetaminophen read alike, and are about two drugs
        if fuzz.token_set_ratio(a, c.display.lower()) >= ratio:
            return c
    return None


def numbers(text: str) -> set[str]:
    text = re.sub(r"\(\s*\d+(?:\.\d+)?\s*\)", "", text)  # section cross-references
    return set(re.findall(r"(?<![A-Za-z\d.])\d+(?:\.\d+)?(?![A-Za-z\d])", text))


def differ_notice(a: Evidence, b: Evidence) -> str:
    return (f"Sources differ: {a.passage.title} (version {a.passage.version}) and {b.passage.title} "
            f"(version {b.passage.version}) give different figures on this point; both are cited.")


STRENGTH = re.compile(r"\b(\d+(?:\.\d+)?[½¼¾]?)\s?(mg|mcg|g|mL|units?)\b", re.I)  # "5 mg", "7½ mg", "0.5 mL"


def _strengths(text: str) -> set[tuple[str, str]]:
    return {(n, u.lower().rstrip("s")) for n, u in STRENGTH.findall(text)}


def of_strength(candidates: list[Evidence], question: str) -> list[Evidence]:
    """A question that names a strength ("What color is the warfarin 5 mg tablet?") is answered by the sentences
    that name it, where any does, not by those that name only others ("Warfarin Sodium Tablets USP, 1 mg are supplied
    as pink ..."), however alike their words."""
    asked = _strengths(question)
    if not asked:
        return candidates
    named = [(e, _strengths(e.display)) for e in candidates]
    if not any(s & asked for _, s in named):
        return candidates
    return [e for e, s in named if not s or s & asked]


def asked_section_kept(chosen: list[Evidence], candidates: list[Evidence], intents: list, t: Thresholds
                        ) -> list[Evidence]:
    """The best sentence under the section a question asks for ("What is baricitinib used to treat?": 1.1 Rheumatoid
    Arthritis) keeps a place when sentences elsewhere that say its words more often filled them all (six adverse
    reaction rows "treated with baricitinib"): direct_first then leads with it."""
    if not intents or not chosen or any(section_matches(intents, e.section) for e in chosen):
        return chosen
    spare = next((e for e in candidates if section_matches(intents, e.section) and not e.lead_in
                  and e.overlap >= t.min_overlap and e.score >= t.min_relative_score * chosen[0].score
                  and not ANAPHORIC.match(e.display.lstrip())), None)
    if spare is None:
        return chosen
    return chosen[:max(0, t.max_sentences - 1)] + [spare]


def others_named(products: list[str], names: dict[str, str], class_of=None, unlabelled: Sequence[str] = ()
                 ) -> dict[str, list[frozenset[str]]]:
    """For a question naming several products: for each of them, the names of the others (each a set of stems;
    names: the store's product names and aliases -> product; class_of: product -> the class its labels give it,
    "NSAID"; unlabelled: drugs the question names that no label here is for, "aspirin"). A sentence of one's
    labelling that holds all the stems of such a name speaks of both, which is what the question asks about
    ("coadministration of NSAIDs ... with ACE inhibitors, including lisinopril")."""
    if not products or len(products) + len(unlabelled) < 2:
        return {}
    bare = [s for u in unlabelled if (s := frozenset(stem_tokens(u)))]
    spelled: dict[str, list[frozenset[str]]] = {p: [frozenset(stem_tokens(p))] for p in products}
    for name, product in names.items():
        if product in spelled and (stems := frozenset(stem_tokens(name))):
            spelled[product].append(stems)
    for product in products if class_of else ():
        if stems := frozenset(stem_tokens(class_of(product))):
            spelled[product].append(stems)
    return {p: [n for q in products if q != p for n in spelled[q] if n] + bare for p in products}


def others_in(products: list[str], snap, unlabelled: Sequence[str] = ()) -> dict[str, list[frozenset[str]]]:
    """others_named with the store's names and aliases and the class each product's labels give it."""
    return others_named(products, snap.products, lambda p: snap.classes.of(p)[0], unlabelled)


def names_other(others: dict[str, list[frozenset[str]]], product: str | None, stems: set[str]) -> bool:
    """Do these stems, of a sentence or passage of product's labelling, name another product the question names?"""
    return any(name <= stems for name in others.get(product or "", ()))


def of_pair(candidates: list[Evidence], both: set[int], products: list[str], names: dict[str, str]
            ) -> list[Evidence]:
    """A question naming several products, with evidence that speaks of two of them (both: the ids of those
    sentences, others_named), is answered by those and by what names no other drug: not by a label's sentence on a
    third drug ("Does ciprofloxacin interact with warfarin?": not "... ciprofloxacin with the sulfonylurea glyburide
    ... severe hypoglycemia")."""
    if not both:
        return candidates
    ours = set(products)

    def third(e: Evidence) -> bool:
        return any(n not in ours and names.get(n) not in ours for n in drugs_in(e.display))

    return [e for e in candidates if id(e) in both or not (e.passage.product and third(e))]


def name_list(text: str) -> bool:
    """A bare list of names, a table cell cut from its header ("celecoxib, diclofenac, diflunisal, ..."): it says
    nothing by itself."""
    items = [i for i in re.split(r"[,;]", " ".join(text.split())) if i.strip()]
    return len(items) >= 3 and all(len(i.split()) <= 3 for i in items)


def pair_first(fused: list, pair_hits: list, products: list[str], snap, k: int, n: int = 2,
               unlabelled: Sequence[str] = ()) -> list:
    """The retrieved passages, led by the best n of a named product's labelling that name another named product
    (pair_hits: the search of the products' names alone, Scope.pair_query): reciprocal-rank fusion favours what
    every ranking holds, and the label's one line on the other drug ("Ask a doctor or pharmacist before use if the
    user is taking the blood thinning drug warfarin") is in that search's ranking only."""
    if not pair_hits:
        return fused
    others = others_in(products, snap, unlabelled)
    first = list({h.passage.chunk_id: h for h in pair_hits
                  if names_other(others, h.passage.product, set(stem_tokens(h.passage.text)))}.values())[:n]
    ids = {h.passage.chunk_id for h in first}
    return (first + [h for h in fused if h.passage.chunk_id not in ids])[:k]

