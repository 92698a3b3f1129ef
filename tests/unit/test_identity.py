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


def test_reference_entries_and_product_data_rows_are_never_evidence():
    # A reference list cites sources and an SPL product-data row names an ingredient code: neither states a
    # finding. A sentence that reports a study with its authors ("Smith et al. reported ...") still does.
    from assistant.answering.evidence import _sentences
    from assistant.answering.passages import Passage
    from assistant.answering.snapshot import Hit

    def usable(text: str, section: str = "5 WARNINGS AND PRECAUTIONS") -> list[str]:
        p = Passage("c1", "d", "r", 1, 0, len(text), section, text, "t", "approved", "examplumab", "hcp", "1",
                    None, None)
        return [t.strip() for _, _, t, _, _ in _sentences(Hit(p, 1.0))]

    finding = "Smith et al. reported that examplumab lowered the relapse rate by 40% over two years."
    assert usable(finding) == [finding]
    assert usable("Novak JR, et al. Serum concentrations of examplumab during prolonged therapy in adults.") == []
    entry = "Novak JR, Ortiz LM. Examplumab in adults with severe asthma. J Allergy. 2019;12:1-9."
    assert not any(t.startswith("Novak") for t in usable(entry))  # (its title alone is caught by the section)
    assert usable(entry, "15 REFERENCES") == []
    assert usable("examplumab sodium (UNII: 5E8K9I0O4U) (examplumab - UNII:5E8K9I0O4U) 250 mg in 1 tablet") == []
    assert usable("The dose of examplumab was lowered to 2 mg in all patients of the trial.", "15 REFERENCES") == []


def test_a_sentence_cut_by_the_end_of_its_passage_is_quoted_up_to_its_last_full_stop_or_not_at_all():
    from assistant.answering.evidence import _sentences
    from assistant.answering.passages import Passage
    from assistant.answering.snapshot import Hit

    def usable(text: str) -> list[str]:
        p = Passage("c1", "d", "r", 1, 0, len(text), "8.4 Pediatric Use", text, "t", "approved", "examplumab", "hcp",
                    "1", None, None)
        return [t.strip() for _, _, t, _, _ in _sentences(Hit(p, 1.0))]

    # "Although effective in clinical trials," was quoted as the lead of an answer
    assert usable("Examplumab is indicated in children aged 2 years and older. Although effective in clinical "
                  "trials,") == ["Examplumab is indicated in children aged 2 years and older."]
    # a consumer page's sentences run together with " - ": the full ones are kept
    kept = usable("There are different types of treatment for children with AML or CML. - Treatment is planned by "
                  "a team. - Seven types of standard treatment are used for AML,")
    assert kept and kept[-1].endswith("Treatment is planned by a team.") and "Seven types" not in " ".join(kept)


def test_the_keep_out_of_reach_line_of_every_drug_facts_panel_is_never_evidence():
    # "Can I give my 2 year old Motrin?" had been answered with it: it names children and says nothing of them
    text = "Keep out of reach of children. In case of overdose, get medical help or contact a Poison Control Center."
    assert [t.strip() for _, _, t, _, _ in _label_sentences(text, "Drug Facts > Warnings", page=1)] == [
        "In case of overdose, get medical help or contact a Poison Control Center."]


def test_a_medication_guide_question_heads_the_sentences_after_it_and_is_shown_only_with_them():
    # "What should patients avoid while taking warfarin?" had been answered with the guide's question alone
    text = ("If you miss a dose of examplofen, call your healthcare provider.\n"
            "What should I avoid while taking examplofen tablets?\n"
            "Do not do any activity or sport that may cause a serious injury.")
    rows = [(t.strip(), lead, section)
            for _, _, t, lead, section in _label_sentences(text, "MEDICATION GUIDE", page=30)]
    assert rows[0] == ("If you miss a dose of examplofen, call your healthcare provider.", False, "MEDICATION GUIDE")
    assert rows[1] == ("What should I avoid while taking examplofen tablets?", True, "MEDICATION GUIDE")
    assert rows[2][2] == "MEDICATION GUIDE > What should I avoid while taking examplofen tablets?"


def _label_sentences(text: str, section: str, page: int) -> list:
    """The evidence sentences answering reads from one passage of an approved label of "examplofen"."""
    from assistant.answering.evidence import _sentences
    from assistant.answering.passages import Passage
    from assistant.answering.snapshot import Hit

    p = Passage("c1", "d", "r", page, 0, len(text), section, text, "t", "approved", "examplofen", "consumer", "1",
                None, None)
    return _sentences(Hit(p, 1.0))
