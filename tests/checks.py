"""Assertions shared by tests whose earlier versions could not fail (see unit/test_checks.py, which feeds
each a corrupted value and shows it fails)."""
from __future__ import annotations


def states_warfarin_starting_dose(answer: dict) -> None:
    """An answered warfarin starting-dose question states 2 to 5 mg (was: `a and b or c`, true whenever c was)."""
    assert answer["status"] == "answered", answer.get("explanation")
    assert "2 to 5 mg" in answer["answer"] or "2 mg to 5 mg" in answer["answer"], answer["answer"]


def none_of_its_chunks_live(rev_chunk_ids: set[str], live: set[str]) -> None:
    """A withdrawn document's chunks are not in the live set (was: a check on the chunk id prefix, always true)."""
    assert rev_chunk_ids, "the withdrawn revision has no chunks to check"
    assert not (rev_chunk_ids & live), f"{len(rev_chunk_ids & live)} chunk(s) of a withdrawn document are live"
