"""A question on a labelled product together with a drug no label here is for ("Can Velotab and aspirin be taken
together?"): the product's labelling is searched for what names that drug, and a sentence of it that does speaks of
both. Before, only two labelled products made a pair, and the answer to "Can warfarin and aspirin be taken
together?" was a clinical trial's table. Made-up names."""
from __future__ import annotations

from assistant.answering.choice import names_other, others_named
from assistant.answering.scope import Scope
from assistant.answering.snapshot import Filters
from assistant.question.intents import INTENTS
from assistant.question.terms import stem_tokens

INTERACTIONS = [i for i in INTENTS if i.name == "interactions"]  # as decide() sets it for two drugs named together


def test_a_drug_without_a_label_pairs_with_the_product_named():
    q = "Can velotab and aspirin be taken together?"
    scope = Scope(question=q, filters=Filters(products=["velotab"], intents=INTERACTIONS), mentioned=["velotab"],
                  unlabelled=["aspirin"])
    assert scope.pair_query() == "velotab aspirin"
    others = others_named(["velotab"], {"velotab": "velotab"}, unlabelled=["aspirin"])
    row = "Antiplatelet agents: aspirin, clopidogrel, prasugrel (increase the risk of bleeding with Velotab)"
    assert names_other(others, "velotab", set(stem_tokens(row)))
    assert not names_other(others, "velotab", set(stem_tokens("Monitor the INR when starting an antibiotic.")))


def test_no_pair_without_a_product_or_without_an_interaction_question():
    q = "What is the dose of velotab for adults taking aspirin?"
    dosing = [i for i in INTENTS if i.name == "dosing"]
    scope = Scope(question=q, filters=Filters(products=["velotab"], intents=dosing), mentioned=["velotab"],
                  unlabelled=["aspirin"])
    assert scope.pair_query() == ""  # not asked how the two go together
    assert others_named([], {}, unlabelled=["aspirin"]) == {}
