"""The checks that replaced two assertions which could not fail do fail on a corrupted value."""
from __future__ import annotations

import pytest
from checks import none_of_its_chunks_live, states_warfarin_starting_dose


def test_the_dose_check_fails_when_the_dose_is_wrong():
    states_warfarin_starting_dose({"status": "answered", "answer": "The initial dose is usually 2 to 5 mg daily."})
    with pytest.raises(AssertionError):  # the old `a and b or c` passed this one
        states_warfarin_starting_dose({"status": "answered", "answer": "The initial dose is usually 20 to 50 mg."})
    with pytest.raises(AssertionError):
        states_warfarin_starting_dose({"status": "insufficient_evidence", "answer": "2 mg to 5 mg",
                                       "explanation": "refused"})


def test_the_withdrawal_check_fails_when_a_chunk_stays_live():
    none_of_its_chunks_live({"c_a", "c_b"}, {"c_x", "c_y"})
    with pytest.raises(AssertionError):  # the old `all(not cid.startswith("x"))` passed this one
        none_of_its_chunks_live({"c_a", "c_b"}, {"c_a", "c_y"})
    with pytest.raises(AssertionError):
        none_of_its_chunks_live(set(), {"c_a"})
