"""Stage 1: read a copy deck (source/<page>.txt) into a `model.Page`.

The format, as copywriters deliver it:

    Page Title: …            header lines `Key: value`, all five keys required, once each
    Subtitle: …
    Meta Title: …
    Meta Description: …
    URL Slug: …
    Lede paragraph(s).
    Home > Section > Page    the breadcrumb (items separated by ' > ')
    Overview                 a heading: a few title-case words, no sentence-ending punctuation,
    Paragraph.                 or a short question; or any line written "## Heading"
    Intro to a list:         a paragraph ending in ':' introduces the list after it
    • item                   bullets: '•', '- ' or '* '; numbered steps: '1. ' or '1) '

What each body line is — markers, heuristics and the warnings for guesses — is `grammar`'s.
Every non-blank line ends up in exactly one block, so nothing is dropped or merged. The last
paragraph is the page's closing call to action when it asks the reader to act (grammar.cta_strength),
or when it is written "Call to action: …".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from pipeline import fsio
from pipeline.copydeck.grammar import (
    Reading,
    breadcrumb_items,
    cta_strength,
    is_faq_name,
    is_heading,
    read_lines,
    reading_notice,
)
from pipeline.copydeck.model import Anchor, Block, BulletList, OrderedList, Page, Paragraph, Section, Text
from pipeline.errors import PipelineError, Problem, SourceError
from pipeline.quantities import EMAIL, PHONE, URL

__all__ = ["Deck", "is_heading", "parse_deck", "parse_page", "read_deck", "read_page"]

HEADER_KEYS = {
    "page title": "title",
    "subtitle": "subtitle",
    "meta title": "meta_title",
    "meta description": "meta_description",
    "url slug": "slug",
}
OPTIONAL_KEYS = {  # medical review metadata: a visible line and reviewedBy / lastReviewed in the JSON-LD
    "medically reviewed by": "reviewed_by",
    "last reviewed": "last_reviewed",
}
HEADER_LINE = re.compile(r"([A-Za-z][A-Za-z]*(?: [A-Za-z]+){0,3})\s*:\s*(.*)")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Control, surrogate and private-use characters (Unicode categories Cc, Cs, Co) and line separators.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ue000-\uf8ff\U000f0000-\U0010ffff]")
ANCHOR_HINT = re.compile(r"@|://|www\.|\d[\s-]?\d[\s-]?\d[\s-]\d")
ANCHOR = re.compile(f"(?P<url>{URL})|(?P<mailto>{EMAIL})|(?P<tel>{PHONE})")  # protect's spelling: QA checks the same
CTA_NOTICES = {
    "weak": 'read as the closing call to action; write "Call to action: " before it to confirm it,'
            ' or "Paragraph: " if it is not one',
    "unread": 'read as a paragraph; write "Call to action: " before it if it is the closing call to action',
}


@dataclass(frozen=True, slots=True)
class Deck:
    """A parsed copy deck: the page, and a warning for every line whose role was a guess."""

    page: Page
    notices: tuple[Problem, ...] = field(default=())  # warnings: lines whose role was a guess


def read_page(path: Path, display: str | None = None) -> Page:
    """Parse the copy deck at `path`; errors name `display` (default: the path) and a line."""
    return read_deck(path, display).page


def read_deck(path: Path, display: str | None = None) -> Deck:
    name = display or str(path)
    try:
        data = fsio.read_bytes(path)  # never blocks: a FIFO there is refused
    except PipelineError as err:
        raise SourceError(err.message, name) from None
    if data is None:
        raise SourceError("cannot read: No such file or directory", name)
    return parse_deck(data, name, path.stem)


def parse_page(data: bytes, source: str, page_name: str) -> Page:
    return parse_deck(data, source, page_name).page


def parse_deck(data: bytes, source: str, page_name: str) -> Deck:
    """The page of a copy deck, with a warning for each guess; a SourceError for what cannot be read."""
    lines = _decode_lines(data, source)
    header, body_start = _read_header(lines, source)
    _check_slug(header["slug"], source)
    readings = read_lines(lines[body_start:], source, _indented(data))
    notices = [n for n in (reading_notice(r, source) for r in readings) if n is not None]
    body = _Body.assemble(readings, source)
    sections, closing = tuple(body.sections), body.closing
    if closing is None:
        plain = frozenset(r.text.line for r in readings if r.kind == "paragraph" and r.explicit)
        sections, closing, notice = _closing(sections, source, plain)
        notices += [notice] if notice else []
    page = Page(name=page_name, source=source, title=header["title"], subtitle=header["subtitle"],
                meta_title=header["meta_title"], meta_description=header["meta_description"], slug=header["slug"],
                lede=tuple(body.lede), breadcrumb=body.breadcrumb, sections=sections, closing=closing,
                reviewed_by=header.get("reviewed_by"), last_reviewed=header.get("last_reviewed"))
    return Deck(replace(page, anchors=find_anchors(page)), tuple(sorted(notices, key=lambda n: n.line or 0)))


def _indented(data: bytes) -> frozenset[int]:
    """The numbers of the lines that start with a space or a tab (after _decode_lines accepted them)."""
    return frozenset(n for n, raw in enumerate(data.split(b"\n"), start=1) if raw[:1] in (b" ", b"\t") and raw.strip())


def _decode_lines(data: bytes, source: str) -> list[Text]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise SourceError(
            f"not valid UTF-8: byte 0x{data[exc.start]:02x} at byte offset {exc.start}"
            " (save the file as UTF-8)",
            source,
            line,
        ) from None
    text = text.removeprefix("\ufeff")
    result = []
    for number, raw in enumerate(text.split("\n"), start=1):
        clean = raw.rstrip("\r").replace("\t", " ").strip()
        bad = CONTROL.search(clean)
        if bad is not None:
            raise SourceError(f"control character U+{ord(bad.group(0)):04X} in the text", source, number)
        result.append(Text(clean, number))
    return result


def _read_header(lines: list[Text], source: str) -> tuple[dict[str, Text], int]:
    found: dict[str, Text] = {}
    index = 0
    for index, line in enumerate(lines):  # noqa: B007 - index is where the body starts
        if not line.text:
            continue
        match = HEADER_LINE.fullmatch(line.text)
        complete = all(f in found for f in HEADER_KEYS.values())
        if match is None:
            break
        key = match.group(1).strip().lower()
        field = HEADER_KEYS.get(key) or OPTIONAL_KEYS.get(key)
        if field is None:
            if complete:
                break  # an ordinary paragraph such as "Note: …" after a complete header
            known = ", ".join(k.title().replace("Url", "URL") for k in HEADER_KEYS)
            optional = ", ".join(k.title() for k in OPTIONAL_KEYS)
            raise SourceError(f"unknown header key {match.group(1)!r} (expected one of: {known}; optional: {optional})",
                              source, line.line)
        if field in found:
            raise SourceError(f"header key {match.group(1)!r} repeated (first on line {found[field].line})",
                              source, line.line)
        value = match.group(2).strip()
        if not value:
            raise SourceError(f"header key {match.group(1)!r} has no value", source, line.line)
        if field == "last_reviewed":
            _check_date(value, source, line.line)
        found[field] = Text(value, line.line)
    else:
        index = len(lines)
    missing = [k for k, f in HEADER_KEYS.items() if f not in found]
    if missing:
        where = lines[index].line if index < len(lines) else (lines[-1].line if lines else 1)
        names = ", ".join(repr(k.title().replace("Url", "URL")) for k in missing)
        raise SourceError(f"missing header key(s) {names}: the header must come first, one 'Key: value' a line",
                          source, where)
    return found, index


def _check_date(value: str, source: str, line: int) -> None:
    import datetime

    try:
        ok = ISO_DATE.fullmatch(value) is not None and datetime.date.fromisoformat(value) is not None
    except ValueError:
        ok = False
    if not ok:
        raise SourceError(f"Last Reviewed {value!r} is not a date written YYYY-MM-DD (e.g. 2026-03-01)", source, line)


def _check_slug(slug: Text, source: str) -> None:
    from pipeline.review.publish import slug_problem

    problem = slug_problem(slug.text)
    if problem:
        raise SourceError(f"invalid URL Slug {slug.text!r}: {problem}", source, slug.line)


@dataclass(slots=True)
class _Open:
    """The section being read: its heading, blocks, closed sub-sections and the open one."""

    heading: Text | None
    blocks: list[Block] = field(default_factory=list)
    subsections: list[Section] = field(default_factory=list)
    sub: Section | None = None

    def target(self) -> list[Block]:
        return list(self.sub.blocks) if self.sub is not None else self.blocks

    def put(self, blocks: list[Block]) -> None:
        if self.sub is not None:
            self.sub = Section(self.sub.heading, tuple(blocks))
        else:
            self.blocks = blocks

    def open_sub(self, heading: Text) -> None:
        self._close_sub()
        self.sub = Section(heading, ())

    def close(self) -> Section | None:
        self._close_sub()
        if self.heading is None and not self.blocks:
            return None
        subs = tuple(self.subsections)
        questions = bool(subs) and all(s.heading is not None and s.heading.text.endswith("?") for s in subs)
        faq = bool(subs) and (questions or is_faq_name(self.heading.text if self.heading else ""))
        return Section(self.heading, tuple(self.blocks), subs, faq)

    def _close_sub(self) -> None:
        if self.sub is not None:
            self.subsections.append(self.sub)
            self.sub = None


@dataclass(slots=True)
class _Body:
    """The body of a deck, assembled from its readings: lede, breadcrumb, sections, call to action."""

    lede: list[Block] = field(default_factory=list)
    breadcrumb: tuple[Text, ...] = ()
    sections: list[Section] = field(default_factory=list)
    current: _Open | None = None  # None: still in the lede
    closing: Text | None = None

    @classmethod
    def assemble(cls, readings: list[Reading], source: str) -> _Body:
        body = cls()
        for i, reading in enumerate(readings):
            if reading.kind == "cta" and i != len(readings) - 1:
                raise SourceError("a call to action ('Call to action: …') must be the last line of the page",
                                  source, reading.text.line)
            body.add(reading)
        if not body.breadcrumb:
            raise SourceError(*_no_breadcrumb(readings, source))
        body.close_section()
        return body

    def add(self, reading: Reading) -> None:
        kind, text = reading.kind, reading.text
        if kind == "cta":
            self.closing = text
        elif kind == "breadcrumb":
            self.breadcrumb, self.current = breadcrumb_items(text), _Open(None)
        elif kind == "heading" and self.current is not None:
            self.close_section()
            self.current = _Open(text)
        elif kind == "subheading" and self.current is not None:
            self.current.open_sub(text)
        else:
            self._add_block(kind, text)

    def _add_block(self, kind: str, text: Text) -> None:
        blocks = self.current.target() if self.current is not None else self.lede
        if kind == "bullet":
            _add_item(blocks, text, BulletList)
        elif kind == "numbered":
            _add_item(blocks, text, OrderedList)
        else:
            blocks.append(Paragraph(text))
        if self.current is not None:
            self.current.put(blocks)

    def close_section(self) -> None:
        section = self.current.close() if self.current is not None else None
        if section is not None:
            self.sections.append(section)


def _no_breadcrumb(readings: list[Reading], source: str) -> tuple[str, str, int | None]:
    """Where the breadcrumb is missing: before the first line that reads as a heading on its own."""
    for reading in readings:
        if reading.explicit and reading.kind in ("heading", "subheading") or is_heading(reading.text.text):
            return ("no breadcrumb line ('Home > … > Page') between the lede and this heading", source,
                    reading.text.line)
    return "no breadcrumb line ('Home > … > Page') after the lede", source, readings[0].text.line if readings else None


def _add_item(blocks: list[Block], item: Text, kind: type[BulletList] | type[OrderedList]) -> None:
    last = blocks[-1] if blocks else None
    if isinstance(last, kind):
        blocks[-1] = kind(last.items + (item,), last.intro)
    elif isinstance(last, Paragraph) and last.text.text.endswith(":"):
        blocks[-1] = kind((item,), last.text)
    else:
        blocks.append(kind((item,)))


def _closing(sections: tuple[Section, ...], source: str,
             plain: frozenset[int] = frozenset()) -> tuple[tuple[Section, ...], Text | None, Problem | None]:
    """The last paragraph of the page, split off as the call to action when it asks the reader to act
    (unless a marker made it a paragraph: `plain`, the lines written "Paragraph: …" or "A: …")."""
    if not sections:
        return sections, None, None
    last = sections[-1]
    inner = last.subsections[-1] if last.subsections else last
    block = inner.blocks[-1] if inner.blocks else None
    if not isinstance(block, Paragraph) or block.text.line in plain:
        return sections, None, None
    strength = cta_strength(block.text.text)
    if strength is None:
        return sections, None, None
    if strength == "mention" or len(inner.blocks) < 2:
        return sections, None, Problem(source, block.text.line, "warning", CTA_NOTICES["unread"])
    inner = replace(inner, blocks=inner.blocks[:-1])
    last = replace(last, subsections=last.subsections[:-1] + (inner,)) if last.subsections else inner
    notice = Problem(source, block.text.line, "warning", CTA_NOTICES["weak"]) if strength == "weak" else None
    return sections[:-1] + (last,), block.text, notice


def find_anchors(page: Page) -> tuple[Anchor, ...]:
    """The phone numbers, e-mail addresses and URLs of the page's body text, as the source has them."""
    found = []
    for text in _linked_texts(page):
        if ANCHOR_HINT.search(text.text):  # most texts hold no link: skip the slow expression for them
            found += [Anchor(text.line, m.lastgroup or "", m.group(0)) for m in ANCHOR.finditer(text.text)]
    return tuple(dict.fromkeys(found))


def _linked_texts(page: Page) -> Iterator[Text]:
    """The texts that may hold links: subtitle, paragraphs, lists and the call to action (no headings,
    breadcrumb or metadata)."""
    yield page.subtitle
    sections = [s for top in page.sections for s in (top, *top.subsections)]
    for block in (*page.lede, *(b for s in sections for b in s.blocks)):
        if isinstance(block, Paragraph):
            yield block.text
        else:
            yield from ((block.intro,) if block.intro else ()) + block.items
    if page.closing is not None:
        yield page.closing
