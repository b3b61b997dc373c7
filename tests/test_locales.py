import json

import pytest

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
