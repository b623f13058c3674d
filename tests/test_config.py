import tomllib
from pathlib import Path

import pytest

from ragbox.config import Settings, as_flat_dict, load_settings
from ragbox.errors import ConfigError

REPO_CONFIG = Path(__file__).resolve().parent.parent / "config.toml"


def test_precedence_defaults_file_env_flags(tmp_path):
    config = tmp_path / "c.toml"
    config.write_text('[retrieval]\nk = 7\nmin_score = 0.5\n[llm]\nn_ctx = 4096\n')
    env = {"RAGBOX_RETRIEVAL__K": "9", "RAGBOX_LLM__TEMPERATURE": "0.3"}
    settings = load_settings(config, environ=env, flags={"retrieval.k": 11})
    assert settings.retrieval.k == 11  # flag beats env beats file
    assert settings.retrieval.min_score == 0.5  # file beats default
    assert settings.llm.temperature == 0.3  # env beats default
    assert settings.llm.n_ctx == 4096
    assert settings.chunking.overlap_tokens == Settings().chunking.overlap_tokens


def test_config_from_environment_variable_path(tmp_path):
    config = tmp_path / "c.toml"
    config.write_text('[store]\nindex = "patients"\n')
    assert load_settings(None, environ={"RAGBOX_CONFIG": str(config)}).store.index == "patients"


@pytest.mark.parametrize("source, key, fragment", [
    ({"RAGBOX_RETRIEVAL__K": "many"}, "retrieval.k", "whole number"),
    ({"RAGBOX_RETRIEVAL__K": "0"}, "retrieval.k", "at least 1"),
    ({"RAGBOX_LLM__PROMPT_STYLE": "poem"}, "llm.prompt_style", "one of auto, chat, completion"),
    ({"RAGBOX_LLM__TEMPERATURE": "9"}, "llm.temperature", "between"),
    ({"RAGBOX_STORE__INDEX": "../etc"}, "store.index", "letters, digits"),
    ({"RAGBOX_LLM__NOPE": "1"}, "llm.nope", "Unknown setting"),
])
def test_bad_values_name_the_key(source, key, fragment):
    with pytest.raises(ConfigError) as info:
        load_settings(None, environ=source)
    message = info.value.one_line()
    assert f"'{key}'" in message and fragment in message


def test_bad_toml_names_the_file(tmp_path):
    config = tmp_path / "broken.toml"
    config.write_text("[llm\n")
    with pytest.raises(ConfigError, match="broken.toml"):
        load_settings(config, environ={})


def test_missing_config_file_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "nope.toml", environ={})


def test_repo_config_documents_every_setting_with_its_default():
    data = tomllib.loads(REPO_CONFIG.read_text())
    flat = {f"{s}.{k}": v for s, values in data.items() for k, v in values.items()}
    assert flat == as_flat_dict(Settings())
    assert load_settings(REPO_CONFIG, environ={}) == Settings()


def test_the_old_indexing_section_is_read_as_index(tmp_path):
    """[indexing] was merged into [index]: a config file or a variable naming it still works."""
    config = tmp_path / "config.toml"
    config.write_text("[indexing]\nparse_processes = 3\n")
    assert load_settings(config, environ={}).index.parse_processes == 3
    assert load_settings(environ={"RAGBOX_INDEXING__PARSE_PROCESSES": "2"}).index.parse_processes == 2
    assert "indexing.parse_processes" not in as_flat_dict(Settings())
