"""The one place that spells locale codes.

A `SiteLocale` is parsed once from whatever the configuration says (``pt_BR``, ``pt-BR``,
``en-GB``) and derives, with Babel's CLDR data, every spelling the product needs.

The facts that need a locale's full CLDR data (its direction, names, plural rule, number symbols)
cost ~12 ms a locale to load, in every job; `use_facts` keeps them in a small file instead
(output/.state/locales.json, rebuilt when Babel's version or the locales change).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import babel
from babel import Locale, UnknownLocaleError
from babel.core import get_global, parse_locale

from pipeline import fsio
from pipeline.errors import ConfigError, PipelineError, Problem

FACTS: list[str] = []  # the properties that need a locale's full CLDR data (see _fact)
_known: dict[str, dict[str, str]] = {}  # gettext code -> the FACTS, as use_facts read them


def _fact(derive: Callable[[SiteLocale], str]) -> cached_property[str]:
    """A property derived from the locale's full CLDR data, unless use_facts already read it."""
    def known_or_derived(self: SiteLocale) -> str:
        return _known.get(self.gettext, {}).get(derive.__name__) or derive(self)

    known_or_derived.__doc__ = derive.__doc__
    FACTS.append(derive.__name__)
    return cached_property(known_or_derived)


@dataclass(frozen=True)
class SiteLocale:
    babel: Locale

    @classmethod
    def parse(cls, code: str) -> SiteLocale:
        """Any spelling of a locale, canonical: ``pt-BR`` and ``pt_BR`` are one locale, and so are a
        deprecated or alternative code and its CLDR replacement (``iw`` is ``he``, ``in`` is ``id``,
        ``ji`` is ``yi``, ``tl`` is ``fil``, ``mo`` is ``ro``, ``sh`` is ``sr_Latn``; ``zh_CN`` is
        ``zh_Hans_CN``), so each has one catalog folder. A territory is kept only when written:
        Babel would turn ``iw`` into ``he_IL``, a folder next to an existing ``locales/he/``.
        (``no`` and ``nb`` stay two locales, as CLDR has them.)"""
        text = str(code).strip().replace("-", "_")
        try:
            language, territory, script, variant = parse_locale(text)[:4]
            alias = get_global("language_aliases").get(language)
            if alias:  # CLDR's replacement of a deprecated language code (it may carry a script)
                language, _, alias_script, _ = parse_locale(alias)[:4]
                script = script or alias_script
            loc = Locale.parse("_".join(p for p in (language, script, territory, variant) if p))
            if territory is None and loc.territory:  # a likely territory Babel added: not the user's
                loc = Locale(loc.language, script=loc.script, variant=loc.variant)
            return cls(loc)
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

    @_fact
    def direction(self) -> str:
        return "rtl" if self.babel.text_direction == "rtl" else "ltr"

    @_fact
    def native_name(self) -> str:
        """The language's name in itself, for the language switcher: ``Español``, ``English``."""
        language = Locale(self.babel.language, script=self.babel.script)
        return _capitalised(language.get_display_name(self.babel) or self.gettext)

    @_fact
    def native_name_with_region(self) -> str:
        """``Português (Brasil)``: for a switcher that lists two variants of one language."""
        return _capitalised(self.babel.get_display_name(self.babel) or self.gettext)

    @_fact
    def english_name(self) -> str:
        return self.babel.get_display_name("en") or self.gettext

    @_fact
    def plural_forms(self) -> str:
        from babel.messages.plurals import get_plural  # imports babel.messages.catalog: only when needed

        return str(get_plural(self.babel))

    @_fact
    def decimal_symbol(self) -> str:
        from babel.numbers import get_decimal_symbol

        return get_decimal_symbol(self.babel)

    @_fact
    def group_symbol(self) -> str:
        from babel.numbers import get_group_symbol

        return get_group_symbol(self.babel)

    def __str__(self) -> str:
        return self.gettext


def _capitalised(name: str) -> str:
    return name[:1].upper() + name[1:]


def forget_facts() -> None:
    """Forget what `use_facts` read: locales parsed afterwards derive their facts from Babel again."""
    _known.clear()


def use_facts(path: Path, locales: tuple[SiteLocale, ...]) -> None:
    """Take the FACTS of `locales` from `path`, computing and saving them first when the file is
    missing, from another Babel version or without one of the locales."""
    try:
        stored = json.loads(fsio.read_own(path) or b"{}")
    except ValueError:
        stored = {}
    if not isinstance(stored, dict):
        stored = {}
    facts = stored.get("locales", {}) if stored.get("babel") == babel.__version__ else {}
    if not all(loc.gettext in facts for loc in locales):
        facts = {**facts, **{loc.gettext: {fact: getattr(loc, fact) for fact in FACTS} for loc in locales}}
        with contextlib.suppress(PipelineError):  # only a cache: an unwritable output/ is reported where it matters
            fsio.write_text(path, json.dumps({"babel": babel.__version__, "locales": facts}, ensure_ascii=False,
                                             sort_keys=True, indent=1) + "\n")
    _known.update(facts)


def unowned_folders(names: list[str], locales: tuple[SiteLocale, ...]) -> list[Problem]:
    """One warning per catalog folder (``locales/<name>/``) that no configured locale owns: its
    catalogs are neither updated nor published. Says which configured locale it is another spelling
    of, or shares a language with, so the fix (``git mv``) is plain. `templates` is not a locale."""
    owners = {loc.gettext: loc for loc in locales}
    warnings = []
    for name in sorted(names):
        if name == "templates" or name in owners:
            continue
        try:
            spelled = SiteLocale.parse(name)
        except ConfigError:
            spelled = None
        hint = ""
        if spelled is not None and spelled.gettext in owners:
            target = spelled.gettext
            hint = (f"; it is another spelling of {target}: move its catalogs with"
                    f" git mv locales/{name}/LC_MESSAGES/*.po locales/{target}/LC_MESSAGES/")
        elif spelled is not None:
            same = [g for g, loc in owners.items() if loc.babel.language == spelled.babel.language]
            if same:
                hint = f"; the configured locale of that language is {', '.join(same)} (locales/{same[0]}/)"
        warnings.append(Problem(f"locales/{name}/", None, "warning", "no configured locale owns this folder, so its"
                                f" catalogs are not updated or published{hint}"))
    return warnings
