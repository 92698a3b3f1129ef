"""Subcommands beyond ingestion; each imports its machinery only when run."""
from __future__ import annotations


def register(sub, add) -> None:
    return None
