"""Where the catalogue and the service records live: a sqlite file in the data directory (the embedded default),
or one PostgreSQL database shared by API workers on several hosts (setting database_url, MEDINFO_DATABASE_URL,
e.g. postgresql://medinfo@db-host/medinfo).

The stores speak sqlite's SQL through the DB-API calls sqlite3 offers (execute, executemany, executescript, rows
read by index or by name). On PostgreSQL, `PgConnection` (psycopg 3) offers the same calls and rewrites the few
sqlite-only forms the stores use: `?` placeholders, INSERT OR IGNORE / OR REPLACE (by the table's primary key),
BEGIN IMMEDIATE (a transaction-wide advisory lock, so writers queue as they do on one sqlite file), PRAGMA
table_info, instr(), REAL (double precision), AUTOINCREMENT, the append-only triggers, and the column "user".
"""
from __future__ import annotations

import os
import re
import sqlite3
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

WRITE_LOCK = 0x6D6564696E666F  # the advisory lock every write transaction takes ("medinfo")
INGEST_LOCK = WRITE_LOCK + 1  # held by a running ingest for its whole run


class DatabaseUnavailable(RuntimeError):
    """The configured database cannot be used (no driver, unreachable, refused): said plainly, no traceback."""


class Connection(Protocol):
    def execute(self, sql: str, parameters: Any = ..., /) -> Any: ...
    def executemany(self, sql: str, parameters: Any, /) -> Any: ...
    def executescript(self, sql: str, /) -> Any: ...
    def close(self) -> None: ...


def is_url(target: str | Path | None) -> bool:
    return str(target or "").startswith(("postgresql://", "postgres://"))


def redact(url: str) -> str:
    """A database URL without its password (for messages and names)."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1@", url)


def connect(target: str | Path) -> Connection:
    """A connection to a sqlite file (autocommit with explicit BEGINs, WAL, rows by name) or a PostgreSQL URL."""
    if is_url(target):
        return PgConnection(str(target))
    path = Path(target)
    new = not path.exists()
    conn = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
    if new:
        os.chmod(path, 0o600)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    return conn


def is_postgres(conn: Connection) -> bool:
    return isinstance(conn, PgConnection)


def columns(conn: Connection, table: str) -> set[str]:
    return {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}


class PerThreadConnection:
    """One connection per thread to self.target (a server answers on many threads)."""

    target: str | Path
    _local: threading.local

    @property
    def conn(self) -> Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = connect(self.target)
        return conn

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None


# --- PostgreSQL -------------------------------------------------------------------------------------------------

class Row:
    """A result row read by position or by column name, like sqlite3.Row (dict(row) works)."""

    __slots__ = ("_index", "_values")

    def __init__(self, index: dict[str, int], values: Any):
        self._index, self._values = index, values

    def __getitem__(self, key: int | str) -> Any:
        return self._values[self._index[key] if isinstance(key, str) else key]

    def keys(self) -> list[str]:
        return list(self._index)

    def __iter__(self):
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


def _row_factory(cursor: Any) -> Any:
    index = {c.name: i for i, c in enumerate(cursor.description or [])}
    return lambda values: Row(index, values)


APPEND_ONLY = """CREATE OR REPLACE FUNCTION medinfo_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION '%', TG_ARGV[0]; END $$"""
_TRIGGER = re.compile(r"CREATE TRIGGER IF NOT EXISTS (\w+) BEFORE (UPDATE|DELETE) ON (\w+)\s+BEGIN SELECT "
                      r"RAISE\(ABORT, '([^']*)'\); END;", re.S)
_LITERAL = re.compile(r"('(?:[^']|'')*')")
_INSERT = re.compile(r"^\s*INSERT OR (IGNORE|REPLACE) INTO (\w+)\s*(\(([^)]*)\))?\s*VALUES", re.S | re.I)


class PgConnection:
    """psycopg 3 in autocommit mode (the stores send their own BEGIN/COMMIT), speaking the stores' sqlite SQL."""

    def __init__(self, url: str):
        try:
            import psycopg
        except ImportError:
            raise DatabaseUnavailable("a PostgreSQL database_url (MEDINFO_DATABASE_URL) needs psycopg: "
                                      "pip install 'medinfo[postgres]'") from None
        self.url = url
        try:
            self._pg = psycopg.connect(url, autocommit=True, row_factory=_row_factory, connect_timeout=10)
        except psycopg.OperationalError as e:
            raise DatabaseUnavailable(f"cannot connect to the database {redact(url)}: "
                                      f"{' '.join(str(e).split())}") from None
        self._keys: dict[str, tuple[list[str], list[str]]] = {}

    def execute(self, sql: str, parameters: Any = (), /) -> Any:
        head = sql.lstrip()[:24].upper()
        if head.startswith("BEGIN"):
            cur = self._pg.execute("BEGIN")
            if "IMMEDIATE" in head:
                self._pg.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            return cur
        if head.startswith("PRAGMA"):
            m = re.match(r"\s*PRAGMA table_info\((\w+)\)", sql, re.I)
            if not m:
                return self._pg.execute("SELECT 1 WHERE false")
            return self._pg.execute("SELECT ordinal_position, column_name FROM information_schema.columns "
                                    "WHERE table_schema = current_schema() AND table_name = %s "
                                    "ORDER BY ordinal_position", (m.group(1).lower(),))
        return self._pg.execute(self._sql(sql, bool(parameters)), tuple(parameters) if parameters else None)

    def executemany(self, sql: str, parameters: Any, /) -> Any:
        cur = self._pg.cursor()
        cur.executemany(self._sql(sql, True), [tuple(p) for p in parameters])
        return cur

    def executescript(self, sql: str, /) -> None:
        """DDL: translated, and run under the write lock so workers starting together do not race."""
        triggers = [(name, event, table, msg) for name, event, table, msg in _TRIGGER.findall(sql)]
        statements = [s.strip() for s in _TRIGGER.sub("", sql).split(";") if s.strip()]
        with self._pg.transaction():
            self._pg.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            for s in statements:
                self._pg.execute(_ddl(s))
            if triggers:
                self._pg.execute(APPEND_ONLY)
            for name, event, table, msg in triggers:
                self._pg.execute(f"CREATE OR REPLACE TRIGGER {name} BEFORE {event} ON {table} FOR EACH ROW "
                                 f"EXECUTE FUNCTION medinfo_append_only('{msg}')")

    def close(self) -> None:
        self._pg.close()

    def try_lock(self, key: int) -> bool:
        """A session-wide advisory lock (released when this connection closes or its process dies)."""
        row = self._pg.execute("SELECT pg_try_advisory_lock(%s)", (key,)).fetchone()
        return bool(row and row[0])

    # --- translation ----------------------------------------------------------------------------------------
    def _sql(self, sql: str, has_params: bool) -> str:
        m = _INSERT.match(sql)
        out = _translate(sql, has_params)
        if not m:
            return out
        how, table, cols = m.group(1).upper(), m.group(2), m.group(4)
        names, pk = self._table(table)
        listed = [c.strip().strip('"') for c in cols.split(",")] if cols else names
        out = _INSERT.sub(f"INSERT INTO {table} ({', '.join(_q(c) for c in listed)}) VALUES", out, count=1)
        if how == "IGNORE":
            return out + " ON CONFLICT DO NOTHING"
        update = [c for c in listed if c not in pk]
        action = "DO NOTHING"
        if update:
            action = "DO UPDATE SET " + ", ".join(f"{_q(c)} = EXCLUDED.{_q(c)}" for c in update)
        return out + f" ON CONFLICT ({', '.join(_q(c) for c in pk)}) {action}"

    def _table(self, table: str) -> tuple[list[str], list[str]]:
        if table not in self._keys:
            names = [r[1] for r in self.execute(f"PRAGMA table_info({table})")]
            pk = [r[0] for r in self._pg.execute(
                "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
                "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = %s::regclass AND i.indisprimary", (table,))]
            self._keys[table] = (names, pk)
        return self._keys[table]


def _q(name: str) -> str:
    return f'"{name}"' if name in ("user", "end") else name


@lru_cache(maxsize=1024)
def _translate(sql: str, has_params: bool) -> str:
    parts = _LITERAL.split(sql)
    for i in range(0, len(parts), 2):  # outside string literals
        p = parts[i].replace("?", "%s") if has_params else parts[i]
        p = re.sub(r"(?<![\"\w])user(?![\"\w])", '"user"', p)
        parts[i] = re.sub(r"\binstr\(", "strpos(", p)
    if has_params:  # a literal % must be doubled when psycopg substitutes parameters
        parts = [p.replace("%", "%%") if i % 2 else p for i, p in enumerate(parts)]
    return "".join(parts)


def _ddl(sql: str) -> str:
    sql = re.sub(r"INTEGER PRIMARY KEY AUTOINCREMENT", "BIGSERIAL PRIMARY KEY", sql)
    sql = re.sub(r"\bREAL\b", "DOUBLE PRECISION", sql)
    sql = re.sub(r"\bBLOB\b", "BYTEA", sql)
    return _translate(sql, False)
