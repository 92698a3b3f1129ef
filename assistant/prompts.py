"""Prompt and letter templates: versioned YAML files in the top-level prompts/ directory, never inline."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

PROMPTS = Path(__file__).resolve().parents[1] / "prompts"


@lru_cache(maxsize=16)
def template(name: str) -> dict:
    path = PROMPTS / f"{name}.yaml"
    if not path.is_file():
        raise FileNotFoundError(f"no prompt template {name!r} in {PROMPTS}")
    return yaml.safe_load(path.read_text(encoding="utf-8"))
