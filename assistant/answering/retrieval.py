"""Hybrid retrieval over the live passages of a snapshot (snapshot.py): dense + lexical (BM25), fused by
reciprocal rank, filtered, product-aware. The snapshot is rebuilt when the catalogue's generation changes, so an
ingest running beside a server is picked up between two questions, and on a new day (documents come into force or
expire on their dates)."""
from __future__ import annotations

import threading

from assistant.answering.key_terms import subject
from assistant.answering.snapshot import (  # noqa: F401  (re-exported: the names callers import from here)
    PATIENT_SECTION,
    Filters,
    Hit,
    Passage,
    Snapshot,
    _allowed,
    is_patient_labelling,
)
from assistant.question.intents import plain_dose, qualified_dose, recommended_dose_heading, vouched_stems
from assistant.question.terms import question_words, stem_tokens
from assistant.settings import RetrievalWeights
from ingest.store import Store

RARE_SHARE = 0.001  # a word is rare when at most this share of the live passages holds it (10 of the 10,359 of the
# held-out gate store; at least one passage): search


class Retriever:
    def __init__(self, store: Store, weights: RetrievalWeights | None = None, include_unreviewed: bool = False):
        self.store = store
        self.weights = weights or RetrievalWeights()
        self.statuses = ("approved", "unreviewed") if include_unreviewed else ("approved",)
        self._snap: Snapshot | None = None
        self._lock = threading.Lock()

    @property
    def ready(self) -> bool:
        """Has a snapshot been built (it may still be older than the catalogue)?"""
        return self._snap is not None

    def snapshot(self) -> Snapshot:
        gen = self.store.catalog.generation()
        snap = self._snap
        if snap is None or not snap.current(gen):
            with self._lock:
                if self._snap is None or not self._snap.current(gen):
                    self._snap = Snapshot(self.store, self.statuses, previous=self._snap,
                                          index_segments=self.weights.index_segments,
                                          ann_lists=self.weights.ann_lists,
                                          ann_exact_below=self.weights.ann_exact_below)
                snap = self._snap
        return snap

    # --- the two retrievers ------------------------------------------------------------------
    def dense(self, query: str, n: int, filters: Filters, snap: Snapshot) -> list[tuple[int, float]]:
        if not snap.passages or self.weights.dense <= 0:
            return []
        vec = self.store.embedder.embed_query(query)
        # Embedded store: search over the snapshot's own vectors (consistent with its live set, and safe while
        # another process ingests: chromadb's embedded index is single-process).
        found = None if self.store.remote else \
            snap.nearest(self.store, vec, n, snap.mask(filters) > 0 if _filtering(filters) else None)
        if found is not None:
            return found
        where = _where(filters)
        out = []
        for cid, sim in self.store.index.query(vec, n, where):
            i = snap.index.get(cid)
            if i is not None and _allowed(snap.passages[i], filters, snap):
                out.append((i, sim))
        return out

    def lexical(self, query: str, n: int, filters: Filters, snap: Snapshot, sections: list | None = None
                ) -> list[tuple[int, float]]:
        if not snap.passages or self.weights.bm25 <= 0:
            return []
        tokens = [t for t in stem_tokens(query) if t in snap.lexical]
        if not tokens:
            return []
        mask = snap.mask(filters, sections) if _filtering(filters) or sections else None
        if mask is not None and not mask.any():
            return []
        return snap.lexical.top(tokens, n, mask)

    # --- fused ---------------------------------------------------------------------------------
    def search(self, query: str, k: int = 8, filters: Filters | None = None) -> list[Hit]:
        filters = filters or Filters()
        snap = self.snapshot()
        w = self.weights
        dense = self.dense(query, w.candidates, filters, snap)
        lexical = self.lexical(query, w.candidates, filters, snap)
        hits: dict[int, Hit] = {}
        for rank, (i, sim) in enumerate(dense):
            h = hits.setdefault(i, Hit(snap.passages[i], 0.0))
            h.dense, h.dense_rank = sim, rank
            h.score += w.dense / (w.rrf_k + rank)
        for rank, (i, s) in enumerate(lexical):
            h = hits.setdefault(i, Hit(snap.passages[i], 0.0))
            h.lexical, h.lexical_rank = s, rank
            h.score += w.bm25 / (w.rrf_k + rank)
        if w.focus:
            qtok = set(stem_tokens(query))
            # a page titled with a word of the question gets the boost for its best passage only (focus_chunks);
            # a product's labelling, titled with the product asked about, throughout
            boosted: dict[str, int] = {}  # the document's passages boosted so far, best fused first
            for h in sorted(hits.values(), key=lambda h: -h.score):
                n = boosted[h.passage.doc_id] = boosted.get(h.passage.doc_id, 0) + 1
                if n <= w.focus_chunks or h.passage.product:
                    h.score += w.focus * snap.focus_match(qtok, h.passage) / w.rrf_k
        if w.rare and w.bm25 > 0:
            # a word so rare that few passages hold it (a gene, a trial, a brand: "Is RUNX1T1 associated with
            # obesity?") is what the question is about; the dense ranking, which has never seen it, fills the
            # top with pages on the common words ("Obesity")
            rare_df = max(1.0, RARE_SHARE * snap.lexical.n)
            rare = [t for t in dict.fromkeys(stem_tokens(query))
                    if t not in question_words() and 0 < snap.lexical.df(t) <= rare_df]
            if rare:
                mask = snap.mask(filters) if _filtering(filters) else None
                for rank, (i, _s) in enumerate(snap.lexical.top(rare, 20, mask)):
                    h = hits.setdefault(i, Hit(snap.passages[i], 0.0))
                    h.score += w.rare / (w.rrf_k + rank)
        if filters.intents and w.bm25 > 0:
            weight = w.section * (2.0 if only_intent_words(query, filters.intents, snap) else 1.0)
            both = qualified_dose(filters.intents)
            about = _subject(query, filters.intents, snap)
            # a question that names no product ("What is the indication of CPX-351?", "What is the mechanism of
            # action of arimoclomol?"): the sections asked for count only where they hold its subject, not every
            # label's Indications or Mechanism of Action
            holds = None
            if about and not (filters.products or filters.product):
                holds = snap.lexical.scores([about]) > 0
            for sections in ([filters.intents, [both]] if both else [filters.intents]):
                ranked = [i for i, _ in self.lexical(query, 20, filters, snap, sections=sections)
                          if (snap.passages[i].section or about in stem_tokens(snap.passages[i].title))
                          and (holds is None or holds[i])]
                for rank, i in enumerate(ranked):
                    h = hits.setdefault(i, Hit(snap.passages[i], 0.0))
                    h.score += weight / (w.rrf_k + rank)
            # the dose asked plainly is the dose for everyone, under its own heading ("2.2 Recommended Dosage"): as
            # much again as the first of the sections' ranking ("How much baricitinib should be given?": its words
            # had matched 2.7 Alternative Administration first, "given" and a tablet's "2-mg")
            if plain_dose(query, filters.intents):
                for h in hits.values():
                    if recommended_dose_heading(h.passage.section or ""):
                        h.score += weight / w.rrf_k
        snap.load_texts(hits)  # one query for the texts evidence and the carton check will read
        for i, h in hits.items():
            if snap.low_value[i]:
                h.score *= w.low_value
        return sorted(hits.values(), key=lambda h: -h.score)[:k]


def _subject(query: str, intents: list, snap: Snapshot) -> str:
    """The rarest word of the query that neither asks nor names the section asked for (key_terms.subject): a page
    headed only by its title ("Lung cancer - small cell (Prevention)") is of the section asked for when its title
    names this too; "Menkes syndrome (Symptoms)" is not a symptoms section for "List symptoms of Allgrove
    syndrome"."""
    asking = question_words()
    return subject({t: snap.idf(t) for t in stem_tokens(query) if t not in asking and t in snap.lexical},
                   vouched_stems(intents))


def only_intent_words(query: str, intents: list, snap: Snapshot) -> bool:
    """Does the question say nothing but a product and a section ("How does warfarin work?", "Who should not take
    etanercept?", whose every word is the intent's own)? Then the label's structure is the only signal there is: the
    text of that section seldom repeats the words."""
    vouched = vouched_stems(intents)
    return bool(intents) and all(t in vouched for t in asked_terms(query, snap))


def asked_terms(query: str, snap: Snapshot) -> list[str]:
    """The stems of what a question asks about: neither the products it names nor its question words."""
    named = snap.product_stems
    asking = question_words()
    return [t for t in stem_tokens(query) if t not in asking and t not in named]


def _filtering(f: Filters) -> bool:
    return bool(f.product or f.audience or f.source_type or f.products or f.exclude_docs or f.hide_internal
                or f.patient or f.unlabelled)


def _where(f: Filters) -> dict | None:
    clauses: list[dict] = []
    if f.product:
        clauses.append({"product": f.product})
    elif f.products:
        clauses.append({"$or": [{"product": {"$in": list(f.products)}}, {"kind": "literature"}]})
    if f.unlabelled:  # the server store holds "no product" as ""
        clauses.append({"$or": [{"product": ""}, {"kind": "literature"}]})
    if f.audience:
        clauses.append({"audience": {"$in": [f.audience, "any"]}})
    if f.source_type:
        clauses.append({"kind": f.source_type})
    if f.hide_internal:
        clauses.append({"audience": {"$ne": "internal"}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def resolve_product(snap: Snapshot, name: str | None) -> str | None:
    if not name:
        return None
    return snap.products.get(name.strip().lower())


def fused(rankings: list[list[Hit]], rrf_k: float, k: int) -> list[Hit]:
    """Several rankings of hits as one, by the same reciprocal-rank fusion as dense + lexical."""
    score: dict[str, float] = {}
    keep: dict[str, Hit] = {}
    for ranked in rankings:
        for rank, h in enumerate(ranked):
            score[h.passage.chunk_id] = score.get(h.passage.chunk_id, 0.0) + 1.0 / (rrf_k + rank)
            keep.setdefault(h.passage.chunk_id, h)
    return [keep[c] for c in sorted(score, key=lambda c: -score[c])][:k]

