"""A storage question is answered by the label's storage sentence. Two faults kept it out: "Store at" ending a line
was read as a sub-heading (so the sentence under it lost the word "store"), and the NDC numbers of the package list
in "16 HOW SUPPLIED/STORAGE AND HANDLING" marked the rest of the page as carton text. On a PDF label written for
this test (no rule was tuned on it)."""
from __future__ import annotations

from pathlib import Path

import pytest
from helpers import label_assistant

pytestmark = pytest.mark.slow

SECTION = "16 HOW SUPPLIED/STORAGE AND HANDLING"


def _label(path: Path) -> Path:
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    styles = getSampleStyleSheet()
    normal = styles["Normal"]
    story = [Paragraph("VELOTAB (dorzamine) tablets, for oral use", styles["Title"]),
             Paragraph("2 DOSAGE AND ADMINISTRATION", styles["Heading2"]),
             Paragraph("The recommended dosage of Velotab is 25 mg orally once daily with food.", normal),
             Paragraph(SECTION, styles["Heading2"]),
             Paragraph("Velotab tablets contain 25 mg dorzamine as the hydrochloride.", normal),
             Paragraph("Yellow, round, film-coated tablets debossed with V25 on one side.", normal),
             Paragraph("Bottles of 30 NDC 12345-025-30", normal),
             Paragraph("Bottles of 90 NDC 12345-025-90", normal),
             Paragraph("Store at", normal),
             Paragraph("20\u00b0C to 25\u00b0C (68\u00b0F to 77\u00b0F); excursions permitted to 15\u00b0C to "
                       "30\u00b0C (59\u00b0F to 86\u00b0F). Keep the bottle tightly closed to protect from moisture.",
                       normal)]
    path.parent.mkdir(parents=True, exist_ok=True)
    SimpleDocTemplate(str(path), pagesize=letter).build(story)
    return path


def test_a_storage_question_is_led_by_the_storage_sentence(tmp_path, embedder):
    _label(tmp_path / "labels" / "velotab.pdf")
    a = label_assistant(tmp_path / "labels", tmp_path / "store", embedder)
    ans = a.ask("How should I store Velotab?")
    assert ans.status == "answered", ans.explanation
    first = ans.citations[0]
    assert " ".join(first.quote.split()).startswith("Store at 20\u00b0C to 25\u00b0C"), [c.quote for c in ans.citations]
    assert first.section == SECTION  # not "... > Store at"
    assert not any("NDC" in c.quote for c in ans.citations)  # a package's line is no storage advice
