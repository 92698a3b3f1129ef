"""The live passages at one catalogue generation (a Snapshot): their metadata, BM25 over the index segments and
the vectors, the product lexicon, and the filters that restrict a search to some of them.

Only live passages are here: current revision, status approved (and unreviewed when the setting
include_unreviewed asks for it), inside their effective and expiry dates, not of a label that a newer one
repeats. The retriever (retrieval.py) builds a new snapshot when the catalogue's generation changes.
"""
from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from assistant.answering import delta, table_cache
from assistant.answering.columns import Columns
from assistant.answering.dense import DenseIndex
from assistant.answering.label_links import superseded_labels
from assistant.answering.lexical import LiveIndex
from assistant.answering.low_value import LowValue
from assistant.answering.passages import ChunkIndex, Passage, PassageTable, live_on
from assistant.answering.product_classes import ProductClasses
from assistant.question.intents import section_matches
from assistant.question.offlabel import is_indication
from assistant.question.products import misspelt
from assistant.question.spelling import corrections, unglued
from assistant.question.terms import stem_tokens, tokenize
from ingest.segments import WORD, load_segments
from ingest.store import Store
from ingest.types import search_text


@dataclass
class Hit:
    passage: Passage
    score: float
    dense: float = 0.0  # cosine similarity, 0 when not in the dense candidates
    lexical: float = 0.0  # BM25 score
    dense_rank: int | None = None
    lexical_rank: int | None = None


PATIENT_SECTION = re.compile(r"medication guide|patient information|patient counseling|instructions for use|"
                             r"drug facts|information for patients", re.I)


@dataclass
class Filters:
    product: str | None = None  # restrict to one product (manifest name or alias)
    audience: str | None = None
    source_type: str | None = None  # approved | literature
    products: list[str] = field(default_factory=list)  # detected in the question: restrict approved content
    exclude_docs: set[str] = field(default_factory=set)  # e.g. the other formulation's label
    intents: list = field(default_factory=list)  # assistant.intents.Intent: boost matching label sections
    hide_internal: bool = False  # leave out internal content (data on file): the requester is not internal
    patient: bool = False  # only patient labelling (Medication Guide, Patient Information, Drug Facts)
    unlabelled: bool = False  # approved content only when about no product (a drug the catalogue holds no label for)


class Snapshot:
    """The live passages at one catalogue generation, with their BM25 index and product lexicon."""

    passages: PassageTable
    attributes: dict[str, dict]
    index: ChunkIndex
    has_internal: bool
    has_patient_labelling: bool
    docs: dict[str, dict]
    lexical: LiveIndex
    _doc_products: tuple[np.ndarray, dict[str, int]]

    def __init__(self, store: Store, statuses: tuple[str, ...] = ("approved",), previous: Snapshot | None = None,
                 index_segments: bool = True, ann_lists: int = 64, ann_exact_below: int = 50_000):
        """previous: the snapshot this one replaces; what depends only on a passage's text (its terms, its
        vector, whether it is carton or contents text) is taken from it rather than computed again, so a new
        document is picked up at the cost of its own passages plus the BM25 index (bench/RESULTS.md, issue 15)."""
        cat = store.catalog
        self.generation = cat.generation()
        self.corpus_version = cat.corpus_version()
        self.today = today = date.today()
        self.seen_until = delta.seen_until(cat)  # before the passages are read
        # A worker's start: the table an earlier process saved (table_cache.py), as it is if saved at this
        # catalogue state, else brought up to date below.
        state = table_cache.key(cat, statuses, today) if index_segments else None
        found = table_cache.load(store.data_dir, state) if state is not None and previous is None else None
        saved = found[1] if found is not None and found[0] == state else None
        # An older label of a product that a newer current label repeats answers through the newer one.
        self.superseded = superseded_labels(cat) if saved is None else saved["superseded"]
        self._catalog = cat

        # With the index segments, passage texts are read when needed (Snapshot.load_texts), not all at start.
        def load(chunk_id: str) -> str:
            return cat.chunk_texts([chunk_id]).get(chunk_id, "")

        # The live passages as columns (assistant/answering/passages.py); a Passage object is made for the ones a
        # question reaches. From the table saved at this catalogue state; from an earlier table (the previous
        # snapshot's, or one saved at an earlier state) less the documents that left or changed and plus those
        # that entered or changed (delta.py); or read whole. A table not saved at this state is saved for the
        # next start.
        base = None
        if previous is not None and len(previous.passages) and index_segments:
            base = delta.Base(previous.passages, previous.today, set(previous.superseded), previous.seen_until,
                              previous.index)
        elif found is not None and saved is None:
            value = found[1]
            base = delta.Base(table_cache.table_of(value, load), date.fromisoformat(found[0]["day"]),
                              set(value["superseded"]), value["seen_until"])
        grew = delta.grow(cat, base, statuses, today, self.superseded, load) if base is not None else None
        self.grown = grew is not None  # built from an earlier table and the changed documents
        self.from_cache = saved is not None or (grew is not None and previous is None)  # from a saved table
        self._saving: threading.Thread | None = None
        stored: list[str | None]
        # format, PMID, reference... of the documents that have them
        if saved is not None:
            self.attributes = saved["attributes"]
            table = table_cache.table_of(saved, load)
        elif grew is not None:
            earlier = previous.attributes if previous is not None else found[1]["attributes"]  # type: ignore[index]
            self.attributes = {**earlier, **(cat.current_attributes(grew.added) if grew.added else {})}
            table = grew.passages
        else:
            self.attributes = cat.current_attributes()
            table, stored = self._read_whole(cat, statuses, today, load, text=not index_segments,
                                             terms=not index_segments)
        if saved is not None or grew is not None:
            stored = [None] * len(table)
        if state is not None and saved is None and (grew is None or previous is None):
            self._saving = table_cache.save(store.data_dir, state, table, self.superseded, self.attributes,
                                            self.seen_until)
        self.passages = table
        self.index = grew.index if grew is not None else ChunkIndex(table.chunk_ids)
        self.has_internal = any(d[5] == "internal" for d in table.docs)
        self.has_patient_labelling = any(d[5] in ("patient", "consumer") for d in table.docs) or \
            any(PATIENT_SECTION.search(s or "") for s in table.sections)
        # Documents of a product (labels), for the product lexicon; a literature record's title is its passages'.
        grown = previous if grew is not None else None  # what depends on documents is carried from it
        if grown is not None and grew is not None:
            self.docs = dict(grown.docs)
            for doc_id in grew.changed:
                d = cat.document(doc_id)
                if d is not None and d["product"]:
                    self.docs[doc_id] = d
        else:
            self.docs = {d["doc_id"]: d for d in cat.documents(with_product=True)}
        # BM25 from the segments an ingest wrote (ingest/segments.py), memory-mapped; the passages no segment
        # holds are indexed here from their stored terms (else the previous snapshot's, else tokenised).
        known = previous._memory_terms if previous is not None else {}
        product_terms = {name: tokenize([name])[0] for name in {d[4] for d in table.docs if d[4]}}
        row_products = table.doc_column("product")
        self._memory_terms: dict[str, list[str]] = {}

        def terms_of(rows: list[int]) -> list[list[str]]:
            if index_segments:  # the stored terms of the passages no segment holds
                found = cat.chunk_terms([table.chunk_ids[i] for i in rows])
                for i in rows:
                    stored[i] = found.get(table.chunk_ids[i])
            self.load_texts(i for i in rows if stored[i] is None)
            todo = list(dict.fromkeys(t for i in rows if stored[i] is None and (t := self.search_text(i)) not in known))
            fresh = dict(zip(todo, tokenize(todo))) if todo else {}
            out = []
            for i in rows:
                st, product = stored[i], row_products[i]
                t = self.search_text(i) if st is None else ""
                if st is None:
                    out.append(self._memory_terms.setdefault(t, known[t] if t in known else fresh[t]))
                else:
                    out.append((product_terms[product] if product else []) + st.split())
            return out

        # Segment files never change once published: the previous snapshot's loaded segments are reused by name.
        segments = load_segments(store.data_dir, {seg.name: seg for seg, _ in previous.lexical.parts if seg.name}
                                 if previous is not None else None) if index_segments else []
        # Each document's product as a code (carried over from the previous snapshot when it grew).
        doc_code, done = ({}, np.zeros(0, dtype=np.int32)) if grown is None or grew is None else \
            (dict(grown._doc_products[1]), grown._doc_products[0] if grew.kept_docs is None else
             grown._doc_products[0][grew.kept_docs])
        fresh = table.docs[len(done):]
        per_doc = np.concatenate([done, np.fromiter((doc_code.setdefault(d[4] or "", len(doc_code)) for d in fresh),
                                                    dtype=np.int32, count=len(fresh))])
        self._doc_products = (per_doc, doc_code)
        codes = per_doc[table.doc_row] if len(table.docs) else np.zeros(len(table), dtype=np.int32)
        self.lexical = LiveIndex(segments, self.index, row_products, terms_of, product_codes=(codes, doc_code))
        self._masks: dict[tuple, np.ndarray] = {}
        self._columns: Columns | None = None  # the passages' metadata as coded arrays, at the first mask
        # Vectors: those of the segments (memory-mapped, written at ingest), and for the rest of the live passages
        # a matrix built when first searched, from the previous snapshot's or the embedding cache.
        self._vector_parts = [(seg, live) for seg, live in self.lexical.parts
                              if seg.vectors is not None and seg.model == store.embedder.name]
        self.dense = DenseIndex(self._vector_parts, len(self.passages), ann_lists, ann_exact_below)
        covered = np.zeros(len(self.passages), dtype=bool)
        for _, live in self._vector_parts:
            covered[live[live >= 0]] = True
        self._rest = np.flatnonzero(~covered)
        self._matrix: np.ndarray | None = None  # vectors of the rest, in the order of self._rest
        self._matrix_lock = threading.Lock()
        self._previous: tuple[list[str], np.ndarray] | None = None
        if previous is not None and previous._matrix is not None and previous._matrix.size:
            self._previous = ([previous.search_text(i) for i in previous._rest.tolist()], previous._matrix)
        # Tables of contents and carton labels: searchable, but rarely the answer (decided per page when a
        # question first reaches it: reading every passage at start took 5.6 s of 14 at 145k passages).
        self.low_value = LowValue(table, self.load_texts)
        self.products: dict[str, str] = {}  # name or alias -> product
        for d in self.docs.values():
            if d["product"] and d["status"] in statuses:
                self.products[d["product"]] = d["product"]
                for a in d["aliases"]:
                    self.products[a] = d["product"]
        # The stems of every product name and alias: never what a question asks about (retrieval.asked_terms).
        self.product_stems = frozenset(t for name in self.products for t in stem_tokens(name))
        self._indications: dict[str, str] = {}
        self.classes = ProductClasses(self)
        # Words of the store's own text: a word spelt as the content spells it is not a misspelt product name.
        # From the segments that hold live passages (recorded at ingest), plus the words of the other passages;
        # without segments, after a catalogue change that only added passages, the previous snapshot's words and
        # the new passages'.
        kept: set[str] = set()
        added = list(range(len(self.passages)))
        if any(seg.words is not None for seg, _ in self.lexical.parts):
            counted = np.zeros(len(self.passages), dtype=bool)
            for seg, live in self.lexical.parts:
                if seg.words is not None:
                    kept |= seg.words
                    counted[live[live >= 0]] = True
            added = np.flatnonzero(~counted).tolist()
        elif previous is not None and all(cid in self.index for cid in previous.index):
            kept = set(previous.vocab_words)
            added = [i for i, cid in enumerate(table.chunk_ids) if cid not in previous.index]
        self.load_texts(added)
        self.vocab_words: frozenset[str] = frozenset(
            kept.union(*(WORD.findall(self.passages[i].text.lower()) for i in added)))
        self._title_tokens: dict[str, set[str]] = {}  # doc_id -> stems of its title, filled as asked

    def saved(self) -> None:
        """Wait until the passage table this snapshot saves for the next start (table_cache.py) is written."""
        if self._saving is not None:
            self._saving.join()

    def current(self, generation: int) -> bool:
        """Is this still the live set: the catalogue at this generation, and the same day (effective dates)?"""
        return self.generation == generation and self.today == date.today()

    def _read_whole(self, cat, statuses: tuple[str, ...], today: date, load, text: bool, terms: bool
                    ) -> tuple[PassageTable, list[str | None]]:
        """Every live row of the catalogue, and each one's stored terms (None when not read). Rows by position
        (ingest.catalog.Catalog.CHUNK_FIELDS): chunk_id, doc_id, rev_id, page_no, start, end, section, terms, text,
        title, kind, product, audience, version, effective, expiry, status; they come ordered by document, so a
        document's fields are read once."""
        table = PassageTable(loader=load)
        stored: list[str | None] = []
        one: dict = {}  # one object for each distinct value of a document field that repeats (kind, product...)
        same = one.setdefault
        dated: dict[tuple, bool] = {}  # live_on by (effective, expiry)
        superseded = self.superseded
        rev, doc_row, doc_live = None, -1, False
        for r in cat.iter_current_chunks(statuses, text=text, terms=terms):
            if r[2] != rev:
                rev = r[2]
                when = (r[14], r[15])
                in_force = dated.get(when)
                if in_force is None:
                    in_force = dated[when] = live_on(r[14], r[15], today)
                doc_live = in_force and r[1] not in superseded
                if doc_live:
                    doc_row = table.add_doc((r[1], r[2], r[9], same(r[10], r[10]), same(r[11], r[11]),
                                             same(r[12], r[12]), same(r[13], r[13]), same(r[14], r[14]),
                                             same(r[15], r[15]), same(r[16], r[16])))
            if doc_live:
                table.add(r[0], doc_row, r[3], r[4], r[5], r[6], r[8])
                stored.append(r[7])
        return table.done(), stored

    def mask(self, filters: Filters, sections: list | None = None) -> np.ndarray:
        """1.0 for passages the filters allow (and, given sections, whose label section matches); cached."""
        key = (filters.product, filters.audience, filters.source_type, tuple(filters.products),
               tuple(sorted(filters.exclude_docs)), tuple(i.name for i in sections or []), filters.hide_internal,
               filters.patient, filters.unlabelled)
        m = self._masks.get(key)
        if m is None:
            m = self.columns.allowed(filters).astype(np.float32)
            if sections:
                m *= self.columns.sections_match(lambda s: section_matches(sections, s))
            if len(self._masks) > 512:
                self._masks.clear()
            self._masks[key] = m
        return m

    @property
    def columns(self) -> Columns:
        """The passages' metadata as coded arrays (built at first use)."""
        if self._columns is None:
            self._columns = Columns.of_table(self.passages, PATIENT_SECTION)
        return self._columns

    def load_texts(self, indices: Iterable[int]) -> None:
        """Read the texts of these passages that are not read yet, in one query per 500."""
        todo = [self.passages[i] for i in indices if self.passages[i].stored_text is None]
        if todo:
            texts = self._catalog.chunk_texts([p.chunk_id for p in todo])
            for p in todo:
                p.stored_text = texts.get(p.chunk_id, "")

    def search_text(self, i: int) -> str:
        """What passage i was indexed and embedded as (its product and section, then its text)."""
        p = self.passages[i]
        return search_text(p.text, p.section, p.product)

    @property
    def search_texts(self) -> list[str]:
        self.load_texts(range(len(self.passages)))
        return [self.search_text(i) for i in range(len(self.passages))]

    def similarities(self, store: Store, vec: np.ndarray) -> np.ndarray | None:
        """Cosine of every live passage to a unit vector (None if a live passage's vector is not at hand)."""
        rest = self.matrix(store)
        if rest is None and len(self._rest):
            return None
        out = np.zeros(len(self.passages), dtype=np.float32)
        for seg, live in self._vector_parts:
            sims = seg.vectors @ vec
            keep = live >= 0
            out[live[keep]] = sims[keep]
        if rest is not None:
            out[self._rest] = rest @ vec
        return out

    def nearest(self, store: Store, vec: np.ndarray, k: int, allowed: np.ndarray | None = None
                ) -> list[tuple[int, float]] | None:
        """The k live passages (allowed ones) nearest a unit vector, best first: probing the groups of clustered
        segments (dense.py); None if a live passage's vector is not at hand."""
        rest = self.matrix(store)
        if rest is None and len(self._rest):
            return None
        return self.dense.top(vec, k, allowed, None if rest is None else (self._rest, rest))

    def matrix(self, store: Store) -> np.ndarray | None:
        """Vectors of the live passages no segment holds (self._rest), from the previous snapshot or the embedding
        cache (None if any is missing, or there are none)."""
        if self._matrix is None and len(self._rest):
            with self._matrix_lock:
                if self._matrix is None:
                    self.load_texts(self._rest.tolist())
                    texts = [self.search_text(i) for i in self._rest.tolist()]
                    prev_texts, prev_matrix = self._previous or ([], np.zeros((0, 384), np.float32))
                    row_of = {t: i for i, t in enumerate(prev_texts)}
                    missing = [t for t in texts if t not in row_of]
                    found = store.cache.get_many(missing)
                    if all(store.cache.key(t) in found for t in missing):
                        dim = prev_matrix.shape[1] if len(prev_texts) else \
                            (next(iter(found.values())).shape[0] if found else 384)
                        matrix = np.zeros((len(texts), dim), np.float32)
                        rows = np.array([row_of.get(t, -1) for t in texts], dtype=np.int64)
                        kept = rows >= 0
                        if kept.any():
                            matrix[kept] = prev_matrix[rows[kept]]
                        for i in np.flatnonzero(~kept).tolist():
                            matrix[i] = found[store.cache.key(texts[i])]
                        self._matrix = matrix
                    else:
                        self._matrix = np.zeros((0, 0), dtype=np.float32)  # not every vector is cached
                    self._previous = None
        return self._matrix if self._matrix is not None and self._matrix.size else None

    def idf(self, token: str) -> float:
        return self.lexical.idf(token)

    def products_in(self, text: str) -> list[str]:
        """Products named in text, in order: by name or alias, or misspelt (see question.products.misspelt)."""
        return [p for _, p in self.product_positions(text)]

    def product_positions(self, text: str) -> list[tuple[int, str]]:
        """(offset of the first mention, product) for each product named in text, in order."""
        low = text.lower()
        found: list[tuple[int, str]] = []
        for name, product in self.products.items():
            m = re.search(rf"(?<![a-z0-9]){re.escape(name)}(?![a-z0-9])", low)
            if m and product not in (p for _, p in found):
                found.append((m.start(), product))
        for pos, name in misspelt(low, self.products, self.vocab_words):
            if self.products[name] not in (p for _, p in found):
                found.append((pos, self.products[name]))
        return sorted(found)

    def respelt(self, text: str) -> str:
        """The text with misspelt product names written as the catalogue spells them ("tylenal" -> "tylenol"), then
        any other word no passage holds read as the stored word meant ("sydrome" -> "syndrome",
        question/spelling.py): a typo is otherwise the rarest key term, which no evidence holds."""
        text = unglued(text, self._passages_with_stem)
        low = text.lower()
        for pos, name in reversed(misspelt(low, self.products, self.vocab_words)):
            end = pos + len(re.match(r"[a-z][a-z-]*", low[pos:]).group(0))  # type: ignore[union-attr]
            text = text[:pos] + name + text[end:]
        for start, end, word in reversed(corrections(text, self.vocab_words, self._passages_with_stem)):
            text = text[:start] + word + text[end:]
        return text

    def _passages_with_stem(self, word: str) -> int:
        return self.lexical.df((stem_tokens(word) or [word])[0])

    def approved_rows(self, product: str) -> list[int]:
        """Rows of the product's approved passages, their texts loaded."""
        rows = np.flatnonzero(self.columns.product.equals(product) & self.columns.kind.equals("approved")).tolist()
        self.load_texts(rows)
        return rows

    def indications(self, product: str) -> str:
        """The text of a product's approved indications (for the off-label check)."""
        if product not in self._indications:
            rows = self.approved_rows(product)
            self._indications[product] = " ".join(
                p.text for p in (self.passages[i] for i in rows) if is_indication(p.section, p.text))
        return self._indications[product]

    def focus_match(self, query_tokens: set[str], passage: Passage) -> float:
        """Share of the stems of the passage's document title that the question holds."""
        title = self._title_tokens.get(passage.doc_id)
        if title is None:
            title = self._title_tokens[passage.doc_id] = set(stem_tokens(passage.title or ""))
        return len(title & query_tokens) / len(title) if title else 0.0


def is_patient_labelling(p: Passage) -> bool:
    """Labelling written for patients: a consumer or patient document, or a patient section of a label."""
    return p.audience in ("patient", "consumer") or bool(PATIENT_SECTION.search(p.section or ""))


def _allowed(p: Passage, f: Filters, snap: Snapshot) -> bool:
    if f.product and p.product != f.product:
        return False
    if f.audience and p.audience not in (f.audience, "any"):
        return False
    if f.source_type and p.kind != f.source_type:
        return False
    if f.products and p.kind == "approved" and p.product not in f.products:
        return False
    if f.unlabelled and p.kind == "approved" and p.product:
        return False
    if f.hide_internal and p.audience == "internal":
        return False
    if f.patient and (p.kind != "approved" or not is_patient_labelling(p)):
        return False
    return p.doc_id not in f.exclude_docs
