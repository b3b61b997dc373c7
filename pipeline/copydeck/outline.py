"""How a copy deck was read, line by line: the role, section and segment each line became.

`outline_lines` is the compact form the tests keep beside each fixture deck (`<page>.outline`);
`explain_lines` is what `clinic-l10n explain source/x.txt` prints, like a compiler showing its parse.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from pipeline.copydeck.model import Page
from pipeline.copydeck.parse import Deck
from pipeline.copydeck.segments import segments


@dataclass(frozen=True, slots=True)
class Row:
    line: int
    role: str
    section: str  # "" for the header, lede, breadcrumb and closing call to action
    text: str  # the segment's msgid
    context: str | None  # its msgctxt


def outline(page: Page) -> list[Row]:
    """One row per segment, in line order (a breadcrumb line has one per item)."""
    rows = [Row(s.line, s.role, s.section, s.text, s.context) for s in segments(page)]
    return sorted(rows, key=lambda row: row.line)


def outline_lines(page: Page) -> list[str]:
    """`line | role | section` for every line that holds text, once per line and role."""
    seen: dict[str, None] = {}
    for row in outline(page):
        seen.setdefault(" | ".join(str(part) for part in (row.line, row.role, row.section) if part), None)
    return list(seen)


def explain_lines(deck: Deck) -> list[str]:
    """Each segment with its place, role and section, then the warnings and a count."""
    page = deck.page
    lines = [_explained(page.source, row) for row in outline(page)]
    lines += [str(notice) for notice in deck.notices]
    count = len({row.line for row in outline(page)})
    lines.append(f"{page.source}: {count} lines, {len(outline(page))} segments, {len(deck.notices)} warning(s)")
    return lines


def _explained(source: str, row: Row) -> str:
    where = f" in “{row.section}”" if row.section else ""
    context = f" (msgctxt {json.dumps(row.context, ensure_ascii=False)})" if row.context else ""
    return f"{source}:{row.line}: {row.role}{where}: {json.dumps(row.text, ensure_ascii=False)}{context}"
