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
    Paragraph.                 or a short line ending in '?'
    Intro to a list:         a paragraph ending in ':' introduces the bullets after it
    • item                   bullets: '•', '- ' or '* '; consecutive bullets are one list

Every non-blank line ends up in exactly one block, so nothing is dropped or merged. The last
paragraph is the page's closing call to action when it asks the reader to act (see CTA_VERBS).
"""

from __future__ import annotations

import re
from pathlib import Path

from .errors import SourceError
from .model import Block, BulletList, Page, Paragraph, Section, Text

HEADER_KEYS = {
    "page title": "title",
    "subtitle": "subtitle",
    "meta title": "meta_title",
    "meta description": "meta_description",
    "url slug": "slug",
}
HEADER_LINE = re.compile(r"([A-Za-z][A-Za-z]*(?: [A-Za-z]+){0,3})\s*:\s*(.*)")
# Control, surrogate and private-use characters (Unicode categories Cc, Cs, Co) and line separators.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ue000-\uf8ff\U000f0000-\U0010ffff]")
BULLET = re.compile(r"(?:•\s*|[-*]\s+)(.*)")
BREADCRUMB_SEP = " > "
SMALL_WORDS = frozenset(
    "a an and as at but by for from if in into is nor of on or per the to vs via with without &".split()
)
MAX_HEADING_WORDS = 10
MAX_QUESTION_HEADING_WORDS = 14
# A last paragraph that starts with one of these asks the reader to act: the closing call to action.
CTA_VERBS = ("arrange", "book", "call", "contact", "speak", "talk", "get in touch", "request",
             "schedule", "ask", "find out", "make an appointment", "enquire", "email", "phone")


def read_page(path: Path, display: str | None = None) -> Page:
    """Parse the copy deck at `path`; errors name `display` (default: the path) and a line."""
    name = display or str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"cannot read: {exc.strerror or exc}", name) from None
    return parse_page(data, name, path.stem)


def parse_page(data: bytes, source: str, page_name: str) -> Page:
    lines = _decode_lines(data, source)
    header, body_start = _read_header(lines, source)
    lede, breadcrumb, sections = _read_body(lines[body_start:], source)
    sections, closing = _split_closing(sections)
    return Page(
        name=page_name,
        source=source,
        lede=lede,
        breadcrumb=breadcrumb,
        sections=sections,
        closing=closing,
        **header,
    )


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
        complete = len(found) == len(HEADER_KEYS)
        if match is None:
            break
        key = match.group(1).strip().lower()
        field = HEADER_KEYS.get(key)
        if field is None:
            if complete:
                break  # an ordinary paragraph such as "Note: …" after a complete header
            known = ", ".join(k.title().replace("Url", "URL") for k in HEADER_KEYS)
            raise SourceError(f"unknown header key {match.group(1)!r} (expected one of: {known})",
                              source, line.line)
        if field in found:
            raise SourceError(f"header key {match.group(1)!r} repeated (first on line {found[field].line})",
                              source, line.line)
        value = match.group(2).strip()
        if not value:
            raise SourceError(f"header key {match.group(1)!r} has no value", source, line.line)
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


def _read_body(lines: list[Text], source: str) -> tuple[tuple[Block, ...], tuple[Text, ...], tuple[Section, ...]]:
    lede: list[Block] = []
    breadcrumb: tuple[Text, ...] = ()
    sections: list[Section] = []
    heading: Text | None = None
    blocks: list[Block] = lede
    for kind, text in _classify(lines, source):
        if kind == "breadcrumb" and not breadcrumb:
            breadcrumb = tuple(Text(item.strip(), text.line) for item in text.text.split(BREADCRUMB_SEP))
            blocks = []
        elif kind == "heading" and breadcrumb:
            _close_section(sections, heading, blocks)
            heading, blocks = text, []
        elif kind == "bullet":
            _add_bullet(blocks, text)
        else:
            blocks.append(Paragraph(text))
    if not breadcrumb:
        raise SourceError("no breadcrumb line ('Home > … > Page') after the lede", source,
                          lines[0].line if lines else None)
    _close_section(sections, heading, blocks)
    return tuple(lede), breadcrumb, tuple(sections)


def _classify(lines: list[Text], source: str):
    for line in lines:
        if not line.text:
            continue
        bullet = BULLET.fullmatch(line.text)
        if bullet:
            item = bullet.group(1).strip()
            if not item:
                raise SourceError("empty bullet", source, line.line)
            yield "bullet", Text(item, line.line)
        elif _is_breadcrumb(line.text):
            yield "breadcrumb", line
        elif is_heading(line.text):
            yield "heading", line
        else:
            yield "paragraph", line


def _is_breadcrumb(text: str) -> bool:
    items = text.split(BREADCRUMB_SEP)
    return len(items) >= 2 and all(item.strip() for item in items)


def is_heading(text: str) -> bool:
    """A short title-case line without sentence-ending punctuation, or a short question."""
    words = text.split()
    if not words:
        return False
    if text.endswith(("?", "？", "؟")):
        return len(words) <= MAX_QUESTION_HEADING_WORDS
    if len(words) > MAX_HEADING_WORDS or text[-1] in ".:;,!…" or not (text[0].isupper() or text[0].isdigit()):
        return False
    for word in words[1:]:
        core = word.strip("()[]\"'“”‘’«»,")
        if core and core[0].isalpha() and core.lower() not in SMALL_WORDS and not core[0].isupper():
            return False
    return True


def _add_bullet(blocks: list[Block], item: Text) -> None:
    last = blocks[-1] if blocks else None
    if isinstance(last, BulletList):
        blocks[-1] = BulletList(last.items + (item,), last.intro)
    elif isinstance(last, Paragraph) and last.text.text.endswith(":"):
        blocks[-1] = BulletList((item,), last.text)
    else:
        blocks.append(BulletList((item,)))


def _close_section(sections: list[Section], heading: Text | None, blocks: list[Block]) -> None:
    if heading is not None or blocks:
        sections.append(Section(heading, tuple(blocks)))


def _split_closing(sections: tuple[Section, ...]) -> tuple[tuple[Section, ...], Text | None]:
    if not sections or not sections[-1].blocks:
        return sections, None
    last = sections[-1]
    block = last.blocks[-1]
    if not isinstance(block, Paragraph) or len(last.blocks) < 2:
        return sections, None
    if not block.text.text.lower().startswith(CTA_VERBS):
        return sections, None
    return sections[:-1] + (Section(last.heading, last.blocks[:-1]),), block.text
