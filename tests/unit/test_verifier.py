"""The verifier rejects what a citation does not say; rejected claims are pruned from the answer."""
from __future__ import annotations

import pytest

from assistant.answering.verify import Verifier
from assistant.contract import Citation

QUOTE = "If the patient's CYP2C9 and VKORC1 genotypes are not known, the initial dose of\nwarfarin sodium is " \
        "usually 2 to 5 mg once daily."


def _cite(n=1, quote=QUOTE):
    return Citation(n=n, chunk_id="c_x", document_id="d", title="t", version="1", source_type="approved", page=6,
                    start=0, end=len(quote), quote=quote)


@pytest.mark.parametrize("claim, ok, reason", [
    ("If the patient's CYP2C9 and VKORC1 genotypes are not known, the initial dose of warfarin sodium is usually "
     "2 to 5 mg once daily. [1]", True, None),
    ("The initial dose of warfarin sodium is usually 2 to 5 mg once daily. [1]", True, None),
    ("If the patient's CYP2C9 and VKORC1 genotypes are not known, the initial dose of warfarin sodium is usually "
     "2 to 10 mg once daily. [1]", False, "number 10"),
    ("The initial dose of warfarin sodium is usually 2 to 5 mcg once daily. [1]", False, "unit"),
    ("The initial dose of warfarin sodium is not usually 2 to 5 mg once daily. [1]", False, "negation"),
    ("Warfarin sodium is usually started at 2 to 5 mg once daily. [2]", False, "not given"),
    ("Warfarin sodium is usually started at 2 to 5 mg once daily.", False, "cites no passage"),
    ("Warfarin is safe in pregnancy and needs no monitoring. [1]", False, ""),
    ("Warfarin is safe in pregnancy and requires careful dosing. [1]", False, "not supported"),
])
def test_verifier_rejects_what_the_citation_does_not_say(claim, ok, reason):
    kept, removed = Verifier().verify(claim, [_cite()])
    assert (len(kept) == 1) is ok
    if not ok:
        assert reason in removed[0].reason
        assert removed[0].supported is False


def test_an_answer_with_one_bad_sentence_keeps_only_the_good_one():
    from assistant.answering.claims import prune as _prune

    text = ("The initial dose of warfarin sodium is usually 2 to 5 mg once daily. [1]\n\n"
            "- Typical maintenance doses are 20 to 100 mg once daily. [1]")
    kept, removed = Verifier().verify(text, [_cite()])
    assert len(kept) == 1 and len(removed) == 1 and "20" in removed[0].reason
    pruned, cites, claims = _prune(text, [_cite()], kept, removed)
    assert "20 to 100" not in pruned and "[1]" in pruned and len(cites) == 1


def test_bracketed_text_of_a_quote_is_not_taken_for_citation_markers():
    from assistant.answering.claims import split_claims

    quote = ("Repotrectinib is a 3-fluoro-[1,2,4]triazolo[4,3-a]pyridine derivative that inhibits ROS1 and TRK "
             "kinases.")
    answer = f"{quote} [1]\n\n- It is given once daily for 14 days. [1][2]"
    claims = split_claims(answer)
    assert [c.citations for c in claims] == [[1], [1, 2]]
    assert "[1,2,4]triazolo[4,3-a]pyridine" in claims[0].text
    kept, removed = Verifier().verify(f"{quote} [1]", [_cite(quote=quote)])
    assert len(kept) == 1 and not removed


def test_a_bracketed_number_glued_to_a_word_of_a_quote_is_not_a_marker():
    # A genotype "G12P[8]" in an abstract: read as marker [8] of a passage not given, the sentence was rejected and a
    # question answered at 0.92 was refused ("Too little of the drafted answer was supported").
    from assistant.answering.claims import prune as _prune
    from assistant.answering.claims import split_claims, unglue_markers

    quote = "Genotype distribution varied, with G12P[8] dominant in states using one vaccine and G2P[4] in others."
    claims = split_claims(f"{quote} [1]")
    assert [c.citations for c in claims] == [[1]] and "G12P[8]" in claims[0].text
    kept, removed = Verifier().verify(f"{quote} [1]", [_cite(quote=quote)])
    assert len(kept) == 1 and not removed
    pruned, _, _ = _prune(f"{quote} [1]", [_cite(quote=quote)], kept, [])
    assert "G12P[8]" in pruned and "G2P[4]" in pruned  # not renumbered as markers
    # a model that glues its marker to the word: set apart when the number is a passage it was given
    assert unglue_markers("Bleeding may occur[1]. It is G2P[4].", given=2) == "Bleeding may occur [1]. It is G2P[4]."
