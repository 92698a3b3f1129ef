"""The catalogue: documents, their revisions, pages, chunks, source files and ingest runs, in a sqlite file of the
data directory or a PostgreSQL database shared by several hosts (ingest/database.py).

The catalogue is the source of truth for what is searchable: a chunk is live when its revision is
its document's current revision and the document is approved. A document's new revision replaces
the old one in a single transaction, so a reader sees the whole old document or the whole new one.
Old revisions stay, so a citation given yesterday still resolves today.
"""
from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ingest.database import (
    INGEST_LOCK,
    Connection,
    PerThreadConnection,
    PgConnection,
    columns,
    connect,
    is_postgres,
    is_url,
)
from ingest.types import Chunk, Document, DocumentMeta

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY, rev_id TEXT NOT NULL, title TEXT NOT NULL, kind TEXT NOT NULL,
    product TEXT, aliases TEXT NOT NULL DEFAULT '[]', audience TEXT NOT NULL, version TEXT NOT NULL,
    effective TEXT, expiry TEXT, status TEXT NOT NULL, source TEXT, path TEXT, sha256 TEXT NOT NULL,
    meta_fp TEXT NOT NULL, n_pages INTEGER NOT NULL, n_chunks INTEGER NOT NULL, updated_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS revisions (
    rev_id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, version TEXT NOT NULL, sha256 TEXT NOT NULL,
    meta TEXT NOT NULL, created_at REAL NOT NULL, superseded_at REAL
);
CREATE TABLE IF NOT EXISTS pages (
    rev_id TEXT NOT NULL, page_no INTEGER NOT NULL, text TEXT NOT NULL, PRIMARY KEY (rev_id, page_no)
);
CREATE TABLE IF NOT EXISTS chunks (
    chunk_id TEXT PRIMARY KEY, rev_id TEXT NOT NULL, doc_id TEXT NOT NULL, page_no INTEGER NOT NULL,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL, section TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS chunks_by_rev ON chunks (rev_id);
CREATE INDEX IF NOT EXISTS documents_by_update ON documents (updated_at);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY, sha256 TEXT NOT NULL, entry_fp TEXT NOT NULL, doc_ids TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
    run_id INTEGER PRIMARY KEY AUTOINCREMENT, started_at REAL NOT NULL, finished_at REAL,
    status TEXT NOT NULL, pid INTEGER, summary TEXT
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS aliases (
    alias TEXT PRIMARY KEY, doc_id TEXT NOT NULL, reason TEXT NOT NULL, created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS withdrawals (
    doc_id TEXT PRIMARY KEY, reason TEXT NOT NULL, prior_status TEXT NOT NULL, withdrawn_at REAL NOT NULL
);
"""
# Columns added after the first release (added to older catalogues when they are opened).
MIGRATIONS = [("documents", "origin", "TEXT NOT NULL DEFAULT 'manifest'"),
              ("chunks", "terms", "TEXT")]  # lexical terms (ingest/terms.py); NULL in stores ingested before

class Catalog(PerThreadConnection):
    def __init__(self, path: Path | str, database_url: str | None = None):
        """path: the sqlite file; database_url (postgresql://...): a shared database instead of that file."""
        self.path = Path(path)
        self.target = database_url or self.path
        self._local = threading.local()
        self._lock_conn: Connection | None = None
        conn = self.conn
        conn.executescript(SCHEMA)
        for table, column, decl in MIGRATIONS:
            if column not in columns(conn, table):
                conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {decl}")

    @property
    def shared(self) -> bool:
        """The catalogue is a database server's, shared with other hosts (not a file of this data directory)."""
        return is_url(self.target)

    def lock_writer(self) -> bool:
        """On a shared database: take the ingest lock there (one ingest at a time across hosts; released when the
        ingest ends or its process dies). False when another ingest holds it. A file catalogue has its file lock."""
        if not self.shared:
            return True
        if self._lock_conn is None:
            self._lock_conn = connect(self.target)
        assert isinstance(self._lock_conn, PgConnection)
        return self._lock_conn.try_lock(INGEST_LOCK)

    def unlock_writer(self) -> None:
        if self._lock_conn is not None:
            self._lock_conn.close()
            self._lock_conn = None

    # --- transactions ----------------------------------------------------------------------
    def transaction(self):
        return _Tx(self.conn)

    # --- documents -------------------------------------------------------------------------
    def document(self, doc_id: str) -> dict | None:
        row = self.conn.execute("SELECT * FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        return _doc_row(row) if row else None

    def current_meta(self, doc_id: str) -> dict | None:
        """The metadata (DocumentMeta as a dict) of a document's current revision."""
        row = self.conn.execute("SELECT r.meta FROM documents d JOIN revisions r ON r.rev_id = d.rev_id "
                                "WHERE d.doc_id=?", (doc_id,)).fetchone()
        return json.loads(row[0]) if row else None

    def current_attributes(self, doc_ids: list[str] | None = None) -> dict[str, dict]:
        """doc_id -> what its current revision's file said about itself (format, set id, PMID, reference...),
        for the documents that said anything (of doc_ids, when given)."""
        only = f" AND d.doc_id IN ({','.join('?' * len(doc_ids))})" if doc_ids is not None else ""
        rows = self.conn.execute("SELECT d.doc_id, r.meta FROM documents d JOIN revisions r ON r.rev_id = d.rev_id "
                                 "WHERE r.meta LIKE '%\"attributes\": {\"%'" + only, doc_ids or ()).fetchall()
        return {r[0]: json.loads(r[1]).get("attributes") or {} for r in rows}

    def documents(self, with_product: bool = False) -> list[dict]:
        """Every current document (with_product: only those of a product: labels, not literature records)."""
        where = " WHERE product IS NOT NULL AND product != ''" if with_product else ""
        rows = self.conn.execute(f"SELECT * FROM documents{where} ORDER BY kind, doc_id").fetchall()
        return [_doc_row(r) for r in rows]

    def commit_revision(self, doc: Document, chunks: list[Chunk], meta_fp: str) -> str | None:
        """Make `doc` the current revision of its document, atomically. Returns the replaced rev_id."""
        return self.commit_revisions([(doc, chunks, meta_fp)])[0]

    def commit_revisions(self, items: list[tuple[Document, list[Chunk], str]]) -> list[str | None]:
        """Make each document the current revision of its id, all in one transaction (many small records
        commit together: one generation bump, not one per record). Returns each replaced rev_id or None."""
        out: list[str | None] = []
        with self.transaction() as c:
            now = clock(c)
            for doc, chunks, meta_fp in items:
                out.append(_write_revision(c, doc, chunks, meta_fp, now))
            _bump(c)
        return out

    def update_metadata(self, doc_id: str, meta: DocumentMeta, meta_fp: str) -> None:
        """Same content, new metadata (status, dates, product...): no re-chunking, no re-embedding."""
        with self.transaction() as c:
            c.execute("""UPDATE documents SET title=?, kind=?, product=?, aliases=?, audience=?, effective=?,
                         expiry=?, status=?, source=?, meta_fp=?, updated_at=?, origin=? WHERE doc_id=?""",
                      (meta.title, meta.kind, meta.product, json.dumps(meta.aliases), meta.audience, meta.effective,
                       meta.expiry, meta.status, meta.source, meta_fp, clock(c), meta.origin, doc_id))
            c.execute("UPDATE revisions SET meta=? WHERE rev_id=(SELECT rev_id FROM documents WHERE doc_id=?)",
                      (json.dumps(meta.to_dict()), doc_id))
            _bump(c)

    # --- withdrawal and identity -----------------------------------------------------------
    def canonical(self, doc_id: str) -> str:
        """The document an id stands for (an old id renamed in the manifest is an alias of the new one)."""
        seen = {doc_id}
        while True:
            row = self.conn.execute("SELECT doc_id FROM aliases WHERE alias=?", (doc_id,)).fetchone()
            if row is None or row[0] in seen:
                return doc_id
            doc_id = row[0]
            seen.add(doc_id)

    def aliases_of(self, doc_id: str) -> list[str]:
        out: list[str] = []
        todo = [doc_id]
        while todo:
            for (alias,) in self.conn.execute("SELECT alias FROM aliases WHERE doc_id=?", (todo.pop(),)):
                if alias not in out and alias != doc_id:
                    out.append(alias)
                    todo.append(alias)
        return out

    def add_alias(self, alias: str, doc_id: str, reason: str) -> None:
        """`alias` (an id this source used before) now stands for `doc_id`; the old document leaves search."""
        with self.transaction() as c:
            c.execute("INSERT OR REPLACE INTO aliases VALUES (?,?,?,?)", (alias, doc_id, reason, time.time()))
            c.execute("UPDATE documents SET status='withdrawn', updated_at=? WHERE doc_id=? AND status!='withdrawn'",
                      (clock(c), alias))
            _bump(c)

    def withdraw(self, doc_id: str, reason: str, sticky: bool = True) -> list[str]:
        """Withdraw a document by id, with every id alias of it. Sticky (`medinfo withdraw`): a later ingest
        keeps it withdrawn until it is reinstated. Returns the ids withdrawn (empty when no such document)."""
        root = self.canonical(doc_id)
        ids = [i for i in [root, *self.aliases_of(root)] if self.document(i)]
        if not ids:
            return []
        with self.transaction() as c:
            now = clock(c)
            for i in ids:
                prior = c.execute("SELECT status FROM documents WHERE doc_id=?", (i,)).fetchone()[0]
                if sticky:
                    c.execute("INSERT OR IGNORE INTO withdrawals VALUES (?,?,?,?)",
                              (i, reason, prior if prior != "withdrawn" else "approved", now))
                c.execute("UPDATE documents SET status='withdrawn', updated_at=? WHERE doc_id=?", (now, i))
            _bump(c)
        return ids

    def reinstate(self, doc_id: str) -> str | None:
        """Undo a withdrawal by id; returns the status restored, or None when the id was not withdrawn so."""
        root = self.canonical(doc_id)
        row = self.conn.execute("SELECT prior_status FROM withdrawals WHERE doc_id=?", (root,)).fetchone()
        if row is None:
            return None
        with self.transaction() as c:
            c.execute("DELETE FROM withdrawals WHERE doc_id=?", (root,))
            c.execute("UPDATE documents SET status=?, updated_at=? WHERE doc_id=?", (row[0], clock(c), root))
            _bump(c)
        return str(row[0])

    def withdrawal(self, doc_id: str) -> dict | None:
        row = self.conn.execute("SELECT * FROM withdrawals WHERE doc_id=?", (doc_id,)).fetchone()
        return dict(row) if row else None

    def orphans(self) -> list[dict]:
        """Documents still searchable whose source file is gone, or whose file now yields other documents."""
        out = []
        files = {r["path"]: set(json.loads(r["doc_ids"])) for r in self.conn.execute("SELECT path, doc_ids FROM files")}
        for d in self.documents():
            if d["status"] == "withdrawn" or not d["path"]:
                continue
            if not Path(d["path"]).exists():
                out.append(d | {"orphan_reason": "its source file no longer exists"})
            elif d["path"] in files and d["doc_id"] not in files[d["path"]]:
                out.append(d | {"orphan_reason": "its source file now yields " + ", ".join(sorted(files[d["path"]]))})
        return out

    # --- chunks ----------------------------------------------------------------------------
    def rev_chunk_ids(self, rev_id: str) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT chunk_id FROM chunks WHERE rev_id=?", (rev_id,))]

    def current_chunks(self, statuses: Iterable[str] | None = ("approved",), text: bool = True) -> list[dict]:
        """Chunks of current revisions (approved documents by default), with their document's fields (and their
        text, unless text=False: then "text" is None, for chunk_texts to read when needed)."""
        return [dict(r) for r in self.iter_current_chunks(statuses, text)]

    CHUNK_FIELDS = ("chunk_id", "doc_id", "rev_id", "page_no", "start", "end", "section", "terms", "text", "title",
                    "kind", "product", "audience", "version", "effective", "expiry", "status")

    def iter_current_chunks(self, statuses: Iterable[str] | None = ("approved",), text: bool = True,
                            terms: bool = True, doc_ids: list[str] | None = None) -> Any:
        """current_chunks as a cursor of rows read by position in CHUNK_FIELDS order (or by name), one at a time: a
        store of a million passages is not first turned into a million dicts. terms=False leaves "terms" None
        (chunk_terms); doc_ids: those documents' rows only."""
        sql = f"""SELECT c.chunk_id, c.doc_id, c.rev_id, c.page_no, c.start, c."end", c.section,
                        {'c.terms' if terms else 'NULL'} AS terms,
                        {'substr(p.text, c.start + 1, c."end" - c.start)' if text else 'NULL'} AS text,
                        d.title, d.kind, d.product, d.audience, d.version, d.effective, d.expiry, d.status
                 FROM chunks c JOIN documents d ON d.rev_id = c.rev_id
                 {'JOIN pages p ON p.rev_id = c.rev_id AND p.page_no = c.page_no' if text else ''}"""
        args: tuple = ()
        if statuses is not None:
            statuses = tuple(statuses)
            sql += f" WHERE d.status IN ({','.join('?' * len(statuses))})"
            args = statuses
        if doc_ids is not None:  # of these documents only
            sql += (" AND" if statuses is not None else " WHERE") + f" d.doc_id IN ({','.join('?' * len(doc_ids))})"
            args = (*args, *doc_ids)
        return self.conn.execute(sql + " ORDER BY c.doc_id, c.page_no, c.start", args)

    def chunk_terms(self, chunk_ids: list[str]) -> dict[str, str | None]:
        """The stored terms of chunks, by id (None for a chunk stored before terms were)."""
        out: dict[str, str | None] = {}
        for k in range(0, len(chunk_ids), 500):
            part = chunk_ids[k:k + 500]
            out.update(self.conn.execute(f"SELECT chunk_id, terms FROM chunks WHERE chunk_id IN "
                                         f"({','.join('?' * len(part))})", part).fetchall())
        return out

    def count_current_chunks(self, statuses: Iterable[str]) -> int:
        statuses = tuple(statuses)
        return int(self.conn.execute(
            "SELECT COUNT(*) FROM chunks c JOIN documents d ON d.rev_id = c.rev_id "
            f"WHERE d.status IN ({','.join('?' * len(statuses))})", statuses).fetchone()[0])

    def chunk_texts(self, chunk_ids: list[str]) -> dict[str, str]:
        """The text of chunks, by id."""
        out: dict[str, str] = {}
        for k in range(0, len(chunk_ids), 500):
            part = chunk_ids[k:k + 500]
            out.update(self.conn.execute(
                f"""SELECT c.chunk_id, substr(p.text, c.start + 1, c."end" - c.start) FROM chunks c
                    JOIN pages p ON p.rev_id = c.rev_id AND p.page_no = c.page_no
                    WHERE c.chunk_id IN ({','.join('?' * len(part))})""", part).fetchall())
        return out

    def chunk(self, chunk_id: str) -> dict | None:
        """A chunk with its page text and its document's metadata (of the chunk's own revision)."""
        row = self.conn.execute(
            """SELECT c.*, p.text AS page_text, r.meta AS rev_meta, r.superseded_at, r.sha256,
                      d.rev_id AS current_rev, d.status AS current_status
               FROM chunks c JOIN pages p ON p.rev_id = c.rev_id AND p.page_no = c.page_no
               JOIN revisions r ON r.rev_id = c.rev_id LEFT JOIN documents d ON d.doc_id = c.doc_id
               WHERE c.chunk_id=?""", (chunk_id,)).fetchone()
        if row is None:
            return None
        meta = json.loads(row["rev_meta"])
        page_text = row["page_text"]
        return {
            "chunk_id": row["chunk_id"], "document_id": row["doc_id"], "rev_id": row["rev_id"],
            "page": row["page_no"], "start": row["start"], "end": row["end"], "section": row["section"],
            "text": page_text[row["start"]:row["end"]], "page_text": page_text,
            "document": meta | {"sha256": row["sha256"]},
            "current": row["current_rev"] == row["rev_id"],
            "status": row["current_status"] if row["current_rev"] == row["rev_id"] else "superseded",
        }

    def page_text(self, rev_id: str, page_no: int) -> str | None:
        row = self.conn.execute("SELECT text FROM pages WHERE rev_id=? AND page_no=?", (rev_id, page_no)).fetchone()
        return row[0] if row else None

    # --- source files ----------------------------------------------------------------------
    def file_record(self, path: str) -> dict | None:
        row = self.conn.execute("SELECT * FROM files WHERE path=?", (path,)).fetchone()
        return dict(row) | {"doc_ids": json.loads(row["doc_ids"])} if row else None

    def set_file_record(self, path: str, sha256: str, entry_fp: str, doc_ids: list[str]) -> None:
        with self.transaction() as c:
            c.execute("INSERT OR REPLACE INTO files VALUES (?,?,?,?)", (path, sha256, entry_fp, json.dumps(doc_ids)))

    # --- runs ------------------------------------------------------------------------------
    def start_run(self, pid: int) -> int:
        with self.transaction() as c:
            c.execute("UPDATE runs SET status='interrupted' WHERE status='running'")
            cur = c.execute("INSERT INTO runs (started_at, status, pid) VALUES (?, 'running', ?) RETURNING run_id",
                            (time.time(), pid))
            return int(cur.fetchone()[0])

    def finish_run(self, run_id: int, status: str, summary: dict[str, Any]) -> None:
        with self.transaction() as c:
            c.execute("UPDATE runs SET finished_at=?, status=?, summary=? WHERE run_id=?",
                      (time.time(), status, json.dumps(summary), run_id))

    def runs(self, limit: int = 20) -> list[dict]:
        rows = self.conn.execute("SELECT * FROM runs ORDER BY run_id DESC LIMIT ?", (limit,)).fetchall()
        return [dict(r) | {"summary": json.loads(r["summary"]) if r["summary"] else None} for r in rows]

    # --- corpus state ----------------------------------------------------------------------
    def generation(self) -> int:
        row = self.conn.execute("SELECT value FROM meta WHERE key='generation'").fetchone()
        return int(row[0]) if row else 0

    def corpus_version(self) -> str:
        row = self.conn.execute("SELECT value FROM meta WHERE key='corpus_version'").fetchone()
        return row[0] if row else "empty"

    def stats(self) -> dict[str, Any]:
        c = self.conn
        by_status = {r[0]: r[1] for r in c.execute("SELECT status, COUNT(*) FROM documents GROUP BY status")}
        by_kind = {r[0]: r[1] for r in c.execute("SELECT kind, COUNT(*) FROM documents GROUP BY kind")}
        n_chunks = c.execute("SELECT COALESCE(SUM(n_chunks),0) FROM documents WHERE status='approved'").fetchone()[0]
        n_pages = c.execute("SELECT COALESCE(SUM(n_pages),0) FROM documents").fetchone()[0]
        return {"documents": sum(by_status.values()), "by_status": by_status, "by_kind": by_kind,
                "pages": n_pages, "searchable_chunks": n_chunks, "corpus_version": self.corpus_version()}


def clock(c: Connection) -> float:
    """Now, for a document's updated_at (inside the write transaction, after its lock) and for a snapshot's reading
    (assistant/answering/delta.py): the time of the machine that holds the catalogue. A shared PostgreSQL
    catalogue is written from several hosts whose clocks differ; its server's clock is the one they share."""
    if is_postgres(c):
        return float(c.execute("SELECT EXTRACT(EPOCH FROM clock_timestamp())").fetchone()[0])
    return time.time()


class _Tx:
    def __init__(self, conn: Connection):
        self.conn = conn

    def __enter__(self) -> Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type, exc, tb) -> None:
        self.conn.execute("COMMIT" if exc_type is None else "ROLLBACK")


def _write_revision(c: Connection, doc: Document, chunks: list[Chunk], meta_fp: str, now: float
                    ) -> str | None:
    m = doc.meta
    old = c.execute("SELECT rev_id FROM documents WHERE doc_id=?", (m.id,)).fetchone()
    old_rev = old["rev_id"] if old else None
    meta_json = json.dumps(m.to_dict())
    c.execute("INSERT OR IGNORE INTO revisions VALUES (?,?,?,?,?,?,NULL)",
              (doc.rev_id, m.id, m.version, doc.sha256, meta_json, now))
    c.execute("UPDATE revisions SET meta=?, superseded_at=NULL WHERE rev_id=?", (meta_json, doc.rev_id))
    c.execute("DELETE FROM pages WHERE rev_id=?", (doc.rev_id,))
    c.executemany("INSERT INTO pages VALUES (?,?,?)", [(doc.rev_id, p.number, p.text) for p in doc.pages])
    c.execute("DELETE FROM chunks WHERE rev_id=?", (doc.rev_id,))
    c.executemany('INSERT INTO chunks (chunk_id, rev_id, doc_id, page_no, start, "end", section, terms) '
                  "VALUES (?,?,?,?,?,?,?,?)",
                  [(ch.id, ch.rev_id, ch.doc_id, ch.page, ch.start, ch.end, ch.section, ch.terms) for ch in chunks])
    if old_rev and old_rev != doc.rev_id:
        c.execute("UPDATE revisions SET superseded_at=? WHERE rev_id=?", (now, old_rev))
    c.execute("INSERT OR REPLACE INTO documents (doc_id, rev_id, title, kind, product, aliases, audience, "
              "version, effective, expiry, status, source, path, sha256, meta_fp, n_pages, n_chunks, "
              "updated_at, origin) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
              (m.id, doc.rev_id, m.title, m.kind, m.product, json.dumps(m.aliases), m.audience, m.version,
               m.effective, m.expiry, m.status, m.source, doc.path, doc.sha256, meta_fp,
               len(doc.pages), len(chunks), now, m.origin))
    return old_rev if old_rev != doc.rev_id else None


def _bump(c: Connection) -> None:
    import hashlib

    gen = c.execute("SELECT value FROM meta WHERE key='generation'").fetchone()
    c.execute("INSERT OR REPLACE INTO meta VALUES ('generation', ?)", (str(int(gen[0]) + 1 if gen else 1),))
    h = hashlib.sha256()
    for row in c.execute("SELECT doc_id, rev_id, status FROM documents ORDER BY doc_id"):
        h.update(f"{row[0]}|{row[1]}|{row[2]}\n".encode())
    c.execute("INSERT OR REPLACE INTO meta VALUES ('corpus_version', ?)", (h.hexdigest()[:12],))


def _doc_row(row: Any) -> dict:
    d = {k: row[k] for k in row.keys() if k != "meta_fp"}
    d["aliases"] = json.loads(d.get("aliases") or "[]")
    return d
