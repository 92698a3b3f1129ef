"""Follow-up resolution, deterministic: what carries over from earlier turns and what resets."""
from __future__ import annotations

import re

from assistant.question.followup import check, dangling, replay

NAMES = {"warfarin": "warfarin", "coumadin": "warfarin", "metformin": "metformin", "glucophage": "metformin",
         "lisinopril": "lisinopril"}


def products_in(text: str) -> list[str]:
    low, out = text.lower(), []
    for name, product in NAMES.items():
        if re.search(rf"(?<![a-z]){name}(?![a-z])", low) and product not in out:
            out.append(product)
    return out


def resolved(*turns: str) -> list[str]:
    return [t.resolved for t in replay(list(turns), products_in, NAMES)]


def test_a_fragment_carries_the_topic_product_and_narrows_the_population():
    assert resolved("What is the starting dose of warfarin?", "and in the elderly?", "what about children?") == [
        "What is the starting dose of warfarin?", "What is the starting dose of warfarin in the elderly?",
        "What is the starting dose of warfarin in children?"]


def test_a_question_of_its_own_gets_the_product_by_pronoun_or_by_name():
    out = resolved("Is warfarin safe in pregnancy?", "Can it be crushed?", "what if the INR is above 4?")
    assert out[1:] == ["Can warfarin be crushed?", "what if the INR is above 4 with warfarin?"]


def test_a_new_product_resets_product_and_population_and_keeps_a_fragment_topic():
    turns = replay(["Is metformin contraindicated in severe renal impairment?", "and for lisinopril?",
                    "Does it cause a cough?"], products_in, NAMES)
    assert turns[1].resolved == "Is lisinopril contraindicated?" and turns[1].product == "lisinopril"
    assert turns[1].population is None
    assert turns[2].resolved == "Does lisinopril cause a cough?"


def test_a_brand_asked_before_is_replaced_by_the_new_product():
    assert resolved("What is the usual dose of Coumadin?", "and for metformin?")[1] == \
        "What is the usual dose of metformin?"


def test_a_standalone_question_is_left_as_it_is():
    assert resolved("What is the dose of warfarin?", "What are the contraindications of metformin?")[1] == \
        "What are the contraindications of metformin?"


def test_an_llm_proposal_about_another_product_is_overruled_by_the_rules():
    turns = replay(["What is the starting dose of warfarin?"], products_in, NAMES)
    assert check("What is the starting dose of metformin in the elderly?", "and in the elderly?", turns,
                 products_in, NAMES).question == "What is the starting dose of warfarin in the elderly?"
    assert check("What starting dose of warfarin suits elderly patients?", "and in the elderly?", turns,
                 products_in, NAMES).question == "What starting dose of warfarin suits elderly patients?"


def test_or_maybe_another_product_keeps_the_topic():
    turns = ("What is the usual dose of Coumadin?", "Or maybe metformin?", "Or perhaps lisinopril instead?")
    assert resolved(*turns)[1:] == ["What is the usual dose of metformin?", "What is the usual dose of lisinopril?"]


def test_a_continuation_that_asks_nothing_is_dangling_and_a_question_is_not():
    for message in ("Or maybe metformin?", "and in the elderly?", "What about children?", "How about Glucophage?",
                    "And warfarin?"):
        assert dangling(message, products_in, NAMES), message
    for message in ("metformin?", "What about the dose of warfarin in the elderly?",
                    "And what are the side effects of metformin?", "Is warfarin safe in the elderly?"):
        assert not dangling(message, products_in, NAMES), message
