"""A passage's vector is a function of its text alone."""
from __future__ import annotations


def test_a_passage_vector_does_not_depend_on_what_it_was_embedded_with(embedder):
    # int8 dynamic quantisation scales per batch: batched together, a text's vector would shift with its
    # neighbours and a fresh store would rank differently from an incrementally built one.
    text = ("warfarin | 12.1 Mechanism of Action: Warfarin acts by inhibiting the synthesis of vitamin K-dependent "
            "factors.")
    others = ["A much longer neighbour passage about dosing, monitoring and interactions " * 6, "short one"]
    alone = embedder.embed([text])[0]
    batched = embedder.embed(others + [text])[-1]
    assert float(alone @ batched) > 0.99999
