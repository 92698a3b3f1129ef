"""Hash chains that cannot be rewound: the audit log, reviews and safety reports.

Each record carries the hash of the previous record of its chain, its own hash over its content, and an
HMAC of that hash under a key kept outside the store. After every append, a signed checkpoint (the last
sequence number and hash of every chain) is written next to the key. So:
- an edited record no longer matches its hash ("edited");
- a deleted record leaves a gap in the sequence ("deleted");
- a chain recomputed after an edit has hashes the key did not sign ("recomputed");
- a truncated or rewound log ends before, or differs from, the checkpoint ("truncated", "rewound");
- an emptied log still has a checkpoint that records its records ("wiped").
The key and checkpoint live in the anchor directory (setting audit_anchor_dir, MEDINFO_AUDIT_ANCHOR_DIR;
default ~/.config/medinfo/anchors), named after the store's path; keep that directory from whoever can
write the store. `medinfo audit checkpoint` exports a checkpoint to keep elsewhere too.
"""
from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.database import Connection

GENESIS = "0" * 64
DEFAULT_ANCHOR_DIR = Path("~/.config/medinfo/anchors")


@dataclass(frozen=True)
class Chain:
    name: str
    table: str
    seq: str  # the sequence column
    fields: tuple[str, ...]  # the content the hash covers (besides seq and prev_hash)
    optional: tuple[str, ...] = ()  # fields added later: covered when set (older rows hash as they always did)

    def hash(self, row: dict[str, Any]) -> str:
        body = {k: row.get(k) for k in (self.seq, *self.fields, "prev_hash")}
        body |= {k: row[k] for k in self.optional if row.get(k) is not None}
        return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


class Anchor:
    """The HMAC key and the signed checkpoint of one store, outside it."""

    def __init__(self, anchor_dir: Path | None, data_dir: Path, store: str | None = None):
        """store: what names the records when they are not a file of data_dir (a database URL, no password)."""
        self.dir = Path(anchor_dir or DEFAULT_ANCHOR_DIR).expanduser()
        ident = hashlib.sha256((store or str(Path(data_dir).resolve())).encode()).hexdigest()[:16]
        self.key_path = self.dir / f"{ident}.key"
        self.checkpoint_path = self.dir / f"{ident}.checkpoint.json"
        self._key: bytes | None = None

    def key(self, create: bool = True) -> bytes | None:
        if self._key is None:
            if not self.key_path.exists():
                if not create:
                    return None
                self.dir.mkdir(parents=True, exist_ok=True)
                with contextlib.suppress(OSError):
                    self.dir.chmod(0o700)
                fd = os.open(self.key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "w") as f:
                    f.write(secrets.token_hex(32))
            self._key = bytes.fromhex(self.key_path.read_text().strip())
        return self._key

    def mac(self, text: str, key: bytes | None = None) -> str:
        k = key or self.key()
        assert k is not None
        return hmac.new(k, text.encode(), hashlib.sha256).hexdigest()

    def write_checkpoint(self, heads: dict[str, tuple[int, str]]) -> dict[str, Any]:
        body = {"time": time.time(), "heads": {n: {"seq": s, "hash": h} for n, (s, h) in sorted(heads.items())}}
        cp = body | {"mac": self.mac(json.dumps(body, sort_keys=True))}
        tmp = self.checkpoint_path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(cp, sort_keys=True))
        os.chmod(tmp, 0o600)
        os.replace(tmp, self.checkpoint_path)
        return cp

    def read_checkpoint(self, path: Path | None = None) -> dict[str, Any] | None:
        p = path or self.checkpoint_path
        if not p.exists():
            return None
        return json.loads(p.read_text())

    def checkpoint_valid(self, cp: dict[str, Any]) -> bool:
        key = self.key(create=False)
        if key is None:
            return False
        body = {k: v for k, v in cp.items() if k != "mac"}
        return hmac.compare_digest(self.mac(json.dumps(body, sort_keys=True), key), str(cp.get("mac")))


HEADS_SCHEMA = """
CREATE TABLE IF NOT EXISTS chain_heads (name TEXT PRIMARY KEY, seq INTEGER NOT NULL, hash TEXT NOT NULL);
"""


def heads(conn: Connection) -> dict[str, tuple[int, str]]:
    return {r[0]: (r[1], r[2]) for r in conn.execute("SELECT name, seq, hash FROM chain_heads")}


def seal(conn: Connection, chain: Chain, row: dict[str, Any], anchor: Anchor) -> dict[str, Any]:
    """Give a new row (inside the caller's write transaction) its seq, prev_hash, hash and mac."""
    head = conn.execute("SELECT seq, hash FROM chain_heads WHERE name=?", (chain.name,)).fetchone()
    seq, prev = (head[0] + 1, head[1]) if head else (1, GENESIS)
    row = dict(row)
    row[chain.seq], row["prev_hash"] = seq, prev
    row["hash"] = chain.hash(row)
    row["mac"] = anchor.mac(row["hash"])
    conn.execute("INSERT OR REPLACE INTO chain_heads VALUES (?, ?, ?)", (chain.name, seq, row["hash"]))
    return row


def verify(conn: Connection, chains: list[Chain], anchor: Anchor,
           exported: dict[str, Any] | None = None) -> dict[str, Any]:
    """Walk every chain against its hashes, the key and the checkpoint(s). Names the kind of tampering."""
    problems: list[str] = []
    kinds: set[str] = set()
    key = anchor.key(create=False)
    counts: dict[str, int] = {}
    last: dict[str, tuple[int, str]] = {}
    hashes: dict[str, dict[int, str]] = {}

    def problem(kind: str, text: str) -> None:
        kinds.add(kind)
        problems.append(f"{kind}: {text}")

    for ch in chains:
        prev, expected, n = GENESIS, 1, 0
        seen: dict[int, str] = {}
        for row in conn.execute(f"SELECT * FROM {ch.table} ORDER BY {ch.seq}"):
            rec = dict(row)
            seq = rec[ch.seq]
            n += 1
            if seq != expected:
                problem("deleted", f"{ch.name} record(s) {expected}..{seq - 1} are missing")
            if rec.get("hash") != ch.hash(rec):
                problem("edited", f"{ch.name} record {seq}: its content no longer matches its hash")
            elif rec.get("prev_hash") != prev and seq == expected:
                problem("edited", f"{ch.name} record {seq}: the chain is broken (previous hash does not match)")
            if key is not None and not hmac.compare_digest(anchor.mac(str(rec.get("hash")), key),
                                                           str(rec.get("mac") or "")):
                problem("recomputed", f"{ch.name} record {seq}: its hash is not signed by the audit key (records "
                                      "were rewritten and the chain recomputed without the key)")
            prev, expected = rec.get("hash") or "", seq + 1
            seen[seq] = prev
        counts[ch.name], hashes[ch.name] = n, seen
        last[ch.name] = (expected - 1, prev) if n else (0, GENESIS)
        head = conn.execute("SELECT seq, hash FROM chain_heads WHERE name=?", (ch.name,)).fetchone()
        if head is not None and head[0] > last[ch.name][0]:
            problem("truncated", f"the {ch.name} log ends at record {last[ch.name][0]} but {head[0]} were written")
        elif n and (head is None or (head[0], head[1]) != last[ch.name]):
            problem("rewound", f"the {ch.name} head row does not match its last record")
    if key is None and any(counts.values()):
        problem("unverifiable", f"the audit key {anchor.key_path} is missing: signatures cannot be checked")
    for label, cp in (("checkpoint", anchor.read_checkpoint()), ("exported checkpoint", exported)):
        if cp is None:
            if label == "checkpoint" and any(counts.values()):
                problem("unverifiable", f"no checkpoint at {anchor.checkpoint_path}: truncation cannot be ruled out")
            continue
        if not anchor.checkpoint_valid(cp):
            problem("forged", f"the {label} is not signed by the audit key")
            continue
        for ch in chains:
            mark = (cp.get("heads") or {}).get(ch.name)
            if not mark:
                continue
            seq, want = int(mark["seq"]), str(mark["hash"])
            have_last = last[ch.name][0]
            if seq > have_last:
                if counts[ch.name] == 0:
                    problem("wiped", f"the {ch.name} log is empty but the {label} records {seq} record(s)")
                else:
                    problem("rewound", f"the {ch.name} log ends at record {have_last} (its head was set back "
                                       f"there) but the {label} records {seq}")
            elif seq and hashes[ch.name].get(seq) != want:
                problem("rewound", f"{ch.name} record {seq} differs from the {label}: the log was rewritten "
                                   "from there")
    return {"ok": not problems, "records": counts.get("audit", 0), "chains": counts, "problems": problems,
            "tampering": sorted(kinds)}
