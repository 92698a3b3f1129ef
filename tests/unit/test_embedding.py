"""A passage's vector is a function of its text alone."""
from __future__ import annotations

import numpy as np


def test_a_passage_vector_does_not_depend_on_what_it_was_embedded_with(embedder):
    # int8 dynamic quantisation scales per batch: batched together, a text's vector would shift with its
    # neighbours and a fresh store would rank differently from an incrementally built one.
    text = ("warfarin | 12.1 Mechanism of Action: Warfarin acts by inhibiting the synthesis of vitamin K-dependent "
            "factors.")
    others = ["A much longer neighbour passage about dosing, monitoring and interactions " * 6, "short one"]
    alone = embedder.embed([text])[0]
    batched = embedder.embed(others + [text])[-1]
    assert float(alone @ batched) > 0.99999


def test_the_gpu_path_gives_the_vectors_of_the_cpu_float32_path():
    # The GPU path (float16, length-sorted batches, tokenised ahead) run here on the CPU: each text keeps its
    # own vector, within cosine 0.999 of sentence-transformers' float32 encode, so a store can mix them.
    import numpy as np

    from ingest.embedding import Embedder, encode_pipelined

    texts = ["Warfarin can cause major or fatal bleeding.", "short",
             "The recommended starting dosage of atorvastatin is 10 or 20 mg once daily " * 8,
             "Tendon rupture has been reported with fluoroquinolones.", "Metformin and lactic acidosis."]
    fp32 = Embedder("minilm").model
    want = fp32.encode(texts, normalize_embeddings=True)
    half = Embedder("minilm")._sentence_transformer().half()
    got = encode_pipelined(half, texts, batch_size=2)
    assert got.dtype == np.float32 and got.shape == want.shape
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-3)
    assert float(np.min(np.sum(got * want, axis=1))) >= 0.999


def test_a_device_that_cannot_be_used_is_refused_with_the_way_out():
    import pytest
    import torch

    from ingest.embedding import Embedder, EmbedderError

    assert Embedder().device == "cpu"  # auto keeps the int8 default on the CPU
    with pytest.raises(EmbedderError, match="MEDINFO_EMBEDDER=minilm"):
        _ = Embedder("minilm-int8", device="cuda").device
    with pytest.raises(EmbedderError, match="none of auto, cpu, cuda"):
        Embedder("minilm", device="gpu")
    if not torch.cuda.is_available():
        assert Embedder("minilm", device="auto").device == "cpu"
        with pytest.raises(EmbedderError, match="sees no CUDA device"):
            _ = Embedder("minilm", device="cuda").device


def test_kept_sentence_vectors_are_the_vectors_of_their_text(embedder):
    texts = ["Warfarin can cause major or fatal bleeding.", "Monitor INR regularly.",
             "Warfarin can cause major or fatal bleeding."]
    first = embedder.embed_cached(texts)
    assert np.allclose(first, embedder.embed(texts), atol=1e-6)
    calls = []
    real = embedder.embed
    embedder.embed = lambda t, batch_size=None: calls.append(t) or real(t, batch_size)
    try:
        again = embedder.embed_cached(texts[::-1] + ["A sentence not seen before."])
    finally:
        del embedder.embed
    assert calls == [["A sentence not seen before."]]  # only the new text reached the model
    assert np.allclose(again[:3], first[::-1])


def test_the_bundled_model_without_sentence_transformers_gives_its_vectors():
    # The CPU path loads MiniLM through transformers alone (a faster start); a store built through
    # sentence-transformers must find the same vectors, int8 one text at a time and float32 in batches.
    from ingest.embedding import Embedder
    from ingest.minilm import MiniLM

    texts = ["Warfarin can cause major or fatal bleeding.", "x", "INR 2.0-3.0 (target 2.5)",
             "The recommended starting dosage of atorvastatin is 10 or 20 mg once daily " * 40]
    for spec, batch in (("minilm-int8", 1), ("minilm", 32)):
        emb = Embedder(spec)
        assert isinstance(emb.model, MiniLM)
        got = emb.embed(texts)
        want = emb._sentence_transformer().encode(texts, batch_size=batch, normalize_embeddings=True)
        assert got.shape == (4, 384)
        assert np.abs(got - want).max() < 1e-5, spec
