"""Several questions in one message are split so each is answered or refused on its own; one question, or a
narrative ending in one, stays whole."""
from __future__ import annotations

import pytest

from assistant.question.parts import split
from assistant.question.products import drugs_in

PRODUCTS = ("lisinopril", "metformin", "ibuprofen")


def products_in(text: str) -> list[str]:
    return [p for p in PRODUCTS if p in text.lower()]


@pytest.mark.parametrize("message, parts", [
    ("What is the maximum dose of ibuprofen, and how long can it be taken without a doctor?",
     ["What is the maximum dose of ibuprofen?", "how long can it be taken without a doctor (ibuprofen)?"]),
    ("Can metformin be used in renal impairment? Is it excreted in breast milk?",
     ["Can metformin be used in renal impairment?", "Is it excreted in breast milk (metformin)?"]),
    ("Is lisinopril safe in pregnancy? What is the dose of apixaban after hip surgery?",
     ["Is lisinopril safe in pregnancy?", "What is the dose of apixaban after hip surgery?"]),
])
def test_several_questions_are_split(message, parts):
    assert split(message, products_in, drugs_in) == parts


@pytest.mark.parametrize("message", [
    "What are the side effects and contraindications of metformin?",
    "My patient on lisinopril has a dry cough. Should it be stopped?",
    "What is the dose?",
    "Is ibuprofen safe? ok",
])
def test_one_question_stays_whole(message):
    assert split(message, products_in, drugs_in) == [message]
