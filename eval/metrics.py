"""Per-item metrics: retrieval, citations (ALCE-style), refusal, and ragas' non-LLM metrics.

The support check here is deliberately independent of assistant/verify.py: a claim is supported by
a set of cited texts when it is contained in them (whitespace and case folded), or when at least
80 % of its words are in them, every number in it is in them, and its negation agrees.
"""
from __future__ import annotations

import math
import re
from typing import Any

PART_NOT_ANSWERED = "The available content does not answer this part."  # assistant/answering/combine.py
NEG = {"not", "no", "never", "without", "cannot", "neither", "nor", "none", "avoid", "contraindicated", "n't"}
STOP = {"the", "a", "an", "of", "and", "or", "in", "on", "to", "for", "with", "by", "is", "are", "be", "was",
        "were", "as", "at", "that", "this", "it", "its", "from", "may", "can", "should"}


def _norm(text: str) -> str:
    text = text.lower().replace("’", "'").replace("–", "-").replace("—", "-")
    text = re.sub(r"\[\s*see\b[^\]]*\]", " ", text)
    text = re.sub(r"\(\s*[\d.\s,]+\)", " ", text)
    return " ".join(re.sub(r"[^\w%'./-]+", " ", text).split())


def _words(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z0-9%.]+", _norm(text)) if w not in STOP and w.strip(".")]


def _numbers(text: str) -> set[str]:
    return {n.replace(",", "") for n in re.findall(r"\d+(?:[.,]\d+)*", _norm(text))}


def _negative(text: str) -> bool:
    return sum(1 for w in re.findall(r"[a-z']+", text.lower().replace("n't", " n't")) if w in NEG) % 2 == 1


def supports(claim: str, texts: list[str]) -> bool:
    if not texts:
        return False
    joined = " ".join(texts)
    c, t = _norm(claim).rstrip(".: "), _norm(joined)
    if c and c in t:
        return True
    words = _words(claim)
    if not words:
        return False
    have = set(_words(joined))
    if sum(w in have for w in words) / len(words) < 0.8:
        return False
    if not _numbers(claim) <= _numbers(joined):
        return False
    # Negation must agree with the cited sentence closest to the claim.
    best = max(re.split(r"(?<=[.!?])\s+", joined), key=lambda s: len(set(_words(s)) & set(words)))
    return _negative(claim) == _negative(best)


def retrieval_metrics(answer: dict, expected: set[tuple[str, int]], expected_docs: set[str]) -> dict[str, float]:
    seen: list[tuple[str, int]] = []
    for r in answer.get("retrieved") or []:
        key = (r["document_id"], int(r["page"]))
        if key not in seen:
            seen.append(key)
    rel = [k in expected for k in seen]
    first = next((i for i, r in enumerate(rel) if r), None)
    dcg = sum(1.0 / math.log2(i + 2) for i, r in enumerate(rel[:10]) if r)
    idcg = sum(1.0 / math.log2(i + 2) for i in range(min(10, len(expected))))
    return {
        "recall@1": float(first is not None and first < 1),
        "recall@5": float(first is not None and first < 5),
        "recall@10": float(first is not None and first < 10),
        "mrr": 1.0 / (first + 1) if first is not None else 0.0,
        "ndcg@10": dcg / idcg if idcg else 0.0,
        "doc_recall@5": float(any(d in expected_docs for d, _ in seen[:5])),
    }


def citation_metrics(answer: dict, source_lookup) -> dict[str, Any]:
    """ALCE-style citation recall and precision, verbatim-quote rate, on an answered item."""
    cites = {c["n"]: c for c in answer.get("citations") or []}
    claims = answer.get("claims") or []
    supported_claims = 0
    precise = total_pairs = 0
    unsupported: list[str] = []
    for claim in claims:
        texts = [cites[n]["quote"] for n in claim.get("citations", []) if n in cites]
        ok = supports(claim["text"], texts)
        supported_claims += ok
        if not ok:
            unsupported.append(claim["text"])
        for n in claim.get("citations", []):
            if n not in cites:
                total_pairs += 1
                continue
            total_pairs += 1
            alone = supports(claim["text"], [cites[n]["quote"]])
            others = [cites[m]["quote"] for m in claim["citations"] if m != n and m in cites]
            # Precise when it supports alone, or when the claim is not supported without it.
            precise += alone or (ok and not supports(claim["text"], others))
    verbatim = 0
    for c in cites.values():
        src = source_lookup(c["chunk_id"])
        verbatim += bool(src) and src["page_text"][c["start"]:c["end"]] == c["quote"] and \
            src["document_id"] == c["document_id"] and src["page"] == c["page"]
    bare = uncited_sentences(answer.get("answer") or "")
    return {
        "citation_recall": supported_claims / len(claims) if claims else 0.0,
        "citation_precision": precise / total_pairs if total_pairs else 0.0,
        "verbatim_quote_rate": verbatim / len(cites) if cites else 0.0,
        "uncited_sentences": len(bare),
        "unsupported_claims": unsupported,
    }


def uncited_sentences(text: str) -> list[str]:
    """Statements of an answer that carry no [n] marker: a line (the answer's claim unit: a lead
    sentence or a bullet) without any marker. Within a line, the final marker covers the line. Not statements:
    a question restated above its part of the answer, and the line saying a part is not answered."""
    return [line.strip() for line in text.split("\n")
            if re.search(r"[A-Za-z]{3}", line) and not re.search(r"\[\d+\]", line)
            and not line.strip().endswith("?") and line.strip() != PART_NOT_ANSWERED]


def ragas_metrics(answer: dict, reference: str | None) -> dict[str, float | None]:
    """ragas metrics that need no LLM. Quote alignment only counts answers that quote (else None)."""
    from ragas import SingleTurnSample
    from ragas.metrics import (
        NonLLMContextPrecisionWithReference,
        NonLLMContextRecall,
        NonLLMStringSimilarity,
        RougeScore,
    )

    contexts = [c["quote"] for c in answer.get("citations") or []] or [""]
    sample = SingleTurnSample(user_input=answer["question"], response=answer.get("answer") or "",
                              reference=reference or "", retrieved_contexts=contexts,
                              reference_contexts=[reference or ""])
    out: dict[str, float | None] = {}
    for name, metric in (("ragas_context_precision", NonLLMContextPrecisionWithReference()),
                         ("ragas_context_recall", NonLLMContextRecall()),
                         ("ragas_string_similarity", NonLLMStringSimilarity()),
                         ("ragas_rouge", RougeScore())):
        out[name] = float(metric.single_turn_score(sample)) if reference else None
    out["ragas_quoted_spans_alignment"] = _quoted_spans(answer.get("answer") or "", contexts)
    return out


def _quoted_spans(response: str, contexts: list[str]) -> float | None:
    if not re.search(r"[\"“][^\"”]{3,}[\"”]", response):
        return None
    import asyncio

    from ragas.metrics.collections import QuotedSpansAlignment

    return float(asyncio.run(QuotedSpansAlignment().ascore(response=response, retrieved_contexts=contexts)).value)
