"""Which evidence sentence leads a dose answer: one that states a dose, and for the patients the question is about.
The label below is made up (no bundled or dev label was used to write it)."""
from __future__ import annotations

from assistant.answering.evidence import Evidence, _direct_first
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
