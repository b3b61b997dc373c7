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
