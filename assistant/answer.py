"""The assistant: question in, Answer (the contract) out. Retrieve, select, generate, verify, refuse.

    from assistant import Assistant
    a = Assistant(data_dir="~/.medinfo")
    answer = a.ask("What is the starting dose of warfarin?")
    answer.model_dump()
"""
from __future__ import annotations

import re
import time
import uuid
from pathlib import Path

from assistant import offlabel, privacy
from assistant import products as product_terms
from assistant.safety import analyse
from assistant.evidence import Selection, select
from assistant.generate import Draft, ExtractiveGenerator
from assistant.llm import GeneratorUnavailable, suspicious
from assistant.intents import formulation_filter, intents_of
from assistant.retrieval import Filters, Hit, Retriever, Snapshot, resolve_product
from assistant.types import Answer, Citation, Claim, ClosestDocument, Flags, RetrievedPassage
from assistant.verify import MARKER, Verifier, split_claims
from ingest.store import Store

MAX_QUESTION_CHARS = 2000
MIN_COVERAGE = 0.5  # share of the question's key terms the evidence must contain
MIN_DENSE = 0.35  # cosine of the best passage
MIN_SURVIVING = 0.5  # share of claims that must survive verification


class InvalidQuestion(ValueError):
    """The request cannot be answered as asked (empty, too long, unknown filter)."""


class Assistant:
    def __init__(self, data_dir: str | Path | None = None, store: Store | None = None, generator=None,
                 verifier: Verifier | None = None, retriever: Retriever | None = None):
        self.store = store or Store(data_dir)
        self.retriever = retriever or Retriever(self.store)
        self.generator = generator or ExtractiveGenerator()
        self.fallback = ExtractiveGenerator()
        self.verifier = verifier or Verifier()
        self.hooks: list = []  # callables (question, answer) -> None
        self.fallback_enabled = True  # an unavailable or unverifiable generator falls back to extractive

    def warm_up(self) -> None:
        """Load the model and the index now (a server calls this at start-up)."""
        self.store.embedder.model
        self.retriever.snapshot()
        self.retriever.search("warm up", 1)

    def source(self, chunk_id: str) -> dict | None:
        """A stored passage with its page text and document metadata (what a citation resolves to)."""
        return self.store.catalog.chunk(chunk_id)

    def ask(self, question: str, product: str | None = None, top_k: int | None = None, audience: str | None = None,
            source_type: str | None = None, on_retrieval=None) -> Answer:
        """Answer a question. on_retrieval(list[RetrievedPassage]) is called as soon as retrieval is done."""
        t0 = time.perf_counter()
        question = _validate(question, top_k, source_type)
        snap = self.retriever.snapshot()
        redaction = privacy.redact(question, set(snap.products) | product_terms.lexicon()) if privacy.enabled() \
            else privacy.Redaction(question)
        question = redaction.text
        mentioned = snap.products_in(question) or ([p] if (p := resolve_product(snap, product)) else [])
        off_label = offlabel.check(question, snap, mentioned)
        answer = self._answer(question, snap, product, top_k or 6, audience, source_type, on_retrieval, off_label)
        answer.flags = _flags(question, mentioned, redaction, off_label)
        if redaction.redacted:
            answer.notices.append("Personal data in the question (" + ", ".join(k.replace("_", " ") for k in
                                  redaction.kinds) + ") was redacted before the question was logged or processed.")
        if answer.flags.adverse_event or answer.flags.product_complaint:
            answer.notices.append("This question may describe an adverse event or a product complaint; it has "
                                  "been recorded for pharmacovigilance follow-up.")
        answer.latency_ms = round((time.perf_counter() - t0) * 1000, 1)
        for hook in self.hooks:
            hook(question, answer)
        return answer

    # ------------------------------------------------------------------------------------------
    def _answer(self, asked: str, snap: Snapshot, product: str | None, k: int, audience: str | None,
                source_type: str | None, on_retrieval=None, off_label: dict | None = None) -> Answer:
        question = focus(asked, snap)
        base = dict(question=asked, trace_id=uuid.uuid4().hex, generator=self.generator.name,
                    corpus_version=snap.corpus_version, prompt_version=self.generator.prompt_version)
        if not snap.passages:
            return Answer(**base, status="insufficient_evidence", answer=_NO_EVIDENCE,
                          explanation="The store holds no searchable content; run `medinfo ingest` first.")
        filters = Filters(audience=audience, source_type=source_type)
        if product:
            filters.product = resolve_product(snap, product)
            if filters.product is None:
                return Answer(**base, status="insufficient_evidence", answer=_NO_EVIDENCE,
                              explanation=f"No approved content is held for the product {product!r}.")
        mentioned = snap.products_in(question)
        filters.products = mentioned
        unknown = [d for d in product_terms.drugs_in(question) if d not in snap.products]
        notices: list[str] = []
        required_terms: list[str] = []
        if unknown and not mentioned and not filters.product:
            known = [d for d in unknown if all(t in snap.vocab for t in product_terms.stems(d))]
            if not known:
                return Answer(**base, status="insufficient_evidence", answer=_NO_EVIDENCE,
                              explanation=f"The available content does not cover {', '.join(unknown)}: "
                                          "no approved content or literature about it is held.")
            required_terms = known
            if snap.products:
                # Not one of the catalogue's products: no approved content answers for it; literature may.
                filters.source_type = "literature"
                notices.append(f"No approved content is held for {', '.join(known)}; the answer draws on "
                               "published literature only.")
        if off_label:
            # A use the approved labelling does not cover: literature only, said plainly.
            filters.source_type, filters.products, filters.product = "literature", [], None
            notices.append(f"Off-label: the approved labelling of {off_label['product']} does not cover "
                           f"\u201c{off_label['use']}\u201d. This unsolicited request is answered from published "
                           "literature only, for scientific exchange; it is not a recommendation for this use.")
        filters.intents = intents_of(question)
        filters.exclude_docs = _other_formulations(question, snap, mentioned or [filters.product])
        hits = self.retriever.search(question, k=k, filters=filters)
        # Passages that give orders ("ignore previous instructions...") are not evidence for any generator.
        hits = [h for h in hits if not suspicious(h.passage.text)]
        base["retrieved"] = [RetrievedPassage(chunk_id=h.passage.chunk_id, document_id=h.passage.doc_id,
                                              page=h.passage.page, score=round(h.score, 5)) for h in hits]
        if on_retrieval is not None:
            on_retrieval(base["retrieved"])
        if not hits:
            return Answer(**base, status="insufficient_evidence", answer=_NO_EVIDENCE,
                          explanation="No passage in the available content matches the question.")
        selection = select(question, hits, snap, mentioned or ([filters.product] if filters.product else []),
                           intents=filters.intents)
        if required_terms:  # every evidence sentence must name the product asked about
            selection.evidence = [e for e in selection.evidence
                                  if any(u in e.text.lower() for u in required_terms)]
        if off_label:
            names = [n for n, p in snap.products.items() if p == off_label["product"]]
            selection.evidence = [e for e in selection.evidence
                                  if any(n in e.passage.text.lower() for n in names)]
        weak = _weak(hits, selection)
        if weak:
            return Answer(**base, status="insufficient_evidence", answer=_NO_EVIDENCE, explanation=weak,
                          closest_documents=_closest(hits), notices=notices)
        try:
            if getattr(self.generator, "uses_passages", False):
                draft = self.generator.compose_from_hits(question, hits)
            else:
                draft = self.generator.compose(question, selection.evidence)
        except GeneratorUnavailable as exc:
            if self.fallback_enabled and self.generator is not self.fallback:
                draft = self.fallback.compose(question, selection.evidence)
                base |= {"generator": self.fallback.name, "prompt_version": None}
                notices.append(f"The configured generator was unavailable ({exc}); this answer is extractive.")
            else:
                raise
        if draft.insufficient:
            return Answer(**base, status="insufficient_evidence", answer=_NO_EVIDENCE, notices=notices,
                          explanation="The generator found that the passages do not answer the question.",
                          closest_documents=_closest(hits))
        answer = self._verified(base, draft, selection, notices)
        if answer.status != "answered" and self.generator is not self.fallback and selection.evidence \
                and self.fallback_enabled and base["generator"] != self.fallback.name:
            # The configured generator's draft did not survive verification: fall back to extractive.
            rejected = answer.removed_claims
            draft = self.fallback.compose(question, selection.evidence)
            answer = self._verified(base | {"generator": self.fallback.name, "prompt_version": None}, draft,
                                    selection, notices + ["The generated answer failed verification; "
                                                          "this answer is extractive."])
            answer.removed_claims = rejected + answer.removed_claims
        if answer.status != "answered":
            answer.closest_documents = _closest(hits)
        return answer

    def _verified(self, base: dict, draft: Draft, selection: Selection, notices: list[str]) -> Answer:
        kept, removed = self.verifier.verify(draft.text, draft.citations, draft.contexts)
        total = len(kept) + len(removed)
        if not kept or total == 0 or len(kept) / total < MIN_SURVIVING:
            return Answer(**base, status="insufficient_evidence", answer=_NO_EVIDENCE, removed_claims=removed,
                          explanation="Too little of the drafted answer was supported by the cited passages.",
                          notices=notices)
        text, citations, kept = _prune(draft.text, draft.citations, kept, removed)
        return Answer(**base, status="answered", answer=text, citations=citations, claims=kept,
                      removed_claims=removed, notices=notices + selection.notices, flags=Flags())


_NO_EVIDENCE = "The available content does not answer this question."


def focus(question: str, snap: Snapshot) -> str:
    """The part of a narrative question that asks something: "My patient ... developed a rash after
    amoxicillin. What does the label say about rash?" -> the last question, plus the products named before."""
    parts = [p for p in re.split(r"(?<=[.!?])\s+", question) if p.strip()]
    asks = [p for p in parts if p.rstrip().endswith("?")]
    if len(parts) < 2 or not asks:
        return question
    last = asks[-1]
    extra = [p for p in snap.products_in(question) if p not in snap.products_in(last)]
    return last + (" " + " ".join(extra) if extra else "")


def _validate(question: str, top_k: int | None, source_type: str | None) -> str:
    if not isinstance(question, str) or not question.strip():
        raise InvalidQuestion("the question is empty")
    # Control characters and lone surrogates carry no meaning and break XML (letters) and logs.
    question = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]", " ", question)
    question = " ".join(question.split())
    if len(question) > MAX_QUESTION_CHARS:
        raise InvalidQuestion(f"the question is longer than {MAX_QUESTION_CHARS} characters")
    if not re.search(r"[A-Za-z\u00C0-\uFFFF]{2,}", question):
        raise InvalidQuestion("the question has no words")
    if top_k is not None and not 1 <= top_k <= 50:
        raise InvalidQuestion("top_k must be between 1 and 50")
    if source_type is not None and source_type not in ("approved", "literature"):
        raise InvalidQuestion("source_type must be 'approved' or 'literature'")
    return question


def _weak(hits: list[Hit], selection: Selection) -> str | None:
    best_dense = max((h.dense for h in hits), default=0.0)
    if not selection.evidence:
        return "The closest passages contain no sentence that addresses the question."
    if selection.coverage < MIN_COVERAGE:
        return (f"The closest passages address only part of the question (key-term coverage "
                f"{selection.coverage:.2f}); nothing states an answer.")
    if best_dense < MIN_DENSE:
        return f"The closest passages are not relevant enough (similarity {best_dense:.2f})."
    return None


def _flags(question: str, products: list[str], redaction, off_label: dict | None) -> Flags:
    signals = analyse(question, products)
    details = {k: v for k, v in signals.items() if v}
    if off_label:
        details["off_label"] = off_label
    if redaction.redacted:
        details["redacted"] = redaction.kinds
    return Flags(adverse_event=bool(signals["adverse_event"]), product_complaint=bool(signals["product_complaint"]),
                 off_label=bool(off_label), personal_data_redacted=redaction.redacted, details=details)


def _other_formulations(question: str, snap: Snapshot, products: list[str | None]) -> set[str]:
    """Labels of the other formulation of a product the question names (e.g. extended-release)."""
    out: set[str] = set()
    for product in products:
        titles = {d["doc_id"]: d["title"] for d in snap.docs.values()
                  if d["product"] == product and d["kind"] == "approved" and d["status"] == "approved"}
        excluded = formulation_filter(question, titles) or set()
        if excluded and excluded != set(titles):
            out |= excluded
    return out


def _closest(hits: list[Hit]) -> list[ClosestDocument]:
    out, seen = [], set()
    for h in hits:
        if h.passage.doc_id in seen:
            continue
        seen.add(h.passage.doc_id)
        out.append(ClosestDocument(document_id=h.passage.doc_id, title=h.passage.title, page=h.passage.page,
                                   score=round(h.dense, 3)))
        if len(out) == 3:
            break
    return out


def _prune(text: str, citations: list[Citation], kept: list[Claim], removed: list[Claim]
           ) -> tuple[str, list[Citation], list[Claim]]:
    """Drop lines holding rejected claims, then renumber the citations still used, in order."""
    bad = {c.text for c in removed}
    lines = []
    for line in text.split("\n"):
        claims = split_claims(line)
        if claims and any(c.text in bad for c in claims):
            good = [c for c in claims if c.text not in bad]
            if not good:
                continue
            bullet = "- " if line.lstrip().startswith(("- ", "• ", "* ")) else ""
            line = bullet + " ".join(c.text + " " + "".join(f"[{n}]" for n in c.citations) for c in good)
        lines.append(line)
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    if text.startswith("- "):
        text = text[2:]
    order: list[int] = []
    for m in MARKER.finditer(text):
        for n in re.split(r"\s*[,;]\s*", m.group(1)):
            if int(n) not in order:
                order.append(int(n))
    new = {old: i + 1 for i, old in enumerate(order)}
    text = MARKER.sub(lambda m: "".join(f"[{new[int(n)]}]" for n in re.split(r"\s*[,;]\s*", m.group(1))
                                        if int(n) in new), text)
    by_n = {c.n: c for c in citations}
    cites = [by_n[old].model_copy(update={"n": new[old]}) for old in order if old in by_n]
    claims = [c.model_copy(update={"citations": [new[n] for n in c.citations if n in new]}) for c in kept]
    return text, cites, claims
