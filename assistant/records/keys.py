"""API keys: stored as SHA-256 hashes; the key itself is shown once, when created."""
from __future__ import annotations

import hashlib
import secrets
import time

from assistant.contract import ROLES
from ingest.database import Connection


class ApiKeys:
    conn: Connection
    SCHEMA = """
CREATE TABLE IF NOT EXISTS api_keys (
    key_id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, key_hash TEXT NOT NULL UNIQUE,
    created_at REAL NOT NULL, revoked_at REAL
);
"""

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


def _hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()
