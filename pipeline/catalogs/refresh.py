"""Stage 2b/3: bring one locale's catalog of one page up to date with its template.

read .po -> merge with the template (merge.py) -> pre-fill drafts (prefill.py) -> header -> write.
Pure functions here; jobs/update.py does the reading and writing.
"""

from __future__ import annotations

import re
from dataclasses import replace

from pipeline import __version__
from pipeline.catalogs.template import DATE_FIELD
from pipeline.errors import CatalogError
from pipeline.locales import SiteLocale
from pipeline.po.catalog import Catalog
from pipeline.po.merge import merge

PLURAL_FORMS = re.compile(r"\s*nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*([-+*/%?:!=<>&|() n0-9]+?)\s*;?\s*")


def new_catalog(template: Catalog, locale: SiteLocale) -> Catalog:
    """A fresh catalog for `locale`, as msginit would make it, without placeholder values."""
    created = template.field(DATE_FIELD) or ""
    header = (
        ("Project-Id-Version", template.field("Project-Id-Version") or ""),
        ("Report-Msgid-Bugs-To", ""),
        (DATE_FIELD, created),
        ("PO-Revision-Date", created),
        ("Last-Translator", ""),
        ("Language-Team", locale.english_name),
        ("Language", locale.gettext),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=UTF-8"),
        ("Content-Transfer-Encoding", "8bit"),
        ("Plural-Forms", locale.plural_forms),
        ("X-Generator", f"clinic-l10n {__version__}"),
    )
    page = (template.field("Project-Id-Version") or "").rsplit(" ", 1)[-1]
    comments = (f"{locale.english_name} translation of {page}.",
                "Review each draft (fuzzy entry), then remove its fuzzy flag: only reviewed pages are published.")
    return Catalog(header=header, header_comments=comments)


def check_header(catalog: Catalog, locale: SiteLocale, path: str) -> None:
    """Refuse a catalog whose header would make msgfmt fail or that belongs to another locale."""
    language = catalog.field("Language")
    if language and SiteLocale.parse(language).gettext != locale.gettext:
        raise CatalogError(f"header says Language: {language}, but the file is in the folder for {locale.gettext}",
                           path, 1)
    plural = catalog.field("Plural-Forms")
    if plural is not None:
        match = PLURAL_FORMS.fullmatch(plural)
        if not match or int(match.group(1)) < 1:
            raise CatalogError(f"Plural-Forms {plural!r} does not parse (expected 'nplurals=N; plural=EXPR;');"
                               f" CLDR's for {locale.gettext} is {locale.plural_forms!r}", path, 1)
        nplurals = int(match.group(1))
        for m in catalog.messages:
            if m.msgid_plural is not None and len(m.msgstr_plural) != nplurals:
                raise CatalogError(f"Plural-Forms says nplurals={nplurals}, but this entry has"
                                   f" {len(m.msgstr_plural)} plural forms", path, m.line)


def updated(template: Catalog, old: Catalog | None, locale: SiteLocale) -> Catalog:
    """The merged catalog: the translator's header and work, the template's messages."""
    base = old if old is not None else new_catalog(template, locale)
    result = replace(base, messages=merge(template, base))
    result = result.with_field(DATE_FIELD, template.field(DATE_FIELD) or "")
    if not result.field("Language"):
        result = result.with_field("Language", locale.gettext)
    if not result.field("Plural-Forms"):
        result = result.with_field("Plural-Forms", locale.plural_forms)
    return result
