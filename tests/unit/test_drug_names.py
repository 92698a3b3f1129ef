"""A question names a drug the store may hold nothing about: it is recognised from the FDA/NLM lexicon's
ingredients and brand names as well as the bundled list, but a substance of the body or the diet, or a brand name
that is an everyday word, is not a drug named."""
from __future__ import annotations

import pytest

from assistant.question.products import drugs_in


@pytest.mark.parametrize("question, drugs", [
    # only the lexicon knows these (the bundled list of common drugs does not)
    ("How do the plasma concentrations of amantadine ER and IR compare?", ["amantadine"]),
    ("Is atropine needed with ketamine sedation?", ["atropine", "ketamine"]),
    ("What is the dose of tocilizumab-aazg?", ["tocilizumab"]),
    # the lexicon's brand names, when English uses the word rarely or not at all
    ("Since I took Fioricet about an hour ago, can I take ibuprofen?", ["fioricet", "ibuprofen"]),
    ("Can I take Benadryl with Prozac?", ["benadryl", "prozac"]),
    # the bundled list and the class suffixes, in order of appearance, each once
    ("Can warfarin be given with apixaban? And warfarin with losartan?", ["warfarin", "apixaban", "losartan"]),
])
def test_drugs_are_recognised_from_the_lexicon(question, drugs):
    assert drugs_in(question) == drugs


@pytest.mark.parametrize("question", [
    "Is the tyrosine kinase BTK implicated in autoimmunity?",
    "Which syndrome is associated with mutations in lysine methyltransferase 2D?",
    "Alcohol consumption and acute myocardial infarction: a benefit of alcohol consumed with meals?",
    "How does nicotine affect the brain?",
    # brand names that are everyday words
    "Did the rash react to today's dose?",
    "Is an antitussive safe in pregnancy?",
    "What is the impact of calcium and zinc on bone density?",
    # coagulation proteins: "prothrombin time" had been "No approved labelling is held for prothrombin"
    "Does amoxicillin prolong the prothrombin time?",
    "Is plasminogen activity reduced in sepsis?",
])
def test_substances_of_the_body_and_diet_are_not_drugs(question):
    assert not set(drugs_in(question)) - {"amoxicillin"}
