"""The audit log: every answer, append-only (triggers refuse UPDATE and DELETE) and hash-chained: each record
carries the hash of the previous one and its own hash over its content, and a head row holds the last
sequence number and hash, so `verify_audit()` detects an edited, deleted or truncated record."""
from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
from collections.abc import Iterable
from typing import Any

from assistant.contract import Answer, Requester
from assistant.records.exports import csv_text, jsonl_text

GENESIS = "0" * 64
AUDIT_FIELDS = ("trace_id", "time", "user", "role", "question", "status", "retrieved", "cited", "generator",
                "prompt_version", "corpus_version", "flags", "latency_ms", "answer", "claims", "channel")


class AuditLog:
    conn: sqlite3.Connection
    _write: threading.Lock
    SCHEMA = """
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
"""

    def record_answer(self, answer: Answer, requester: Requester, channel: str) -> None:
        """Audit an answer and file the safety reports its flags call for."""
        self.append_audit(answer_record(answer, requester, channel))
        for kind in ("adverse_event", "product_complaint"):
            if getattr(answer.flags, kind, False):
                self.add_safety_report(answer.trace_id, kind, requester.user,  # type: ignore[attr-defined]
                                       {"question": answer.question, **(answer.flags.details.get(kind) or {})})

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
        if fmt == "jsonl":
            return jsonl_text(rows)
        return csv_text(rows, ["seq", *AUDIT_FIELDS, "prev_hash", "hash"])


def record_hash(rec: dict) -> str:
    body = {k: rec.get(k) for k in ("seq", *AUDIT_FIELDS, "prev_hash")}
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def _decode(row: sqlite3.Row) -> dict:
    d = dict(row)
    for k in ("retrieved", "cited", "flags", "claims"):
        d[k] = json.loads(d[k])
    return d


def answer_record(answer: Answer, requester: Requester, channel: str) -> dict[str, Any]:
    """The audit record of one answer."""
    return {
        "trace_id": answer.trace_id, "time": time.time(), "user": requester.user, "role": requester.role,
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
