"""Which evidence sentence leads a dose answer: one that states a dose, and for the patients the question is about.
The label below is made up (no bundled or dev label was used to write it)."""
from __future__ import annotations

from assistant.answering.evidence import Evidence
from assistant.answering.lead import direct_first as _direct_first
from assistant.answering.passages import Passage
from assistant.question.intents import intents_of

PEDIATRIC = ("2.3 Pediatric Patients", "In pediatric patients 6 to 16 years of age, the recommended starting dosage is "
             "0.1 mg/kg once daily.")
ADULT = ("2.1 Hypertension", "The recommended starting dosage in adults is 20 mg once daily.")
GENERAL = ("2.1 Hypertension", "Adjust the dosage according to blood pressure response.")
RENAL = ("2.4 Dosage in Renal Impairment",
         "No dosage adjustment is needed when creatinine clearance is above 30 mL/min.")


def evidence(*sentences: tuple[str, str]) -> list[Evidence]:
    out = []
    for n, (section, text) in enumerate(sentences):
        p = Passage(f"c{n}", "examplostat-pi", "r1", 3, 0, len(text), section, text, "Examplostat tablets",
                    "approved", "examplostat", "hcp", "1", None, None)
        out.append(Evidence(p, 0, len(text), text, 1.0 - 0.05 * n, n, 0.8, section=section))
    return out


def lead(question: str, *sentences: tuple[str, str]) -> str:
    return _direct_first(evidence(*sentences), intents_of(question), 0.8)[0].text


def test_a_dose_question_naming_no_population_is_led_by_the_general_dose():
    assert lead("What is the starting dose of examplostat?", PEDIATRIC, ADULT) == ADULT[1]
    assert lead("What is the usual dosage of examplostat?", RENAL, GENERAL, ADULT) == ADULT[1]


def test_a_population_the_question_names_keeps_its_dose_first():
    assert lead("What is the starting dose of examplostat in children?", PEDIATRIC, ADULT) == PEDIATRIC[1]


def test_a_dose_leads_before_a_general_sentence_that_states_none():
    assert lead("What is the starting dose of examplostat?", PEDIATRIC, GENERAL) == PEDIATRIC[1]
    assert lead("Is examplostat safe in children?", PEDIATRIC, ADULT) == PEDIATRIC[1]  # not a dose question



def test_a_sentence_continuing_an_unheaded_pediatric_subsection_does_not_lead_a_general_dose_question():
    # one passage opens with the population; its second sentence names none, only a weight-based maximum
    opening = "For pediatric patients 6 to 16 years of age, the starting dosage is 0.1 mg/kg once daily. "
    follow = "Adjust the dosage up to a maximum of 0.5 mg/kg (up to 40 mg) once daily."
    text = opening + follow
    p = Passage("c0", "examplostat-pi", "r1", 3, 100, 100 + len(text), "2.1 Hypertension", text,
                "Examplostat tablets", "approved", "examplostat", "hcp", "1", None, None)
    child = Evidence(p, 100 + len(opening), 100 + len(text), follow, 1.0, 0, 0.8, section="2.1 Hypertension")
    adult = evidence(("2.2 Heart Failure", "Increase as tolerated to a maximum of 40 mg once daily."))[0]
    q = "What is the maximum daily dose of examplostat?"
    assert _direct_first([child, adult], intents_of(q), 0.8)[0] is adult
    assert _direct_first([child, adult], intents_of(q + " in children"), 0.8)[0] is child

# Any other section asked for: a sentence under it leads one from elsewhere when nearly as good. Consumer-health
# records have no sections; the title is their heading ("Gout (What causes gout?)"). Made-up records.
def records(*titled: tuple[str, str], question: str) -> list[Evidence]:
    from assistant.answering.evidence import _titled

    out = []
    for n, (title, text) in enumerate(titled):
        p = Passage(f"r{n}", f"page-{n}", "r1", 1, 0, len(text), "", text, title, "approved", None, "consumer", "1",
                    None, None)
        out.append(Evidence(p, 0, len(text), text, 1.0 - 0.05 * n, n, 0.8, section=_titled(p, intents_of(question))))
    return out


def test_a_record_whose_title_names_the_asked_section_leads():
    q = "What causes gout?"
    defined = ("Gout", "Gout is a painful form of arthritis that comes on in attacks.")
    cause = ("Gout (What causes gout?)", "Gout is caused by too much uric acid in the blood.")
    ranked = _direct_first(records(defined, cause, question=q), intents_of(q), 0.8)
    assert ranked[0].text == cause[1] and ranked[0].section == cause[0]
    # a title that names another section vouches for nothing
    other = ("Gout (Treatment)", "Medicines can lower the level of uric acid.")
    assert _direct_first(records(defined, other, question=q), intents_of(q), 0.8)[0].text == defined[1]


def test_a_title_heads_its_page_only_when_it_names_the_subject_asked_about_too():
    from assistant.answering.evidence import _titled
    from assistant.answering.key_terms import subject
    from assistant.question.intents import vouched_stems

    q = "What are the symptoms of Orbeck syndrome?"
    intents = intents_of(q)
    about = subject({"symptom": 1.1, "orbeck": 1.0, "syndrom": 0.8}, vouched_stems(intents))
    assert about == "orbeck"  # the section asked for is not the subject, however rare the word

    def page(title: str) -> Passage:
        return Passage("c", "d", "r1", 1, 0, 10, "", "Some text.", title, "approved", None, "consumer", "1", None,
                       None)

    assert _titled(page("Orbeck syndrome (Symptoms)"), intents, about) == "Orbeck syndrome (Symptoms)"
    assert _titled(page("Tamsley syndrome (Symptoms)"), intents, about) == ""  # symptoms, of another syndrome
    assert _titled(page("Orbeck syndrome (Treatment)"), intents, about) == ""  # another section


def test_a_label_sentence_under_the_asked_section_leads_one_from_elsewhere():
    warn = ("5.2 Hypotension", "Examplostat can cause symptomatic hypotension in volume-depleted patients.")
    contra = ("4 CONTRAINDICATIONS", "Examplostat is contraindicated in patients with a history of angioedema.")
    assert lead("Who should not take examplostat?", warn, contra) == contra[1]
    assert lead("Who should not take examplostat?", contra, warn) == contra[1]
    # not when the sentence under the section is much weaker (outside the margin)
    side = ("6 ADVERSE REACTIONS", "The most common adverse reactions were cough and dizziness.")
    doses = [("3 DOSAGE FORMS", f"Tablets: {n} mg.") for n in (10, 20, 40, 80)]
    far = evidence(warn, *doses, side)
    assert _direct_first(far, intents_of("What are the side effects of examplostat?"), 0.8)[0].text == warn[1]
    # but what must not be done leads, however it scored among the sentences chosen ("Do not use with any other
    # drug containing acetaminophen" before the Uses a "for my headache" matched)
    far = evidence(warn, *doses, contra)
    assert _direct_first(far, intents_of("Who should not take examplostat?"), 0.8)[0].text == contra[1]


def test_labelling_leads_literature_but_a_page_about_no_product_keeps_its_rank():
    from assistant.answering.lead import labelling_first

    def ev(kind: str, product: str | None, text: str, score: float) -> Evidence:
        p = Passage(text[:8], f"{kind}-{product}", "r1", 1, 0, len(text), "", text, "A title", kind, product, "hcp",
                    "1", None, None)
        return Evidence(p, 0, len(text), text, score, 0, 0.8)

    paper = ev("literature", None, "STING is an adaptor protein that signals the presence of cytosolic DNA.", 0.9)
    page = ev("approved", None, "The EVC gene provides instructions for making a protein of unclear function.", 0.6)
    label = ev("approved", "examplostat", "Examplostat is indicated for hypertension.", 0.5)
    notices: list[str] = []
    assert labelling_first([paper, page], notices) == [paper, page] and notices == []
    assert labelling_first([paper, page, label], notices)[0] is label
    assert notices and "approved labelling comes first" in notices[0]


def test_an_abstract_labelled_in_title_case_is_led_by_its_conclusion():
    # "Background:" / "Conclusions:" as many journals print them, not only "BACKGROUND:" in capitals
    from assistant.answering.lead import findings_first

    text = ("Background: Tinnitus distress is common in older adults and few treatments help. Methods: We randomised "
            "80 adults to sound therapy or counselling. Conclusions: Sound therapy reduced tinnitus distress more "
            "than counselling at six months.")
    p = Passage("c1", "pmid-9", "r1", 1, 0, len(text), "", text, "PubMed 9", "literature", None, "hcp", "1", None,
                None)
    spans = [(0, text.index(" Methods")), (text.index("Conclusions"), len(text))]
    ev = [Evidence(p, s, e, text[s:e], score, 0, 0.6) for (s, e), score in zip(spans, (0.9, 0.5))]
    led = findings_first(ev[:1], ev, "Does sound therapy reduce tinnitus distress?", 0.3, 5)
    assert led[0].text.startswith("Conclusions: Sound therapy reduced"), [e.text for e in led]
