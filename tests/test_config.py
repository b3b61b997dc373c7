from pathlib import Path

import pytest

from pipeline.config import load_settings
from pipeline.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults(tmp_path):
    settings = load_settings(write(tmp_path, ""))
    assert settings.base_url == "https://clinic.example"
    assert settings.source_locale.bcp47 == "en-GB"
    assert [loc.gettext for loc in settings.locales] == ["es", "fr", "de", "it", "pt_BR", "pl", "ar"]


def test_project_config_is_valid():
    from conftest import PROJECT

    assert load_settings(PROJECT / "config" / "config.yaml").locales


@pytest.mark.parametrize("text, message", [
    ("locales: [es, xx]\n", "unknown locale 'xx'"),
    ("locales: [es, pt_BR, pt-BR]\n", "'pt-BR' is listed twice"),
    ("locales: [en-GB]\n", "is the source locale"),
    ("colour: blue\n", "Additional properties are not allowed ('colour' was unexpected)"),
    ("base_url: clinic.example\n", "base_url: 'clinic.example' does not match"),
])
def test_invalid_configuration_is_one_clear_message(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert message in str(caught.value)
    assert str(caught.value).startswith(str(path))


def test_invalid_yaml_names_the_line(tmp_path):
    path = write(tmp_path, "base_url: https://x.example\nlocales: [es, fr\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert caught.value.line == 3 and "invalid YAML" in str(caught.value)
