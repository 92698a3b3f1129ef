"""Cited answers on the bundled corpus: right label and page, honest refusals, verbatim quotes."""
from __future__ import annotations

import json
import re

import pytest
import yaml
from helpers import CORPUS, ROOT

ANSWERABLE = [
    ("What is the recommended starting dose of warfarin?", {"warfarin-amneal-2022", "warfarin-goldenstate-2022"}, 6),
    ("Is metformin contraindicated in severe renal impairment?", {"metformin-ir-asmedication-2026",
                                                                   "metformin-er-apotex-2022"}, None),
    ("What is the starting dose of metformin extended-release tablets?", {"metformin-er-apotex-2022"}, None),
    ("Can ciprofloxacin cause tendon rupture?", {"ciprofloxacin-tablets-directrx-2025",
                                                  "ciprofloxacin-er-drreddys-2025"}, None),
    ("What is the recommended initial dose of lisinopril for hypertension?", {"lisinopril-legacy-2021"}, 5),
    ("What is the boxed warning for lisinopril?", {"lisinopril-legacy-2021"}, None),
]


UNANSWERABLE = ["What is the recommended dose of apixaban for atrial fibrillation?",
                "Can rivaroxaban be used during pregnancy?", "What is the half-life of adalimumab?",
                "What is the capital of France?"]


def _verbatim(assistant, answer) -> None:
    for c in answer.citations:
        src = assistant.source(c.chunk_id)
        assert src["page_text"][c.start:c.end] == c.quote, c
        assert src["document_id"] == c.document_id and src["page"] == c.page
        assert src["document"]["version"] == c.version and src["document"]["title"] == c.title


@pytest.mark.parametrize("question, docs, page", ANSWERABLE)
def test_label_questions_are_answered_from_the_right_label_and_page(assistant, question, docs, page):
    a = assistant.ask(question)
    assert a.status == "answered", a.explanation
    assert a.citations and a.claims and all(c.supported for c in a.claims)
    assert {c.document_id for c in a.citations} & docs
    if page is not None:
        assert page in {c.page for c in a.citations if c.document_id in docs}
    _verbatim(assistant, a)
    # Every sentence of the answer carries a marker, every marker a citation.
    for line in a.answer.splitlines():
        if line.strip():
            assert "[" in line and "]" in line, line
    assert {int(n) for n in __import__("re").findall(r"\[(\d+)\]", a.answer)} == {c.n for c in a.citations}


def test_highlights_line_leads_when_it_is_the_crisp_answer(assistant):
    # The Highlights page also holds the start of the table of contents; only the TOC part of that page is
    # demoted, so the Highlights line ("Most common adverse reactions (incidence >= 5%) are ...") leads.
    a = assistant.ask("What are the most common adverse reactions of atorvastatin?")
    lead = a.citations[0]
    assert (lead.document_id, lead.page) == ("atorvastatin-mylan-2024", 2)
    assert "nasopharyngitis" in a.answer.splitlines()[0]
    assert lead.section == "ADVERSE REACTIONS"


def test_a_table_of_contents_is_not_the_answer(assistant):
    # "12.1 Mechanism of Action" appears first in the label's table of contents (which continues on a page
    # without the TOC marker); the answer must come from section 12.1 itself.
    a = assistant.ask("How does warfarin work?")
    assert a.status == "answered", (a.explanation, a.retrieved)
    assert "inhibiting the synthesis of vitamin K" in a.answer.splitlines()[0]
    assert a.citations[0].section.startswith("12.1 Mechanism of Action")


def test_the_right_formulation_is_cited(assistant):
    a = assistant.ask("What is the starting dose of metformin extended-release tablets?")
    assert {c.document_id for c in a.citations} == {"metformin-er-apotex-2022"}
    assert "500 mg" in a.answer and "evening meal" in a.answer


@pytest.mark.parametrize("question", UNANSWERABLE)
def test_questions_the_content_does_not_cover_are_refused(assistant, question):
    a = assistant.ask(question)
    assert a.status == "insufficient_evidence"
    assert a.citations == [] and a.claims == []
    assert a.answer == "The available content does not answer this question." and a.explanation


def test_literature_question_cites_its_abstract(assistant):
    a = assistant.ask("Double balloon enteroscopy: is it efficacious and safe in a community setting?")
    assert a.status == "answered" and a.citations[0].document_id == "pmid-23831910"
    assert a.citations[0].source_type == "literature"
    _verbatim(assistant, a)


def test_every_quote_of_every_golden_answer_is_verbatim(assistant):
    items = [json.loads(line) for line in (CORPUS.parent / "eval/golden/labels.jsonl").read_text().splitlines()]
    answered = 0
    for item in items:
        a = assistant.ask(item["question"])
        _verbatim(assistant, a)
        answered += a.status == "answered"
    assert answered >= 38


def test_product_filter_and_unknown_product(assistant):
    a = assistant.ask("What are the contraindications?", product="metformin")
    assert a.status == "answered" and all(c.document_id.startswith("metformin") for c in a.citations)
    b = assistant.ask("What are the contraindications?", product="apixaban")
    assert b.status == "insufficient_evidence" and "apixaban" in b.explanation


def test_a_drug_known_only_to_the_lexicon_is_not_answered_from_another_label(assistant):
    # amantadine is in no bundled document: refused for that reason, not answered from a label that holds "ER"
    a = assistant.ask("How do the plasma concentrations of amantadine ER and IR compare?")
    assert a.status == "insufficient_evidence" and "amantadine" in a.explanation and not a.citations
    # meropenem has no label here but an abstract: answered from the literature, with the notice
    b = assistant.ask("Are interstitial fluid concentrations of meropenem equivalent to plasma concentrations in "
                      "critically ill patients receiving continuous renal replacement therapy?")
    assert b.status == "answered" and {c.document_id for c in b.citations} == {"pmid-25336163"}
    assert any("No approved labelling is held for meropenem" in n for n in b.notices)
    _verbatim(assistant, b)


def test_langchain_retriever(corpus_dir, embedder):
    from assistant.answering.langchain_retriever import MedinfoRetriever
    from assistant.answering.retrieval import Retriever
    from ingest.store import Store

    r = MedinfoRetriever(retriever=Retriever(Store(corpus_dir, embedder)), k=4)
    docs = r.invoke("Can ciprofloxacin cause tendon rupture?")
    assert len(docs) == 4 and all(d.metadata["document_id"].startswith("ciprofloxacin") for d in docs)
    d = docs[0]
    src = Store(corpus_dir, embedder).catalog.chunk(d.metadata["chunk_id"])
    assert src["page_text"][d.metadata["start"]:d.metadata["end"]] == d.page_content


def test_withdrawn_content_is_never_cited(tmp_path, embedder):
    from test_ingest import SMALL, make_corpus

    from assistant.answering.assistant import Assistant
    from ingest.pipeline import ingest
    from ingest.store import Store

    root = make_corpus(tmp_path, SMALL)
    data = tmp_path / "data"
    store = Store(data, embedder)
    ingest([root], data_dir=data, store=store)
    a = Assistant(store=store)
    q = "What is the maximum daily amount of acetaminophen for adults?"
    assert a.ask(q).status == "answered"
    manifest = yaml.safe_load((root / "manifest.yaml").read_text())
    manifest["documents"][1]["status"] = "withdrawn"
    (root / "manifest.yaml").write_text(yaml.safe_dump(manifest))
    ingest([root], data_dir=data, store=store)
    b = a.ask(q)
    assert b.status == "insufficient_evidence"
    assert all(c.document_id != "acetaminophen-325mg-reliable1-2025" for c in b.citations)
    store.close()


def _labelled(name: str) -> list[dict]:
    return [json.loads(x) for x in (ROOT / "eval/golden" / name).read_text().splitlines() if x]


def test_adverse_events_and_complaints_on_the_labelled_set(assistant):
    """The labelled set (70 questions, 32 adverse events incl. subtle ones, negations among the rest), run
    through the assistant as a user would: recall >= 0.95 and precision >= 0.8 for each signal."""
    items = _labelled("safety.jsonl")
    assert len(items) >= 60 and sum(i["adverse_event"] for i in items) >= 30
    counts = {k: {"tp": 0, "fp": 0, "fn": 0} for k in ("adverse_event", "product_complaint")}
    for it in items:
        flags = assistant.ask(it["question"]).flags
        for k in counts:
            got, want = getattr(flags, k), it[k]
            counts[k]["tp"] += got and want
            counts[k]["fp"] += got and not want
            counts[k]["fn"] += want and not got
    for k, c in counts.items():
        recall = c["tp"] / (c["tp"] + c["fn"])
        precision = c["tp"] / (c["tp"] + c["fp"])
        assert recall >= 0.95 and precision >= 0.8, (k, c)


def test_general_questions_and_negations_are_not_reports(assistant):
    for q in ("What are the most common side effects of atorvastatin?",
              "My patient has been on lisinopril for a year and no side effects were seen. Can the dose be increased?"):
        flags = assistant.ask(q).flags
        assert not flags.adverse_event and not flags.product_complaint, q


def test_off_label_use_is_answered_from_literature_only_with_a_notice(assistant):
    a = assistant.ask("Is metformin effective for polycystic ovary syndrome?")
    assert a.flags.off_label and a.flags.details["off_label"]["product"] == "metformin"
    assert a.flags.details["off_label"]["unsolicited"] is True
    assert any(n.startswith("Off-label") for n in a.notices)
    assert a.status == "answered" and a.citations
    assert all(c.source_type == "literature" for c in a.citations)
    on = assistant.ask("Is warfarin indicated for atrial fibrillation?")
    assert not on.flags.off_label and on.citations[0].source_type == "approved"
    dose = assistant.ask("What is the dose of amoxicillin for renal impairment?")
    assert not dose.flags.off_label
    # an age after "for" is a population, not a use ("month-old" was read as a use: literature only, refused)
    infant = assistant.ask("How should amoxicillin be dosed for a 2-month-old baby?")
    assert not infant.flags.off_label, infant.flags.details
    assert infant.status == "answered" and infant.citations[0].source_type == "approved"


def test_a_greeting_gets_a_reply_not_a_search(assistant):
    a = assistant.ask("Good morning!")
    assert a.status == "insufficient_evidence" and a.citations == [] and a.retrieved == []
    assert a.answer.startswith("Hello.") and "greeting" in a.explanation
    b = assistant.ask("Good morning! What is the recommended starting dose of warfarin?")
    assert b.status == "answered" and b.citations


def test_several_questions_are_answered_or_refused_one_by_one(assistant):
    a = assistant.ask("Is lisinopril safe in pregnancy? What is the dose of rivaroxaban in atrial fibrillation?")
    assert [p.status for p in a.parts] == ["answered", "insufficient_evidence"], a.parts
    assert a.status == "answered" and "1 of the 2 questions" in a.explanation
    assert a.answer.startswith("Is lisinopril safe in pregnancy?\n")
    assert a.answer.rstrip().endswith("The available content does not answer this part.")
    # citations are numbered through and every one belongs to the answered part and resolves verbatim
    assert [c.n for c in a.citations] == list(range(1, len(a.citations) + 1)) == a.parts[0].citations
    products = {d["doc_id"]: d["product"] for d in assistant.store.catalog.documents()}
    assert {products[c.document_id] for c in a.citations} == {"lisinopril"}
    _verbatim(assistant, a)


def test_a_dose_question_is_led_by_a_dose(assistant):
    # The best-scoring sentence here was "Assess LDL-C ... after initiating ... adjust the dosage": on topic, no dose.
    a = assistant.ask("What is the starting dose of atorvastatin?")
    assert a.status == "answered"
    lead = a.answer.split("\n")[0]
    assert re.search(r"\d+\s*mg", lead), lead


def test_a_numbered_subsection_heading_cut_across_lines_is_never_quoted_as_an_answer(assistant):
    # "7.1 Drug Interactions that may Increase the Risk of Myopathy and" (its last word on the next line) had led
    a = assistant.ask("Does atorvastatin interact with warfarin?")
    assert a.status == "answered", a.explanation
    assert not any(re.match(r"\d{1,2}\.\d", " ".join(c.quote.split())) for c in a.citations), \
        [c.quote for c in a.citations]


@pytest.mark.parametrize("question, label, other", [
    # led by warfarin's general interaction sentences; atorvastatin's label says what the question asks
    ("Does atorvastatin interact with warfarin?", "atorvastatin", "warfarin"),
    # the Drug Facts item "taking the blood thinning\ndrug warfarin" had lost its last line ("... if the user is" made
    # the heading line too long to introduce a list), and a list of SSRIs from warfarin's table led
    ("Is it safe to take acetaminophen with warfarin?", "acetaminophen", "warfarin"),
    # retrieval: the label's line on the other drug ranked in neither the question's search nor the interaction
    # sections ("UTI" led to ciprofloxacin's indications; Tylenol's Drug Facts line is not in warfarin's section 7)
    ("my patient on warfarin needs cipro for a UTI, any concerns?", "ciprofloxacin", "warfarin"),
    ("Tylenol while on Jantoven?", "acetaminophen", "warfarin"),
])
def test_a_question_naming_two_drugs_is_led_by_one_labels_sentence_on_the_other(assistant, question, label, other):
    a = assistant.ask(question)
    assert a.status == "answered", a.explanation
    first = a.citations[0]
    assert first.document_id.startswith(label) and other in first.quote.lower(), (first.document_id, first.quote)


def test_a_question_naming_two_drugs_is_not_answered_with_a_third(assistant):
    # ciprofloxacin's Drug Interactions passage: glyburide and cyclosporine had been quoted before the warfarin sentence
    a = assistant.ask("Does ciprofloxacin interact with warfarin?")
    assert a.status == "answered", a.explanation
    quotes = [" ".join(c.quote.split()).lower() for c in a.citations if c.document_id.startswith("ciprofloxacin")]
    assert any("warfarin" in q for q in quotes), quotes
    assert not any(drug in q for q in quotes for drug in ("glyburide", "cyclosporine")), quotes


def test_two_drugs_no_label_names_together_are_answered_with_a_notice_saying_so(assistant):
    a = assistant.ask("Can ibuprofen be taken with atorvastatin?")
    assert any("speaks of ibuprofen and atorvastatin together" in n for n in a.notices), a.notices
    b = assistant.ask("Does atorvastatin interact with warfarin?")  # atorvastatin's label names warfarin
    assert not any("together" in n for n in b.notices), b.notices


def test_a_medication_guide_question_cut_across_lines_is_quoted_whole(assistant):
    # "What should I avoid while taking" / "metformin hydrochloride tablets ?" were two sentences, and the answer
    # opened with the quote "metformin hydrochloride tablets ?"
    a = assistant.ask("is it safe to drink alcohol on metformin")
    assert a.status == "answered", a.explanation
    for c in a.citations:
        quote = " ".join(c.quote.split())
        assert not (quote.endswith("?") and quote[:1].islower()), quote
    assert any("alcohol" in c.quote.lower() for c in a.citations), [c.quote for c in a.citations]


def test_one_labels_sentences_alike_but_for_their_numbers_are_each_kept(assistant):
    # each strength's tablet has its own sentence ("... 1 mg are supplied as pink ...", "... 2 mg ... lavender"):
    # they had been dropped as near-duplicates of the first, so "what strengths" was answered with one
    a = assistant.ask("What tablet strengths is warfarin available in?")
    assert a.status == "answered", a.explanation
    strengths = {m for c in a.citations for m in re.findall(r"USP, (\S+) mg", " ".join(c.quote.split()))}
    assert len(strengths) >= 3, [c.quote for c in a.citations]


def test_a_question_that_names_a_strength_is_answered_for_that_strength(assistant):
    # the 1 mg tablet's sentence matched the question's words as well, and had been cut to "Warfarin Sodium Tablets
    # USP, 1 mg" where the PDF set the product name on its own line
    a = assistant.ask("What color is the warfarin 5 mg tablet?")
    assert a.status == "answered", a.explanation
    quote = " ".join(a.citations[0].quote.split())
    assert "5 mg" in quote and "peach" in quote and "supplied as" in quote, quote


@pytest.mark.parametrize("question, product", [("What is Tylenol used for?", "acetaminophen"),
                                               ("What are the uses of Advil?", "ibuprofen")])
def test_a_drug_facts_uses_question_is_answered_with_the_whole_uses_list(assistant, question, product):
    # The Uses panel of a Drug Facts label: its lead-in with all of its short items, under the panel's heading;
    # not the store brand's trademark note, the DailyMed title line or the Active ingredient heading.
    answer = assistant.ask(question)
    assert answer.status == "answered", answer.explanation
    first = answer.citations[0]
    assert first.quote.startswith("temporarily relieves minor aches and pains") and "toothache" in first.quote
    assert "fever" in first.quote
    by_id = {d["doc_id"]: d["product"] for d in assistant.store.catalog.documents()}
    assert by_id[first.document_id] == product
    assert not any(k in c.quote.lower() for c in answer.citations for k in ("affiliated", "-----", "active ingredient"))


@pytest.mark.parametrize("question, item", [("Is ibuprofen ok with kidney disease?", "kidney disease"),
                                            ("Does Motrin raise your blood pressure?", "high blood pressure")])
def test_a_drug_facts_condition_is_quoted_with_the_heading_it_is_listed_under(assistant, question, item):
    # "Ask a doctor before use if you have" is followed by one short line per condition, with no colon: the
    # conditions were quoted alone ("heart or kidney disease"), as if the label said something of them by itself,
    # and "high blood pressure", too short to quote, was not found at all (the question was refused).
    answer = assistant.ask(question)
    assert answer.status == "answered", answer.explanation
    first = answer.citations[0].quote
    assert first.startswith("Ask a doctor before use if you have") and item in " ".join(first.split()), first


@pytest.mark.parametrize("question", ["Does Advil interact with other drugs?",
                                      "Can I take ibuprofen with other drugs?",
                                      "Can I take ibuprofen after Fioricet?",
                                      "Since I took Fioricet 3 hours ago, can I take ibuprofen?",
                                      "my son took a Tylenol PM last night, can he have Motrin today?"])
def test_a_drug_facts_interactions_question_is_answered_from_the_ask_a_doctor_or_pharmacist_panel(assistant, question):
    # The generic ibuprofen Drug Facts page runs its panels together under "Do not use": the sentence that opens
    # with "Ask a doctor or pharmacist before use if you are" is that panel, the label's drug interactions.
    # "with other drugs" asks about interactions, not what ibuprofen is for (it was answered with its Uses); a drug
    # no document here names (Fioricet, a brand of the FDA/NLM lexicon) is not a key term the label must hold, nor
    # is when the asker took it ("3 hours ago", "last night", "today": "pm" had found a helpline's "4:30 pm").
    answer = assistant.ask(question)
    assert answer.status == "answered", answer.explanation
    first = answer.citations[0]
    assert first.section.startswith("Drug Facts > Ask a doctor or pharmacist before use"), first.section
    assert "taking any other drug" in " ".join(first.quote.split())
    if "Fioricet" in question:
        assert any("No approved labelling is held for fioricet" in n for n in answer.notices), answer.notices


@pytest.mark.parametrize("question", ["I took a Percocet last night, is it ok to take Tylenol this morning?",
                                      "Can I take Vicodin and Tylenol together?",
                                      "I had a Norco earlier today, can I take Tylenol for my headache?"])
def test_a_combination_product_that_holds_the_named_drug_is_answered_with_what_its_label_says_of_taking_it_twice(
        assistant, question):
    # Percocet and Vicodin have no label here, but the FDA/NLM lexicon says they hold acetaminophen: Tylenol's
    # Drug Facts answer ("Do not use with any other drug containing acetaminophen"). "last night" and "this
    # morning" tell the story; they are not what the label must say ("last", "night" had been the key terms). What
    # must not be done leads what "for my headache" matched (the Uses).
    answer = assistant.ask(question)
    assert answer.status == "answered", answer.explanation
    quotes = [" ".join(c.quote.split()) for c in answer.citations]
    # the item is never quoted without the heading that gives it its sense
    assert quotes[0] == "Do not use" and quotes[1].startswith("with any other drug containing acetaminophen"), quotes
    assert answer.answer.startswith("Do not use [1]\n- with any other drug containing acetaminophen")
    assert any("which contains acetaminophen and" in n for n in answer.notices), answer.notices


def test_a_brand_no_label_names_is_looked_for_by_the_ingredient_the_named_label_names(assistant):
    # Prilosec is named by no label here, omeprazole by ciprofloxacin's (a pharmacokinetic study): the answer is
    # that study, not whatever "problem" or "gave" matched (a sentence of the plague studies had led)
    answer = assistant.ask("My doctor gave me Cipro 5 days ago but I also take Prilosec, is that a problem?")
    assert answer.status == "answered", answer.explanation
    assert "omeprazole" in answer.citations[0].quote.lower(), answer.citations[0].quote
    assert any("prilosec, which contains omeprazole" in n for n in answer.notices), answer.notices


@pytest.mark.parametrize("question", ["Is lipitor different from crestor?",
                                      "Which is better for high cholesterol, Lipitor or Crestor?"])
def test_a_statin_compared_with_one_not_held_is_answered_with_what_the_held_one_is_for(assistant, question):
    # The label's "1 INDICATIONS AND USAGE" shares its page with the contents; it had been demoted with them, and
    # a passage of bare bullets under the same heading ranked first, so a table fragment led ("HDL-C | Trial 1 *
    # Results are pooled ..."). "high cholesterol" is what the label calls hypercholesterolemia: not off-label.
    answer = assistant.ask(question)
    assert answer.status == "answered", answer.explanation
    assert not any(n.startswith("Off-label") for n in answer.notices), answer.notices
    first = answer.citations[0]
    assert "INDICATIONS" in first.section.upper() or "Patient Information" in first.section, first.section
    assert "Trial 1" not in answer.answer and "Sections or subsections omitted" not in answer.answer


@pytest.mark.parametrize("question", ["Can someone with a penicillin allergy use amoxicillin?",
                                      "I am allergic to penicillin, can I take amoxicillin?"])
def test_a_drug_someone_is_allergic_to_is_answered_from_the_contraindications(assistant, question):
    # "penicillin allergy" names what the patient reacts to, not a second drug taken: the answer had been
    # amoxicillin's interactions ("Chloramphenicol, macrolides ... may interfere with ... penicillin"), and
    # "someone" its rarest key term
    answer = assistant.ask(question)
    assert answer.status == "answered", answer.explanation
    first = answer.citations[0]
    assert "CONTRAINDICATIONS" in first.section.upper(), first.section
    assert "hypersensitivity" in first.quote.lower()
    assert not any("penicillin" in n for n in answer.notices), answer.notices


def test_two_drugs_weighed_against_each_other_are_answered_with_what_each_is_for(assistant):
    # "better than" asks neither about interactions nor about "better" (no label says it): each product's Uses. The
    # two Uses panels read alike but are about two drugs, so both are cited (one had been folded into the other as
    # if another manufacturer's label of the same product said the same).
    answer = assistant.ask("Is Advil better than Tylenol for a headache?")
    assert answer.status == "answered", answer.explanation
    by_id = {d["doc_id"]: d["product"] for d in assistant.store.catalog.documents()}
    cited = {by_id[c.document_id] for c in answer.citations if c.section.endswith("Uses")}
    assert cited == {"ibuprofen", "acetaminophen"}, [(c.document_id, c.section) for c in answer.citations]
    assert any(n.startswith("A label does not weigh its product against others") for n in answer.notices)


@pytest.mark.parametrize("question", ["coumadin vs eliquis which one is safer", "Is Advil safer than Tylenol?"])
def test_two_drugs_weighed_for_safety_are_answered_with_the_warnings(assistant, question):
    # "safer" and the "one" of "which one" are not what a label says: each held product's warnings are
    answer = assistant.ask(question)
    assert answer.status == "answered", answer.explanation
    assert "warning" in answer.citations[0].section.lower() or answer.citations[0].section.startswith("5."), \
        answer.citations[0].section


def test_a_lay_word_for_alcohol_finds_the_labels_alcohol_warning(assistant):
    # "wine" is not a word of the acetaminophen label; its liver warning speaks of "alcoholic drinks"
    answer = assistant.ask("Can I drink a glass of wine while taking Tylenol?")
    assert answer.status == "answered", answer.explanation
    first = answer.citations[0]
    by_id = {d["doc_id"]: d["product"] for d in assistant.store.catalog.documents()}
    assert by_id[first.document_id] == "acetaminophen" and "alcoholic drinks" in " ".join(first.quote.split())


@pytest.mark.parametrize("question, section", [
    ("who should not take warfarin", "CONTRAINDICATIONS"),
    ("what is lisinopril used to treat", "INDICATIONS"),
    ("What are the main warnings and precautions for ciprofloxacin?", r"^5\.\d|WARNINGS AND PRECAUTIONS"),
])
def test_a_label_question_in_plain_words_is_answered_from_its_section(assistant, question, section):
    # Written against the bundled labels after fixing the question patterns on unseen dev labels (bench/quality.py):
    # "who should not take" names the contraindications and nothing else, "used to treat" the indications, "warnings
    # and precautions" section 5; before, the first two were refused or answered from other sections.
    answer = assistant.ask(question)
    assert answer.status == "answered", answer.explanation
    assert re.search(section, answer.citations[0].section or "", re.I), answer.citations[0].section


@pytest.mark.parametrize("question, lead", [
    ("What dose of atorvastatin is given to children?", True),
    ("How much metformin can a child take?", False),
    ("What is the amoxicillin dose for infants?", True),
])
def test_a_dose_for_children_is_cited_from_the_pediatric_dosing_section(assistant, question, lead):
    # Before, 8.4 Pediatric Use, the Highlights or the adult dosing came first (an extended-release adult dose for
    # "how much metformin can a child take"). The dosing subsection whose heading names the population answers.
    answer = assistant.ask(question)
    assert answer.status == "answered", answer.explanation
    wanted = [bool(re.search(r"^2\.\d+ .*(pediatric|infants)", c.section or "", re.I)) for c in answer.citations[:2]]
    assert wanted[0] if lead else any(wanted), [c.section for c in answer.citations[:2]]


def test_a_dose_for_the_elderly_is_not_answered_with_the_childrens_dose(assistant):
    answer = assistant.ask("What dose of atorvastatin is used in elderly patients?")
    assert answer.status == "answered", answer.explanation
    assert re.match(r"8\.5 Geriatric", answer.citations[0].section or ""), answer.citations[0].section
    assert not any(re.search("pediatric", c.section or "", re.I) for c in answer.citations)


@pytest.mark.parametrize("question, product", [("How much Advil is too much?", "ibuprofen"),
                                               ("How many acetaminophen tablets are too many?", "acetaminophen")])
def test_how_much_is_too_much_is_answered_from_the_directions_panel(assistant, question, product):
    # A consumer dev question ("how much ibuprofen is too much") was refused: "too" counted as a key term the
    # label lacks, and the Directions panel sat in a passage labelled "Do not use". Reworded here.
    answer = assistant.ask(question)
    assert answer.status == "answered", answer.explanation
    assert answer.citations[0].section == "Drug Facts > Directions", [c.section for c in answer.citations]
    by_id = {d["doc_id"]: d["product"] for d in assistant.store.catalog.documents()}
    assert by_id[answer.citations[0].document_id] == product


@pytest.mark.parametrize("question, section", [("ibuprofen?", "Drug Facts > Uses"),
                                               ("Tell me about lisinopril", "INDICATIONS")])
def test_a_message_that_names_only_a_product_is_answered_with_what_it_is_for(assistant, question, section):
    # Before: "ibuprofen?" quoted whichever passage the name ranked first (the Stop-use panel), and "Tell me about
    # warfarin" was refused, "me" being its one key term (bm25s's English stop words keep personal pronouns).
    answer = assistant.ask(question)
    assert answer.status == "answered", answer.explanation
    assert section in (answer.citations[0].section or ""), [c.section for c in answer.citations]


def test_a_continuation_without_an_earlier_question_is_asked_back_and_with_one_is_resolved(assistant):
    # Before: "Or maybe ibuprofen?" as a first message was answered from the Uses panel, as if it asked what
    # ibuprofen is for; "and in the elderly?" was searched as it stands.
    for message, about in (("Or maybe ibuprofen?", "about ibuprofen"), ("and in the elderly?", "Which information")):
        answer = assistant.ask(message)
        assert answer.status == "insufficient_evidence" and not answer.citations, answer.answer
        assert about in answer.answer and "no earlier question" in answer.answer
    answer = assistant.ask("Or maybe ibuprofen?", history=["How much Tylenol can I take in a day?"])
    assert answer.resolved_question == "How much ibuprofen can I take in a day?"
    assert answer.status == "answered" and answer.citations


def test_two_products_named_together_are_answered_from_what_one_label_says_of_the_other(assistant):
    # lisinopril's label speaks of NSAIDs, ibuprofen's label says it is one (its Drug Facts "(NSAID)"): the answer
    # leads with the interaction, not with ibuprofen's active-ingredient line
    a = assistant.ask("Is Advil OK alongside lisinopril?")
    assert a.status == "answered", a.explanation
    first = a.citations[0]
    assert first.document_id == "lisinopril-legacy-2021" and "NSAID" in first.quote, first
    assert not a.flags.off_label
    # a drug with no label here beside one that has: the labelled one's interactions
    c = assistant.ask("Can I take aspirin while on Jantoven?")
    assert c.status == "answered" and c.citations[0].document_id.startswith("warfarin"), c.explanation
    assert c.citations[0].section.startswith("7."), c.citations[0]  # not the clinical studies' aspirin arm
    # a use after "for" that one of the two products is labelled for is not off-label for the other
    b = assistant.ask("Is it risky to take warfarin with ibuprofen for a headache?")
    assert not b.flags.off_label, b.flags.details
    assert b.status == "answered" and b.citations[0].source_type == "approved"
