"""What evidence a question may use, decided once per question.

- the products it names (or the product filter) restrict approved content to their labels;
- a drug the catalogue holds no label for is answered from literature that names it, or refused;
- an off-label use is answered from literature only, with a notice;
- a formulation it names (extended-release...) excludes the other formulation's label;
- literature cited for a named product names it (an abstract about another drug is not evidence about this one).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from assistant.answering.evidence import Evidence
from assistant.answering.retrieval import Filters, Snapshot, asked_terms
from assistant.question import offlabel, small_talk
from assistant.question import products as drug_names
from assistant.question.intents import INTENTS, formulation_filter, intents_of, without_story
from assistant.question.terms import question_words, stem_tokens
from ingest.identity import brand_names

MAX_CONTEXT = 4  # sentences kept before a last question that points back
ANAPHOR = re.compile(r"\b(?:it|its|this|these|they|them|their|he|she|him|his|her)\b", re.I)
# Two drugs weighed against each other ("is doxycycline different than cipro?", "Aleve or Tylenol, which is best?")
COMPARED = re.compile(r"\b(?:differ\w*|compar\w*|versus|vs\.?|better|best|worse|rather than|same as|safer|safest)\b",
                      re.I)
SAFER = re.compile(r"\b(?:safer|safest|riskier|less risky)\b", re.I)  # weighed for safety: each one's warnings


@dataclass
class Scope:
    question: str  # the part of the question that asks (see focus)
    filters: Filters
    mentioned: list[str]  # catalogue products named in the question (or given as the product filter)
    off_label: dict | None = None
    notices: list[str] = field(default_factory=list)
    required_terms: list[str] = field(default_factory=list)  # evidence must name one of these drugs
    refusal: str | None = None  # why the question is out of scope before any retrieval
    reply: str | None = None  # the plain reply to a message that is not a question (a greeting, thanks...)
    language: str = "en"  # the question's language; when not English, `original` is searched across languages
    original: str | None = None
    related: str = ""  # with several products named, the classes one label gives its product that another names
    unlabelled: list[str] = field(default_factory=list)  # drugs named beside a product, with no label here

    def searched(self, text: str) -> str:
        """The text to search: without the times its story tells (intents.without_story), with the catalogue name of
        each product it names only by another name ("Tylenol" -> "... acetaminophen"), the name its labels are
        indexed under (ingest.types.search_text), and what the products named together are (`related`)."""
        text = without_story(text) or text
        low = text.lower()
        extra = [p for p in self.mentioned if not re.search(rf"(?<![a-z0-9]){re.escape(p.lower())}(?![a-z0-9])", low)]
        return text + (" " + " ".join(extra) if extra else "") + (" " + self.related if self.related else "")

    def pair_query(self) -> str:
        """For a question on how two named products go together: their names alone, searched beside the question so
        that a passage naming both ranks ("my patient on warfarin needs cipro for a UTI, any concerns?" had found only
        ciprofloxacin's urinary tract indications); "" for any other question."""
        named = self.mentioned + self.unlabelled  # "warfarin and aspirin": a label's table row names aspirin
        if not self.mentioned or len(named) < 2 or not any(i.name == "interactions" for i in self.filters.intents):
            return ""
        return " ".join(named)

    def pair_filters(self) -> list[Filters]:
        """The filters of the pair's searches: led to the interaction sections first (a table row "Antiplatelet
        agents | aspirin, ..."), then not, where a label's line on the other drug may be elsewhere (Drug Facts: "Ask a
        doctor or pharmacist before use if ... warfarin"). Empty without a pair."""
        return [self.filters, replace(self.filters, intents=[])] if self.pair_query() else []

    def admit(self, evidence: list[Evidence], snap: Snapshot) -> list[Evidence]:
        """The evidence sentences this question may cite."""
        if self.required_terms:  # a drug without a label here: every sentence must name it
            evidence = [e for e in evidence if any(u in e.text.lower() for u in self.required_terms)]
        if self.off_label:  # literature about the product asked about
            names = [n for n, p in snap.products.items() if p == self.off_label["product"]]
            evidence = [e for e in evidence if any(n in e.passage.text.lower() for n in names)]
        elif self.mentioned:  # literature beside a named product's labelling must be about that product
            names = [n for n, p in snap.products.items() if p in self.mentioned] + list(self.mentioned)
            evidence = [e for e in evidence if e.passage.kind != "literature"
                        or any(n.lower() in e.passage.text.lower() for n in names)]
        return evidence


def focus(question: str, snap: Snapshot) -> str:
    """The part of a narrative question that asks something: "My patient ... developed a rash after
    amoxicillin. What does the label say about rash?" -> the last question, plus the products named before. A last
    question that points back ("What are its causes?", "Is it hereditary?") or names nearly nothing ("What is the
    treatment?") keeps the sentences before it, where its subject is, as far back as they point back themselves."""
    parts = [p for p in re.split(r"(?<=[.!?])\s+", question) if p.strip()]
    asks = [p for p in parts if p.rstrip().endswith("?")]
    if len(parts) < 2 or not asks:
        return question
    last = asks[-1]
    i = parts.index(last)
    if i > 0 and (ANAPHOR.search(last) or _names_nearly_nothing(last)):
        # "What is nephrotic syndrome. What are its causes?": its subject is before, as far back as the sentences
        # point back themselves ("My grandson has rubella. He had the vaccine. They live in Mexico. Should we worry?")
        # or still name nearly nothing ("... had a frozen shoulder. We are wondering why? Should we be concerned?")
        start = i - 1
        while start > 0 and i - start < MAX_CONTEXT and (
                ANAPHOR.search(parts[start]) or _names_nearly_nothing(" ".join(parts[start:i + 1]))):
            start -= 1
        last = " ".join(parts[start:i + 1])
    extra = [p for p in snap.products_in(question) if p not in snap.products_in(last)]
    return last + (" " + " ".join(extra) if extra else "")


def _names_nearly_nothing(text: str) -> bool:
    return len(set(stem_tokens(text)) - question_words()) < 2


def resolve_product(snap: Snapshot, name: str | None) -> str | None:
    if not name:
        return None
    return snap.products.get(name.strip().lower())


def decide(asked: str, snap: Snapshot, product: str | None = None, audience: str | None = None,
           source_type: str | None = None) -> Scope:
    question = snap.respelt(focus(asked, snap))
    filters = Filters(audience=audience, source_type=source_type)
    mentioned = snap.products_in(question)
    scope = Scope(question, filters, mentioned)
    if not snap.passages:
        scope.refusal = "The store holds no searchable content; run `medinfo ingest` first."
        return scope
    talk = small_talk.kind_of(asked, mentioned)
    if talk:
        scope.refusal, scope.reply = f"Not a question about the content ({talk}).", small_talk.REPLIES[talk]
        return scope
    if product:
        filters.product = resolve_product(snap, product)
        if filters.product is None:
            scope.refusal = f"No approved content is held for the product {product!r}."
            return scope
    scope.mentioned = mentioned or ([filters.product] if filters.product else [])
    filters.products = mentioned
    drugs = drug_names.drugs_in(question)
    allergens = _allergens(question, drugs)
    unknown = [d for d in drugs if d not in snap.products and d not in allergens]
    if unknown and not mentioned and not filters.product:
        known = [d for d in unknown if _named(d, snap)]
        if not known:
            scope.refusal = (f"The available content does not cover {', '.join(unknown)}: no approved content or "
                             "literature about it is held.")
            return scope
        scope.required_terms = known
        if snap.products:
            # Not one of the catalogue's products: no product's labelling answers for it; literature, and approved
            # content about no product (a standard response naming the drug), may.
            filters.unlabelled = True
            scope.notices.append(f"No approved labelling is held for {', '.join(known)}; only published literature "
                                 "and content about no product were searched.")
    held_twice: list[str] = []
    if unknown and scope.mentioned:
        # the ingredients the FDA/NLM lexicon gives a brand nothing here names ("percocet" -> acetaminophen,
        # oxycodone)
        inside = {d: sorted(brand_names().get(d, ())) for d in unknown if not _named(d, snap)}
        named = [f"{d}, which contains {_listed(inside[d])} (FDA/NLM lexicon)" if inside.get(d) else d
                 for d in unknown]
        scope.notices.append(f"No approved labelling is held for {'; '.join(named)}; what the labelling of "
                             f"{', '.join(scope.mentioned)} says is shown.")
        held_twice = sorted({i for ins in inside.values() for i in ins if i in scope.mentioned})
        scope.unlabelled = list(dict.fromkeys(unknown + [i for ins in inside.values() for i in ins
                                                        if i not in scope.mentioned]))
        # "I took a Percocet, can I take Tylenol?": acetaminophen twice. Its label's Do-not-use or
        # Contraindications say so ("with any other drug containing acetaminophen"). A brand the labels do not
        # name is looked for by the ingredients the named product's labels do ("Cipro with Prilosec":
        # ciprofloxacin's label says omeprazole).
        scope.related = " ".join([f"other drug containing {p}" for p in held_twice] + sorted(
            {i for ins in inside.values() for i in ins if i not in scope.mentioned
             and any(re.search(rf"\b{re.escape(i)}\b", snap.classes.of(p)[1]) for p in scope.mentioned)}))
    scope.off_label = offlabel.check(asked, scope.mentioned, snap.indications,
                                     {p: pos for pos, p in snap.product_positions(asked)})
    if scope.off_label:
        # A use the approved labelling does not cover: literature only, said plainly.
        filters.source_type, filters.products, filters.product = "literature", [], None
        scope.notices.append(f"Off-label: the approved labelling of {scope.off_label['product']} does not cover "
                             f"\u201c{scope.off_label['use']}\u201d. This unsolicited request is answered from "
                             "published literature only, for scientific exchange; it is not a recommendation for "
                             "this use.")
    if len(scope.mentioned) >= 2:
        # "can I take Motrin with lisinopril?": lisinopril's label speaks of "NSAIDs"; ibuprofen's says it is one.
        scope.related = " ".join([scope.related] + snap.classes.between(scope.mentioned)).strip()
    compared = _compared(question, scope.mentioned + unknown)
    if compared:
        scope.notices.append("A label does not weigh its product against others: what the labelling says of each "
                             "product held is shown, not which is better or safer.")
    filters.intents = intents_of(question) or compared \
        or _between(scope.mentioned + unknown) or _overview(question, scope.mentioned, snap)
    if (held_twice or allergens) and not any(i.name == "contraindications" for i in filters.intents):
        filters.intents = [i for i in INTENTS if i.name == "contraindications"] + list(filters.intents)
    filters.exclude_docs = _other_formulations(question, snap, scope.mentioned)
    return scope


def _allergens(question: str, drugs: list[str]) -> list[str]:
    """The drugs a question names as what someone is allergic to ("with a penicillin allergy", "allergic to
    sulfa drugs"): not a second drug taken, but what the labelling's contraindications and warnings weigh."""
    low = question.lower()
    return [d for d in drugs if re.search(rf"\ballerg\w*\s+(?:to\s+)?(?:\w+\s+){{0,2}}{re.escape(d)}|"
                                          rf"\b{re.escape(d)}\w*\s+(?:allerg|hypersensitiv|sensitiv)\w*", low)]


def _listed(names: list[str]) -> str:
    return " and ".join(names) if len(names) <= 2 else f"{', '.join(names[:-1])} and {names[-1]}"


def _named(drug: str, snap: Snapshot) -> bool:
    """Does some stored passage name the drug?"""
    return all(t in snap.lexical for t in drug_names.stems(drug))


def _overview(question: str, products: list[str], snap: Snapshot) -> list:
    """A message that names a product and asks nothing more ("ibuprofen?", "Tell me about warfarin", "What is
    Humira?") is answered with what the product is for: its Indications or Uses, not whichever passage the name
    alone happens to rank first (a Stop-use panel, a Do-not-use line)."""
    if not products or asked_terms(question, snap):
        return []
    return [i for i in INTENTS if i.name == "indications"]


def _compared(question: str, products: list[str]) -> list:
    """Two drugs weighed against each other and nothing more asked: what each label says its product is and is for
    (its Indications or Uses), or, weighed for safety ("which one is safer"), its boxed warning and warnings; not
    their interactions, which the question does not ask about."""
    if len(products) < 2 or not COMPARED.search(question):
        return []
    wanted = ("boxed_warning", "warnings") if SAFER.search(question) else ("indications",)
    return [i for i in INTENTS if i.name in wanted]


def _between(products: list[str]) -> list:
    """Two drugs named and no other question asked ("Can I take Advil and Tylenol together?", "Is it bad to take
    warfarin with ibuprofen?", "can I take aspirin with Jantoven": one of them need not have a label here): what the
    labels say of the one with the other, their interactions."""
    return [i for i in INTENTS if i.name == "interactions"] if len(products) >= 2 else []


def _other_formulations(question: str, snap: Snapshot, products: list[str]) -> set[str]:
    """Labels of the other formulation of a product the question names (e.g. extended-release)."""
    out: set[str] = set()
    for product in products:
        titles = {d["doc_id"]: d["title"] for d in snap.docs.values()
                  if d["product"] == product and d["kind"] == "approved" and d["status"] == "approved"}
        excluded = formulation_filter(question, titles) or set()
        if excluded and excluded != set(titles):
            out |= excluded
    return out
