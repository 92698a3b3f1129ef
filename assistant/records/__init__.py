"""Service records beside the catalogue, in <data-dir>/service.sqlite: API keys, the audit log, reviews
and safety reports. `ServiceDB` opens the file and holds all four."""
from __future__ import annotations

import threading
from pathlib import Path

from assistant.records.audit import AuditLog
from assistant.records.keys import ApiKeys
from assistant.records.reviews import Reviews, SafetyReports
from ingest.catalog import PerThreadConnection

SCHEMA = ApiKeys.SCHEMA + AuditLog.SCHEMA + Reviews.SCHEMA + SafetyReports.SCHEMA


class ServiceDB(PerThreadConnection, ApiKeys, AuditLog, Reviews, SafetyReports):  # type: ignore[misc, override]
    def __init__(self, data_dir: Path):
        self.path = Path(data_dir) / "service.sqlite"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._write = threading.Lock()
        self.conn.executescript(SCHEMA)


__all__ = ["ServiceDB"]
