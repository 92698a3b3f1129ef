"""Settings in one place: which generator, which data directory; built from the environment."""
from __future__ import annotations

from pathlib import Path

from assistant.answer import Assistant


def build_assistant(data_dir: str | Path | None = None) -> Assistant:
    return Assistant(data_dir=data_dir)
