"""The typed model passed between stages. No I/O here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipeline.values import immutable

if TYPE_CHECKING:
    from pipeline.locales import SiteLocale


@immutable
class Text:
    """One line of the copy deck: its text and 1-based line number in the source file."""

    text: str
    line: int


@immutable
class Paragraph:
    text: Text


@immutable
class BulletList:
    items: tuple[Text, ...]
    intro: Text | None = None  # the paragraph ending in ':' that introduces the list


@immutable
class OrderedList:
    """Numbered steps (`1.` or `1)` in the copy deck); the numbers are the list's, not the text's."""

    items: tuple[Text, ...]
    intro: Text | None = None


Block = Paragraph | BulletList | OrderedList


@immutable
class Section:
    heading: Text | None  # None: the blocks between the breadcrumb and the first heading
    blocks: tuple[Block, ...]
    subsections: tuple[Section, ...] = ()  # under `### ` sub-headings (an FAQ's questions): <h3>
    faq: bool = False  # an FAQ: its subsections are questions, each answered by its blocks


@dataclass(frozen=True, slots=True)
class Anchor:
    """A phone number, e-mail address or URL of the source text: a link in every locale.

    The target is made from the source text (`text`) only; a translation is linked where it holds
    the same text (QA's `protected` check requires that it does)."""

    line: int
    kind: str  # one of ANCHOR_KINDS
    text: str


ANCHOR_KINDS = ("tel", "mailto", "url")


@immutable
class Page:
    name: str  # the source file's stem
    source: str  # the source file as messages name it: source/<name>.txt
    title: Text
    subtitle: Text
    meta_title: Text
    meta_description: Text
    slug: Text
    lede: tuple[Block, ...]
    breadcrumb: tuple[Text, ...]
    sections: tuple[Section, ...]
    closing: Text | None  # the closing call to action
    anchors: tuple[Anchor, ...] = ()  # links found in the source; kept as they are by segments.walk
    reviewed_by: Text | None = None  # `Medically Reviewed By:` (not translated: a name)
    last_reviewed: Text | None = None  # `Last Reviewed:` an ISO date (YYYY-MM-DD)


# The roles of the page's segments that are also their entries' msgctxt, spelled once: segments.walk
# gives them; the QA, the pre-fill, the post-editing analysis and the render read them.
PAGE_TITLE = "page title"
META_TITLE = "meta title"
META_DESCRIPTION = "meta description"
URL_SLUG = "URL slug"
BREADCRUMB = "breadcrumb"


@immutable
class Segment:
    """One translatable unit. Its identity (`key`) is its text plus a context for some roles."""

    role: str
    text: str
    line: int
    context: str | None
    comment: str
    section: str = ""  # where it sits, for people: "Overview", "FAQ > How long…?" (not part of identity)

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.context, self.text)


@dataclass(frozen=True, slots=True)
class Link:
    """One published version of a page: the unit of hreflang, the language switcher and the sitemap."""

    locale: SiteLocale
    slug: str
    base_url: str

    @property
    def href(self) -> str:
        return f"{self.base_url}/{self.locale.url_segment}/{self.slug}/"
