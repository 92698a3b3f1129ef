"""Service state beside the catalogue: API keys, the audit log, reviews and safety reports.

    <data-dir>/service.sqlite

Keys are stored as SHA-256 hashes; the key itself is shown once, when created.
The audit log is append-only (triggers refuse UPDATE and DELETE) and hash-chained: each record
carries the hash of the previous one and its own hash over its content, and a head row holds the
last sequence number and hash, so `verify()` detects an edited, deleted or truncated record.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import secrets
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any, Iterable

from ingest.catalog import PerThreadConnection

ROLES = ("physician", "msl", "reviewer", "admin")
GENESIS = "0" * 64
AUDIT_FIELDS = ("trace_id", "time", "user", "role", "question", "status", "retrieved", "cited", "generator",
                "prompt_version", "corpus_version", "flags", "latency_ms", "answer", "claims", "channel")

SCHEMA = """
CREATE TABLE IF NOT EXISTS api_keys (
    key_id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, key_hash TEXT NOT NULL UNIQUE,
    created_at REAL NOT NULL, revoked_at REAL
);
CREATE TABLE IF NOT EXISTS audit (
    seq INTEGER PRIMARY KEY, trace_id TEXT NOT NULL UNIQUE, time REAL NOT NULL, user TEXT NOT NULL,
    role TEXT NOT NULL, question TEXT NOT NULL, status TEXT NOT NULL, retrieved TEXT NOT NULL, cited TEXT NOT NULL,
    generator TEXT NOT NULL, prompt_version TEXT, corpus_version TEXT NOT NULL, flags TEXT NOT NULL,
    latency_ms REAL, answer TEXT NOT NULL, claims TEXT NOT NULL, channel TEXT NOT NULL,
    prev_hash TEXT NOT NULL, hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS audit_head (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL, hash TEXT NOT NULL);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TABLE IF NOT EXISTS reviews (
    review_id INTEGER PRIMARY KEY AUTOINCREMENT, trace_id TEXT NOT NULL, citation INTEGER NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('correct', 'wrong')), comment TEXT NOT NULL DEFAULT '',
    reviewer TEXT NOT NULL, time REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS safety_reports (
    report_id INTEGER PRIMARY KEY AUTOINCREMENT, trace_id TEXT NOT NULL, kind TEXT NOT NULL, time REAL NOT NULL,
    user TEXT NOT NULL, details TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'open'
);
"""


class ServiceDB(PerThreadConnection):
    def __init__(self, data_dir: Path):
        self.path = Path(data_dir) / "service.sqlite"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._write = threading.Lock()
        self.conn.executescript(SCHEMA)

    # --- keys --------------------------------------------------------------------------------
    def create_key(self, role: str, name: str = "") -> tuple[str, str]:
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        key_id = secrets.token_hex(4)
        key = f"mi_{key_id}_{secrets.token_urlsafe(24)}"
        self.conn.execute("INSERT INTO api_keys VALUES (?,?,?,?,?,NULL)",
                          (key_id, name or role, role, _hash_key(key), time.time()))
        return key_id, key

    def key_role(self, key: str) -> tuple[str, str] | None:
        """(key name or id, role) for a valid, unrevoked key."""
        row = self.conn.execute("SELECT key_id, name, role FROM api_keys WHERE key_hash=? AND revoked_at IS NULL",
                                (_hash_key(key),)).fetchone()
        return (f"{row['name']}#{row['key_id']}", row["role"]) if row else None

    def list_keys(self) -> list[dict]:
        return [dict(r) for r in self.conn.execute(
            "SELECT key_id, name, role, created_at, revoked_at FROM api_keys ORDER BY created_at")]

    def revoke_key(self, key_id: str) -> bool:
        cur = self.conn.execute("UPDATE api_keys SET revoked_at=? WHERE key_id=? AND revoked_at IS NULL",
                                (time.time(), key_id))
        return cur.rowcount > 0

    # --- audit -------------------------------------------------------------------------------
    def append_audit(self, record: dict[str, Any]) -> dict[str, Any]:
        rec = {k: record.get(k) for k in AUDIT_FIELDS}
        for k in ("retrieved", "cited", "flags", "claims"):
            rec[k] = json.dumps(rec[k] if rec[k] is not None else [], sort_keys=True, default=str)
        rec["time"] = rec["time"] or time.time()
        with self._write:
            c = self.conn
            c.execute("BEGIN IMMEDIATE")
            try:
                head = c.execute("SELECT seq, hash FROM audit_head WHERE id=1").fetchone()
                seq, prev = (head["seq"] + 1, head["hash"]) if head else (1, GENESIS)
                rec["seq"], rec["prev_hash"] = seq, prev
                rec["hash"] = record_hash(rec)
                cols = ("seq",) + AUDIT_FIELDS + ("prev_hash", "hash")
                c.execute(f"INSERT INTO audit ({','.join(cols)}) VALUES ({','.join('?' * len(cols))})",
                          [rec[k] for k in cols])
                c.execute("INSERT OR REPLACE INTO audit_head VALUES (1, ?, ?)", (seq, rec["hash"]))
                c.execute("COMMIT")
            except BaseException:
                c.execute("ROLLBACK")
                raise
        return rec

    def audit(self, since: float | None = None, until: float | None = None, user: str | None = None,
              status: str | None = None, limit: int = 1000, offset: int = 0) -> list[dict]:
        sql, args = "SELECT * FROM audit WHERE 1=1", []
        for cond, val in (("time >= ?", since), ("time <= ?", until), ("user = ?", user), ("status = ?", status)):
            if val is not None:
                sql += f" AND {cond}"
                args.append(val)
        sql += " ORDER BY seq DESC LIMIT ? OFFSET ?"
        return [_decode(r) for r in self.conn.execute(sql, args + [limit, offset])]

    def audit_record(self, trace_id: str) -> dict | None:
        row = self.conn.execute("SELECT * FROM audit WHERE trace_id=?", (trace_id,)).fetchone()
        return _decode(row) if row else None

    def verify_audit(self) -> dict[str, Any]:
        """Walk the chain. Returns {"ok": bool, "records": n, "problems": [...]}."""
        problems = []
        prev, expected_seq, n = GENESIS, 1, 0
        for row in self.conn.execute("SELECT * FROM audit ORDER BY seq"):
            rec = dict(row)
            n += 1
            if rec["seq"] != expected_seq:
                problems.append(f"record {expected_seq} is missing (next is {rec['seq']})")
            if rec["prev_hash"] != prev:
                problems.append(f"record {rec['seq']}: chain broken (previous hash does not match)")
            if record_hash(rec) != rec["hash"]:
                problems.append(f"record {rec['seq']} ({rec['trace_id']}): content was altered")
            prev, expected_seq = rec["hash"], rec["seq"] + 1
        head = self.conn.execute("SELECT seq, hash FROM audit_head WHERE id=1").fetchone()
        if head is not None and (head["seq"] != expected_seq - 1 or head["hash"] != prev):
            problems.append(f"the log ends at record {expected_seq - 1} but {head['seq']} were written")
        if head is None and n:
            problems.append("the chain head is missing")
        return {"ok": not problems, "records": n, "problems": problems}

    def export_audit(self, fmt: str, rows: Iterable[dict]) -> str:
        rows = list(rows)
        if fmt == "jsonl":
            return "".join(json.dumps(r, default=str) + "\n" for r in rows)
        buf = io.StringIO()
        cols = ["seq", *AUDIT_FIELDS, "prev_hash", "hash"]
        w = csv.DictWriter(buf, fieldnames=cols, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow({k: json.dumps(v) if isinstance(v, (list, dict)) else v for k, v in r.items()})
        return buf.getvalue()

    # --- reviews -----------------------------------------------------------------------------
    def add_review(self, trace_id: str, citation: int, verdict: str, comment: str, reviewer: str) -> dict:
        cur = self.conn.execute("INSERT INTO reviews (trace_id, citation, verdict, comment, reviewer, time) "
                                "VALUES (?,?,?,?,?,?)", (trace_id, citation, verdict, comment, reviewer, time.time()))
        return dict(self.conn.execute("SELECT * FROM reviews WHERE review_id=?", (cur.lastrowid,)).fetchone())

    def reviews(self, trace_id: str | None = None) -> list[dict]:
        if trace_id:
            rows = self.conn.execute("SELECT * FROM reviews WHERE trace_id=? ORDER BY review_id", (trace_id,))
        else:
            rows = self.conn.execute("SELECT * FROM reviews ORDER BY review_id DESC LIMIT 1000")
        return [dict(r) for r in rows]

    # --- safety reports ----------------------------------------------------------------------
    def add_safety_report(self, trace_id: str, kind: str, user: str, details: dict) -> None:
        self.conn.execute("INSERT INTO safety_reports (trace_id, kind, time, user, details) VALUES (?,?,?,?,?)",
                          (trace_id, kind, time.time(), user, json.dumps(details, default=str)))

    def safety_reports(self, since: float | None = None, kind: str | None = None) -> list[dict]:
        sql, args = "SELECT * FROM safety_reports WHERE 1=1", []
        if since is not None:
            sql += " AND time >= ?"
            args.append(since)
        if kind:
            sql += " AND kind = ?"
            args.append(kind)
        return [dict(r) | {"details": json.loads(r["details"])}
                for r in self.conn.execute(sql + " ORDER BY report_id DESC", args)]


def _hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def record_hash(rec: dict) -> str:
    body = {k: rec.get(k) for k in ("seq", *AUDIT_FIELDS, "prev_hash")}
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def _decode(row: sqlite3.Row) -> dict:
    d = dict(row)
    for k in ("retrieved", "cited", "flags", "claims"):
        d[k] = json.loads(d[k])
    return d


def answer_record(answer, user: str, role: str, channel: str) -> dict[str, Any]:
    """The audit record of one answer (an assistant.types.Answer)."""
    return {
        "trace_id": answer.trace_id, "time": time.time(), "user": user, "role": role,
        "question": answer.question, "status": answer.status,
        "retrieved": [r.chunk_id for r in answer.retrieved],
        "cited": [{"n": c.n, "chunk_id": c.chunk_id, "document_id": c.document_id, "version": c.version,
                   "page": c.page, "start": c.start, "end": c.end} for c in answer.citations],
        "generator": answer.generator, "prompt_version": answer.prompt_version,
        "corpus_version": answer.corpus_version, "flags": answer.flags.model_dump(),
        "latency_ms": answer.latency_ms, "answer": answer.answer,
        "claims": [c.model_dump() for c in answer.claims] + [c.model_dump() | {"removed": True}
                                                            for c in answer.removed_claims],
        "channel": channel,
    }


def record_answer(db: ServiceDB, answer, user: str, role: str, channel: str) -> None:
    """Audit an answer and file the safety reports its flags call for."""
    db.append_audit(answer_record(answer, user, role, channel))
    for kind in ("adverse_event", "product_complaint"):
        if getattr(answer.flags, kind, False):
            db.add_safety_report(answer.trace_id, kind, user,
                                 {"question": answer.question, **(answer.flags.details.get(kind) or {})})
