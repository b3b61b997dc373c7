"""The one traversal of a page, used in both directions.

`walk(page, fn)` visits every translatable unit in reading order, hands `fn` a `Segment`
(role, text, line, msgctxt, comment for translators) and rebuilds the page from what `fn`
returns. Extraction collects the segments; rendering swaps in translations. Because both use
this function, the catalog and the page can never disagree on which segments exist.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from .model import Block, BulletList, Page, Paragraph, Section, Segment, Text

Translate = Callable[[Segment], str]

SLUG_RULE = (
    "URL slug: lowercase words joined by hyphens, no slashes, dots, % or spaces; letters of any"
    " script and digits are fine; unique on the site. The page's address is <site>/<lang>/<slug>/."
)


def walk(page: Page, fn: Translate) -> Page:
    def unit(text: Text, role: str, comment: str, context: str | None = None) -> Text:
        return Text(fn(Segment(role, text.text, text.line, context, comment)), text.line)

    title = unit(page.title, "page title", "Page title: the <h1> of the page.", "page title")
    subtitle = unit(page.subtitle, "subtitle", "Subtitle, shown under the page title.")
    meta_title = unit(
        page.meta_title, "meta title",
        f"Meta title: the browser tab, search results and social shares. Aim for 50–60 characters"
        f" (the English has {len(page.meta_title.text)}).",
        "meta title",
    )
    meta_description = unit(
        page.meta_description, "meta description",
        f"Meta description: the snippet under the title in search results. Aim for 120–155 characters"
        f" (the English has {len(page.meta_description.text)}).",
        "meta description",
    )
    slug = unit(page.slug, "URL slug", SLUG_RULE, "URL slug")
    lede = tuple(_block(b, unit, "the introduction (lede)") for b in page.lede)
    crumbs = tuple(
        unit(item, "breadcrumb", f"Breadcrumb item {i} of {len(page.breadcrumb)}"
             f" ({' > '.join(t.text for t in page.breadcrumb)}).", "breadcrumb")
        for i, item in enumerate(page.breadcrumb, start=1)
    )
    sections = tuple(_section(s, unit) for s in page.sections)
    closing = None
    if page.closing is not None:
        closing = unit(page.closing, "call to action", "Closing call to action at the end of the page.")
    return replace(page, title=title, subtitle=subtitle, meta_title=meta_title,
                   meta_description=meta_description, slug=slug, lede=lede, breadcrumb=crumbs,
                   sections=sections, closing=closing)


def _section(section: Section, unit) -> Section:
    heading = None
    where = "the section before the first heading"
    if section.heading is not None:
        heading = unit(section.heading, "heading", "Section heading (h2).")
        where = f"section “{section.heading.text}”"
    return Section(heading, tuple(_block(b, unit, where) for b in section.blocks))


def _block(block: Block, unit, where: str) -> Block:
    if isinstance(block, Paragraph):
        return Paragraph(unit(block.text, "paragraph", f"Paragraph in {where}."))
    intro = None
    after = ""
    if block.intro is not None:
        intro = unit(block.intro, "list introduction", f"Paragraph introducing a bulleted list, in {where}.")
        after = f", after “{block.intro.text}”"
    items = tuple(unit(item, "list item", f"Bulleted list item in {where}{after}.") for item in block.items)
    return BulletList(items, intro)


def segments(page: Page) -> list[Segment]:
    """Every segment of the page, in reading order (duplicates included)."""
    found: list[Segment] = []

    def collect(segment: Segment) -> str:
        found.append(segment)
        return segment.text

    walk(page, collect)
    return found
