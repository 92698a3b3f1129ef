"""Question intents mapped to label structure: "boxed warning" lives under "WARNING: ...", a starting
dose under "DOSAGE AND ADMINISTRATION", a mechanism under "12.1 Mechanism of Action".

Most retrieval misses on real labels are the right drug and the wrong section; an intent boosts
passages of the matching sections, and lets the section heading vouch for the words of the question
that name the section (a sentence under "4 CONTRAINDICATIONS" rarely repeats "contraindication").
Formulation words (extended-release, immediate-release) pick between labels of one product.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from assistant.question.terms import stem_tokens
from ingest.text import without_xrefs


@dataclass(frozen=True)
class Intent:
    name: str
    question: re.Pattern
    section: re.Pattern
    words: tuple[str, ...]  # question words the section heading accounts for
    # what a sentence says when it answers the intent in running text, without a heading (literature): "X is a
    # selective adenosine A2A receptor antagonist" answers "What is the mechanism of action of X?", and accounts
    # for the intent's words as a heading would
    answers: re.Pattern | None = None


def _i(name: str, q: str, sec: str, words: str, answers: str = "") -> Intent:
    return Intent(name, re.compile(q, re.I), re.compile(sec, re.I), tuple(words.split()),
                  re.compile(answers, re.I) if answers else None)


# An amount to take or give ("Can I take 800 mg of Advil at once?", "2 tablets"): a question about the dose, which
# the label's dose answers whatever its number, so the amount is not a key term either (key_terms.key_terms).
AMOUNT = r"\b\d+(?:\.\d+)? ?(?:mg|mcg|g|ml|tablets?|pills?|capsules?|caplets?)\b"
TAKING = r"\b(?:take|taking|took|give|giving)\b"
_AMOUNT = re.compile(AMOUNT, re.I)
_TAKING = re.compile(TAKING, re.I)


# When something happened in the asker's story ("Since I took Fioricet about an hour ago", "3 days ago", "last
# night", "this morning", "today", "at 10 pm", the PM of a night-time brand; "in the morning" asks when to take a
# dose and stays): not what is asked about ("hour" was the one key term of a question a label's interactions panel
# answers).
_AGO = re.compile(r"\b(?:an?|one|two|three|four|five|several|few|couple of|\d+)\s+(?:minutes?|hours?|days?|weeks?|"
                  r"months?|years?)\s+ago\b|\b(?:last|yesterday|tomorrow|this)\s+(?:morning|afternoon|evening|night)\b"
                  r"|\b(?:tonight|yesterday|today|earlier today|(?:\d{1,2}(?::\d{2})?\s*)?pm)\b", re.I)


_WHICH_ONE = re.compile(r"\b(which|what) ones?\b", re.I)  # "which one is safer": "one" counts nothing


def without_story(question: str) -> str:
    """The question without the times its story tells (_AGO): "a Tylenol PM last night ... Motrin today" had been
    searched for "pm" (a helpline's "8:30 am - 4:30 pm" ranked first) and "today"."""
    return " ".join(_AGO.sub(" ", question).split())


# A person's age in years as a story tells it ("I am 23yr boy", "my grandson (4 yrs old)", "a 67-year-old man"): who
# asks, not what is asked about ("yr" was the rarest key term of a message a store page answers word for word). An
# infant's age in months or weeks (what a dosing table is by) and a population ("patients aged 80 or older") stay.
_AGE = re.compile(r"\b\d{1,3}\s*-?\s*(?:yrs?|y/?o|yo)\b(?:\s*old\b)?|\b\d{1,3}[- ]?years?[- ]old\b", re.I)


# The service a message is addressed to ("What information does the National Library of Medicine have on ...", "sent
# to me thru MedlinePlus", "nothing on your website"; MEDIQA dev messages are written to the NLM): not what is asked
# about, and never in the evidence.
_SERVICE = re.compile(r"\b(?:the )?(?:u\.?s\.? )?national library of medicine\b|\bnlm\b|\bmedline ?plus\b|"
                      r"\bgenetics home reference\b|\bclinicaltrials(?:\.gov)?\b|\b(?:your|this|the) (?:web ?site|"
                      r"site|web ?page|database)\b", re.I)


def without_amounts(question: str) -> str:
    """The question without the amounts it asks about taking ("800 mg" matched "an 800 number"), the times and ages its
    story tells (without_story, _AGE), the service it is addressed to (_SERVICE) and the "one" of "which one"."""
    question = _SERVICE.sub(" ", _AGE.sub(" ", _WHICH_ONE.sub(r"\1", without_story(question))))
    return _AMOUNT.sub(" ", question) if _TAKING.search(question) else question


# A numbered section matches by its subsections' numbers ("2.3 ...") or by its own title ("2 DOSAGE AND
# ADMINISTRATION"): a bare leading number is as often a table row or a reference ("1 Year ...", "1 Surveillance ...").
INTENTS = [
    _i("boxed_warning", r"boxed warning|black[- ]box", r"^(?:boxed )?warning\b|boxed warning|^fetal toxicity$",
       "boxed box warning warnings"),
    _i("contraindications", r"contraindicat|should not (be )?(use|take|given)", r"contraindications|do not use",
       "contraindications contraindicated contraindication"),
    _i("dosing", r"\bdos(e|es|age|ing|ed)\b|how (much|many)|regimen|how (should|do) .* (take|taken|given|dosed)|"
       + TAKING + ".*" + AMOUNT,
       r"dosage and administration|^2\.\d+\s|directions|dosing|(?<!over)dosage(?! forms)",
       "dose doses dosage dosing dosed regimen much many take taken taking give given giving"),
    _i("warnings", r"precaution|(?<!boxed )\bwarnings\b|(?:serious|main|major) risks?|what are the risks",
       r"warnings and precautions|^5\.\d+\s|^warnings$",
       "warnings warning precautions precaution risks risk main major"),
    _i("adverse_reactions", r"side effect|adverse|common reactions?", r"adverse reactions|side effects",
       "side effects effect adverse reactions reaction common"),
    # "Can I take ibuprofen with other drugs?" asks about interactions, not what ibuprofen is for
    _i("interactions", r"interact|given with|taken with|together with|combined with|co-?administ"
       r"|\bwith (?:any |my |the |these |those |all )?other (?:drugs|medicines|medications|meds)\b",
       # the Drug Facts panel of drug interactions (21 CFR 201.66(c)(5)(iv))
       r"drug interactions|^7\.\d+\s|interaction|ask a doctor or pharmacist before use",
       "interactions interaction interact together combine combined mix"),
    _i("pregnancy", r"pregnan", r"pregnancy|^8\.1\s", "pregnancy pregnant"),
    _i("lactation", r"breast|lactat|nursing", r"lactation|^8\.2\s|nursing mothers|breast", "breastfeeding lactation"),
    # a child's age as a parent says it ("my 2 year old", "a 6-month-old"): under 18 years, or months and weeks
    _i("pediatric", r"child|pediatric|paediatric|infant|neonat|toddler|\bbab(?:y|ies)\b|\bkids?\b"
       r"|\b(?:[1-9]|1[0-7])[- ]?(?:years?|yrs?)[- ]old\b|\b\d{1,2}[- ]?(?:months?|weeks?)[- ]old\b",
       r"pediatric|^8\.4\s|children|neonat|infant", "children pediatric"),
    _i("geriatric", r"elderly|geriatric|older adults", r"geriatric|^8\.5\s", "elderly geriatric"),
    _i("renal", r"renal|kidney|e?gfr\b|creatinine clearance|\bcr ?cl\b", r"renal", "renal kidney"),
    _i("hepatic", r"hepatic|liver (disease|impairment|problems)", r"hepatic|liver", "hepatic"),
    # what a drug targets or binds is its mechanism ("Which molecule is targeted by X?", "What is the target of X?",
    # "Which protein does X bind?")
    _i("mechanism", r"how does .* work|mechanism|how .* works|mode of action|\bthe action of\b|\btargeted by\b|"
       r"\btargets? of\b|\bdoes [\w-]+(?: [\w-]+)? (?:target|bind)\b",
       r"mechanism of action|^12\.1\s",
       "work works mechanism action mode target targeted targets bind binds molecule protein receptor",
       # a class that names its target: inhibitor, antagonist, agonist, antibody, blocker, binds, targets ...
       r"\b(?:inhibit(?:s|or|ors|ion)?|antagonis(?:t|ts|m)|agonists?|antibod(?:y|ies)|block(?:s|er|ers|ade)?"
       r"|binds?|targets?|targeting|modulators?|degraders?)\b"),
    _i("overdose", r"overdos", r"overdosage|overdose", "overdose overdosage"),
    _i("storage", r"\bstor(e|age|ed)\b|shelf life", r"storage|how supplied|^16", "store storage stored"),
    _i("strengths", r"strengths?|dosage forms?|come in|tablet sizes", r"dosage forms and strengths|^3\s",
       "strengths strength come forms"),
    # Patient and HCP information pages (MedQuAD-style topics): the section names the question type.
    _i("symptoms", r"symptom|signs? of", r"symptom|signs", "symptoms symptom signs"),
    # lay words: "how do you check for lupus?", "how to deal with anxiety", "how do I get rid of lice?" (MEDIQA dev)
    _i("diagnosis", r"diagnos|tests? (for|to)|exams?\b|\bcheck(?:ed)? for\b", r"exams and tests|diagnos",
       "diagnose diagnosis tests exams"),
    _i("outlook", r"outlook|prognosis", r"outlook|prognosis", "outlook prognosis"),
    # "the main causes", "its causes and cures"; "how do people get diabetes" (not "how do I get rid of")
    _i("causes", r"what causes|\bcauses?\b|how (?:do|does|did) (?:people|you|someone|a person|children|kids) "
       r"(?:get|catch|develop)\b(?! rid)", r"causes|cause", "causes cause"),
    _i("treatment", r"treatments?\b|treated|therap(y|ies) for|how (?:\w+ ){0,3}treat\b|\bmanag(?:e|ed|ing|ement)\b"
       r"|\b(?:deal|cope|coping|dealing) with\b|\bget rid of\b",
       r"treatment|managing|management", "treatments treatment treated treat manage management"),
    _i("prevention", r"prevent", r"prevention", "prevent prevention"),
    _i("susceptibility", r"at risk|risk factors?|who gets", r"susceptibility|risk factors", "risk"),
    _i("inheritance", r"inherit|hereditary|genetic", r"inheritance|genetic changes", "inherited inheritance genetic"),
    _i("frequency", r"how many people|how common|frequen", r"frequency", "many people common frequency"),
    _i("research", r"research|clinical trials", r"research|clinical trials", "research trials"),
    _i("stages", r"stages?\b", r"stages", "stages stage"),
    # "contraindications" holds "indications": never the indications intent, nor its section.
    _i("indications", r"(?<!contra)indicat(ed|ion)s?\b|used (?:for|to treat)|approved for|\buses\b|what does \S+ treat"
       # whether it works, and for what ("Does metformin generally work pretty well?", "Would amoxicillin work for a
       # UTI?", consumer_drugs dev; "good for"); "how does it work" asks for the mechanism
       r"|(?<!how )\b(?:does|do|would|will|did|can) (?:\w+ ){1,3}work\b|\b(?:work(?:s|ed)?|good|effective) for\b"
       # "Which disease is treated with X?"
       r"|\b(?:which|what) (?:\w+ )?(?:diseases?|conditions?|disorders?) (?:is|are|can be) (?:\w+ )?treated\b",
       r"(?<!contra)indications|^1\.\d+\s|^uses$",
       "indications indication indicated used approved uses treat treated work good effective disease condition "
       "disorder",
       # in running text: what a drug is approved or given for
       r"\b(?:indicated|approved|licensed) (?:for|in)\b|\bfor the treatment of\b|\btreatment of (?:patients|adults)"
       r" with\b"),
]

EXTENDED = re.compile(r"extended[- ]release|\bER\b|\bXR\b|\bXL\b|once[- ]daily formulation", re.I)
IMMEDIATE = re.compile(r"immediate[- ]release|\bIR\b", re.I)


def intents_of(question: str) -> list[Intent]:
    return [i for i in INTENTS if i.question.search(question)]


# A population named beside a dose qualifies it: "the metformin dose for children" is best answered where a heading
# names both ("2.2 Pediatric Dosage"), before 8.4 Pediatric Use (who was studied) or the adult dosing.
POPULATIONS = ("pediatric", "geriatric", "renal", "hepatic")


def qualified_dose(intents: list[Intent]) -> Intent | None:
    """For a dose asked for a population, the sections whose heading names both (none: no such question)."""
    names = tuple(i.name for i in intents)
    return _qualified(names) if "dosing" in names and any(n in POPULATIONS for n in names) else None


# What a dose question may ask beside the dose itself, which a label answers under its own subsection (a missed dose,
# a modification, switching or stopping, preparing or giving it): such a question is no plain dose question, and such
# a heading is not the dose for everyone.
_DOSE_DETAIL = re.compile(r"\bmiss|modif|adjust|reduc|switch|discontinu|\bstop|interrupt|prepar|dilut|reconstitut|"
                          r"infus|administ|crush|chew|swallow|\bsplit|titrat|taper", re.I)
# The heading a label gives the dose for everyone: "2.2 Recommended Dosage", "Dosage Recommendations in Rheumatoid
# Arthritis", "Usual Adult Dose"; not a population's (the words that make a population question) nor a detail's
# (_DOSE_DETAIL: "Dosage Modifications", "Alternative Administration").
_RECOMMENDED = re.compile(r"\b(?:recommended|usual)\b.*\b(?:dosage|doses?|dosing)\b|\b(?:dosage|dosing) "
                          r"recommendations?\b", re.I)


def _for_everyone(heading: str) -> bool:
    return not _DOSE_DETAIL.search(heading) and not any(i.question.search(heading) for i in INTENTS
                                                         if i.name in POPULATIONS)


def plain_dose(question: str, intents: list[Intent]) -> bool:
    """Does the question ask for the dose alone ("How much baricitinib should be given?", "What is the dose of X?"),
    for no population and no detail (_DOSE_DETAIL)? A label states that dose under its recommended dosage; the
    question's own words ("given", "take") match its administration subsections as well."""
    return [i.name for i in intents] == ["dosing"] and not _DOSE_DETAIL.search(question)


def recommended_dose_heading(section: str) -> bool:
    """Is this the heading of the dose for everyone (_RECOMMENDED), read from its part that says so on ("2 DOSAGE AND
    ADMINISTRATION > 2.2 Recommended Dosage" is; "2.1 Recommended Dosage in Plaque Psoriasis > Subcutaneous Pediatric
    Dosage Regimen" is not)?"""
    parts = section.split(">")
    at = max((n for n, part in enumerate(parts) if _RECOMMENDED.search(part)), default=None)
    return at is not None and all(_for_everyone(part) for part in parts[at:])


@lru_cache(maxsize=64)
def _qualified(names: tuple[str, ...]) -> Intent:
    by_name = {i.name: i for i in INTENTS}
    dose = by_name["dosing"].section.pattern
    both = "|".join(f"(?=.*(?:{dose}))(?=.*(?:{by_name[n].section.pattern}))" for n in names if n in POPULATIONS)
    pattern = re.compile(both, re.I)
    return Intent("dosing+" + "+".join(n for n in names if n in POPULATIONS), pattern, pattern, ())


def vouched_stems(intents: list[Intent]) -> set[str]:
    """Stems of the question words a matching section heading accounts for."""
    return {t for i in intents for w in i.words for t in stem_tokens(w)}


def answered_stems(intents: list[Intent], text: str) -> set[str]:
    """Stems of the question words a sentence accounts for by saying what the intent asks (Intent.answers)."""
    return {t for i in intents if i.answers is not None and i.answers.search(text)
            for w in i.words for t in stem_tokens(w)}


def section_matches(intents: list[Intent], section: str) -> bool:
    """Does a heading name the section an intent asks for? Its cross-references do not ("8.1 Pregnancy: Category D
    [see Warnings and Precautions (5.4)]" is not a warnings section)."""
    if not section:
        return False
    parts = [without_xrefs(p) for p in section.split(">")]
    number = _NUMBERED.match(parts[0]) if len(parts) > 1 else None
    if number:
        # a numbered section's sub-heading is of that section: "8.1 Pregnancy > Fetal/Neonatal Adverse Reactions" is
        # no adverse reactions section. Only where the number itself says whose section it is (8.1: pregnancy); a
        # sub-heading still counts under one it does not: "12.3 Pharmacokinetics > Drug Interactions", "6.1 Clinical
        # Trials Experience > Adverse Reactions in Adults"
        own = _owners(number.group(0).strip())
        if own:
            return any(i.section.search(parts[0]) for i in intents) or any(
                p and i.section.search(p) for i in intents if i.name in own for p in parts[1:])
    return any(p and i.section.search(p) for i in intents for p in parts)


_NUMBERED = re.compile(r"^\s*\d{1,2}(?:\.\d{1,2})*\s")  # a section's number, as a heading opens with it


@lru_cache(maxsize=256)
def _owners(number: str) -> frozenset[str]:
    """The intents whose section a number alone names ("8.1": pregnancy; "6.1": none)."""
    return frozenset(i.name for i in INTENTS if i.section.search(f"{number} "))


def formulation_filter(question: str, titles: dict[str, str]) -> set[str] | None:
    """Documents to exclude when the question names a formulation (doc_id -> title given)."""
    wants_er, wants_ir = bool(EXTENDED.search(question)), bool(IMMEDIATE.search(question))
    if wants_er == wants_ir:
        return None
    is_er = {d for d, t in titles.items() if EXTENDED.search(t)}
    return set(titles) - is_er if wants_er else is_er
