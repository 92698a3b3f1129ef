"""Claim verification: every sentence of an answer must be supported by the passages it cites.

A claim is supported when its cited text contains it verbatim (after whitespace normalisation), or
when it has strong lexical support (most of its content words, IDF-free, in the cited text) and,
when an embedder is given, semantic support. Whatever the support, every number (with its unit)
must appear in the cited text and negation must agree. This is the gate every generator's output
goes through, the extractive one included.
"""
from __future__ import annotations

import re

import numpy as np

from assistant.answering.claims import split_claims
from assistant.contract import Citation, Claim
from assistant.question.terms import stem_tokens
from assistant.question.wordlists import words
from assistant.settings import Thresholds
from ingest.text import normalize_space, sentence_spans

NEGATIONS = words("negations.txt")
NUM_UNIT = re.compile(r"(?<![\w.])(\d+(?:[.,]\d+)*(?:\s*[½¼¾])?|[½¼¾])\s*(mg/kg/day|mg/kg|mg/day|mg/dl|mg/dL|mcg|µg|"
                      r"mg|ml|mL|g|kg|%|mmol/L|mL/min|mmHg|hours?|days?|weeks?|months?|years?|times|fold|units?)?",
                      re.I)


def _norm(text: str) -> str:
    text = normalize_space(text).lower()
    text = text.replace("’", "'").replace("“", '"').replace("”", '"').replace("–", "-").replace("—", "-")
    return re.sub(r"\s+([.,;:!?)])", r"\1", text)


def numbers_with_units(text: str) -> list[tuple[str, str]]:
    """(number, unit) pairs in order of appearance, without repeats."""
    out: dict[tuple[str, str], None] = {}
    for m in NUM_UNIT.finditer(text):
        num = m.group(1).replace(",", "").replace(" ", "")
        unit = (m.group(2) or "").lower().rstrip("s") if m.group(2) else ""
        out[(num, unit)] = None
    return list(out)


_FILLER = words("negation_filler.txt")


def negated_terms(text: str) -> set[str]:
    """The (stemmed) words that negation cues govern: "is not usually" -> {usual}, "not known" -> {known}."""
    words = re.findall(r"[a-z0-9']+", text.lower().replace("n't", " n't"))
    out = set()
    for i, w in enumerate(words):
        if w in NEGATIONS:
            for nxt in words[i + 1:i + 4]:
                if nxt not in _FILLER and nxt not in NEGATIONS:
                    out.update(stem_tokens(nxt) or [nxt])
                    break
    return out


def negation_differs(claim: str, cited: str) -> bool:
    """The claim negates what the citation does not, or asserts what the citation negates."""
    claim_neg, cited_neg = negated_terms(claim), negated_terms(cited)
    claim_terms = set(stem_tokens(claim))
    return bool(claim_neg - cited_neg) or bool((cited_neg & claim_terms) - claim_neg)


def _best_sentence(claim: str, cited: str) -> str:
    ctoks = set(stem_tokens(claim))
    best, best_score = cited, -1.0
    for s, e in sentence_spans(cited):
        sent = cited[s:e]
        stoks = set(stem_tokens(sent))
        score = len(ctoks & stoks) / (len(ctoks) or 1)
        if score > best_score:
            best, best_score = sent, score
    return best


class Verifier:
    def __init__(self, embedder=None, thresholds: Thresholds | None = None):
        self.embedder = embedder  # given: semantic support is checked too
        self.t = thresholds or Thresholds()

    def check(self, text: str, cited_quotes: list[str], cited_context: list[str] | None = None) -> Claim:
        """One claim against the quotes it cites (cited_context: wider passages, e.g. whole chunks)."""
        if not cited_quotes:
            return Claim(text=text, citations=[], supported=False, support=0.0, reason="cites no passage")
        quotes = " ".join(cited_quotes)
        scope = " ".join(cited_context) if cited_context else quotes
        claim_n, quote_n = _norm(text).rstrip(".:"), _norm(scope)
        verbatim = claim_n in quote_n
        # Numbers and units must all be in what is cited.
        have = set(numbers_with_units(scope))
        have_nums = {n for n, _ in have}
        for num, unit in numbers_with_units(text):
            if num not in have_nums:
                return Claim(text=text, citations=[], supported=False, support=0.0,
                             reason=f"the number {num}{' ' + unit if unit else ''} is not in the cited text")
            if unit and (num, unit) not in have and not any(n == num and u == "" for n, u in have):
                return Claim(text=text, citations=[], supported=False, support=0.0,
                             reason=f"{num} {unit} does not match the unit in the cited text")
        if verbatim:
            return Claim(text=text, citations=[], supported=True, support=1.0)
        best = _best_sentence(text, scope)
        if negation_differs(text, best):
            return Claim(text=text, citations=[], supported=False, support=0.0,
                         reason="negation differs from the cited text")
        ctoks = [t for t in stem_tokens(text)]
        qtoks = set(stem_tokens(scope))
        lexical = sum(1 for t in ctoks if t in qtoks) / len(ctoks) if ctoks else 0.0
        support = lexical
        if self.embedder is not None:
            vecs = self.embedder.embed([text, best])
            semantic = float(np.dot(vecs[0], vecs[1]))
            support = min(lexical, max(semantic, 0.0)) if lexical < 1.0 else max(semantic, lexical)
            # Close wording with related meaning, or looser wording with very close meaning.
            t = self.t
            ok = (lexical >= t.lexical_min and semantic >= t.semantic_with_lexical) or \
                (lexical >= t.lexical_with_semantic and semantic >= t.semantic_min)
        else:
            ok = lexical >= self.t.lexical_min
        support = float(max(0.0, min(1.0, support)))
        if not ok:
            return Claim(text=text, citations=[], supported=False, support=round(support, 3),
                         reason="not supported by the cited text")
        return Claim(text=text, citations=[], supported=True, support=round(support, 3))

    def verify(self, answer: str, citations: list[Citation], contexts: dict[int, str] | None = None
               ) -> tuple[list[Claim], list[Claim]]:
        """Claims of an answer: (supported, rejected). A marker naming no given citation is rejected."""
        by_n = {c.n: c for c in citations}
        kept: list[Claim] = []
        removed: list[Claim] = []
        for pc in split_claims(answer):
            unknown = [n for n in pc.citations if n not in by_n]
            if unknown:
                claim = Claim(text=pc.text, citations=pc.citations, supported=False, support=0.0,
                              reason=f"cites passage(s) {unknown} that were not given")
            elif not pc.citations:
                claim = Claim(text=pc.text, citations=[], supported=False, support=0.0, reason="cites no passage")
            else:
                quotes = [by_n[n].quote for n in pc.citations]
                ctx = [contexts[n] for n in pc.citations if contexts and n in contexts] or None
                claim = self.check(pc.text, quotes, ctx)
                claim.citations = pc.citations
                if pc.inherited and not claim.supported:
                    claim.citations, claim.reason = [], "cites no passage"
            (kept if claim.supported else removed).append(claim)
        return kept, removed
