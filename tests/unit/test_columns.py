"""A filter mask from the coded columns decides exactly what the per-passage test decides."""
import itertools

import numpy as np
import pytest

from assistant.answering.columns import Columns
from assistant.answering.passages import ChunkIndex
from assistant.answering.snapshot import PATIENT_SECTION, Filters, Passage, _allowed
from assistant.question.intents import intents_of, section_matches


def _passage(i, doc, kind, product, audience, section):
    return Passage(chunk_id=f"c{i}", doc_id=doc, rev_id="r", page=1, start=0, end=1, section=section,
                   stored_text="x", title="t", kind=kind, product=product, audience=audience, version="1",
                   effective=None, expiry=None)


PASSAGES = [_passage(i, *row) for i, row in enumerate([
    ("warfarin-a", "approved", "warfarin", "hcp", "2 DOSAGE AND ADMINISTRATION > 2.1 Dosing"),
    ("warfarin-a", "approved", "warfarin", "hcp", "Medication Guide"),
    ("warfarin-b", "approved", "warfarin", "any", "4 CONTRAINDICATIONS"),
    ("ibuprofen", "approved", "ibuprofen", "consumer", "Directions"),
    ("memo", "approved", "warfarin", "internal", ""),
    ("pmid-1", "literature", None, "any", ""),
    ("pmid-2", "literature", "metformin", "hcp", "Results"),
])]


def _table():
    """The same passages as a PassageTable (columns; documents held once), as a snapshot holds them."""
    from assistant.answering.passages import PassageTable

    table, rows = PassageTable(), {}
    for p in PASSAGES:
        if p.doc_id not in rows:
            rows[p.doc_id] = table.add_doc((p.doc_id, p.rev_id, p.title, p.kind, p.product, p.audience, p.version,
                                            p.effective, p.expiry, p.status))
        table.add(p.chunk_id, rows[p.doc_id], p.page, p.start, p.end, p.section, None)
    return table.done()


@pytest.mark.parametrize("built", ["from passages", "from a table"])
def test_every_filter_combination_gives_the_per_passage_decision(built):
    cols = Columns(PASSAGES, PATIENT_SECTION) if built == "from passages" else \
        Columns.of_table(_table(), PATIENT_SECTION)
    for product, audience, source, products, exclude, hide, patient, q in itertools.product(
            [None, "warfarin", "absent"], [None, "hcp", "consumer"], [None, "approved", "literature"],
            [[], ["warfarin"], ["ibuprofen", "absent"]], [set(), {"warfarin-b", "pmid-1"}], [False, True],
            [False, True], ["", "What is the dose?"]):
        f = Filters(product=product, audience=audience, source_type=source, products=products, exclude_docs=exclude,
                    hide_internal=hide, patient=patient)
        expected = np.array([_allowed(p, f, None) for p in PASSAGES])
        assert np.array_equal(cols.allowed(f), expected), f
        sections = intents_of(q)
        if sections:
            want = np.array([section_matches(sections, p.section) for p in PASSAGES], dtype=np.float32)
            assert np.array_equal(cols.sections_match(lambda s, secs=sections: section_matches(secs, s)), want)


def test_a_filter_on_an_unknown_value_allows_nothing_it_restricts():
    cols = Columns(PASSAGES, PATIENT_SECTION)
    assert not cols.allowed(Filters(product="absent")).any()
    assert cols.allowed(Filters(exclude_docs={"absent"})).all()


def test_a_table_makes_a_passage_object_only_when_asked_and_keeps_it():
    table = _table()
    assert len(table) == len(PASSAGES) and table.made() == 0
    p = table[3]
    assert (p.chunk_id, p.doc_id, p.product, p.audience, p.section) == \
        (PASSAGES[3].chunk_id, "ibuprofen", "ibuprofen", "consumer", "Directions")
    assert table[3] is p and table.made() == 1
    assert [q.chunk_id for q in table] == [q.chunk_id for q in PASSAGES]
    cols = Columns.of_table(table, PATIENT_SECTION)
    assert np.flatnonzero(cols.doc.among({"warfarin-a", "pmid-2"})).tolist() == [0, 1, 6]


def test_a_chunk_index_finds_ids_of_either_form_and_never_confuses_two():
    from ingest.types import chunk_id

    ids = [chunk_id(f"rev{i}", i % 7, i, i + 10) for i in range(500)]
    twin = ids[3][:18] + "ffff"  # the same first 16 digits as another id
    ids.append(twin)
    index = ChunkIndex(ids)
    assert index.keys is not None  # the usual form: searched by integer
    assert all(index[c] == i for i, c in enumerate(ids)) and index.get("c_" + "0" * 20) is None
    assert "nothing" not in index and index.get(ids[3][:18] + "eeee") is None
    asked = np.array([ids[7], "c_" + "1" * 20, twin, ids[3], "x"], dtype="S")
    assert index.find(asked).tolist() == [7, -1, 500, 3, -1]
    assert index.find(asked[:4]).tolist() == [7, -1, 500, 3]  # all of the usual form: by integer key
    odd = ChunkIndex(["a", "c_9", "b"])  # other forms: searched as bytes
    assert odd.keys is None and [odd.get(c) for c in ("a", "b", "c_9", "z")] == [0, 2, 1, None]
    assert odd.find(np.array([b"b", b"q"])).tolist() == [2, -1]


def test_a_chunk_index_extended_by_new_ids_finds_old_and_new():
    from ingest.types import chunk_id

    ids = [chunk_id(f"rev{i}", 1, i, i + 10) for i in range(300)]
    more = ids + [chunk_id(f"new{i}", 2, i, i + 3) for i in range(40)] + [ids[5][:18] + "abcd"]
    grown = ChunkIndex(ids).extended(more)
    assert all(grown[c] == i for i, c in enumerate(more)) and grown.get("c_" + "e" * 20) is None
    assert grown.find(np.array(more[::-1], dtype="S")).tolist() == list(range(len(more)))[::-1]
    assert np.array_equal(grown.ranked, ChunkIndex(more).ranked)
    odd = ChunkIndex(ids).extended(ids + ["x"])  # an id of another form: indexed afresh, as bytes
    assert odd.keys is None and odd["x"] == 300 and odd[ids[7]] == 7
