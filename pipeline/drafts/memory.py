"""Translation memory: reviewed translations in the other pages' catalogs of the same locale."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from pipeline.po.catalog import Catalog, Key

Row = tuple[str | None, str, str, tuple[str, ...]]  # msgctxt, msgid, msgstr, the pages that hold it (reviewed)


@dataclass(frozen=True, slots=True)
class Match:
    msgstr: str
    page: str
    source: str  # the msgid the memory holds (differs from the query for a near match)
    ratio: float


@dataclass
class Memory:
    # key -> msgstr -> pages that hold it (reviewed)
    entries: dict[Key, dict[str, list[str]]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(list)))

    def add(self, page: str, catalog: Catalog) -> None:
        for m in catalog.messages:
            if not m.obsolete and m.reviewed and m.msgid_plural is None:
                self.entries[m.key][m.msgstr].append(page)

    def rows(self) -> tuple[Row, ...]:
        """The memory as rows (to keep it between runs)."""
        return tuple((ctx, msgid, msgstr, tuple(pages)) for (ctx, msgid), renderings in self.entries.items()
                     for msgstr, pages in renderings.items())

    @classmethod
    def from_rows(cls, rows: Iterable[Row]) -> Memory:
        memory = cls()
        for ctx, msgid, msgstr, pages in rows:
            memory.entries[(ctx, msgid)][msgstr] = list(pages)
        return memory

    def exact(self, key: Key, page: str) -> Match | None:
        options = {s: [p for p in pages if p != page] for s, pages in self.entries.get(key, {}).items()}
        options = {s: pages for s, pages in options.items() if pages}
        if not options:
            return None
        best = max(sorted(options), key=lambda s: len(options[s]))  # the most used rendering, then A-Z
        return Match(best, sorted(options[best])[0], key[1], 1.0)

    def near(self, key: Key, page: str, threshold: float) -> Match | None:
        context, text = key
        best: Match | None = None
        for (ctx, source), renderings in self.entries.items():
            if ctx != context or source == text or not _lengths_allow(text, source, threshold):
                continue
            matcher = SequenceMatcher(None, text, source, autojunk=False)
            if matcher.quick_ratio() < threshold:
                continue
            ratio = matcher.ratio()
            if ratio < threshold or (best is not None and ratio <= best.ratio):
                continue
            counts = Counter({s: len([p for p in pages if p != page]) for s, pages in renderings.items()})
            counts = +counts
            if counts:
                msgstr = max(sorted(counts), key=lambda s: counts[s])
                owner = sorted(p for p in renderings[msgstr] if p != page)[0]
                best = Match(msgstr, owner, source, ratio)
        return best


def _lengths_allow(a: str, b: str, threshold: float) -> bool:
    shorter, longer = sorted((len(a), len(b)))
    return longer == 0 or 2 * shorter / (shorter + longer) >= threshold
