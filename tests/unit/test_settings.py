"""One settings object: defaults, preset, YAML file, environment, flags, later ones winning."""
from __future__ import annotations

import pytest

from assistant.settings import ConfigError, Settings


@pytest.fixture()
def clean_env(monkeypatch):
    for k in list(__import__("os").environ):
        if k.startswith("MEDINFO_"):
            monkeypatch.delenv(k)
    return monkeypatch


def test_defaults_are_the_offline_extractive_assistant(clean_env, tmp_path):
    s = Settings.load(tmp_path)
    assert s.generator == "extractive" and s.embedder == "minilm-int8" and s.redact is True
    assert s.data_dir == tmp_path.resolve() and s.chroma_url is None
    assert s.thresholds.min_coverage == 0.5 and s.retrieval.bm25 == 0.7


def test_file_then_environment_then_flags(clean_env, tmp_path):
    (tmp_path / "medinfo.yaml").write_text("generator: llm\nllm_base_url: http://file:1/v1\nllm_model: from-file\n"
                                           "thresholds: {min_coverage: 0.3}\n")
    s = Settings.load(tmp_path)
    assert (s.generator, s.llm_model, s.thresholds.min_coverage) == ("llm", "from-file", 0.3)
    clean_env.setenv("MEDINFO_LLM_MODEL", "from-env")
    clean_env.setenv("MEDINFO_THRESHOLDS__MIN_DENSE", "0.2")
    s = Settings.load(tmp_path)
    assert s.llm_model == "from-env" and s.thresholds.min_dense == 0.2 and s.thresholds.min_coverage == 0.3
    s = Settings.load(tmp_path, llm_model="from-flag", generator=None)  # a flag not given changes nothing
    assert s.llm_model == "from-flag" and s.generator == "llm"


def test_data_dir_from_the_environment_and_config_path(clean_env, tmp_path):
    clean_env.setenv("MEDINFO_DATA_DIR", str(tmp_path / "env-store"))
    assert Settings.load().data_dir == (tmp_path / "env-store").resolve()
    other = tmp_path / "elsewhere.yaml"
    other.write_text("redact: false\n")
    clean_env.setenv("MEDINFO_CONFIG", str(other))
    assert Settings.load().redact is False
    clean_env.setenv("MEDINFO_REDACT", "0")
    clean_env.delenv("MEDINFO_CONFIG")
    assert Settings.load().redact is False


def test_presets_sit_under_everything_else(clean_env, tmp_path):
    s = Settings.load(tmp_path, preset="llm", llm_base_url="http://x:1/v1")
    assert s.generator == "llm" and s.llm_fallback == "extractive"
    s = Settings.load(tmp_path, preset="llm", generator="extractive")
    assert s.generator == "extractive"


@pytest.mark.parametrize("flags, message", [
    ({"generator": "llm"}, "MEDINFO_LLM_BASE_URL"),
    ({"generator": "gpt"}, "generator"),
    ({"llm_fallback": "maybe"}, "llm_fallback"),
])
def test_invalid_settings_say_what_and_why(clean_env, tmp_path, flags, message):
    with pytest.raises(ConfigError, match=message):
        Settings.load(tmp_path, **flags)


def test_an_unknown_threshold_in_the_file_is_refused(clean_env, tmp_path):
    (tmp_path / "medinfo.yaml").write_text("thresholds: {min_coverag: 0.3}\n")
    with pytest.raises(ConfigError, match="min_coverag"):
        Settings.load(tmp_path)


def test_every_threshold_is_described(clean_env, tmp_path):
    from assistant.settings import RetrievalWeights, Thresholds

    for model in (Thresholds, RetrievalWeights):
        for name, field in model.model_fields.items():
            assert field.description and len(field.description) > 20, name


def test_secrets_are_masked_in_the_public_view(clean_env, tmp_path):
    s = Settings.load(tmp_path, llm_api_key="sk-secret", judge_api_key="j")
    assert "sk-secret" not in str(s.public()) and s.public()["llm_api_key"] == "***"


def test_an_unknown_override_is_an_error_not_the_default(tmp_path):
    # "answerability" belongs under thresholds: silently ignored, a caller would run the default model unawares
    with pytest.raises(ConfigError, match="answerability"):
        Settings.load(tmp_path, answerability="rule")
    assert Settings.load(tmp_path, thresholds={"answerability": "rule"}).thresholds.answerability == "rule"
