"""Tables of a PDF label come out as rows quotable with their headers (ingest/tables.py), on a PDF written for this
test with ruled tables (no rule was tuned on it): a dose is answered with its renal-function row whole, a column
header spanning two columns names both, and the cells as plain extraction scattered them are gone from the page."""
from __future__ import annotations

from pathlib import Path

import pytest

from assistant.answering.assistant import Assistant
from assistant.settings import Settings
from ingest.loaders import load
from ingest.pipeline import ingest
from ingest.store import Store
from ingest.tables import render

pytestmark = pytest.mark.slow

DOSE_ROW = "Creatinine clearance: 30 to 49 mL/min | Dravolan dose: 15 mg once daily | Monitoring: Every 3 months"
SPANNED_ROW = "Adverse Reaction: Nausea | Dravolan 10 mg: 3% | Dravolan 20 mg: 6% | Placebo: 1%"


def _label(path: Path) -> Path:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    ruled = [("GRID", (0, 0), (-1, -1), 0.5, colors.black)]
    doses = Table([["Creatinine clearance", "Dravolan dose", "Monitoring"],
                   ["50 mL/min or more", "20 mg once daily", "Every 6 months"],
                   ["30 to 49 mL/min", "15 mg once daily", "Every 3 months"],
                   ["15 to 29 mL/min", "10 mg once daily", "Monthly"]], style=TableStyle(ruled))
    reactions = Table([["Adverse Reaction", "Dravolan", "", "Placebo"],
                       ["", "10 mg", "20 mg", ""],
                       ["Headache", "5%", "8%", "4%"],
                       ["Nausea", "3%", "6%", "1%"]],
                      style=TableStyle(ruled + [("SPAN", (1, 0), (2, 0)), ("SPAN", (0, 0), (0, 1)),
                                                ("SPAN", (3, 0), (3, 1))]))
    story = [Paragraph("DRAVOLAN tablets, for oral use", styles["Title"]),
             Paragraph("2 DOSAGE AND ADMINISTRATION", styles["Heading2"]),
             Paragraph("Adjust the dosage of dravolan to renal function as shown in Table 1.", styles["Normal"]),
             Paragraph("Table 1: Recommended Dravolan Dosage by Renal Function", styles["Normal"]), doses,
             Spacer(1, 12), Paragraph("6 ADVERSE REACTIONS", styles["Heading2"]),
             Paragraph("Table 2: Adverse Reactions Reported in at Least 3% of Patients", styles["Normal"]), reactions,
             Spacer(1, 12), Paragraph("8 USE IN SPECIFIC POPULATIONS", styles["Heading2"]),
             Paragraph("There are no data on dravolan use in pregnant women.", styles["Normal"])]
    path.parent.mkdir(parents=True, exist_ok=True)
    SimpleDocTemplate(str(path), pagesize=letter).build(story)
    return path


def test_rows_replace_the_scattered_cells(tmp_path):
    page = load(_label(tmp_path / "labels" / "dravolan.pdf"))[0].pages[0].text
    assert DOSE_ROW in page
    assert SPANNED_ROW in page  # "Dravolan" spans the 10 mg and 20 mg columns: both are named by it
    assert "\nEvery 3 months\n" not in page  # the cell on a line of its own, as plain extraction left it
    assert "6 ADVERSE REACTIONS" in page and "There are no data on dravolan use in pregnant women." in page


def test_dose_answered_with_its_row(tmp_path, embedder):
    _label(tmp_path / "labels" / "dravolan.pdf")
    store = Store(tmp_path / "store", embedder)
    summary, code = ingest([tmp_path / "labels"], store=store, approve=True)
    assert code == 0, summary
    a = Assistant(store=store, settings=Settings.load(store.data_dir))
    ans = a.ask("What dose of dravolan is recommended when the creatinine clearance is 30 to 49 mL/min?")
    assert ans.status == "answered", ans.explanation
    quotes = [c.quote for c in ans.citations]
    assert any("30 to 49 mL/min" in q and "15 mg once daily" in q for q in quotes), quotes
    for c in ans.citations:  # every quote word for word in the stored page it cites
        page = store.catalog.page_text(store.catalog.document(c.document_id)["rev_id"], c.page)
        assert c.quote in page
    # rows alike in words and apart in figures are not duplicates: the one asked about leads
    low = a.ask("What dose of dravolan is recommended when the creatinine clearance is 15 to 29 mL/min?")
    assert low.status == "answered", low.explanation
    assert "15 to 29 mL/min" in low.citations[0].quote and "10 mg once daily" in low.citations[0].quote


def test_boxes_and_product_data_are_not_tables():
    assert render([["WARNING: BLEEDING RISK"], ["See full prescribing information"]]) == ([], [])
    product = [["Product Information", None, None], ["Product Type", "HUMAN PRESCRIPTION DRUG", "Item Code"],
               ["Route of Administration", "ORAL", ""]]
    assert render(product) == ([], [])
    rows, header = render([["Strength", "Bottle Size", "Water"], ["125 mg/5 mL", "80 mL", "62 mL"],
                           [None, "100 mL", "78 mL"]])
    assert rows[1] == "Strength: 125 mg/5 mL | Bottle Size: 100 mL | Water: 78 mL"  # a label spanning rows


def _long_table(path: Path) -> Path:
    """A label whose interaction table starts low on page 1 and goes on overleaf without its header; the first row
    overleaf ends a row begun on page 1 (its label cell empty)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    styles = getSampleStyleSheet()
    rows = [["Pathway", "Raises levels", "Lowers levels"]]
    for n in range(1, 31):
        rows.append([f"Route R{n}", f"korbamine {n}, salvotin {n}", f"dextrane {n}"])
        if n == 15:  # the last row of page 1: its end goes overleaf
            rows.append(["", "melbutide, tarsivane", "quorfen"])
    story = [Paragraph("VELOTRIN tablets, for oral use", styles["Title"]),
             Paragraph("7 DRUG INTERACTIONS", styles["Heading2"])]
    note = "Monitor patients closely when a drug of Table 4 is started or stopped."
    story += [Paragraph(note, styles["Normal"])] * 22
    story += [Paragraph("Table 4: Drugs that Change Velotrin Levels", styles["Normal"]),
              Table(rows, style=TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))]
    path.parent.mkdir(parents=True, exist_ok=True)
    SimpleDocTemplate(str(path), pagesize=letter).build(story)
    return path


def test_a_table_going_on_overleaf_keeps_its_caption_and_header(tmp_path):
    pages = load(_long_table(tmp_path / "velotrin.pdf"))[0].pages
    overleaf = next(p.text for p in pages[1:] if "salvotin 30" in p.text)
    assert ("Table 4: Drugs that Change Velotrin Levels \u2014 Pathway: Route R30 | Raises levels: korbamine 30, "
            "salvotin 30 | Lowers levels: dextrane 30") in overleaf
    # the row that opens the page with its label cell empty ends the last row of the page before: that row's label
    assert overleaf.lstrip().startswith("Table 4: Drugs that Change Velotrin Levels \u2014 Pathway: Route R15 | "
                                        "Raises levels: melbutide, tarsivane | Lowers levels: quorfen")
