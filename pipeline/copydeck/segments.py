"""The one traversal of a page, used in both directions.

`walk(page, fn)` visits every translatable unit in reading order, hands `fn` a `Segment`
(role, text, line, msgctxt, comment for translators) and rebuilds the page from what `fn`
returns. Extraction collects the segments; rendering swaps in translations. Because both use
this function, the catalog and the page can never disagree on which segments exist.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Protocol

from pipeline.copydeck.model import (
    BREADCRUMB,
    META_DESCRIPTION,
    META_TITLE,
    PAGE_TITLE,
    URL_SLUG,
    Block,
    BulletList,
    OrderedList,
    Page,
    Paragraph,
    Section,
    Segment,
    Text,
)

Translate = Callable[[Segment], str]


class Unit(Protocol):
    """What `walk` hands the helpers below: one translatable text in, its translation out."""

    def __call__(self, text: Text, role: str, comment: str, context: str | None = None, section: str = "") -> Text: ...

SLUG_RULE = (
    "URL slug: lowercase words joined by hyphens, no slashes, dots, % or spaces; letters of any"
    " script and digits are fine; unique on the site. The page's address is <site>/<lang>/<slug>/."
)


def walk(page: Page, fn: Translate) -> Page:
    def unit(text: Text, role: str, comment: str, context: str | None = None, section: str = "") -> Text:
        return Text(fn(Segment(role, text.text, text.line, context, comment, section)), text.line)

    title = unit(page.title, PAGE_TITLE, "Page title: the <h1> of the page.", PAGE_TITLE)
    subtitle = unit(page.subtitle, "subtitle", "Subtitle, shown under the page title.")
    meta_title = unit(
        page.meta_title, META_TITLE,
        f"Meta title: the browser tab, search results and social shares. Aim for 50–60 characters"
        f" (the English has {len(page.meta_title.text)}).",
        META_TITLE,
    )
    meta_description = unit(
        page.meta_description, META_DESCRIPTION,
        f"Meta description: the snippet under the title in search results. Aim for 120–155 characters"
        f" (the English has {len(page.meta_description.text)}).",
        META_DESCRIPTION,
    )
    slug = unit(page.slug, URL_SLUG, SLUG_RULE, URL_SLUG)
    lede = tuple(_block(b, unit, "the introduction (lede)") for b in page.lede)
    crumbs = tuple(
        unit(item, BREADCRUMB, f"Breadcrumb item {i} of {len(page.breadcrumb)}"
             f" ({' > '.join(t.text for t in page.breadcrumb)}).", BREADCRUMB)
        for i, item in enumerate(page.breadcrumb, start=1)
    )
    sections = tuple(_section(s, unit) for s in page.sections)
    closing = None
    if page.closing is not None:
        closing = unit(page.closing, "call to action", "Closing call to action at the end of the page.")
    return replace(page, title=title, subtitle=subtitle, meta_title=meta_title,
                   meta_description=meta_description, slug=slug, lede=lede, breadcrumb=crumbs,
                   sections=sections, closing=closing)


def _section(section: Section, unit: Unit) -> Section:
    heading = None
    where = "the section before the first heading"
    name = ""
    if section.heading is not None:
        name = section.heading.text
        heading = unit(section.heading, "heading", "Section heading (h2).", section=name)
        where = f"section “{name}”"
    blocks = tuple(_block(b, unit, where, name) for b in section.blocks)
    subsections = tuple(_subsection(s, unit, name, section.faq) for s in section.subsections)
    return Section(heading, blocks, subsections, section.faq)


def _subsection(section: Section, unit: Unit, parent: str, faq: bool) -> Section:
    assert section.heading is not None  # a sub-section starts at its sub-heading
    name = f"{parent} > {section.heading.text}"
    if faq:
        heading = unit(section.heading, "question", f"FAQ question (h3) in section “{parent}”.", section=name)
        where = f"the answer to “{section.heading.text}” (FAQ)"
    else:
        heading = unit(section.heading, "sub-heading", f"Sub-heading (h3) in section “{parent}”.", section=name)
        where = f"sub-section “{section.heading.text}” of “{parent}”"
    return Section(heading, tuple(_block(b, unit, where, name) for b in section.blocks))


def _block(block: Block, unit: Unit, where: str, section: str = "") -> Block:
    if isinstance(block, Paragraph):
        return Paragraph(unit(block.text, "paragraph", f"Paragraph in {where}.", section=section))
    if isinstance(block, OrderedList):
        return _ordered(block, unit, where, section)
    intro = None
    after = ""
    if block.intro is not None:
        intro = unit(block.intro, "list introduction", f"Paragraph introducing a bulleted list, in {where}.",
                     section=section)
        after = f", after “{block.intro.text}”"
    items = tuple(unit(item, "list item", f"Bulleted list item in {where}{after}.", section=section)
                  for item in block.items)
    return BulletList(items, intro)


def _ordered(block: OrderedList, unit: Unit, where: str, section: str) -> OrderedList:
    intro = None
    if block.intro is not None:
        intro = unit(block.intro, "list introduction", f"Paragraph introducing numbered steps, in {where}.",
                     section=section)
    count = len(block.items)
    items = tuple(unit(item, "numbered step", f"Numbered step {i} of {count} in {where}.", section=section)
                  for i, item in enumerate(block.items, start=1))
    return OrderedList(items, intro)


def segments(page: Page) -> list[Segment]:
    """Every segment of the page, in reading order (duplicates included)."""
    found: list[Segment] = []

    def collect(segment: Segment) -> str:
        found.append(segment)
        return segment.text

    walk(page, collect)
    return found
