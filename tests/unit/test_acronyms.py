"""Which abbreviation stands for which of the question's words: only one a passage defines by exactly those words."""
from assistant.answering.acronyms import defined, stands_for


def test_the_letters_are_read_from_the_words():
    assert stands_for("HCA", ("hippocampal", "atrophy"))
    assert stands_for("SGA", ("small", "for", "gestational", "age"))
    assert stands_for("NSCLC", ("non", "small", "cell", "lung", "cancer"))
    assert not stands_for("LC", ("outcome", "of", "laparoscopic", "cholecystectomy"))
    assert not stands_for("DBE", ("the", "double", "balloon", "enteroscopy"))


def test_an_abbreviation_counts_only_where_a_passage_defines_it_by_the_questions_words():
    q = "Does peritoneal dialysis affect halitosis in double-balloon enteroscopy?"
    a = defined(q, ["Infants with a patent ductus arteriosus (PDA) were excluded.",
                    "We studied double-balloon enteroscopy (DBE) in 40 patients."])
    assert a.expand({"dbe", "safe"}) >= {"doubl", "balloon", "enteroscopi"}
    assert a.expand({"pda"}) == {"pda"}  # "peritoneal dialysis affect" has the letters but is not what PDA stands for


def test_the_questions_own_abbreviation_finds_its_long_form():
    a = defined("Is TB more common in prisons?", ["Rates of pulmonary tuberculosis (TB) were higher."])
    assert "tb" in a.expand({"tuberculosi", "prison"})
    assert a.expand({"tb"}) >= {"tuberculosi"}
