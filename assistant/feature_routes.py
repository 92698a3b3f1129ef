"""Routes of features built on answering: response letters and safety reports."""
from __future__ import annotations


def register(app) -> None:
    return None
