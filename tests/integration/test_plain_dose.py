"""A dose asked plainly ("How much X should be given?") is answered with the dose for everyone, stated under the
label's recommended-dosage heading, not with an administration or modification subsection that shares the question's
words ("given", a tablet's "5-mg"). On a PDF label written for this test (no rule was tuned on it)."""
from __future__ import annotations

from pathlib import Path

import pytest
from helpers import label_assistant

from assistant.question.intents import intents_of, plain_dose, recommended_dose_heading

pytestmark = pytest.mark.slow

FILLER = ("Patients were followed in the clinical program for the duration of treatment and laboratory values were "
          "recorded at each visit according to the schedule of assessments. ")


def _label(path: Path) -> Path:
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    styles = getSampleStyleSheet()
    normal, head = styles["Normal"], styles["Heading3"]
    story = [Paragraph("These highlights do not include all the information needed to use ZORVEX safely and "
                       "effectively.", normal),
             Paragraph("ZORVEX (zorvatinib) tablets, for oral use", styles["Title"]),
             Paragraph("2 DOSAGE AND ADMINISTRATION", styles["Heading2"]),
             Paragraph("2.1 Recommended Evaluations Prior to Treatment Initiation", head),
             Paragraph("Prior to ZORVEX initiation, perform a complete blood count and liver tests. Zorvatinib should "
                       "not be given to patients with an active serious infection. " + FILLER * 3, normal),
             Paragraph("2.2 Recommended Dosage", head),
             Paragraph("The recommended dosage of ZORVEX is 15 mg orally once daily, with or without food. "
                       + FILLER * 3, normal),
             Paragraph("2.3 Dosage Modifications for Drug Interactions", head),
             Paragraph("In patients taking strong CYP3A4 inhibitors, reduce the ZORVEX dosage to 5 mg once daily. "
                       + FILLER * 3, normal),
             Paragraph("2.4 Alternative Administration for Patients Unable to Swallow Tablets", head),
             Paragraph("For patients unable to swallow whole tablets, 5-mg or 15-mg zorvatinib tablets may be given "
                       "dispersed in water: place the tablets in a container with 10 mL of water, swirl, and give the "
                       "entire contents immediately. Zorvatinib may also be given via a gastric tube. " + FILLER * 3,
                       normal)]
    path.parent.mkdir(parents=True, exist_ok=True)
    SimpleDocTemplate(str(path), pagesize=letter).build(story)
    return path


@pytest.mark.parametrize("question", ["How much zorvatinib should be given?", "how much zorvex should I take"])
def test_a_plain_dose_question_is_led_by_the_recommended_dosage(tmp_path, embedder, question):
    _label(tmp_path / "labels" / "zorvex.pdf")
    a = label_assistant(tmp_path / "labels", tmp_path / "store", embedder)
    ans = a.ask(question)
    assert ans.status == "answered", ans.explanation
    first = ans.citations[0]
    assert "15 mg orally once daily" in " ".join(first.quote.split()), [(c.section, c.quote) for c in ans.citations]
    assert first.section.endswith("2.2 Recommended Dosage")


@pytest.mark.parametrize("question, plain", [
    ("How much zorvatinib should be given?", True),
    ("What is the usual dose of Zorvex?", True),
    ("What dose of zorvatinib for children?", False),  # a population's dose
    ("What if I miss a dose of Zorvex?", False),
    ("How should the Zorvex dose be adjusted with ketoconazole?", False),
    ("Can Zorvex tablets be crushed to give the dose?", False),
])
def test_which_dose_questions_are_plain(question, plain):
    assert plain_dose(question, intents_of(question)) is plain


@pytest.mark.parametrize("heading, recommended", [
    ("2 DOSAGE AND ADMINISTRATION > 2.2 Recommended Dosage", True),
    ("2.3 Dosage Recommendations in Rheumatoid Arthritis", True),
    ("Usual Adult Dose", True),
    ("2.1 Recommended Dosage in Plaque Psoriasis > Subcutaneous Adult Dosage Regimen", True),
    ("2.1 Recommended Dosage in Plaque Psoriasis > Subcutaneous Pediatric Dosage Regimen", False),
    ("2.3 Recommended Dosage in Patients with Renal Impairment", False),
    ("2.7 Alternative Administration for Patients Unable to Swallow Tablets", False),
    ("2.6 Dosage Modifications Due to Drug Interactions", False),
    ("2.1 Recommended Evaluations Prior to Treatment Initiation", False),
])
def test_which_headings_give_the_dose_for_everyone(heading, recommended):
    assert recommended_dose_heading(heading) is recommended
