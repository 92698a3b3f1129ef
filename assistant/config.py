"""Settings in one typed object: which generator, which LLM, which data directory.

Sources, later ones winning: defaults; a YAML config file (MEDINFO_CONFIG, else <data-dir>/medinfo.yaml);
environment variables (MEDINFO_GENERATOR, MEDINFO_LLM_BASE_URL, MEDINFO_LLM_MODEL, MEDINFO_LLM_API_KEY,
MEDINFO_LLM_PATH, MEDINFO_LLM_TIMEOUT, MEDINFO_LLM_RETRIES, MEDINFO_LLM_FALLBACK, MEDINFO_PROMPT);
command-line flags.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path

import yaml

from assistant.answer import Assistant

ENV = {"generator": "MEDINFO_GENERATOR", "llm_base_url": "MEDINFO_LLM_BASE_URL", "llm_model": "MEDINFO_LLM_MODEL",
       "llm_api_key": "MEDINFO_LLM_API_KEY", "llm_path": "MEDINFO_LLM_PATH", "llm_timeout": "MEDINFO_LLM_TIMEOUT",
       "llm_retries": "MEDINFO_LLM_RETRIES", "llm_fallback": "MEDINFO_LLM_FALLBACK", "prompt": "MEDINFO_PROMPT"}


class ConfigError(ValueError):
    pass


@dataclass
class Settings:
    generator: str = "extractive"  # extractive | llm
    llm_base_url: str | None = None  # OpenAI-compatible endpoint, e.g. http://vllm:8000/v1
    llm_model: str = "default"
    llm_api_key: str | None = None
    llm_path: str | None = None  # a local transformers model directory instead of an endpoint
    llm_timeout: float = 30.0
    llm_retries: int = 2
    llm_fallback: str = "extractive"  # extractive | none
    prompt: str = "answer_v1"

    @classmethod
    def load(cls, data_dir: str | Path | None = None, **overrides) -> "Settings":
        from ingest.store import resolve_data_dir

        values: dict = {}
        path = os.environ.get("MEDINFO_CONFIG") or resolve_data_dir(data_dir) / "medinfo.yaml"
        if Path(path).exists():
            raw = yaml.safe_load(Path(path).read_text()) or {}
            values.update({k: v for k, v in raw.items() if k in ENV})
        values.update({k: os.environ[v] for k, v in ENV.items() if os.environ.get(v)})
        values.update({k: v for k, v in overrides.items() if v is not None})
        types = {f.name: f.type for f in fields(cls)}
        for k in ("llm_timeout",):
            if k in values:
                values[k] = float(values[k])
        if "llm_retries" in values:
            values["llm_retries"] = int(values["llm_retries"])
        s = cls(**{k: v for k, v in values.items() if k in types})
        if s.generator not in ("extractive", "llm"):
            raise ConfigError(f"generator must be 'extractive' or 'llm', not {s.generator!r}")
        if s.generator == "llm" and not (s.llm_base_url or s.llm_path):
            raise ConfigError("the llm generator needs MEDINFO_LLM_BASE_URL (an OpenAI-compatible endpoint) "
                              "or MEDINFO_LLM_PATH (a local model directory)")
        return s


def build_assistant(data_dir: str | Path | None = None, **overrides) -> Assistant:
    settings = Settings.load(data_dir, **overrides)
    assistant = Assistant(data_dir=data_dir)
    if settings.generator == "llm":
        from assistant.llm import LLMGenerator, LocalTransformers, OpenAICompatible
        from assistant.verify import Verifier

        if settings.llm_path:
            model, name = LocalTransformers(settings.llm_path), Path(settings.llm_path).name
        else:
            model = OpenAICompatible(settings.llm_base_url, settings.llm_model, settings.llm_api_key,
                                     settings.llm_timeout, settings.llm_retries)
            name = settings.llm_model
        assistant.generator = LLMGenerator(model, name, settings.prompt)
        assistant.verifier = Verifier(embedder=assistant.store.embedder)
        assistant.fallback_enabled = settings.llm_fallback != "none"
    assistant.settings = settings
    return assistant
