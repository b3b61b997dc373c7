import json

import pytest
from conftest import snakemake

from pipeline.config import settings_from_dict
from pipeline.errors import ConfigError
from pipeline.locales import SiteLocale


@pytest.mark.parametrize("code, gettext, bcp47, og, direction, native", [
    ("es", "es", "es", "es_ES", "ltr", "Español"),
    ("pt_BR", "pt_BR", "pt-BR", "pt_BR", "ltr", "Português"),
    ("pt-BR", "pt_BR", "pt-BR", "pt_BR", "ltr", "Português"),
    ("en-GB", "en_GB", "en-GB", "en_GB", "ltr", "English"),
    ("ar", "ar", "ar", "ar_EG", "rtl", "العربية"),
    ("zh_Hans", "zh_Hans", "zh-Hans", "zh_CN", "ltr", "中文 (简体)"),
    ("de", "de", "de", "de_DE", "ltr", "Deutsch"),
])
def test_every_spelling_is_derived_from_one_code(code, gettext, bcp47, og, direction, native):
    loc = SiteLocale.parse(code)
    assert (loc.gettext, loc.bcp47, loc.open_graph, loc.direction, loc.native_name) == (
        gettext, bcp47, og, direction, native)
    assert loc.url_segment == bcp47.lower()


def test_plural_forms_come_from_cldr():
    assert SiteLocale.parse("de").plural_forms == "nplurals=2; plural=(n != 1);"
    assert SiteLocale.parse("pt_BR").native_name_with_region == "Português (Brasil)"


def test_unknown_locale_is_a_config_error():
    with pytest.raises(ConfigError, match="unknown locale 'xx'"):
        SiteLocale.parse("xx")


def test_locale_facts_kept_in_a_file_equal_what_babel_derives(tmp_path):
    from pipeline import locales

    locales.forget_facts()
    codes = ("es", "ar", "pt_BR", "en-GB")
    path = tmp_path / "locales.json"
    locales.use_facts(path, tuple(SiteLocale.parse(c) for c in codes))
    stored = json.loads(path.read_text("utf-8"))
    fresh = {SiteLocale.parse(c).gettext: {f: getattr(SiteLocale.parse(c), f) for f in locales.FACTS} for c in codes}
    assert stored["locales"] == fresh
    assert stored["locales"]["ar"]["direction"] == "rtl" and stored["locales"]["es"]["decimal_symbol"] == ","


def test_locale_facts_from_another_babel_version_are_derived_again(tmp_path):
    from pipeline import locales

    locales.forget_facts()
    path = tmp_path / "locales.json"
    path.write_text(json.dumps({"babel": "0.0", "locales": {"es": {"direction": "rtl"}}}))
    locales.use_facts(path, (SiteLocale.parse("es"),))
    assert SiteLocale.parse("es").direction == "ltr"
    assert json.loads(path.read_text("utf-8"))["locales"]["es"]["direction"] == "ltr"


@pytest.mark.parametrize("code, canonical", [
    ("iw", "he"), ("iw_IL", "he_IL"), ("iw-IL", "he_IL"), ("in", "id"), ("ji", "yi"), ("tl", "fil"), ("mo", "ro"),
    ("sh", "sr_Latn"), ("zh_CN", "zh_Hans_CN"), ("zh-Hans-CN", "zh_Hans_CN"), ("zh_TW", "zh_Hant_TW"),
    ("no", "no"), ("nb", "nb"), ("he", "he"), ("pt-BR", "pt_BR"),
])
def test_deprecated_and_alternative_codes_have_one_canonical_folder(code, canonical):
    """A deprecated code is its CLDR replacement, with the territory as written (never a likely one)."""
    assert SiteLocale.parse(code).gettext == canonical


def test_two_spellings_of_one_locale_are_one_locale_in_the_configuration():
    with pytest.raises(ConfigError, match="listed twice"):
        settings_from_dict({"locales": ["he", "iw"]})


@pytest.mark.built
def test_an_alias_in_the_configuration_uses_the_existing_folder_and_orphans_are_warned_once(project):
    """Configuring `iw` must use locales/he/ (not create locales/he_IL/ beside it); a folder no
    configured locale owns is named once per run, with the fix."""
    config = project / "config" / "config.yaml"
    config.write_text(config.read_text() + "locales: [iw, es]\n")
    hebrew = project / "locales" / "he" / "LC_MESSAGES"
    hebrew.mkdir(parents=True)
    (hebrew / "iv-ketamine-infusion.po").write_text('msgid ""\nmsgstr ""\n"Language: iw\\n"\n', "utf-8")
    result = snakemake(project, "all")
    folders = sorted(p.name for p in (project / "locales").iterdir())
    assert folders == ["ar", "de", "es", "fr", "he", "it", "pl", "pt_BR", "templates"]
    catalog = (hebrew / "iv-ketamine-infusion.po").read_text("utf-8")
    assert 'msgid "IV Ketamine Infusion"' in catalog  # merged with the template where it was
    for orphan in ("ar", "de", "fr", "it", "pl", "pt_BR"):
        assert result.stderr.count(f"locales/{orphan}/: warning: no configured locale owns this folder") == 1
    assert "locales/he/: warning" not in result.stderr and "locales/es/: warning" not in result.stderr
