"""Label questions reach the label section that answers them, and a label's numbered sections stay apart.

Found on dev labels (bench/quality.py, unseen-label dev split) and written here with other drugs' words: "used to
treat" was not an indications question, "contraindications" was read as "indications" (question and heading),
"OVERDOSAGE" as a dosing heading, warnings and precautions had no section at all, and a one-sentence
"4 CONTRAINDICATIONS" under a wrapped list item was chunked with the section above.
"""
from __future__ import annotations

import pytest

from assistant.question.intents import intents_of, qualified_dose, section_matches
from ingest.chunking import chunk_document
from ingest.types import Document, DocumentMeta, Page


def _chunks(*pages: str) -> list:
    """The chunks of a document made of these page texts, as ingest cuts them."""
    doc = Document(DocumentMeta(id="d", title="t").validate(), [Page(n, t) for n, t in enumerate(pages, 1)], "x", "0")
    return chunk_document(doc)


def _holding(chunks: list, phrase: str) -> list:
    """The chunks whose text holds the phrase."""
    return [c for c in chunks if phrase in c.text]


@pytest.mark.parametrize("question, wanted, not_wanted", [
    ("what is lamotrigine used to treat", "indications", None),
    ("What does rivaroxaban treat?", "indications", None),
    ("What are the contraindications of XARELTO?", "contraindications", "indications"),
    ("What are the main warnings and precautions for Lamictal?", "warnings", None),
    ("what are the serious risks of lamotrigine", "warnings", None),
    ("Does Lamictal have a boxed warning?", "boxed_warning", "warnings"),
    ("Can I take 800 mg of Motrin at once?", "dosing", None),
    ("Is it ok to give my son 5 ml of Augmentin?", "dosing", None),
    # lay wordings of the consumer-page sections (the words themselves are not key terms: question_words.txt)
    ("how do doctors check for gout?", "diagnosis", None),
    ("How can I cope with shingles pain?", "treatment", None),
    ("how do i get rid of head lice", "treatment", None),
    ("Can I take ibuprofen with my other medications?", "interactions", "indications"),
    # whether it works asks what it is for; how it works asks for the mechanism
    ("Does Jardiance generally work pretty well?", "indications", None),
    ("Would Keflex work for a UTI?", "indications", None),
    ("Is Bactrim good for a bladder infection?", "indications", None),
    ("How does Eliquis work?", "mechanism", "indications"),
    ("Which condition is treated with secukinumab?", "indications", None),
    # what a drug targets or binds is its mechanism
    ("Which receptor is targeted by tildrakizumab?", "mechanism", None),
    ("What does Dupixent bind to?", "mechanism", None),
    ("What is the target of ustekinumab?", "mechanism", None),
    # a child's age as a parent writes it; an adult's is no child
    ("Can I give my 2 year old Motrin?", "pediatric", None),
    ("Is Zyrtec ok for a 6-month-old?", "pediatric", None),
    ("What is the dose of Zyrtec for my 40 year old husband?", "dosing", "pediatric"),
    ("How should amoxicillin be dosed in patients with CrCl below 30?", "renal", None),
])
def test_a_label_question_has_the_intent_of_its_section(question, wanted, not_wanted):
    names = [i.name for i in intents_of(question)]
    assert wanted in names
    assert not_wanted not in names


def test_a_sentence_that_says_what_a_drug_is_approved_for_answers_an_indication_question():
    from assistant.question.intents import answered_stems

    intents = intents_of("What is the indication of zolvatide?")
    said = answered_stems(intents, "Zolvatide is approved by the FDA for the treatment of adults with psoriasis.")
    assert {"indic", "approv"} <= said, said
    assert not answered_stems(intents, "Zolvatide was well tolerated in a phase 1 study.")


def test_a_targeted_therapy_is_not_a_question_about_a_mechanism():
    assert "mechanism" not in [i.name for i in intents_of("Is targeted therapy an option for thyroid cancer?")]


def test_an_amount_asked_about_is_not_a_key_term_the_label_must_repeat():
    from assistant.question.intents import without_amounts

    # "800 mg" is answered by the label's dose, whatever its number (it matched "an 800 number" in a Drug Facts page)
    assert "800" not in without_amounts("Can I take 800 mg of Motrin at once?")
    # an amount that is not taken stays ("Is 81 mg aspirin enough?" names the product strength)
    assert "81 mg" in without_amounts("Is 81 mg aspirin enough for the heart?")
    # when something happened in the asker's story is not asked about either; a duration asked about stays
    assert "hour" not in without_amounts("Since I took Fioricet about an hour ago, can I take ibuprofen?")
    assert "days" not in without_amounts("I started lisinopril 3 days ago. Is a cough normal?")
    assert "10 days" in without_amounts("Can I take ibuprofen for more than 10 days?")
    told = without_amounts("I took a Percocet last night, can I take Tylenol this morning?")
    assert "night" not in told and "morning" not in told
    assert "morning" in without_amounts("Should I take Lipitor in the morning or at night?")
    assert "one" not in without_amounts("coumadin vs eliquis which one is safer").split()


@pytest.mark.parametrize("question, section, matches", [
    ("What are the indications of XARELTO?", "4 CONTRAINDICATIONS", False),
    ("What are the indications of XARELTO?", "1 INDICATIONS AND USAGE", True),
    ("how much rivaroxaban should be given", "10 OVERDOSAGE", False),
    ("how much rivaroxaban should be given", "2.1 Recommended Dosage", True),
    ("What are the warnings and precautions for XARELTO?", "5.2 Risk of Bleeding", True),
    ("What are the warnings and precautions for XARELTO?", "6 ADVERSE REACTIONS", False),
    ("What are the warnings and precautions for XARELTO?", "8.1 Pregnancy [see Warnings and Precautions (5.3)]", False),
])
def test_a_question_is_vouched_for_by_its_own_section_only(question, section, matches):
    assert section_matches(intents_of(question), section) is matches


def test_a_one_sentence_numbered_section_is_a_chunk_of_its_own():
    text = ("3 DOSAGE FORMS AND STRENGTHS \n"
            "•\t Tablets: 2.5 mg, 10 mg, 15 mg and 20 mg, round, film-coated, for use with the \n"
            "starter pack only \n"
            "4 CONTRAINDICATIONS \n"
            "Rivaroxaban is contraindicated in patients with active pathological bleeding. \n"
            "5 WARNINGS AND PRECAUTIONS \n"
            "5.1 Increased Risk of Thrombotic Events after Premature Discontinuation \n"
            "Premature discontinuation of any oral anticoagulant increases the risk of thrombotic events. \n")
    contra = _holding(_chunks(text), "active pathological bleeding")
    assert len(contra) == 1 and contra[0].section == "4 CONTRAINDICATIONS"
    assert "starter pack" not in contra[0].text and "Premature" not in contra[0].text


def test_a_section_heading_wrapped_across_two_lines_is_one_heading():
    # Wrapped as a PDF extractor breaks a narrow column: the section is Overdosage, not "10 OVER > DOSAGE" (a dosing
    # question must not be sent to it) and not 5.2's tail.
    text = ("5.2 Hepatotoxicity \n"
            "Monitor liver tests in patients given the tablets. \n"
            "10 OVER\n"
            "DOSAGE \n"
            "Single doses up to 40 mg have been given in clinical trials without dose-limiting toxicity. \n"
            "12 CLINICAL\n"
            "PHARMACOLOGY \n"
            "The tablets inhibit a kinase. \n")
    chunks = _chunks(text)
    over = _holding(chunks, "Single doses")
    assert len(over) == 1 and over[0].section == "10 OVERDOSAGE"
    assert "Monitor liver" not in over[0].text
    assert _holding(chunks, "inhibit a kinase")[0].section == "12 CLINICAL PHARMACOLOGY"
    # a page number above a heading is not its section number
    chunks = _chunks("Use with care in the elderly. \n2\nCONTRAINDICATIONS\nDo not use in patients with a history of "
                     "hypersensitivity. \n")
    assert [c.section for c in _holding(chunks, "hypersensitivity")] == ["CONTRAINDICATIONS"]


def test_a_dose_asked_for_a_population_is_sought_where_a_heading_names_both():
    q = qualified_dose(intents_of("How much metformin can a child take?"))
    assert q is not None and q.section.search("2.2 Pediatric Dosage for Metformin Hydrochloride Tablets")
    assert not q.section.search("8.4 Pediatric Use") and not q.section.search("2.1 Adult Dosage")
    q = qualified_dose(intents_of("What is the amoxicillin dose for infants?"))
    assert q is not None and q.section.search("2.2 Dosing in Neonates and Infants Aged 12 Weeks or Younger")
    assert qualified_dose(intents_of("Is metformin safe in children?")) is None  # no dose asked
    assert qualified_dose(intents_of("What is the starting dose of metformin?")) is None  # no population


def test_each_drug_facts_panel_is_a_passage_under_its_own_heading():
    # Written on a naproxen Drug Facts text (not a bundled label): a page that starts with "Do not use" (a title-case
    # line that reads as a heading of its own) must stay inside Drug Facts, so that "Directions" on the same page is
    # still a panel; before, the whole page was one passage labelled "Do not use" and a dose question found no
    # Directions section.
    page1 = ("Naproxen Sodium Tablets 220 mg\nDrug Facts\nActive ingredient (in each tablet)\n"
             "Naproxen sodium 220 mg (naproxen 200 mg) (NSAID)\nPurpose\nPain reliever/fever reducer\nUses\n"
             "temporarily relieves minor aches and pains due to:\nminor pain of arthritis\nmuscular aches\nbackache\n"
             "Warnings\nAllergy alert: Naproxen sodium may cause a severe allergic reaction, especially in people "
             "allergic to aspirin.\n")
    page2 = ("Do not use\nif you have ever had an allergic reaction to any other pain reliever/fever reducer\n"
             "right before or after heart surgery\nAsk a doctor before use if you have\nstomach problems\n"
             "Directions\ndo not take more than directed\nadults and children 12 years and older: take 1 tablet "
             "every 8 to 12 hours while symptoms last\nchildren under 12 years: ask a doctor\nOther information\n"
             "store at 20-25°C (68-77°F)\n")
    by_text = {c.text: c.section for c in _chunks(page1, page2)}
    directions = [s for t, s in by_text.items() if "every 8 to 12 hours" in t]
    assert directions == ["Drug Facts > Directions"], by_text
    assert not any("every 8 to 12 hours" in t and "heart surgery" in t for t in by_text)
    assert [s for t, s in by_text.items() if "heart surgery" in t] == ["Drug Facts > Do not use"]
    assert [s for t, s in by_text.items() if "Allergy alert" in t] == ["Drug Facts > Warnings"]


def test_a_medication_guide_whose_heading_was_not_extracted_starts_at_its_prescribed_first_sentence():
    # As pypdf reads a generic label whose section 17 and Medication Guide headings are drawn as images: the text
    # ran on under the last heading it saw, a clinical study.
    page1 = ("14 CLINICAL STUDIES \n"
             "14.3 Tularemia \n"
             "A placebo-controlled animal study in rabbits exposed to an inhaled dose of bacteria was conducted. \n"
             "Survival was 90% in the treated group. \n")
    page2 = ("Advise the patient to read the FDA-approved patient labeling (Medication Guide). \n"
             "Inform patients that tendon rupture can occur while taking the drug. \n"
             "Dispense with Medication Guide available at: www.example.com/guides \n"
             "Read this Medication Guide before you start taking Velotrin and each time you get a refill. \n"
             "Avoid sunlamps and tanning beds while you take Velotrin. \n")
    chunks = _chunks(page1, page2)

    def section_of(words: str) -> str:
        return next(c.section for c in chunks if words in c.text)

    assert section_of("Survival was 90%") == "14.3 Tularemia"
    assert section_of("tendon rupture") == "17 PATIENT COUNSELING INFORMATION"
    assert section_of("Avoid sunlamps") == "MEDICATION GUIDE"
    assert all("Avoid sunlamps" not in c.text for c in chunks if "tendon rupture" in c.text)


@pytest.mark.parametrize("line, heading", [
    # a paragraph of a Medication Guide set in capitals, wrapped line by line
    ("YOU MAY REPORT", False),
    ("YOUR HEALTHCARE PROVIDER ABOUT ANY SIDE EFFECT THAT BOTHERS YOU, OR", False),
    ("TELL", False),
    ("THE MOST COMMON SIDE EFFECTS OF VELOTRIN TABLETS INCLUDE:", False),
    ("VELOTRIN TABLETS MAY NEED TO BE STOPPED TO PREVENT PERMANENT", False),
    ("WARNING: SERIOUS ADVERSE REACTIONS INCLUDING TENDINITIS, TENDON", True),
    ("BROKEN OR MISSING", True),  # a whole line of capitals is still a heading: it is the next rule's to judge
    ("INSTRUCTIONS FOR USE", True),
    ("WHAT SHOULD YOU AVOID WHILE TAKING VELOTRIN?", True),
    ("4 CONTRAINDICATIONS", True),
])
def test_a_line_of_capitals_that_continues_a_sentence_is_no_heading(line, heading):
    from ingest.text import classify_heading

    assert (classify_heading(line) is not None) is heading


@pytest.mark.parametrize("line, heading", [
    ("SEVERE REACTIONS HAVE BEEN SEEN IN PATIENTS TAKING", False),  # a verb no heading has
    ("DO NOT BREAK OR CRUSH THE CAPSULE", False),
    ("HR (95% CI) 1.42 (0.88, 2.31) 1.10 (0.70, 1.74)", False),  # a table row of numbers
    ("ACR 20 61 (48%) 19 (15%)", False),
    ("(N = 120) (N = 118)", False),
    ("14 CLINICAL STUDIES", True),
    ("WARNING: RISK OF SERIOUS BLEEDING", True),
    ("CARCINOGENESIS, MUTAGENESIS, IMPAIRMENT OF FERTILITY", True),
])
def test_a_line_of_capitals_that_says_a_verb_or_holds_numbers_is_no_heading(line, heading):
    from ingest.text import classify_heading

    assert (classify_heading(line) is not None) is heading


def test_sentences_and_table_rows_in_capitals_do_not_take_over_the_section():
    # an old-format label: an emphasised sentence in capitals inside PRECAUTIONS, a sentence in capitals wrapped over
    # three lines (its verb on the last) inside WARNINGS, and a clinical table whose rows are lines of numbers
    chunks = _chunks(
        "WARNINGS\nTendon rupture has been reported. \n"
        "THE USE OF VELOTRIN EXTENDED-RELEASE CAPSULES IN CHILDREN\nAND IN WOMEN WHO ARE BREASTFEEDING\n"
        "HAS NOT BEEN STUDIED.\nPRECAUTIONS\nInformation for Patients\nTake the capsule whole.\n"
        "DO NOT BREAK OR CRUSH THE CAPSULE\n.\nDrug Interactions\nAntacids lower the absorption of velotrin. \n",
        "14 CLINICAL STUDIES\nTrial A enrolled 240 patients.\nRESPONSE 61 (48%) 19 (15%)\n"
        "Remission at week 12 was more frequent with velotrin. \n")
    assert {c.section for c in _holding(chunks, "Antacids lower")} == {"PRECAUTIONS > Drug Interactions"}
    assert {c.section for c in _holding(chunks, "HAS NOT BEEN STUDIED")} == {"WARNINGS"}
    assert {c.section for c in _holding(chunks, "Remission at week 12")} == {"14 CLINICAL STUDIES"}


def test_a_heading_wrapped_after_a_preposition_is_one_heading():
    from ingest.chunking import SectionState
    from ingest.text import sentence_spans, wrapped_sub_heading

    text = ("DOSAGE AND ADMINISTRATION\nDosing in Children for \nVelotrin Oral Suspension:\n"
            "Give 5 mg/kg once daily. \nDosing in Adults\nGive 200 mg once daily. \n")
    state, labels = SectionState(), {}
    for a, b in sentence_spans(text):
        state.see(text[a:b])
        labels[" ".join(text[a:b].split())] = state.label
    assert labels["Give 5 mg/kg once daily."] == \
        "DOSAGE AND ADMINISTRATION > Dosing in Children for Velotrin Oral Suspension"
    assert labels["Give 200 mg once daily."] == "DOSAGE AND ADMINISTRATION > Dosing in Adults"
    # a boxed warning's title in capitals, wrapped after "and", is not taken for a sub-heading
    assert wrapped_sub_heading(["SERIOUS INFECTIONS AND MALIGNANCY, and", "LYMPHOMA"]) is None


def test_a_sentence_wrapped_after_a_preposition_is_no_heading():
    # "Store at" alone on a line was read as a sub-heading, and the storage sentence lost its verb
    chunks = _chunks("16 HOW SUPPLIED/STORAGE AND HANDLING \nBottles of 30 tablets \nStore at\n"
                     "20\u00b0C to 25\u00b0C (68\u00b0F to 77\u00b0F). Keep the bottle tightly closed. \n")
    held = _holding(chunks, "Store at")
    assert [c.section for c in held] == ["16 HOW SUPPLIED/STORAGE AND HANDLING"]
    from ingest.text import sentence_spans

    text = held[0].text
    assert any(" ".join(text[a:b].split()).startswith("Store at 20") for a, b in sentence_spans(text))
    # a title-case heading over a sentence is still one
    assert [c.section for c in _holding(_chunks("5 WARNINGS AND PRECAUTIONS \nLiver Injury\n"
                                                 "Cases of liver injury were reported. \n"), "liver injury were")] \
        == ["5 WARNINGS AND PRECAUTIONS > Liver Injury"]


@pytest.mark.parametrize("question, causes", [
    ("what are the most common causes hair thinning?", True),  # no "of"
    ("how do children get impetigo", True),
    ("how do you get rid of scabies", False),  # treatment
    ("Should I double the dose because I missed one?", False),  # "because" is no cause asked for
])
def test_a_question_about_causes_is_one_however_it_is_worded(question, causes):
    assert ("causes" in [i.name for i in intents_of(question)]) is causes


@pytest.mark.parametrize("line_above", ["Initial U.S. Approval: 2019", "Warnings and Precautions (5.3)    04/2024"])
def test_a_highlights_heading_between_rules_starts_its_section_whatever_the_line_above(line_above):
    """A Highlights heading set between rules followed the approval year or a recent change's date on the line above,
    which ends without a full stop: the two were one sentence, and the indications stayed under the title block."""
    text = ("HIGHLIGHTS OF PRESCRIBING INFORMATION \n"
            "These highlights do not include all the information needed to use VENTRIX safely and effectively. \n"
            "VENTRIX (zolmarin) tablets, for oral use \n"
            f"{line_above} \n"
            "---------------------------INDICATIONS AND USAGE--------------------------- \n"
            "VENTRIX is a kinase inhibitor indicated for the treatment of adults with moderate to severe plaque "
            "psoriasis. (1) \n"
            "----------------------DOSAGE AND ADMINISTRATION----------------------- \n"
            "The recommended dosage is 5 mg orally once daily. (2) \n")
    chunk = _holding(_chunks(text), "indicated for the treatment")
    assert len(chunk) == 1 and "INDICATIONS AND USAGE" in chunk[0].section, [(c.section, c.text) for c in chunk]
    assert section_matches(intents_of("What is Ventrix indicated for?"), chunk[0].section)


def test_text_after_the_table_of_contents_stays_under_the_heading_it_was_under():
    """On a two-column page the contents ran into the text: the text after them was labelled with the contents' last
    heading ("17 PATIENT COUNSELING INFORMATION") instead of the dosing subsection it belongs to."""
    page1 = ("2 DOSAGE AND ADMINISTRATION \n"
             "2.2 Recommended Dosage in Psoriatic Arthritis \n"
             "The recommended dosage of VENTRIX for adults is 45 mg given subcutaneously at weeks 0 and 4. \n"
             "7 DRUG INTERACTIONS \n"
             "8 USE IN SPECIFIC POPULATIONS \n"
             "12 CLINICAL PHARMACOLOGY \n"
             "17 PATIENT COUNSELING INFORMATION \n"
             "*Sections or subsections omitted from the full prescribing information are not listed. \n")
    page2 = ("The recommended dosage for pediatric patients weighing 60 kg or more is 45 mg given subcutaneously. \n"
             "3 DOSAGE FORMS AND STRENGTHS \n"
             "Injection: 45 mg/0.5 mL in a single-dose vial. \n")
    chunk = _holding(_chunks(page1, page2), "pediatric patients weighing 60 kg")
    assert len(chunk) == 1 and chunk[0].section.startswith("2.2 Recommended Dosage"), [c.section for c in chunk]


@pytest.mark.parametrize("question, section, matches", [
    ("What are the most common adverse reactions of Ventrix?", "8.1 Pregnancy > Fetal/Neonatal Adverse Reactions",
     False),
    ("Is Ventrix safe in pregnancy?", "8.1 Pregnancy > Fetal/Neonatal Adverse Reactions", True),
    ("What are the most common adverse reactions of Ventrix?",
     "6.1 Clinical Trials Experience > Adverse Reactions in Adults", True),
    ("Can Ventrix be taken with ketoconazole?", "12.3 Pharmacokinetics > Drug Interactions", True),
])
def test_a_sub_heading_is_of_the_numbered_section_it_sits_in(question, section, matches):
    """A numbered section whose number says whose it is (8.1: pregnancy) keeps its sub-headings: a pregnancy
    subsection headed "Fetal/Neonatal Adverse Reactions" had led the answer to "most common adverse reactions"."""
    assert section_matches(intents_of(question), section) is matches
