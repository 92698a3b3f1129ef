"""A list item is never quoted without what it completes, even when the sentence that introduces the list ends
without a colon ("Zentaril is indicated for ... psoriasis" then "• as monotherapy after ..."). On a PDF label written
for this test (no rule was tuned on it)."""
from __future__ import annotations

from pathlib import Path

import pytest
from helpers import label_assistant

pytestmark = pytest.mark.slow

LEAD_IN = "Zentaril is indicated for the treatment of adults with moderate to severe chronic plaque psoriasis"


def _label(path: Path) -> Path:
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    # a Unicode font shipped with reportlab: the standard fonts write "•" as a glyph text extraction reads as
    # "\x7f"
    pdfmetrics.registerFont(TTFont("Vera", "Vera.ttf"))
    styles = getSampleStyleSheet()
    styles["Normal"].fontName = "Vera"
    story = [Paragraph("ZENTARIL (velostamab) injection, for subcutaneous use", styles["Title"]),
             Paragraph("1 INDICATIONS AND USAGE", styles["Heading2"]),
             Paragraph(LEAD_IN, styles["Normal"]),
             Paragraph("\u2022 as monotherapy after failure of at least one topical therapy", styles["Normal"]),
             Paragraph("\u2022 in combination with narrowband ultraviolet B phototherapy.", styles["Normal"]),
             Paragraph("2 DOSAGE AND ADMINISTRATION", styles["Heading2"]),
             Paragraph("The recommended dosage of Zentaril is 150 mg by subcutaneous injection every 4 weeks.",
                       styles["Normal"]),
             Paragraph("6 ADVERSE REACTIONS", styles["Heading2"]),
             Paragraph("The most common adverse reactions were injection site reactions and headache.",
                       styles["Normal"])]
    path.parent.mkdir(parents=True, exist_ok=True)
    SimpleDocTemplate(str(path), pagesize=letter).build(story)
    return path


def test_an_item_is_quoted_after_the_sentence_it_completes(tmp_path, embedder):
    _label(tmp_path / "labels" / "zentaril.pdf")
    a = label_assistant(tmp_path / "labels", tmp_path / "store", embedder)
    ans = a.ask("Can Zentaril be used together with phototherapy?")
    assert ans.status == "answered", ans.explanation
    quotes = [" ".join(c.quote.split()) for c in ans.citations]
    item = next(i for i, q in enumerate(quotes) if "phototherapy" in q)
    assert item > 0 and quotes[item - 1].startswith(LEAD_IN), quotes  # what the item completes, just before it
