"""The one place that spells locale codes.

A `SiteLocale` is parsed once from whatever the configuration says (``pt_BR``, ``pt-BR``,
``en-GB``) and derives, with Babel's CLDR data, every spelling the product needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from babel import Locale, UnknownLocaleError
from babel.core import get_global

from .errors import ConfigError


@dataclass(frozen=True)
class SiteLocale:
    babel: Locale

    @classmethod
    def parse(cls, code: str) -> SiteLocale:
        text = str(code).strip()
        try:
            return cls(Locale.parse(text.replace("-", "_")))
        except (UnknownLocaleError, ValueError, TypeError) as exc:
            raise ConfigError(f"unknown locale {code!r} ({exc})") from None

    @cached_property
    def gettext(self) -> str:
        """Directory and ``Language:`` spelling: ``es``, ``pt_BR``, ``zh_Hans``."""
        return str(self.babel)

    @cached_property
    def bcp47(self) -> str:
        """``lang``, ``hreflang`` and ``inLanguage``: ``pt-BR``, ``zh-Hans``."""
        loc = self.babel
        return "-".join(p for p in (loc.language, loc.script, loc.territory) if p)

    @cached_property
    def url_segment(self) -> str:
        """First path segment of the locale's URLs: lowercase BCP 47 (``/pt-br/…``)."""
        return self.bcp47.lower()

    @cached_property
    def open_graph(self) -> str:
        """``og:locale``: always ``ll_CC``; a bare language takes its CLDR likely territory."""
        loc = self.babel
        territory = loc.territory
        if not territory:
            likely = get_global("likely_subtags")
            full = likely.get(f"{loc.language}_{loc.script}") if loc.script else None
            full = full or likely.get(loc.language, "")
            territory = Locale.parse(full).territory if full else None
        return f"{loc.language}_{territory}" if territory else loc.language

    @cached_property
    def direction(self) -> str:
        return "rtl" if self.babel.text_direction == "rtl" else "ltr"

    @cached_property
    def native_name(self) -> str:
        """The language's name in itself, for the language switcher: ``Español``, ``English``."""
        language = Locale(self.babel.language, script=self.babel.script)
        return _capitalised(language.get_display_name(self.babel) or self.gettext)

    @cached_property
    def native_name_with_region(self) -> str:
        """``Português (Brasil)``: for a switcher that lists two variants of one language."""
        return _capitalised(self.babel.get_display_name(self.babel) or self.gettext)

    @cached_property
    def english_name(self) -> str:
        return self.babel.get_display_name("en") or self.gettext

    @cached_property
    def plural_forms(self) -> str:
        from babel.messages.plurals import get_plural  # imports babel.messages.catalog: only when needed

        return str(get_plural(self.babel))

    def __str__(self) -> str:
        return self.gettext


def _capitalised(name: str) -> str:
    return name[:1].upper() + name[1:]
