"""Greetings, thanks and remarks about the service get a plain reply, not a search; a message that also asks
something is a question."""
from __future__ import annotations

import pytest

from assistant.question.small_talk import REPLIES, kind_of


@pytest.mark.parametrize("message, kind", [
    ("Hello!", "greeting"), ("Good evening, doctor.", "greeting"), ("hey there", "greeting"),
    ("Thank you very much!", "thanks"), ("ok thanks, bye", "thanks"),
    ("The web page does not load on my phone", "service"), ("I forgot my password", "service"),
])
def test_small_talk_is_recognised(message, kind):
    assert kind_of(message, []) == kind


@pytest.mark.parametrize("message, products", [
    ("Hello, what is the usual dose of lisinopril?", ["lisinopril"]),
    ("Thanks! And can it be crushed?", []),
    ("The site says warfarin interacts with aspirin: is that right?", ["warfarin"]),
    ("Is the loading dose different in the elderly?", []),
    ("Hi, my patient developed a rash on amoxicillin.", ["amoxicillin"]),
    # words that name the service elsewhere name science here
    ("Which residues line the binding site of thrombin?", []),
    ("What is the UCSC genome browser used for?", []),
    ("Are pooled CRISPR screens more sensitive than arrayed screens?", []),
    ("I found nothing about cancer of the esophagus on your website, where can I read about it?", []),
])
def test_a_message_that_asks_something_is_a_question(message, products):
    assert kind_of(message, products) is None


def test_each_kind_has_a_reply():
    assert set(REPLIES) == {"greeting", "thanks", "service"} and all(len(r) > 20 for r in REPLIES.values())
