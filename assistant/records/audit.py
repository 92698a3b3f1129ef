"""The audit log: every answer, append-only (triggers refuse UPDATE and DELETE) and in a signed hash chain
with reviews and safety reports (chain.py), so an edited, deleted, truncated, rewound, wiped or
recomputed log is detected and named by `verify_audit()`."""
from __future__ import annotations

import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from assistant.contract import Answer, Requester
from assistant.records import chain
from assistant.records.exports import csv_text, jsonl_text
from ingest.database import Connection, columns

AUDIT_FIELDS = ("trace_id", "time", "user", "role", "question", "status", "retrieved", "cited", "generator",
                "prompt_version", "corpus_version", "flags", "latency_ms", "answer", "claims", "channel")
# context (added with conversations and requester types): the raw and resolved question, the conversation id and
# who the answer was for; covered by the hash when present.
AUDIT = chain.Chain("audit", "audit", "seq", AUDIT_FIELDS, optional=("context",))
REVIEWS = chain.Chain("reviews", "reviews", "review_id",
                      ("trace_id", "citation", "verdict", "comment", "reviewer", "time"))
SAFETY = chain.Chain("safety_reports", "safety_reports", "report_id",
                     ("trace_id", "kind", "time", "user", "details", "status"))
CHAINS = [AUDIT, REVIEWS, SAFETY]
JSON_FIELDS = ("retrieved", "cited", "flags", "claims")


class AuditLog:
    conn: Connection
    _write: threading.Lock
    anchor: chain.Anchor
    SCHEMA = """
CREATE TABLE IF NOT EXISTS audit (
    seq INTEGER PRIMARY KEY, trace_id TEXT NOT NULL UNIQUE, time REAL NOT NULL, user TEXT NOT NULL,
    role TEXT NOT NULL, question TEXT NOT NULL, status TEXT NOT NULL, retrieved TEXT NOT NULL, cited TEXT NOT NULL,
    generator TEXT NOT NULL, prompt_version TEXT, corpus_version TEXT NOT NULL, flags TEXT NOT NULL,
    latency_ms REAL, answer TEXT NOT NULL, claims TEXT NOT NULL, channel TEXT NOT NULL,
    prev_hash TEXT NOT NULL, hash TEXT NOT NULL, mac TEXT, context TEXT
);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"""

    def append_chained(self, ch: chain.Chain, row: dict[str, Any]) -> dict[str, Any]:
        """Append a row to a chained table, sign it and write the checkpoint outside the store, in one
        write transaction (several processes may append at once)."""
        with self._write:
            c = self.conn
            c.execute("BEGIN IMMEDIATE")
            try:
                rec = chain.seal(c, ch, row, self.anchor)
                cols = list(rec)
                c.execute(f"INSERT INTO {ch.table} ({','.join(cols)}) VALUES ({','.join('?' * len(cols))})",
                          [rec[k] for k in cols])
                self.anchor.write_checkpoint(chain.heads(c))
                c.execute("COMMIT")
            except BaseException:
                c.execute("ROLLBACK")
                raise
        return rec

    def record_answer(self, answer: Answer, requester: Requester, channel: str) -> None:
        """Audit an answer and file the safety reports its flags call for."""
        self.append_audit(answer_record(answer, requester, channel))
        for kind in ("adverse_event", "product_complaint"):
            if getattr(answer.flags, kind, False):
                self.add_safety_report(answer.trace_id, kind, requester.user,  # type: ignore[attr-defined]
                                       {"question": answer.question, **(answer.flags.details.get(kind) or {})})

    def append_audit(self, record: dict[str, Any]) -> dict[str, Any]:
        import json
        import time

        rec = {k: record.get(k) for k in AUDIT_FIELDS}
        for k in JSON_FIELDS:
            rec[k] = json.dumps(rec[k] if rec[k] is not None else [], sort_keys=True, default=str)
        rec["time"] = rec["time"] or time.time()
        if record.get("context") is not None:
            rec["context"] = json.dumps(record["context"], sort_keys=True, default=str)
        return self.append_chained(AUDIT, rec)

    def add_context_column(self) -> None:
        """Audit logs from before conversations get the context column (older rows keep it empty)."""
        if "context" not in columns(self.conn, "audit"):
            self.conn.execute("ALTER TABLE audit ADD COLUMN context TEXT")

    def audit(self, since: float | None = None, until: float | None = None, user: str | None = None,
              status: str | None = None, limit: int = 1000, offset: int = 0) -> list[dict]:
        sql, args = "SELECT * FROM audit WHERE 1=1", list[object]()
        for cond, val in (("time >= ?", since), ("time <= ?", until), ("user = ?", user), ("status = ?", status)):
            if val is not None:
                sql += f" AND {cond}"
                args.append(val)
        sql += " ORDER BY seq DESC LIMIT ? OFFSET ?"
        return [_decode(r) for r in self.conn.execute(sql, args + [limit, offset])]

    def audit_summary(self, since: float | None = None, until: float | None = None) -> list[dict]:
        """Every record in the window with the fields a report reads (insights): decoded lazily, quickly."""
        import json

        sql, args = ("SELECT trace_id, time, role, question, status, retrieved, cited, channel, context, "
                     "instr(claims, '\"removed\": true') > 0 AS weak FROM audit WHERE 1=1"), list[object]()
        for cond, val in (("time >= ?", since), ("time <= ?", until)):
            if val is not None:
                sql += f" AND {cond}"
                args.append(val)
        out = []
        for r in self.conn.execute(sql + " ORDER BY seq", args):
            d = dict(r)
            d["cited"] = json.loads(d["cited"]) if d["cited"] != "[]" else []
            d["retrieved"] = json.loads(d["retrieved"]) if d["retrieved"] != "[]" else []
            d["context"] = json.loads(d["context"]) if d["context"] else None
            out.append(d)
        return out

    def audit_record(self, trace_id: str) -> dict | None:
        row = self.conn.execute("SELECT * FROM audit WHERE trace_id=?", (trace_id,)).fetchone()
        return _decode(row) if row else None

    def verify_audit(self, exported_checkpoint: Path | None = None) -> dict[str, Any]:
        """Walk the audit, review and safety-report chains. {"ok", "records", "problems", "tampering", ...}"""
        exported = self.anchor.read_checkpoint(exported_checkpoint) if exported_checkpoint else None
        return chain.verify(self.conn, CHAINS, self.anchor, exported)

    def checkpoint(self) -> dict[str, Any]:
        """A signed checkpoint of every chain's head now (to keep somewhere else as well)."""
        with self._write:
            return self.anchor.write_checkpoint(chain.heads(self.conn))

    def export_audit(self, fmt: str, rows: Iterable[dict]) -> str:
        if fmt == "jsonl":
            return jsonl_text(rows)
        return csv_text(rows, ["seq", *AUDIT_FIELDS, "context", "prev_hash", "hash", "mac"])


def _decode(row: Any) -> dict:
    import json

    d = dict(row)
    for k in JSON_FIELDS:
        d[k] = json.loads(d[k])
    d["context"] = json.loads(d["context"]) if d.get("context") else None
    return d


def answer_record(answer: Answer, requester: Requester, channel: str) -> dict[str, Any]:
    """The audit record of one answer."""
    import time

    return {
        "trace_id": answer.trace_id, "time": time.time(), "user": requester.user, "role": requester.role,
        "question": answer.question, "status": answer.status,
        "retrieved": [r.chunk_id for r in answer.retrieved],
        "cited": [{"n": c.n, "chunk_id": c.chunk_id, "document_id": c.document_id, "version": c.version,
                   "page": c.page, "start": c.start, "end": c.end}
                  | ({"section_path": c.section_path, "section_position": c.section_position}
                     if c.section_position else {}) for c in answer.citations],
        "generator": answer.generator, "prompt_version": answer.prompt_version,
        "corpus_version": answer.corpus_version, "flags": answer.flags.model_dump(),
        "latency_ms": answer.latency_ms, "answer": answer.answer,
        "claims": [c.model_dump() for c in answer.claims] + [c.model_dump() | {"removed": True}
                                                            for c in answer.removed_claims],
        "channel": channel,
        "context": {"asked": answer.question, "resolved_question": answer.resolved_question,
                    "conversation_id": answer.conversation_id, "requester_type": answer.requester_type,
                    "profession": answer.profession} if answer.requester_type else None,
    }
