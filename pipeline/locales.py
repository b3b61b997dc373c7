"""The one place that spells locale codes.

A `SiteLocale` is parsed once from whatever the configuration says (``pt_BR``, ``pt-BR``,
``en-GB``) and derives, with Babel's CLDR data, every spelling the product needs.

The facts that need a locale's full CLDR data (its direction, names, plural rule, number symbols)
cost ~12 ms a locale to load, in every job; `use_facts` keeps them in a small file instead
(output/.state/locales.json, rebuilt when Babel's version or the locales change).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import babel
from babel import Locale, UnknownLocaleError
from babel.core import get_global

from .errors import ConfigError

FACTS = ("direction", "native_name", "native_name_with_region", "english_name", "plural_forms", "decimal_symbol",
         "group_symbol")
_known: dict[str, dict[str, str]] = {}  # gettext code -> the FACTS, as use_facts read them


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
        return self._known("direction") or ("rtl" if self.babel.text_direction == "rtl" else "ltr")

    @cached_property
    def native_name(self) -> str:
        """The language's name in itself, for the language switcher: ``Español``, ``English``."""
        if known := self._known("native_name"):
            return known
        language = Locale(self.babel.language, script=self.babel.script)
        return _capitalised(language.get_display_name(self.babel) or self.gettext)

    @cached_property
    def native_name_with_region(self) -> str:
        """``Português (Brasil)``: for a switcher that lists two variants of one language."""
        return self._known("native_name_with_region") or _capitalised(self.babel.get_display_name(self.babel)
                                                                       or self.gettext)

    @cached_property
    def english_name(self) -> str:
        return self._known("english_name") or self.babel.get_display_name("en") or self.gettext

    @cached_property
    def plural_forms(self) -> str:
        if known := self._known("plural_forms"):
            return known
        from babel.messages.plurals import get_plural  # imports babel.messages.catalog: only when needed

        return str(get_plural(self.babel))

    @cached_property
    def decimal_symbol(self) -> str:
        from babel.numbers import get_decimal_symbol

        return self._known("decimal_symbol") or get_decimal_symbol(self.babel)

    @cached_property
    def group_symbol(self) -> str:
        from babel.numbers import get_group_symbol

        return self._known("group_symbol") or get_group_symbol(self.babel)

    def _known(self, fact: str) -> str | None:
        return _known.get(self.gettext, {}).get(fact)

    def __str__(self) -> str:
        return self.gettext


def _capitalised(name: str) -> str:
    return name[:1].upper() + name[1:]


def use_facts(path: Path, locales: tuple[SiteLocale, ...]) -> None:
    """Take the FACTS of `locales` from `path`, computing and saving them first when the file is
    missing, from another Babel version or without one of the locales."""
    try:
        stored = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        stored = {}
    facts = stored.get("locales", {}) if stored.get("babel") == babel.__version__ else {}
    if not all(loc.gettext in facts for loc in locales):
        facts = {**facts, **{loc.gettext: {fact: getattr(loc, fact) for fact in FACTS} for loc in locales}}
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_name(f".{path.name}.tmp")
            temporary.write_text(json.dumps({"babel": babel.__version__, "locales": facts}, ensure_ascii=False,
                                            sort_keys=True, indent=1) + "\n", "utf-8")
            temporary.replace(path)
        except OSError:
            pass  # only a cache: an unwritable output/ is reported where it matters
    _known.update(facts)
