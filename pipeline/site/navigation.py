"""Where the breadcrumb leads: the home page and the index pages named by the pages' breadcrumbs.

A copy deck's breadcrumb ``Home > All Treatments > Chronic Depression > IV Ketamine Infusion``
names the locale's home page (its first item, ``/<lang>/``), an index page per item between the
first and the last (``/<lang>/all-treatments/``, ``/<lang>/all-treatments/chronic-depression/``)
and the page itself. An index page's path is made from the English items (the source of truth), so
every locale's page links to the same index pages whatever its translation says, and a rebuilt
translation never moves one; its name is translated (from the published pages of the locale).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

Path = tuple[str, ...]  # the slugs of an index page under /<lang>/: () is the home page
NON_WORD = re.compile(r"[^\w]+|_+")


def section_slug(text: str) -> str:
    """``All Treatments`` -> ``all-treatments``: lowercase letters and digits joined by hyphens."""
    plain = unicodedata.normalize("NFKC", text).lower()
    plain = "".join(c for c in unicodedata.normalize("NFD", plain) if unicodedata.category(c) != "Mn")
    return NON_WORD.sub("-", plain).strip("-") or "section"


def crumb_paths(crumbs: Sequence[str]) -> list[Path | None]:
    """For each English breadcrumb item, the index page it names (None: the last item, the page itself)."""
    paths: list[Path | None] = []
    for i in range(len(crumbs)):
        if i == len(crumbs) - 1 and i > 0:
            paths.append(None)
        else:
            paths.append(tuple(section_slug(c) for c in crumbs[1:i + 1]))
    return paths


def sections(breadcrumbs: Iterable[Sequence[str]]) -> dict[str, str]:
    """The first-level index pages the breadcrumbs name (slug -> English item): /<lang>/<slug>/ is
    theirs in every locale, so no treatment page may have one of these slugs."""
    found: dict[str, str] = {}
    for items in breadcrumbs:
        if len(items) >= 3:
            found.setdefault(section_slug(items[1]), items[1])
    return found


def index_href(base_url: str, url_segment: str, path: Path) -> str:
    return f"{base_url}/{url_segment}/" + "".join(f"{slug}/" for slug in path)


@dataclass
class IndexPage:
    """One index page of one locale: its path, its English and translated name, the pages it lists."""

    path: Path
    english: str
    name: str
    pages: list[str] = field(default_factory=list)  # page names (source stems), in title order
    children: list[Path] = field(default_factory=list)


def index_pages(crumbs: Mapping[str, Sequence[str]], names: Mapping[str, Mapping[str, str]]) -> dict[Path, IndexPage]:
    """The index pages of one locale. `crumbs`: each published page's English breadcrumb; `names`: each
    page's translation of its breadcrumb items (English -> translated; the source locale: itself). An
    item's name comes from the first page (by name) that translates it."""
    pages: dict[Path, IndexPage] = {}
    for page in sorted(crumbs):
        items = crumbs[page]
        if not items:
            continue
        for item, path in zip(items, crumb_paths(items), strict=True):
            if path is None:
                continue
            if path not in pages:
                pages[path] = IndexPage(path, item, names.get(page, {}).get(item) or item)
                if path:
                    parent = pages[path[:-1]]
                    parent.children.append(path)
            pages[path].pages.append(page)
    return pages
