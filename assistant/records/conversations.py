"""Conversations: the questions of a thread, so a follow-up is resolved from the earlier turns.

A conversation belongs to the user (API key) that started it: another user's id is an unknown conversation.
The raw questions are what the resolution replays; the resolved ones are kept for the reader (the audit log
holds both for every answer as well).
"""
from __future__ import annotations

import threading
import time

from assistant.contract import MAX_HISTORY_TURNS
from ingest.database import Connection


class Conversations:
    conn: Connection
    _write: threading.Lock
    SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    conversation_id TEXT NOT NULL, turn INTEGER NOT NULL, user TEXT NOT NULL, raw TEXT NOT NULL,
    resolved TEXT, trace_id TEXT NOT NULL, time REAL NOT NULL, PRIMARY KEY (conversation_id, turn)
);
"""

    def conversation_owner(self, conversation_id: str) -> str | None:
        row = self.conn.execute("SELECT user FROM conversations WHERE conversation_id=? LIMIT 1",
                                (conversation_id,)).fetchone()
        return row[0] if row else None

    def conversation(self, conversation_id: str, user: str) -> list[dict] | None:
        """The turns of a conversation of this user, oldest first; None when there is none (or it is another's)."""
        rows = self.conn.execute("SELECT turn, raw, resolved, trace_id, time FROM conversations WHERE "
                                 "conversation_id=? AND user=? ORDER BY turn", (conversation_id, user)).fetchall()
        if not rows and self.conversation_owner(conversation_id) not in (None, user):
            return None
        return [dict(r) for r in rows]

    def history(self, conversation_id: str, user: str) -> list[str] | None:
        turns = self.conversation(conversation_id, user)
        return None if turns is None else [t["raw"] for t in turns][-MAX_HISTORY_TURNS:]

    def add_turn(self, conversation_id: str, user: str, raw: str, resolved: str | None, trace_id: str) -> None:
        with self._write:
            c = self.conn
            c.execute("BEGIN IMMEDIATE")
            try:
                n = c.execute("SELECT COALESCE(MAX(turn), 0) FROM conversations WHERE conversation_id=?",
                              (conversation_id,)).fetchone()[0]
                c.execute("INSERT INTO conversations VALUES (?,?,?,?,?,?,?)",
                          (conversation_id, n + 1, user, raw, resolved, trace_id, time.time()))
                c.execute("COMMIT")
            except BaseException:
                c.execute("ROLLBACK")
                raise
