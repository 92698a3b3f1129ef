"""Word lists as data files under assistant/question/data/, each entry with where it came from.

Format: one entry per line (a word, or for groups several words separated by spaces); `#` starts a
comment, on its own line or after an entry.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data"


@cache
def lines(name: str) -> tuple[str, ...]:
    out = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            out.append(line)
    return tuple(out)


def words(name: str) -> frozenset[str]:
    return frozenset(w for line in lines(name) for w in line.split())


def groups(name: str) -> list[tuple[str, ...]]:
    return [tuple(line.split()) for line in lines(name)]


@cache
def english_counts() -> dict[str, int]:
    """The words of general English and how often each was seen (pyspellchecker's en.json.gz, built from
    OpenSubtitles: 160,000 words, ~0.15 s to read, once); empty without the package."""
    import gzip
    import json
    from importlib.resources import files

    try:
        with files("spellchecker").joinpath("resources/en.json.gz").open("rb") as raw, gzip.open(raw) as fh:
            return json.load(fh)
    except (ModuleNotFoundError, FileNotFoundError):
        return {}


@cache
def english_total() -> int:
    """How many words english_counts was counted over (to read a count as a share of everyday English)."""
    return sum(english_counts().values())
