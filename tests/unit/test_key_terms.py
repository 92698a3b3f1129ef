"""What a question is about, as its key terms weigh it: a typo is read as the word meant, and words that frame a
question ("role", "mechanism") weigh less than what it names, so an answer that names the drug and not the
frame is not refused. Sentences written here, not taken from any golden or dev set."""
from __future__ import annotations

from assistant.question.spelling import corrected
from assistant.question.terms import echo_rate, stem_tokens

STORE_WORDS = frozenset("""hereditary syndrome condition genetic mutations bleeding coming inherited disorder
pneumonia treatment treatments melanoma pembrolizumab prescribing adherence patient""".split())


def _frequency(word: str) -> int:
    return 5 if word in STORE_WORDS else 0


def test_a_misspelt_word_is_read_as_the_stored_word_one_or_two_edits_away():
    assert corrected("Is Marfan sindrome hereditery?", STORE_WORDS, _frequency) == "is marfan syndrome hereditary?"
    assert corrected("blood comming out", STORE_WORDS, _frequency) == "blood coming out"
    assert corrected("pneumonai treatmnet", STORE_WORDS, _frequency) == "pneumonia treatment"
    # two letters swapped are one edit
    assert corrected("my pateint is bleeeding", STORE_WORDS, _frequency) == "my patient is bleeding"


def test_a_word_with_no_stored_neighbour_stays_so_an_absent_topic_still_reads_as_absent():
    q = "Does tebentafusp prolong survival in uveal melanoma?"
    assert corrected(q, STORE_WORDS, _frequency) == q.lower()
    # short words are never changed: too many stored words are one edit from them
    assert corrected("Can a cat get it?", STORE_WORDS, _frequency) == "can a cat get it?"


def test_a_prefix_the_store_lacks_is_not_read_as_a_typo_of_the_word_without_it():
    # "deprescribing" is two edits from "prescribing" but means the opposite: the question stays about it
    q = "Does deprescribing improve falls?"
    assert corrected(q, STORE_WORDS, _frequency) == q.lower()
    assert corrected("nonadherence in elderly", STORE_WORDS, _frequency) == "nonadherence in elderly"
    # a word of English the store lacks is not a typo of a stored word one edit away
    vocab = STORE_WORDS | {"wandering", "increments"}
    assert corrected("wondering about increments", vocab, _frequency) == "wondering about increments"
    assert corrected("decrements of dose", vocab, _frequency) == "decrements of dose"
    # nor is a drug name the store lacks
    assert corrected("is keflex safe", vocab | {"reflex"}, _frequency) == "is keflex safe"
    # ... except its British spelling, read as the American one the store holds
    vocab = STORE_WORDS | {"anemia", "licensed", "esophageal"}
    assert corrected("anaemia: when was it licenced? oesophageal", vocab, _frequency) == \
        "anemia: when was it licensed? esophageal"
    # a letter missing at the start is still a typo
    assert corrected("neumonia treatment", STORE_WORDS, _frequency) == "pneumonia treatment"


def test_a_compound_written_in_two_words_is_joined_when_the_store_holds_it_more_than_its_rarer_part():
    passages = {"toothache": 9, "tooth": 4, "ache": 6, "everyday": 1, "every": 50, "day": 80}

    def frequency(word: str) -> int:
        return passages.get(word, 0)

    vocab = frozenset(passages)
    assert corrected("Is it safe for a tooth ache?", vocab, frequency) == "is it safe for a toothache?"
    assert corrected("take it every day", vocab, frequency) == "take it every day"


def test_words_that_frame_a_question_weigh_less_than_what_it_names():
    frame = [echo_rate(stem_tokens(w)[0]) for w in ("role", "mechanism", "action", "involved")]
    named = [echo_rate(stem_tokens(w)[0]) for w in ("receptor", "mutation", "tebentafusp")]
    assert max(frame) < min(named), (frame, named)
    # a word met too seldom in the fitting questions takes the default, whatever it is
    assert echo_rate("zzqxv") == echo_rate("tebentafusp")


class _Catalogue:
    """What focus asks of the store: the catalogue's products named in a text."""

    def products_in(self, text: str) -> list[str]:
        return ["warfarin"] if "warfarin" in text.lower() else []


def test_a_last_question_that_points_back_keeps_the_sentence_that_names_its_subject():
    from assistant.answering.scope import focus

    snap = _Catalogue()
    assert focus("Tell me about Marfan syndrome. Is it inherited?", snap) == \
        "Tell me about Marfan syndrome. Is it inherited?"
    assert focus("My son was diagnosed with Kawasaki disease last week. What is the treatment?", snap) == \
        "My son was diagnosed with Kawasaki disease last week. What is the treatment?"
    # as far back as the sentences point back themselves
    assert focus("My niece has scarlet fever. She had antibiotics. They live abroad. Should we worry?", snap) == \
        "My niece has scarlet fever. She had antibiotics. They live abroad. Should we worry?"
    # ... or, together, still name nearly nothing
    assert focus("Three of us had shingles. We are wondering why? Should we be concerned?", snap) == \
        "Three of us had shingles. We are wondering why? Should we be concerned?"
    assert focus("I read a lot. My niece has scarlet fever. Is it contagious?", snap) == \
        "My niece has scarlet fever. Is it contagious?"
    # a narrative whose last question says what it asks is narrowed to it, with the product named before
    assert focus("My patient on warfarin had a fall last month. Which foods change the INR?", snap) == \
        "Which foods change the INR? warfarin"


def test_a_number_run_into_a_word_is_written_apart_unless_the_store_holds_the_glued_token():
    from assistant.question.spelling import unglued

    def held(word: str) -> int:
        return 3 if word in ("mg", "years", "hereditary", "tc", "3tc") else 0

    assert unglued("Is 600mg too much? I had it 3years ago", held) == "Is 600 mg too much? I had it 3 years ago"
    assert unglued("1) is it hereditary2) what else", held) == "1) is it hereditary 2) what else"
    # a drug or gene written with its digits stays whole
    assert unglued("3TC with Tcf1 and PRL3", held) == "3TC with Tcf1 and PRL3"


def test_whether_a_disease_is_passed_on_is_found_in_any_word_for_it_but_not_in_family():
    from assistant.question.terms import present

    asked = stem_tokens("Is ALS a heritable disease?")
    heritable = next(t for t in asked if t.startswith("herit"))
    assert present(heritable, set(stem_tokens("5% of cases are associated with familial inheritance")))
    assert present(heritable, set(stem_tokens("The disorder is inherited in an autosomal dominant pattern")))
    assert not present(heritable, set(stem_tokens("Onset is common in children; a family history is a risk factor")))


class _Lexical:
    """How many of the store's passages hold each word (by default every word, in half of them)."""

    def __init__(self, df: dict[str, int] | None = None, n: int = 1000):
        self.n, self._df = n, df

    def __contains__(self, term: str) -> bool:
        return self._df is None or term in self._df

    def df(self, term: str) -> int:
        return self.n // 2 if self._df is None else self._df.get(term, 0)


class _Store:
    """What key_terms asks of the store: its products, and each word's rarity (all alike here)."""

    products: dict[str, str] = {}

    def __init__(self, df: dict[str, int] | None = None):
        self.lexical = _Lexical(df)

    def idf(self, term: str) -> float:
        return 2.0


def test_the_story_after_a_subject_line_weighs_less_than_the_subject():
    from assistant.answering.key_terms import key_terms

    terms = key_terms("Gaucher disease. My cousin was told about it at school and I want tips to explain it to "
                      "classmates.", _Store(), [])
    assert terms["gaucher"] > terms["classmat"] and terms["gaucher"] > terms["cousin"], terms
    # a message that asks with a question mark, or opens with a long sentence, weighs its words alike
    asked = key_terms("Gaucher disease. Can my cousin explain it to classmates?", _Store(), [])
    assert asked["gaucher"] / asked["classmat"] == echo_rate("gaucher") / echo_rate("classmat")
    long = key_terms("My cousin was told about Gaucher disease at school today. I want tips to explain it.",
                     _Store(), [])
    assert long["gaucher"] / long["cousin"] == echo_rate("gaucher") / echo_rate("cousin")


def test_everyday_words_the_store_seldom_says_weigh_less_than_the_subject():
    from assistant.answering.key_terms import STORY_WEIGHT, key_terms

    # 1,000 passages: "lice" and "shampoo" are the store's words; "grandson" and "worried" are everyday English it
    # never says
    store = _Store({"lice": 20, "shampoo": 8, "head": 90, "use": 400})
    terms = key_terms("My grandson has head lice and we are worried. Which shampoo should we use?", store, [])
    assert terms["grandson"] / echo_rate("grandson") == STORY_WEIGHT * terms["lice"] / echo_rate("lice"), terms
    assert terms["worri"] / echo_rate("worri") == STORY_WEIGHT * terms["shampoo"] / echo_rate("shampoo"), terms
    # a word everyday English never says (a gene, a drug name) is never story
    gene = key_terms("Is ZKRN9 expressed in head lice?", _Store({"lice": 20, "head": 90}), [])
    assert gene["zkrn9"] / echo_rate("zkrn9") == gene["lice"] / echo_rate("lice"), gene


def test_the_askers_age_is_who_asks_not_what_is_asked_about():
    from assistant.answering.key_terms import key_terms

    for message in ("I am a 31yr woman with flat feet, what treatment helps?",
                    "My niece (9 yrs old) has flat feet, what treatment helps?",
                    "A 58-year-old man has flat feet; what treatment helps?"):
        terms = key_terms(message, _Store(), [])
        assert "flat" in terms and "feet" in terms, terms
        assert not {"yr", "yrs", "31", "9", "58", "year", "old"} & set(terms), (message, terms)
    # a number that is no age stays, and so do an infant's age in months and a population's age
    assert "50" in key_terms("Is 50 of the zinc tablets too many?", _Store(), [])
    assert "month" in key_terms("What is the zinc dose for a 2-month-old infant?", _Store(), [])
    assert "80" in key_terms("Is surgery justified in patients aged 80 or older?", _Store(), [])


def test_the_service_a_message_is_addressed_to_is_not_what_it_asks_about():
    from assistant.answering.key_terms import key_terms

    terms = key_terms("What does the National Library of Medicine have on gout? Please send it thru MedlinePlus, "
                      "I found nothing on your website.", _Store(), [])
    assert "gout" in terms, terms
    assert not {"nation", "librari", "medlineplu", "medlineplus", "thru", "sent", "websit"} & set(terms), terms
    # a library that is the subject stays ("Which CRISPR library ...")
    assert "librari" in key_terms("Which CRISPR library targets kinases?", _Store(), [])
