"""PubMed exports as people download them: RIS and NBIB (MEDLINE) files, one document per record, with the
reference in the NLM/Vancouver style."""
from __future__ import annotations

import pytest

from ingest.loaders import LoadError, load

RIS = """TY  - JOUR
AU  - Okafor, Chidi N.
AU  - Lindqvist, Eva
TI  - Velmorant clearance in haemodialysis
T2  - Journal of Renal Pharmacology
J2  - J Renal Pharmacol
PY  - 2021
VL  - 12
IS  - 3
SP  - 101
EP  - 9
DO  - 10.1000/jrp.1
AN  - 39000001
AB  - BACKGROUND: Velmorant is renally cleared. RESULTS: Haemodialysis removed 42% of velmorant.
ER  -

TY  - JOUR
AU  - Berg, Anna
TI  - Torvaline in gout
PY  - 2020
AB  - Flares fell by half in 60 patients on torvaline.
ER  -
"""

NBIB = """PMID- 39000001
TI  - Velmorant clearance in
      haemodialysis.
AB  - BACKGROUND: Velmorant is renally cleared. RESULTS: Haemodialysis removed 42% of
      velmorant from plasma.
AU  - Okafor CN
AU  - Lindqvist E
DP  - 2021 Mar
TA  - J Renal Pharmacol
JT  - Journal of Renal Pharmacology
VI  - 12
IP  - 3
PG  - 101-9
LID - 10.1000/jrp.1 [doi]

PMID- 39000002
TI  - Torvaline in gout.
AB  - Flares fell by half in 60 patients on torvaline.
DP  - 2020
"""


def test_ris_records_become_articles_with_their_reference(tmp_path):
    (tmp_path / "export.ris").write_text(RIS)
    first, second = load(tmp_path / "export.ris")
    assert first.key == "39000001" and first.extra["kind"] == "literature"
    assert first.pages[0].text == ("BACKGROUND: Velmorant is renally cleared.\n"
                                   "RESULTS: Haemodialysis removed 42% of velmorant.")
    assert first.extra["attributes"]["reference"] == (
        "Okafor CN, Lindqvist E. Velmorant clearance in haemodialysis. J Renal Pharmacol. 2021;12(3):101-9. "
        "doi:10.1000/jrp.1. PMID: 39000001.")
    assert second.extra["attributes"]["reference"] == "Berg A. Torvaline in gout. 2020."


def test_nbib_records_join_their_continuation_lines(tmp_path):
    (tmp_path / "export.nbib").write_text(NBIB)
    first, second = load(tmp_path / "export.nbib")
    assert first.title == "Velmorant clearance in haemodialysis." and first.key == "39000001"
    assert "RESULTS: Haemodialysis removed 42% of velmorant from plasma." in first.pages[0].text
    attrs = first.extra["attributes"]
    assert attrs["doi"] == "10.1000/jrp.1" and attrs["year"] == "2021" and attrs["authors"] == ["Okafor CN",
                                                                                                "Lindqvist E"]
    assert second.key == "39000002" and first.extra["source"] == "https://pubmed.ncbi.nlm.nih.gov/39000001/"


def test_files_without_records_are_refused(tmp_path):
    (tmp_path / "empty.nbib").write_text("nothing here\n")
    with pytest.raises(LoadError, match="without records"):
        load(tmp_path / "empty.nbib")
