"""Exports of service records as CSV or JSONL. CSV cells that a spreadsheet would run as a formula
(starting with = + - @, a tab or a carriage return) are prefixed with ' (OWASP "CSV injection")."""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> Any:
    if isinstance(value, (list, dict)):
        value = json.dumps(value, default=str)
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    return value


def csv_text(rows: Iterable[dict], columns: list[str]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore")
    w.writeheader()
    for r in rows:
        w.writerow({k: cell(r.get(k)) for k in columns})
    return buf.getvalue()


def jsonl_text(rows: Iterable[dict]) -> str:
    return "".join(json.dumps(r, default=str) + "\n" for r in rows)
