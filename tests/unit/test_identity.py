"""A label's product, brand names and title, read from the label itself (no manifest needed)."""
from __future__ import annotations

from ingest.identity import identify, ingredient, is_stamp

HIGHLIGHTS = """1
HIGHLIGHTS OF PRESCRIBING INFORMATION
These highlights do not include all the information needed to use
ZOLTRAVA safely and effectively. See full prescribing information for ZOLTRAVA.
ZOLTRAVATM (examplumab-xyzq) injection, for intravenous use
Initial U.S. Approval: 2024
"""


def test_a_highlights_page_gives_brand_ingredient_and_a_title_that_is_not_a_page_number():
    ident = identify([HIGHLIGHTS], "label")
    assert ident.brand == "ZOLTRAVA" and ident.generic == "examplumab-xyzq" and ident.product == "examplumab"
    assert ident.title == "ZOLTRAVA (examplumab-xyzq) injection" and "zoltrava" in ident.aliases


def test_dailymed_and_drug_facts_first_lines():
    ident = identify(["METFORMIN HYDROCHLORIDE EXTENDED-RELEASE- metformin hydrochloride\nextended-release  tablet\n"
                      "Apotex Corp.\n"], None)
    assert ident.product == "metformin" and ident.formulation == "extended-release"
    assert "glucophage" in ident.aliases  # the brand names of the ingredient, from the FDA/NLM lexicon
    facts = identify(["Drug Facts\nActive ingredient (in each tablet)\nIbuprofen 200 mg (NSAID)\nPurpose\n"], None)
    assert facts.product == "ibuprofen" and "advil" in facts.aliases and facts.title != "1"


def test_ingredients_lose_their_salt_and_form_words():
    assert ingredient("warfarin sodium") == "warfarin" and ingredient("tocilizumab-aazg") == "tocilizumab"
    assert ingredient("estradiol transdermal system") == "estradiol"
    assert ingredient("amlodipine besylate; atorvastatin calcium") == "amlodipine"


def test_print_stamps_are_recognised():
    assert is_stamp("1/12/24, 3:45 PM   XELJANZ label") and is_stamp("https://www.accessdata.fda.gov/x.pdf")
    assert is_stamp("Page 3 of 40") and not is_stamp("Take 5 mg once daily at 8 PM.")


def test_a_product_name_line_is_not_evidence_but_a_sentence_naming_the_product_is():
    from assistant.answering.evidence import product_line

    assert product_line("ZOLTRAVA® (examplumab-xyzq) injection, for intravenous or subcutaneous use")
    assert not product_line("The recommended dose of ZOLTRAVA (examplumab-xyzq) injection is 8 mg/kg every 4 weeks.")
