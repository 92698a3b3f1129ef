"""Reviewers' verdicts on citations, and the safety reports filed for pharmacovigilance."""
from __future__ import annotations

import json
import time

from assistant.records.exports import csv_text, jsonl_text
from ingest.database import Connection

SAFETY_COLUMNS = ["report_id", "kind", "time", "trace_id", "user", "drug_or_product", "event_or_problem", "timing",
                  "serious", "lot_number", "question", "status"]


class Reviews:
    conn: Connection
    SCHEMA = """
CREATE TABLE IF NOT EXISTS reviews (
    review_id INTEGER PRIMARY KEY AUTOINCREMENT, trace_id TEXT NOT NULL, citation INTEGER NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('correct', 'wrong')), comment TEXT NOT NULL DEFAULT '',
    reviewer TEXT NOT NULL, time REAL NOT NULL, prev_hash TEXT, hash TEXT, mac TEXT
);
CREATE TRIGGER IF NOT EXISTS reviews_no_update BEFORE UPDATE ON reviews
    BEGIN SELECT RAISE(ABORT, 'reviews are append-only'); END;
CREATE TRIGGER IF NOT EXISTS reviews_no_delete BEFORE DELETE ON reviews
    BEGIN SELECT RAISE(ABORT, 'reviews are append-only'); END;
"""

    def add_review(self, trace_id: str, citation: int, verdict: str, comment: str, reviewer: str) -> dict:
        from assistant.records.audit import REVIEWS

        rec = self.append_chained(REVIEWS, {  # type: ignore[attr-defined]
            "trace_id": trace_id, "citation": citation, "verdict": verdict, "comment": comment,
            "reviewer": reviewer, "time": time.time()})
        return dict(self.conn.execute("SELECT * FROM reviews WHERE review_id=?", (rec["review_id"],)).fetchone())

    def reviews(self, trace_id: str | None = None) -> list[dict]:
        if trace_id:
            rows = self.conn.execute("SELECT * FROM reviews WHERE trace_id=? ORDER BY review_id", (trace_id,))
        else:
            rows = self.conn.execute("SELECT * FROM reviews ORDER BY review_id DESC LIMIT 1000")
        return [dict(r) for r in rows]


class SafetyReports:
    conn: Connection
    SCHEMA = """
CREATE TABLE IF NOT EXISTS safety_reports (
    report_id INTEGER PRIMARY KEY AUTOINCREMENT, trace_id TEXT NOT NULL, kind TEXT NOT NULL, time REAL NOT NULL,
    user TEXT NOT NULL, details TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'open', prev_hash TEXT, hash TEXT,
    mac TEXT
);
CREATE TABLE IF NOT EXISTS safety_exports (
    report_id INTEGER PRIMARY KEY, exported_at REAL NOT NULL, exported_by TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS safety_no_update BEFORE UPDATE ON safety_reports
    BEGIN SELECT RAISE(ABORT, 'safety reports are append-only'); END;
CREATE TRIGGER IF NOT EXISTS safety_no_delete BEFORE DELETE ON safety_reports
    BEGIN SELECT RAISE(ABORT, 'safety reports are append-only'); END;
"""

    def record_export(self, report_ids: list[int], by: str) -> None:
        """When reports went to pharmacovigilance (the first export of each is its hand-over time)."""
        with self.conn:  # type: ignore[attr-defined]
            self.conn.executemany("INSERT OR IGNORE INTO safety_exports VALUES (?, ?, ?)",  # type: ignore[attr-defined]
                                  [(i, time.time(), by) for i in report_ids])

    def exports(self) -> dict[int, float]:
        return {r[0]: r[1] for r in self.conn.execute(  # type: ignore[attr-defined]
            "SELECT report_id, exported_at FROM safety_exports")}

    def add_safety_report(self, trace_id: str, kind: str, user: str, details: dict) -> None:
        from assistant.records.audit import SAFETY

        self.append_chained(SAFETY, {  # type: ignore[attr-defined]
            "trace_id": trace_id, "kind": kind, "time": time.time(), "user": user,
            "details": json.dumps(details, default=str, sort_keys=True), "status": "open"})

    def safety_reports(self, since: float | None = None, kind: str | None = None) -> list[dict]:
        sql, args = "SELECT * FROM safety_reports WHERE 1=1", list[object]()
        if since is not None:
            sql += " AND time >= ?"
            args.append(since)
        if kind:
            sql += " AND kind = ?"
            args.append(kind)
        return [dict(r) | {"details": json.loads(r["details"])}
                for r in self.conn.execute(sql + " ORDER BY report_id DESC", args)]

    def export_safety(self, fmt: str, rows: list[dict]) -> str:
        """Reports as JSONL, or as CSV with one column per field pharmacovigilance reads."""
        if fmt == "jsonl":
            return jsonl_text(rows)
        flat = [{"report_id": r["report_id"], "kind": r["kind"], "time": r["time"], "trace_id": r["trace_id"],
                 "user": r["user"], "drug_or_product": r["details"].get("drug") or r["details"].get("product"),
                 "event_or_problem": r["details"].get("event") or r["details"].get("problem"),
                 "timing": r["details"].get("timing"), "serious": r["details"].get("serious"),
                 "lot_number": r["details"].get("lot_number"), "question": r["details"].get("question"),
                 "status": r["status"]} for r in rows]
        return csv_text(flat, SAFETY_COLUMNS)
