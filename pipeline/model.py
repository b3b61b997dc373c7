"""The typed model passed between stages. No I/O here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .locales import SiteLocale


@dataclass(frozen=True, slots=True)
class Text:
    """One line of the copy deck: its text and 1-based line number in the source file."""

    text: str
    line: int


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: Text


@dataclass(frozen=True, slots=True)
class BulletList:
    items: tuple[Text, ...]
    intro: Text | None = None  # the paragraph ending in ':' that introduces the list


Block = Paragraph | BulletList


@dataclass(frozen=True, slots=True)
class Section:
    heading: Text | None  # None: the blocks between the breadcrumb and the first heading
    blocks: tuple[Block, ...]


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class Segment:
    """One translatable unit. Its identity (`key`) is its text plus a context for some roles."""

    role: str
    text: str
    line: int
    context: str | None
    comment: str

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
