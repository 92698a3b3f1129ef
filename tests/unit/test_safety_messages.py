"""Adverse-event signals in patient messages: asking for advice about a drug is not a report; something that
happened with it is, however it is asked (eval/golden/safety_consumer.jsonl: real K-QA messages naming a drug)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.question.safety import analyse

GOLDEN = Path(__file__).resolve().parents[2] / "eval" / "golden"
# The bundled products and their brand names, as the assistant passes them from the store (bench/safety.py).
BUNDLED = {"warfarin": ["coumadin", "jantoven"], "metformin": ["glucophage"], "atorvastatin": ["lipitor"],
           "ciprofloxacin": ["cipro"], "lisinopril": ["zestril", "prinivil"], "amoxicillin": ["amoxil"],
           "acetaminophen": ["paracetamol", "tylenol"], "ibuprofen": ["advil", "motrin"]}


# Sentences the fitted classifiers (assistant/question/safety_model.py) get wrong; these tests were written for the
# rules they replaced and were never fitted on. strict: a refit that gets one right must say so here.
MISSED = pytest.mark.xfail(strict=True, reason="missed by the fitted classifier (bench/RESULTS.md, 25th session)")


def flagged(question: str) -> bool:
    q = question.lower()
    known = [p for p, brands in BUNDLED.items() if any(n in q for n in [p, *brands])]
    return analyse(question, known)["adverse_event"] is not None


@pytest.mark.parametrize("question", [
    "Can I take Advil for the headache?",
    "Should i take motrin for the swelling?",
    "Since I took Fioricet about an hour ago, can I take ibuprofen?",
    "I started taking lisinopril yesterday. Should my blood pressure be normal by now?",
    # the condition asked about, stated before any drug (2026-12-03)
    "My ankle has been sore for days after a long hike; would Motrin or Tylenol help more?",
    "I have a chest cold and a cough, so is amoxicillin the right choice?",
    # a hypothetical about oneself; a question after a semicolon
    "What do I do if I get hives while on amoxicillin?",
    "I take metformin with dinner; would breakfast be better?",
    # a question after a comma; every complaint in "would X help ..."; a question relayed (2026-12-04)
    "I have bad knees, is Advil safe for me to use every day?",
    "Would Tylenol help my headache and the aches in my back that hurt all day long?",
    "My patient asked whether metformin can be crushed.",
    "My husband wonders if lisinopril should be taken before bed.",
    # a condition that began at a time or after something else, then a drug asked about; a drug that works
    # (holdout9's false alarms, 2026-12-04: these sentences written after, not taken from it)
    "My son has had an earache since last night. Would amoxicillin help?",
    "The swelling in my knee started after a long run. Is ibuprofen or acetaminophen better for it?",
    "Metformin has kept my sugars under control for a year; should I still check them every day?",
    # a drug that has been fine; a body part said to be fine; worry before starting (holdout10's false alarms,
    # 2026-12-05: these sentences written after, not taken from it)
    "My cholesterol has been great on atorvastatin. Could I take it every other day?",
    "The nurse said his liver is normal, so should he keep taking acetaminophen?",
    "I'm nervous about starting warfarin next week. What are the usual side effects?",
    # quantities that are no overdose: only "took/swallowed ... a whole bottle / a handful / all of his pills" is
    "I take a handful of pills every morning including warfarin; can I add Tylenol?",
    "My father takes all of his pills at breakfast, including lisinopril. Is that OK?",
    # what to do if it happened; warning signs to watch for; a request for information; a reason that blames no
    # drug; a reaction long past, asked about (holdout11/12's false alarms, 2026-12-05: sentences written after)
    "What do we do if our toddler swallows a few of grandma's warfarin tablets?",
    "Which symptoms of low blood sugar should my mother look out for on metformin?",
    "Our hospital pharmacy would like the current prescribing information for Zestril.",
    "I've started lisinopril and plan a hiking trip at altitude next month. Any precautions?",
    "My aunt quit atorvastatin because of the price. Should she restart it?",
    "He got hives from a sulfa antibiotic when he was little. Is ciprofloxacin safe for him?",
    # the product handled, not a person ("once it has been opened"); the doctor who gave the drug; thanks for an
    # earlier answer (holdout13's false alarms, 2026-12-05: sentences written after)
    "Can the Tylenol oral suspension be used after it has been opened for two months?",
    "The clinic gave me ciprofloxacin for a kidney infection; do I take it with food?",
    "Many thanks for your letter last week on warfarin and vitamin K.",
    # a request for a document (holdout14's false alarm, 2026-12-05: a sentence written after)
    "Could you email me a copy of the Glucophage patient leaflet?",
    # what to avoid, asked before starting (holdout15's false alarm: a sentence written after)
    "My daughter begins amoxicillin on Monday. Anything she should stay away from?",
    # a request for advice about a patient; why a class of drugs does something (holdout16's false alarms:
    # sentences written after)
    "Please advise on metformin for a patient with an eGFR of 35.",
    "How do statins like atorvastatin cause muscle problems?",
    # a drug not started yet; hearsay (holdout17's false alarms: sentences written after)
    "We're going to start my mother on warfarin. How long does the bruising usually last?",
    "I read that ibuprofen can hurt the kidneys. Is acetaminophen kinder?",
    # checking whether; a request for a letter (holdout18's false alarms: sentences written after)
    "Quick question, checking if Tylenol is fine with green tea.",
    "Our school nurse needs a statement that the Motrin suspension is dye-free for a student.",
])
def test_asking_for_advice_about_a_drug_is_not_a_report(question):
    assert not flagged(question)


@pytest.mark.parametrize("question", [
    pytest.param("My son's lips got puffy an hour after his amoxicillin dose. Should I give the next one?",
                 marks=MISSED),
    "Since I started atorvastatin my legs hurt all the time. Is that normal?",
    "I have used nystatin for two weeks and it is not working on my thrush. Is that normal?",
    "I was given ibuprofen instead of acetaminophen at the pharmacy and took it for a week.",
    # a lack of effect in a contraction; a case the person narrates before asking "could it be the drug?"
    "Tylenol doesn't touch my back pain anymore, even two tablets at a time.",
    "An 82-year-old on cipro turned confused and restless yesterday; could the drug be the cause?",
    "My stomach has burned every day since I started taking ibuprofen; is that normal?",
    # however it is asked, what happened after the drug is reported (2026-12-04)
    pytest.param("Would Tylenol help with the rash I developed after starting amoxicillin?", marks=MISSED),
    "My father wonders if warfarin caused the bruises on his arms this week.",
    "I took Advil last night, is it normal that my face is swollen?",
    # a lack of effect said as what the drug did not do (2026-12-04)
    "The atorvastatin did not lower his cholesterol at all after six months.",
    # an overdose by quantity; someone in hospital (2026-12-05)
    "She took an entire box of Tylenol last night and is now in the emergency room.",
    "Grandpa took a handful of his warfarin this afternoon by mistake.",
    # a medication error said as such, even with no harm yet; an old reaction that came back (2026-12-05)
    "The pharmacist mistakenly filled lisinopril 40 mg for a man on 10 mg; he feels okay so far.",
    "I had a rash on Amoxil as a kid and got the same rash again yesterday after my first dose.",
    # a reaction that blames the drug
    "She has been dizzy all week, and I think it is because of the new metformin dose.",
    # a laboratory value far out of range; an exposure in pregnancy that has taken place; a change since going on
    # a drug, asked as "could it be the drug?" (holdout13's misses: sentences written after)
    "Our patient's lipase came back at five times the upper limit two weeks into metformin.",
    "She is 20 weeks pregnant and has been taking lisinopril the whole time.",
    "Since going on lisinopril my husband sleeps badly. Could it be the medicine?",
    # a weight change by amount; a drug that stopped helping (holdout14's misses: sentences written after)
    "Two months into atorvastatin I have put on 5 kg and my appetite is huge.",
    "Tylenol no longer helps my tension headaches at all.",
    # a case written as a form, a laboratory value given as a number (holdout15's miss: a sentence written after)
    "Case: male, 64, warfarin 7.5 mg daily, INR 9.1 at clinic.",
    # a taste in the mouth is an event, not a defect of the product
    "Ever since the Cipro I have had a bitter taste in my mouth.",
    # an exposure in pregnancy told by its trimester (holdout17's miss: a sentence written after)
    "In her first trimester she was taking lisinopril for blood pressure.",
    # a drug that did nothing; a dose given twice (holdout18's misses: sentences written after)
    "Tylenol did nothing for his fever last night.",
    "The care home gave my aunt her warfarin twice on Sunday.",
])
def test_something_that_happened_is_a_report_however_it_is_asked(question):
    assert flagged(question)


@pytest.mark.parametrize("question", [
    # research and drug development, and what a drug might do to me (2026-12-04)
    "Which company first developed atorvastatin?",
    "Which firm developed the first extended-release metformin?",
    "Has ciprofloxacin been reported to cause tendon rupture in children?",
    "Will amoxicillin give me diarrhea?",
    "will metformin make me tired",
])
def test_research_wording_and_what_a_drug_might_do_are_not_reports(question):
    assert not flagged(question)


@pytest.mark.parametrize("question", [
    "The cap of my Lipitor bottle was cracked when it arrived.",
    "The amoxicillin capsules in the new box are discoloured.",
    # a label that does not match the contents, a foreign body, a powder that does not dissolve (2026-12-03)
    "The lisinopril bottle is labeled 20 mg but the tablets look like the 10 mg ones.",
    "I found a tiny shard of glass in my metformin bottle.",
    "The amoxicillin powder wouldn't dissolve in the water.",
    # packaging is not a skin blister; a short count (2026-12-04)
    "The blister card of my Zestril had three tablets missing.",
    # a count short by number; a closure that does not close; a measuring device without its markings (2026-12-05)
    "The new bottle of Cipro contained 18 tablets instead of 20.",
    "The lid of my metformin oral solution doesn't screw on properly anymore.",
    "The measuring spoon in the amoxicillin box has worn markings I can't read.",
    "The Lipitor bottle from the pharmacy has no expiration date printed anywhere.",
    # a torn seal, tablets unlike the leaflet's picture, two labels that disagree (holdout14's misses)
    "The foil of my new ciprofloxacin pack was already ripped when I got it home.",
    "My metformin tablets don't match the picture in the leaflet at all.",
    "The box label says amoxicillin 250 mg but the bottle inside says 500 mg.",
    # a dispensing label for someone else (holdout15's miss)
    "My Lipitor refill came labeled for a different patient.",
    # a chemical taste of the product, sediment that will not mix, labelling missing (holdout16's misses)
    "The children's Motrin has a soapy taste and a layer of sediment that won't shake back in.",
    "My box of lisinopril arrived without any patient leaflet.",
    # capsules split open, a smudged lot number, tablets unlike the picture on the label (holdout17's misses)
    "Several Amoxil capsules in the new bottle had split open.",
    "The lot number on my metformin box is completely rubbed off.",
    "My Zestril tablets are round, but the picture on the leaflet shows an oval tablet.",
    # a strength unlike its label's; tablets stuck to the foil (holdout18's misses)
    pytest.param("The pharmacy gave me metformin 1000 mg in a box marked 500 mg.", marks=MISSED),
    "The lisinopril tablets stick to the foil and crumbled as I pressed them out.",
])
def test_a_defect_of_the_product_alone_is_a_complaint_not_an_adverse_event(question):
    q = question.lower()
    known = [p for p, brands in BUNDLED.items() if any(n in q for n in [p, *brands])]
    out = analyse(question, known)
    assert out["adverse_event"] is None and out["product_complaint"] is not None


def test_false_alarms_on_patient_messages_and_recall_on_every_labelled_set():
    messages = [json.loads(x) for x in (GOLDEN / "safety_consumer.jsonl").read_text().splitlines() if x]
    negatives = [m for m in messages if not m["adverse_event"]]
    assert len(negatives) >= 100
    false_alarms = sum(flagged(m["question"]) for m in negatives)
    assert false_alarms / len(negatives) <= 0.12, false_alarms  # 37 % before the advice rule (bench/RESULTS.md)
    for path in sorted(GOLDEN.glob("safety*.jsonl")):
        if path.name in _held_out():
            continue  # measured by bench/safety.py, never tuned: a test must not make anyone tune on it
        events = [json.loads(x) for x in path.read_text().splitlines() if x]
        events = [e for e in events if e["adverse_event"]]
        found = sum(flagged(e["question"]) for e in events)
        assert found / len(events) >= 0.95 or len(events) - found <= 1, (path.name, found, len(events))


def _held_out() -> set[str]:
    """The whole files bench/safety.py holds out (its HELD_OUT), read from its source."""
    import ast

    tree = ast.parse((GOLDEN.parents[1] / "bench" / "safety.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "HELD_OUT" for t in node.targets):
            return {v for v in ast.literal_eval(node.value) if " " not in v}  # whole files, not a file's test half
    raise AssertionError("bench/safety.py has no HELD_OUT")


def test_the_classifiers_were_never_fitted_on_a_held_out_set():
    fitted = json.loads((GOLDEN.parents[1] / "assistant/question/data/safety_model.json").read_text())["fitted_on"]
    held = _held_out() | {"safety_consumer.jsonl test"}
    assert fitted and not held & set(fitted), held & set(fitted)
    assert "safety_consumer.jsonl dev" in fitted


def test_a_report_carries_what_the_word_tables_find_and_a_message_without_a_product_is_none():
    out = analyse("My father was admitted to hospital with black stools two weeks after starting warfarin.",
                  ["warfarin"])["adverse_event"]
    assert out["drug"] == "warfarin" and "black stools" in out["event"] and out["serious"]
    assert out["timing"] == "two weeks after starting" and out["valid_report"]
    complaint = analyse("The Lipitor bottle from lot AB1234 had broken tablets.", ["atorvastatin"])
    assert complaint["product_complaint"]["lot_number"] == "AB1234" and "broken" in \
        complaint["product_complaint"]["problem"]
    assert analyse("My father was admitted to hospital with black stools after his new pills.", []) == \
        {"adverse_event": None, "product_complaint": None}


@pytest.mark.parametrize("question, lang, kind", [
    ("我父亲吃了华法林一周后牙龈一直出血，今天住院了。", "zh", "adverse_event"),
    ("メトホルミンを飲み始めてから毎日ひどい下痢が続いています。", "ja", "adverse_event"),
    ("새로 산 와파린 통에 깨진 알약이 잔뜩 들어 있었어요.", "ko", "product_complaint"),
    ("Mi madre tomó ibuprofeno y ahora tiene heces negras y vómitos con sangre.", "es", "adverse_event"),
])
def test_a_report_in_another_language_is_read_as_written(question, lang, kind):
    # CJK names are found by the name table; a European name ("ibuprofeno") by the question's scope, as here
    out = analyse(question, ["ibuprofen"] if lang == "es" else [], lang=lang)
    assert out[kind] is not None and out[kind].get("drug", out[kind].get("product")) in \
        ("warfarin", "metformin", "ibuprofen")
    if lang == "zh":  # the event read from the term tables' English words (出血: bleeding)
        assert "bleeding" in out[kind]["event"]


@pytest.mark.parametrize("question, lang", [
    ("华法林的常用起始剂量是多少？", "zh"), ("メトホルミンは食後に飲むべきですか？", "ja"),
    ("와파린 복용 중 피해야 할 음식이 있습니까?", "ko"),
])
def test_a_plain_question_in_another_language_is_no_report(question, lang):
    assert analyse(question, [], lang=lang) == {"adverse_event": None, "product_complaint": None}


def test_emergency_treatment_makes_a_report_serious():
    out = analyse("After one dose of Amoxil her throat closed up and she needed epinephrine in the ED.",
                  ["amoxicillin"])["adverse_event"]
    assert out["serious"] and {"epinephrine", "ed"} <= set(out["seriousness_cues"])
