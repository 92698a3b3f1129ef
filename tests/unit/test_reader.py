"""The reader: the question and a sentence read together. Sentences made up for these tests (no dev or test item was
used to write them): one answers, the other is on the same topic and does not."""
from __future__ import annotations

import pytest

from assistant.answering import reader

CASES = [
    ("What is the recommended starting dose of examplostat in adults?",
     "The recommended starting dosage of examplostat in adults is 20 mg once daily.",
     "Examplostat was studied in 412 adults with hypertension in two placebo-controlled trials."),
    ("Does zorbimab increase the risk of tuberculosis reactivation?",
     "Reactivation of latent tuberculosis was reported in 1.2% of patients treated with zorbimab compared with 0.1% "
     "of patients given placebo.",
     "Zorbimab is a monoclonal antibody that binds interleukin-23 and is given by subcutaneous injection."),
    ("Which gene is mutated in Kessler-Varga syndrome?",
     "Kessler-Varga syndrome is caused by loss-of-function mutations in the KVS1 gene on chromosome 7.",
     "Kessler-Varga syndrome was first described in 1987 in two siblings with short stature."),
]


@pytest.mark.parametrize("question,answers,other", CASES)
def test_the_reader_scores_the_sentence_that_answers_above_one_on_the_same_topic(question, answers, other):
    r = reader.load()
    assert r is not None
    yes, no = r.scores(question, [answers, other])
    assert yes > no


def test_the_reader_features_are_zero_without_a_reader(tmp_path, monkeypatch):
    monkeypatch.setattr(reader, "load", lambda path=str(tmp_path / "none.npz"): None)
    assert reader.features("Is it safe?", ["It is safe."]) == {"reader_max": 0.0, "reader_joined": 0.0}


def test_a_missing_reader_file_loads_as_none(tmp_path):
    assert reader.load(str(tmp_path / "absent.npz")) is None
