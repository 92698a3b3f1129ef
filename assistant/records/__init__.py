"""Service records beside the catalogue, in <data-dir>/service.sqlite: API keys, the audit log, reviews,
safety reports and conversations. `ServiceDB` opens the file and holds them all; the audit log, reviews and safety
reports are one set of signed hash chains (chain.py) anchored outside the store."""
from __future__ import annotations

import threading
from pathlib import Path

from assistant.records import chain
from assistant.records.audit import CHAINS, AuditLog
from assistant.records.conversations import Conversations
from assistant.records.keys import ApiKeys
from assistant.records.reviews import Reviews, SafetyReports
from ingest.database import PerThreadConnection, columns, is_postgres, redact

SCHEMA = (ApiKeys.SCHEMA + AuditLog.SCHEMA + Reviews.SCHEMA + SafetyReports.SCHEMA + Conversations.SCHEMA
          + chain.HEADS_SCHEMA)
CHAIN_COLUMNS = ("prev_hash", "hash", "mac")


class ServiceDB(PerThreadConnection, ApiKeys, AuditLog, Reviews, SafetyReports, Conversations):  # type: ignore[misc, override]
    def __init__(self, data_dir: Path, anchor_dir: Path | None = None, database_url: str | None = None):
        """database_url (postgresql://...): the records live in that shared database, not in service.sqlite; the
        audit key is then named after the database (every host holds the same key file in its anchor directory)."""
        self.path = Path(data_dir) / "service.sqlite"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.target = database_url or self.path
        self._local = threading.local()
        self._write = threading.Lock()
        self.anchor = chain.Anchor(anchor_dir, Path(data_dir), redact(database_url) if database_url else None)
        self.conn.executescript(SCHEMA)
        self._migrate()
        self.add_context_column()

    def _migrate(self) -> None:
        """Stores from before the signed chains: add the columns and sign what is there, once."""
        c = self.conn
        added = False
        for ch in CHAINS:
            have = columns(c, ch.table)
            for col in CHAIN_COLUMNS:
                if col not in have:
                    c.execute(f"ALTER TABLE {ch.table} ADD COLUMN {col} TEXT")
                    added = True
        legacy = not is_postgres(c) and c.execute("SELECT name FROM sqlite_master WHERE name='audit_head'").fetchone()
        if not added and not legacy:
            return
        with self._write:
            c.execute("BEGIN IMMEDIATE")
            try:
                for ch in CHAINS:
                    c.execute(f"DROP TRIGGER IF EXISTS {ch.table.split('_')[0]}_no_update")
                    prev, last = chain.GENESIS, 0
                    for row in c.execute(f"SELECT * FROM {ch.table} ORDER BY {ch.seq}").fetchall():
                        rec = dict(row) | {"prev_hash": prev}
                        if ch.name == "audit" and row["prev_hash"]:
                            rec["prev_hash"] = row["prev_hash"]
                        rec["hash"] = ch.hash(rec)
                        c.execute(f"UPDATE {ch.table} SET prev_hash=?, hash=?, mac=? WHERE {ch.seq}=?",
                                  (rec["prev_hash"], rec["hash"], self.anchor.mac(rec["hash"]), rec[ch.seq]))
                        prev, last = rec["hash"], rec[ch.seq]
                    if last:
                        c.execute("INSERT OR REPLACE INTO chain_heads VALUES (?,?,?)", (ch.name, last, prev))
                c.execute("DROP TABLE IF EXISTS audit_head")
                c.execute("COMMIT")
            except BaseException:
                c.execute("ROLLBACK")
                raise
        c.executescript(SCHEMA)  # the append-only triggers again
        self.checkpoint()


__all__ = ["ServiceDB"]
