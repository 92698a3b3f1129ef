"""Questions in Spanish, French and German: the language is told by its words, and the English search words come
from cognates of the store's words and from a table of the words that are not cognates."""
from __future__ import annotations

import pytest

from assistant.question.european import LANGUAGES, pivot
from assistant.question.language import detect

VOCAB = frozenset("warfarin metformin atorvastatin clarithromycin anaphylaxis amoxicillin insufficiency myopathy "
                  "hypoglycemia insulin necrosis tablets lithium renal".split())
NAMES = {"warfarin": "warfarin", "paracetamol": "acetaminophen", "lipitor": "atorvastatin"}


@pytest.mark.parametrize("question, lang", [
    ("¿Cuál es la dosis inicial recomendada de warfarina?", "es"),
    ("L'atorvastatine augmente-t-elle l'HbA1c ?", "fr"),
    ("Peut-on associer la metformine à un inhibiteur de l'anhydrase carbonique ?", "fr"),
    ("Verlängert Ciprofloxacin das QT-Intervall?", "de"),
    ("Ist Ciprofloxacin in der Schwangerschaft kontraindiziert?", "de"),
    ("A varfarina pode causar necrose cutânea?", "pt"),
    ("L'atorvastatina può essere continuata durante l'allattamento?", "it"),
    ("Was the patient given warfarin before the surgery?", "en"),
    ("Can patients who die of sepsis be given la dose?", "en"),
    ("What is the dose of de Quervain's tenosynovitis treatment?", "en"),
    # English words that are also Portuguese or Italian ones ("a", "I", "do", "no", "e") tell nothing
    ("Do older patients need a lower dose?", "en"),
    ("I am 40, i have a rash, i want treatment", "en"),
    ("My cough won't go away since starting lisinopril 10 mg.", "en"),
    ("Has a new drug been considered as a treatment for gout?", "en"),
])
def test_the_language_is_told_by_its_words(question, lang):
    assert detect(question) == lang


def test_a_single_letter_is_not_french():
    assert detect("Vitamin D, vitamin E etc?") not in LANGUAGES  # "d" was counted as French ("d'")


@pytest.mark.parametrize("question, lang, words", [
    # cognates by their spelling key; non-cognates from the table
    ("¿Cuál es la dosis máxima de atorvastatina con claritromicina?", "es",
     {"maximum", "dose", "atorvastatin", "clarithromycin"}),
    ("¿Cómo se dosifica la amoxicilina en la insuficiencia renal grave?", "es",
     {"amoxicillin", "insufficiency", "renal"}),
    ("La metformine provoque-t-elle une hypoglycémie en association avec l'insuline ?", "fr",
     {"metformin", "hypoglycemia", "insulin"}),
    ("Les enfants de moins de 6 ans peuvent-ils prendre des comprimés de paracétamol ?", "fr",
     {"pediatric", "children", "tablets", "paracetamol"}),
    # a German compound by its parts; a brand as written
    ("Erhöht die Zugabe von Niacin zu Atorvastatin das Myopathierisiko?", "de", {"myopathy", "risk"}),
    ("Darf Warfarin in der Schwangerschaft gegeben werden?", "de", {"warfarin", "pregnancy"}),
    # a drug's name as spelt in the language (v for w), a cognate in -se for -sis
    ("A varfarina pode causar necrose cutânea?", "pt", {"warfarin", "necrosis"}),
    ("I bambini possono prendere il paracetamolo?", "it", {"paracetamol", "pediatric"}),
    ("Sollte der Digoxinspiegel bei Patienten unter Lipitor überwacht werden?", "de", {"lipitor", "monitor"}),
])
def test_the_english_search_words(question, lang, words):
    assert set(pivot(question, lang, VOCAB, NAMES).split()) >= words
