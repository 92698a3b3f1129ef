"""The search index kept on disk in segments (BM25 terms and vectors), written at ingest, memory-mapped by workers.

A worker used to build a bm25s index over every live passage at start and again after every catalogue change
(10 s of a 46 s start at 145k passages, and every passage's term list held in memory). Now an ingest appends one
segment holding the terms of the passages it added; the workers map the segments read-only and score at query
time. A segment stores raw term frequencies, not scores, so nothing in it depends on the rest of the store: the
BM25 statistics (number of live passages, their mean length, each term's document frequency) are those of the
live set the worker serves, counted over the segments' rows that are live. The scores are bm25s's "lucene" BM25
over the live passages, as before (assistant/answering/lexical.py; tests/integration/test_segments.py).

Passages no segment holds (a store from before segments, an ingest killed between its commit and its segment,
another host's ingest in a shared catalogue) are indexed in memory by the worker, from the same terms, and the
next ingest writes them into a segment. Segments of one size tier are merged into one when there are
MERGE_FACTOR of them (as Lucene does); rows no longer current are dropped when the end of an ingest merges.
Files are written into a new directory and published by replacing `segments.json`: a worker reads either the
old list or the new one, never half of one.
"""
from __future__ import annotations

import json
import math
import os
import re
import shutil
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from ingest.clusters import CLUSTER_MIN

WORD = re.compile(r"[a-z]{5,}")  # the words of a text kept for spelling checks (question.products.misspelt)
FORMAT = 1
MERGE_FACTOR = 8  # segments of one size tier merged into one (a row is rewritten ~log8(rows / 512) times)
LARGE = 250_000  # rows: a segment this big is not merged again


class Segment:
    """Passages' terms as a term -> (row, frequency) table (compressed sparse columns), with each row's chunk
    id, product and length (number of terms), and (when every row's vector was at hand) their vectors, one row
    each, under the embedding model's name."""

    def __init__(self, chunk_ids: np.ndarray, products: list[str], product_of: np.ndarray, lengths: np.ndarray,
                 vocab: dict[str, int], indptr: np.ndarray, rows: np.ndarray, tf: np.ndarray,
                 vectors: np.ndarray | None = None, model: str | None = None, words: set[str] | None = None):
        self.chunk_ids, self.products, self.product_of, self.lengths = chunk_ids, products, product_of, lengths
        self.vocab, self.indptr, self.rows, self.tf = vocab, indptr, rows, tf
        self.words = words  # the lower-case words of 5+ letters of its passages' texts (None: not recorded)
        whole = vectors is not None and len(vectors) == len(lengths)
        self.vectors: np.ndarray | None = vectors if whole else None
        self.model: str | None = model if whole else None
        # A clustered segment's rows are in group order (ingest/clusters.py): group g is rows
        # list_ptr[g]:list_ptr[g + 1], nearest to centroids[g].
        self.centroids: np.ndarray | None = None
        self.list_ptr: np.ndarray | None = None
        self.name: str | None = None  # its directory's name, when loaded from one

    def __len__(self) -> int:
        return len(self.lengths)

    @classmethod
    def build(cls, chunk_ids: Sequence[str], products: Sequence[str | None], terms: Iterable[list[str]],
              vectors: np.ndarray | None = None, model: str | None = None, words: set[str] | None = None
              ) -> Segment:
        from scipy.sparse import csc_matrix

        vocab: dict[str, int] = {}
        ids: list[int] = []
        lengths = np.zeros(len(chunk_ids), dtype=np.int32)
        for r, toks in enumerate(terms):
            ids.extend(vocab.setdefault(t, len(vocab)) for t in toks)
            lengths[r] = len(toks)
        row_of = np.repeat(np.arange(len(chunk_ids), dtype=np.int32), lengths)
        m = csc_matrix((np.ones(len(ids), dtype=np.float32), (row_of, np.asarray(ids, dtype=np.int64))),
                       shape=(len(chunk_ids), len(vocab)))
        m.sum_duplicates()
        names = sorted({p or "" for p in products})
        where = {p: i for i, p in enumerate(names)}
        return cls(np.array(list(chunk_ids), dtype="S"), names,
                   np.array([where[p or ""] for p in products], dtype=np.int32), lengths, vocab,
                   m.indptr.astype(np.int64), m.indices.astype(np.int32), m.data.astype(np.float32),
                   None if vectors is None else np.asarray(vectors, dtype=np.float32), model, words)

    def save(self, path: Path) -> None:
        path.mkdir(parents=True)
        for name in ("chunk_ids", "product_of", "lengths", "indptr", "rows", "tf"):
            np.save(path / f"{name}.npy", getattr(self, name), allow_pickle=False)
        if self.vectors is not None:
            np.save(path / "vectors.npy", self.vectors, allow_pickle=False)
        if self.centroids is not None and self.list_ptr is not None:
            np.save(path / "centroids.npy", self.centroids, allow_pickle=False)
            np.save(path / "list_ptr.npy", self.list_ptr, allow_pickle=False)
        terms = sorted(self.vocab, key=self.vocab.__getitem__)
        (path / "meta.json").write_text(json.dumps({"format": FORMAT, "products": self.products, "terms": terms,
                                                    "model": self.model,
                                                    "words": None if self.words is None else sorted(self.words)}))

    @classmethod
    def load(cls, path: Path) -> Segment:
        meta = json.loads((path / "meta.json").read_text())
        if meta.get("format") != FORMAT:
            raise ValueError(f"{path}: segment format {meta.get('format')}, expected {FORMAT}")
        arrays = {name: np.load(path / f"{name}.npy", mmap_mode="r", allow_pickle=False)
                  for name in ("chunk_ids", "product_of", "lengths", "indptr", "rows", "tf")}
        vocab = {t: i for i, t in enumerate(meta["terms"])}
        vectors = np.load(path / "vectors.npy", mmap_mode="r") if meta.get("model") else None
        seg = cls(arrays["chunk_ids"], meta["products"], arrays["product_of"], arrays["lengths"], vocab,
                  arrays["indptr"], arrays["rows"], arrays["tf"], vectors, meta.get("model"),
                  None if meta.get("words") is None else set(meta["words"]))
        if seg.vectors is not None and (path / "centroids.npy").exists():
            seg.centroids = np.load(path / "centroids.npy", allow_pickle=False)
            seg.list_ptr = np.load(path / "list_ptr.npy", allow_pickle=False)
        seg.name = path.name
        return seg

    def clustered(self) -> Segment:
        """The same rows in group order, with the groups' centroids (ingest/clusters.py)."""
        from scipy.sparse import csc_matrix

        from ingest.clusters import cluster

        assert self.vectors is not None
        order, centroids, list_ptr = cluster(np.asarray(self.vectors))
        new_row = np.empty(len(order), dtype=np.int32)
        new_row[order] = np.arange(len(order), dtype=np.int32)
        m = csc_matrix((np.array(self.tf), new_row[np.asarray(self.rows)], np.array(self.indptr)),
                       shape=(len(self), len(self.vocab)))
        m.sort_indices()  # each term's rows ascending, as written
        seg = Segment(np.asarray(self.chunk_ids)[order], self.products, np.asarray(self.product_of)[order],
                      np.asarray(self.lengths)[order], self.vocab, m.indptr.astype(np.int64),
                      m.indices.astype(np.int32), m.data.astype(np.float32), np.asarray(self.vectors)[order],
                      self.model, self.words)
        seg.centroids, seg.list_ptr = centroids, list_ptr
        return seg

    def postings(self, term: str) -> tuple[np.ndarray, np.ndarray] | None:
        t = self.vocab.get(term)
        if t is None:
            return None
        s, e = int(self.indptr[t]), int(self.indptr[t + 1])
        return self.rows[s:e], self.tf[s:e]


# --- on disk -------------------------------------------------------------------------------------------------
def directory(data_dir: Path) -> Path:
    return Path(data_dir) / "segments"


def _manifest(root: Path) -> dict:
    try:
        value = json.loads((root / "segments.json").read_text())
        return value if isinstance(value, dict) else {}
    except (OSError, ValueError):
        return {}


def _listed(root: Path) -> list[dict]:
    """The published segments: [{"name", "rows"}]."""
    listed = _manifest(root).get("segments")
    if not isinstance(listed, list):
        return []
    return [x for x in listed if isinstance(x, dict) and "name" in x and "rows" in x]


def load_segments(data_dir: Path, loaded: dict[str, Segment] | None = None) -> list[Segment]:
    """The published segments (none if they cannot be read: the worker then indexes in memory). loaded: segments
    already loaded, by name (a published segment's files never change)."""
    root = directory(data_dir)
    loaded = loaded or {}
    for _ in range(3):  # an ingest may replace the list (and remove merged segments) while it is read
        try:
            return [loaded.get(x["name"]) or Segment.load(root / x["name"]) for x in _listed(root)]
        except (OSError, ValueError, KeyError):
            continue
    return []


def append(data_dir: Path, chunk_ids: Sequence[str], products: Sequence[str | None], terms: Iterable[list[str]],
           vectors: np.ndarray | None = None, model: str | None = None, texts: Iterable[str] | None = None) -> None:
    """Add the passages an ingest batch just committed as a new segment (merging small ones)."""
    if chunk_ids:
        words = None if texts is None else {w for t in texts for w in WORD.findall(t.lower())}
        _publish(directory(data_dir), [Segment.build(chunk_ids, products, terms, vectors, model, words)], None)


def update(catalog, data_dir: Path, cache=None, since: int | None = None) -> dict:
    """At the end of an ingest (under its lock): a segment for the searchable current chunks no segment holds (a
    store from before segments, a run killed between a commit and its segment), with their vectors from the
    embedding cache (ingest.embedding.EmbeddingCache) when it holds them all; rows no longer current dropped
    from the segments merged. Returns what it did.
    since: the catalogue's generation when an ingest started whose every committed passage went into a segment;
    if the segments were complete at that generation, they are complete now and the catalogue is not read."""
    from ingest.types import INDEXED, search_text

    root = directory(data_dir)
    if since is not None and _manifest(root).get("complete_at") == since:
        _publish(root, [], None, complete_at=catalog.generation())
        return {"segments": len(_listed(root)), "added": 0, "catalogue_read": False}
    current = {r[0]: r[1] or "" for r in catalog.conn.execute(
        "SELECT c.chunk_id, d.product FROM chunks c JOIN documents d ON d.rev_id = c.rev_id "
        f"WHERE d.status IN ({','.join('?' * len(INDEXED))})", INDEXED)}
    held: set[str] = set()
    for x in _listed(root):
        try:
            held.update(_held(Segment.load(root / x["name"]), current))
        except (OSError, ValueError, KeyError):
            pass
    new = [cid for cid in current if cid not in held]
    rows = _terms(catalog, new)
    product_terms: dict[str, list[str]] = {}

    def terms(row) -> list[str]:
        from ingest.terms import tokenize

        cid, product, section, stored, text = row
        if stored is None:
            return tokenize([search_text(text, section or "", product)])[0]
        if product and product not in product_terms:
            product_terms[product] = tokenize([product])[0]
        return (product_terms[product] if product else []) + stored.split()

    vectors = model = None
    if rows and cache is not None:
        texts = [search_text(r[4], r[2] or "", r[1]) for r in rows]
        found = cache.get_many(texts)
        if len(found) == len({cache.key(t) for t in texts}):
            vectors, model = np.stack([found[cache.key(t)] for t in texts]), cache.model_name
    words = {w for r in rows for w in WORD.findall(r[4].lower())}
    added = [Segment.build([r[0] for r in rows], [r[1] for r in rows], (terms(r) for r in rows), vectors, model,
                           words)] if rows else []
    _publish(root, added, current, complete_at=catalog.generation())
    return {"segments": len(_listed(root)), "added": len(rows), "catalogue_read": True}


def _publish(root: Path, added: list[Segment], current: dict[str, str] | None, complete_at: int | None = None
             ) -> None:
    """Write new segments, merge MERGE_FACTOR segments of one size tier (dropping rows no longer current when
    `current` is known), then publish the list in one rename."""
    root.mkdir(parents=True, exist_ok=True)
    listed = _listed(root)
    for seg in added:
        listed.append({"name": _save(root, seg), "rows": len(seg)})
    for x in list(listed):  # a large segment written before clustering: clustered now, once
        if x["rows"] >= CLUSTER_MIN and not (root / x["name"] / "centroids.npy").exists():
            seg = Segment.load(root / x["name"])
            if seg.vectors is not None:
                listed[listed.index(x)] = {"name": _save(root, seg), "rows": len(seg)}
    while True:
        tiers: dict[int, list[dict]] = {}
        for x in listed:
            if x["rows"] < LARGE:
                tiers.setdefault(int(math.log(max(x["rows"], 512) / 512, MERGE_FACTOR)), []).append(x)
        full = [group for _, group in sorted(tiers.items()) if len(group) >= MERGE_FACTOR]
        if not full:
            break
        merged = merge([Segment.load(root / x["name"]) for x in full[0]], current)
        listed = [x for x in listed if x not in full[0]]
        if len(merged):
            listed.append({"name": _save(root, merged), "rows": len(merged)})
    manifest: dict = {"format": FORMAT, "segments": listed}
    # The generation at which the segments held every searchable passage (an append keeps the last one: a run
    # killed after a commit leaves the catalogue at a later generation, so the next run reads the catalogue).
    complete_at = complete_at if complete_at is not None else _manifest(root).get("complete_at")
    if complete_at is not None:
        manifest["complete_at"] = complete_at
    _write_json(root / "segments.json", manifest)
    published = {x["name"] for x in listed}
    for old in root.iterdir():  # merged away; a worker still mapping their files keeps reading them
        if old.is_dir() and old.name not in published:
            shutil.rmtree(old, ignore_errors=True)


def _save(root: Path, seg: Segment) -> str:
    if seg.vectors is not None and seg.centroids is None and len(seg) >= CLUSTER_MIN:
        seg = seg.clustered()
    name = f"seg-{uuid.uuid4().hex[:12]}"
    tmp = root / f".tmp-{name}"
    seg.save(tmp)
    os.replace(tmp, root / name)
    return name


def merge(segments: list[Segment], current: dict[str, str] | None = None) -> Segment:
    """One segment holding the rows of several (those still current with the same product, given `current`)."""
    from scipy.sparse import coo_matrix

    vocab: dict[str, int] = {}
    rows, cols, data, ids, prods, lengths, vectors = [], [], [], [], [], [], []
    # (words cannot be told apart by row: a merge keeps those of dropped rows, which only makes a few more
    # words count as the store's own in a spelling check)
    words: set[str] | None = set() if all(seg.words is not None for seg in segments) else None
    models = {seg.model for seg in segments}
    model = models.pop() if len(models) == 1 else None
    n = 0
    for seg in segments:
        names = seg.products
        cids = [b.decode() for b in seg.chunk_ids.tolist()]
        pnames = [names[p] for p in seg.product_of.tolist()]
        keep = np.array([current is None or current.get(c) == p for c, p in zip(cids, pnames)], dtype=bool)
        new_row = np.cumsum(keep) - 1 + n
        terms = sorted(seg.vocab, key=seg.vocab.__getitem__)
        remap = np.array([vocab.setdefault(t, len(vocab)) for t in terms], dtype=np.int64)
        counts = np.diff(np.asarray(seg.indptr))
        col = np.repeat(np.arange(len(terms)), counts)
        r = np.asarray(seg.rows)
        ok = keep[r]
        rows.append(new_row[r[ok]])
        cols.append(remap[col[ok]])
        data.append(np.asarray(seg.tf)[ok])
        ids += [c for c, k in zip(cids, keep) if k]
        prods += [p for p, k in zip(pnames, keep) if k]
        lengths.append(np.asarray(seg.lengths)[keep])
        if words is not None and seg.words is not None:
            words |= seg.words
        if model is not None and seg.vectors is not None:
            vectors.append(np.asarray(seg.vectors)[keep])
        n += int(keep.sum())
    m = coo_matrix((np.concatenate(data), (np.concatenate(rows), np.concatenate(cols))),
                   shape=(n, len(vocab))).tocsc()
    names = sorted(set(prods))
    where = {p: i for i, p in enumerate(names)}
    return Segment(np.array(ids, dtype="S"), names, np.array([where[p] for p in prods], dtype=np.int32),
                   np.concatenate(lengths).astype(np.int32), vocab, m.indptr.astype(np.int64),
                   m.indices.astype(np.int32), m.data.astype(np.float32),
                   np.concatenate(vectors) if model is not None else None, model, words)


def _held(seg: Segment, current: dict[str, str]) -> list[str]:
    """Rows of a segment still current with the product they were indexed with."""
    names = seg.products
    return [c for c, p in zip((b.decode() for b in seg.chunk_ids.tolist()), seg.product_of.tolist())
            if current.get(c) == names[p]]


def _terms(catalog, chunk_ids: list[str]) -> list[tuple]:
    """(chunk id, product, section, stored terms, text) of chunks, in the given order."""
    out: dict[str, tuple] = {}
    for k in range(0, len(chunk_ids), 500):
        part = chunk_ids[k:k + 500]
        for r in catalog.conn.execute(
                f"""SELECT c.chunk_id, d.product, c.section, c.terms,
                           substr(p.text, c.start + 1, c."end" - c.start)
                    FROM chunks c JOIN documents d ON d.rev_id = c.rev_id
                    JOIN pages p ON p.rev_id = c.rev_id AND p.page_no = c.page_no
                    WHERE c.chunk_id IN ({','.join('?' * len(part))})""", part):
            out[r[0]] = tuple(r)
    return [out[c] for c in chunk_ids if c in out]


def _write_json(path: Path, value: dict) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_text(json.dumps(value))
    os.replace(tmp, path)
