"""Answers that read as answers, on documents written for these tests (no rule was tuned on them): an anaphoric
sentence only with its antecedent, sentences of one passage in reading order, headings never evidence, and
literature about another drug never cited for the drug asked about."""
from __future__ import annotations

import pytest
from helpers import jsonl_corpus

from assistant.answering.assistant import Assistant
from assistant.settings import Settings
from ingest.pipeline import ingest
from ingest.store import Store

LABEL = (
    "WARNINGS AND PRECAUTIONS\n"
    "Bleeding: Dravolan increases the risk of bleeding and can cause serious and fatal bleeding. "
    "Concomitant use of dravolan with aspirin or other NSAIDs increases the risk of serious bleeding. "
    "This risk is further increased in patients older than 75 years. "
    "Monitor patients for signs and symptoms of blood loss.\n"
    "Hepatotoxicity: Dravolan can cause elevations of liver enzymes. "
    "These elevations were reversible after stopping treatment. "
    "Measure liver enzymes before starting dravolan and every 3 months thereafter.\n"
    "DOSAGE AND ADMINISTRATION\n"
    "Adult Patients 18 Years of Age and Older with Atrial Fibrillation\n"
    "The recommended dosage of dravolan is 20 mg taken orally once daily with the evening meal. "
    "In patients with a creatinine clearance of 15 to 50 mL/min, the recommended dosage of dravolan is 15 mg once "
    "daily. Dravolan tablets may be crushed and mixed with applesauce for patients unable to swallow tablets.\n"
)
# A label whose patient information says "work" in passing, and whose mechanism section never says it.
KELVADINE = (
    "PATIENT INFORMATION\n"
    "Your doctor should check how well your kidneys work before you start kelvadine and while you take it. "
    "Tell your doctor if you feel that kelvadine does not work as well as it did.\n"
    "CLINICAL PHARMACOLOGY\n"
    "12.1 Mechanism of Action\n"
    "Kelvadine is a selective inhibitor of the sodium-glucose cotransporter 4 in the proximal renal tubule. "
    "By blocking glucose reabsorption, kelvadine increases urinary glucose excretion. "
    "The mechanism of action of kelvadine differs from that of sulfonylureas and of insulin.\n"
)
# An OTC Drug Facts panel as PDF text extraction leaves it: bullets lost, items without punctuation, long
# statements wrapped at the column width.
FACTS = (
    "Drug Facts\n"
    "Active ingredient (in each tablet)\nZelprofen 200 mg\n"
    "Uses\ntemporarily relieves minor aches and pains due to headache and toothache\n"
    "Warnings\n"
    "Kidney warning: taking more than directed or for longer than 10 days may cause\nkidney damage\n"
    "long term continuous use may increase the risk of kidney damage\n"
    "Stop use and ask a doctor if\n"
    "you feel faint or vomit blood\n"
    "ringing in the ears or loss of hearing occurs\n"
    "Directions\n"
    "do not take more than directed\n"
    "adults and children 12 years and over: take 1 tablet every 4 to 6 hours while\nsymptoms persist\n"
    "Other information\nstore at 20-25 C\n"
)
# An abstract cut mid-sentence before an anaphoric sentence that names every word asked, and another that answers.
CUT = ("n patients without the receptor. Conversely, tervocumab, the antibody targeting KLR9, is effective even in "
       "patients lacking the receptor, thanks to its receptor-independent mechanism of action.")
PLAIN = "Tervocumab is a human monoclonal antibody that binds and inhibits kallikrein-like receptor 9 (KLR9)."
# A compound no drug list knows (it is not recognised as a drug, so no label is set aside for it).
VELMORIN = ("Velmorin, a co-inducer of the heat shock response, amplifies the expression of heat shock proteins in "
            "stressed motor neurons.")
# An abstract's one retrieved sentence names its own study: "In this study" leans on no sentence before it.
OWN_STUDY = ("In this study, we characterised the long noncoding RNA ovarian tumour-associated transcript 4 (OTAT4) "
             "in ovarian cancer cell lines.")
OTHER = ("Panobinostat was given to 40 patients with refractory myeloma. The maximum tolerated dose of panobinostat "
         "was 20 mg taken orally once daily; dose-limiting toxicities were mostly hematological.")


@pytest.fixture(scope="module")
def shaped(tmp_path_factory, embedder):
    docs = tmp_path_factory.mktemp("shape-docs")
    jsonl_corpus(docs, {
        "label.jsonl": ([{"id": "dravolan-pi", "title": "Dravolan tablets, prescribing information", "text": LABEL,
                          "product": "dravolan"}], {"kind": "approved"}),
        "kelvadine.jsonl": ([{"id": "kelvadine-pi", "title": "Kelvadine tablets, prescribing information",
                              "text": KELVADINE, "product": "kelvadine"}], {"kind": "approved"}),
        "facts.jsonl": ([{"id": "zelprofen-otc", "title": "Zelprofen 200 mg tablets, Drug Facts", "text": FACTS,
                          "product": "zelprofen"}], {"kind": "approved"}),
        "papers.jsonl": ([{"id": "pmid-1", "title": "Panobinostat in myeloma", "text": OTHER},
                          {"id": "pmid-2", "title": "Tervocumab", "text": CUT},
                          {"id": "pmid-3", "title": "Tervocumab", "text": PLAIN},
                          {"id": "pmid-4", "title": "Heat shock co-inducers", "text": VELMORIN},
                          {"id": "pmid-5", "title": "OTAT4 in ovarian cancer", "text": OWN_STUDY}],
                         {"kind": "literature"})})
    store = Store(tmp_path_factory.mktemp("shape-store"), embedder)
    summary, code = ingest([docs], store=store)
    assert code == 0, summary["skipped"]
    # The default answerability model (these tests once asked for the rule by a misplaced setting that was ignored;
    # under the rule one of them is refused, at key-term coverage 0.27).
    return Assistant(store=store, settings=Settings.load(store.data_dir))


def _lines(answer) -> list[str]:
    return [line.lstrip("- ").strip() for line in answer.answer.split("\n") if line.strip()]


def test_an_anaphoric_sentence_comes_after_what_it_refers_to(shaped):
    a = shaped.ask("Is the bleeding risk of dravolan further increased in patients older than 75 years?")
    assert a.status == "answered", a.explanation
    lines = _lines(a)
    i = next(n for n, line in enumerate(lines) if line.startswith("This risk is further increased"))
    assert i > 0 and lines[i - 1].startswith("Concomitant use of dravolan with aspirin"), lines


def test_an_anaphoric_sentence_without_its_antecedent_does_not_crowd_out_a_plain_answer(shaped):
    # "Conversely, tervocumab ..." covers every asked word but what it refers to was cut off: it cannot be shown,
    # and it must not leave the question with no evidence while a plain sentence states the answer.
    seen = shaped.inspect("What is the mechanism of action of tervocumab?")
    evidence = [e.display for e in seen["selection"].evidence]
    assert evidence and evidence[0].startswith("Tervocumab is a human monoclonal antibody"), evidence
    assert not any(e.startswith("Conversely") for e in evidence)


def test_a_sentence_naming_its_own_study_is_not_anaphoric(shaped):
    seen = shaped.inspect("Is OTAT4 a microRNA?")
    evidence = [e.display for e in seen["selection"].evidence]
    assert evidence and evidence[0].startswith("In this study, we characterised"), evidence


def test_a_label_that_never_names_what_is_asked_does_not_answer_for_it(shaped):
    # No product is named; an abstract speaks of velmorin. Kelvadine's Mechanism of Action matches the asked
    # section and every other word, and labelling leads literature, but it is not about velmorin.
    seen = shaped.inspect("What is the mechanism of action of velmorin?")
    ranked = [h.passage.doc_id for h in seen["hits"]]
    assert "kelvadine-pi" in ranked  # retrieved for the words it shares with the question
    # ... but the asked section does not lift it over the abstract that speaks of velmorin
    assert ranked[0] == "pmid-4", ranked
    a = shaped.ask("What is the mechanism of action of velmorin?")
    assert a.citations and a.citations[0].document_id == "pmid-4", a.answer
    assert all(c.document_id != "kelvadine-pi" for c in a.citations), a.answer
    # the label still answers for its own product
    b = shaped.ask("What is the mechanism of action of kelvadine?")
    assert b.status == "answered" and b.citations[0].document_id == "kelvadine-pi", b.answer


def test_sentences_of_one_passage_keep_their_order(shaped):
    # The lead is the sentence that answers best; the points under it follow their passage's order.
    a = shaped.ask("What does the dravolan label say about measuring liver enzymes every 3 months and about "
                   "elevations of liver enzymes being reversible after stopping treatment?")
    assert a.status == "answered", a.explanation
    lines = _lines(a)
    order = [LABEL.find(line.split(" [")[0]) for line in lines[1:]]
    assert len(order) >= 2 and -1 not in order and order == sorted(order), lines


def test_a_heading_is_never_evidence(shaped):
    a = shaped.ask("What is the dose of dravolan for adult patients with atrial fibrillation?")
    assert a.status == "answered", a.explanation
    assert all("Adult Patients 18 Years of Age and Older" not in c.quote for c in a.citations), a.answer


def test_literature_about_another_drug_is_not_cited_for_the_drug_asked_about(shaped):
    a = shaped.ask("What is the maximum dose of dravolan taken orally once daily?")
    assert all(c.document_id != "pmid-1" for c in a.citations), a.answer
    # ... while the same abstract still answers a question about its own drug
    b = shaped.ask("What was the maximum tolerated dose of panobinostat in refractory myeloma?")
    assert b.status == "answered" and b.citations[0].document_id == "pmid-1", b.explanation


def test_unpunctuated_drug_facts_items_are_quoted_one_by_one(shaped):
    a = shaped.ask("Should I stop zelprofen if I get ringing in the ears?")
    assert a.status == "answered", a.explanation
    quotes = [c.quote for c in a.citations]
    assert "ringing in the ears or loss of hearing occurs" in quotes, quotes
    # shown under the panel heading that introduces it
    assert a.answer.index("Stop use and ask a doctor if") < a.answer.index("ringing in the ears"), a.answer
    b = shaped.ask("Does long term use of zelprofen increase the risk of kidney damage?")
    assert b.status == "answered", b.explanation
    # the item alone, not glued to the panel heading that follows it
    assert b.citations[0].quote == "long term continuous use may increase the risk of kidney damage", b.answer


def test_a_sentence_that_names_the_target_answers_a_mechanism_question(shaped):
    # "mode of action" is said by no sentence; "a human monoclonal antibody that binds and inhibits KLR9" states it.
    seen = shaped.inspect("What is the mode of action of tervocumab?")
    assert seen["selection"].coverage == 1.0, seen["selection"].terms
    assert seen["features"]["top_terms_found"] == 1.0, seen["features"]


def test_a_heading_not_a_word_decides_what_a_label_sentence_answers():
    from assistant.answering.evidence import answered
    from assistant.question.intents import intents_of

    asked = intents_of("What is the mechanism of action of dravolan?")
    row = "Strong CYP3A4 inhibitors increase dravolan exposure."
    assert answered(asked, row, "7 DRUG INTERACTIONS") == set()
    assert {"mechan", "action"} <= answered(asked, row, "")
    assert answered(asked, "Dravolan was given to 40 patients.", "") == set()


def test_a_question_that_names_only_a_section_is_answered_from_it(shaped):
    # "How does kelvadine work?" names the mechanism and nothing else: the mechanism leads, not a sentence that
    # happens to say "work".
    a = shaped.ask("How does kelvadine work?")
    assert a.status == "answered", a.explanation
    assert _lines(a)[0].startswith("Kelvadine is a selective inhibitor"), a.answer
