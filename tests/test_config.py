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
    ("clinic: {email: not-an-address}\n", "clinic.email: 'not-an-address' does not match"),
    ("clinic: {booking_url: /book}\n", "clinic.booking_url: '/book' does not match"),
    ("clinic: {social_image: {file: x.png}}\n", "clinic.social_image: 'width' is a required property"),
    ("clinic: {fax: 1}\n", "Additional properties are not allowed ('fax' was unexpected)"),
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


def test_config_clinic_defaults_to_the_site_name_and_shipped_images(tmp_path):
    clinic = load_settings(write(tmp_path, "site_name: Harley Clinic\n")).clinic
    assert (clinic.name, clinic.logo, clinic.favicon, clinic.social_image.file) == ("Harley Clinic", "", "", "")
    assert (clinic.social_image.width, clinic.social_image.height, clinic.social_image.alt) == (1200, 630,
                                                                                                "Harley Clinic")


def test_config_clinic_address_lines_and_social_image(tmp_path):
    text = ("clinic:\n  name: C\n  address: |\n    1 Harley Street\n\n    London\n"
            "  social_image: {file: config/assets/s.jpg, width: 800, height: 418, alt: Our waiting room}\n")
    clinic = load_settings(write(tmp_path, text)).clinic
    assert clinic.address_lines == ("1 Harley Street", "London")
    assert (clinic.social_image.file, clinic.social_image.alt) == ("config/assets/s.jpg", "Our waiting room")
