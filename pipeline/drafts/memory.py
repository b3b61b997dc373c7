"""Translation memory: reviewed translations in the other pages' catalogs of the same locale.

A near match is difflib's similarity (`SequenceMatcher.ratio`, 2·M/T) of at least the threshold.
Its search is indexed, not all-pairs: the memory's texts are kept per context, sorted by length, so a
query reads only the texts whose length allows the threshold; rapidfuzz scores those in one call by
their longest common subsequence, which bounds difflib's ratio from above (difflib's matching blocks
are a common subsequence), and difflib then scores the candidates best bound first, stopping as soon
as no bound left can beat the best found. The result is the one a comparison of every pair gives:
the highest ratio, ties to the text the memory holds first.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from cydifflib import SequenceMatcher  # difflib's, in C (the same ratios)

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
    _index: _NearIndex | None = field(default=None, init=False, repr=False, compare=False)

    def add(self, page: str, catalog: Catalog) -> None:
        for m in catalog.messages:
            if not m.obsolete and m.reviewed and m.msgid_plural is None:
                self.entries[m.key][m.msgstr].append(page)
        self._index = None

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
        """The most similar other text of the same context (ratio ≥ threshold) that another page holds
        reviewed, with its most used rendering; ties go to the text the memory holds first."""
        if self._index is None:
            self._index = _NearIndex(self.entries)
        context, text = key
        best: tuple[float, int, Match] | None = None
        for bound, order, source in self._index.candidates(context, text, threshold):
            if best is not None and (bound < best[0] or (bound == best[0] and order > best[1])):
                break  # sorted by bound: nothing left can beat the best (nor tie it, held earlier)
            if source == text or not _lengths_allow(text, source, threshold):
                continue
            renderings = self.entries[(context, source)]
            counts = +Counter({s: len([p for p in pages if p != page]) for s, pages in renderings.items()})
            if not counts:
                continue
            ratio = SequenceMatcher(None, text, source, autojunk=False).ratio()
            if ratio < threshold or (best is not None and (ratio, -order) <= (best[0], -best[1])):
                continue
            msgstr = max(sorted(counts), key=lambda s: counts[s])
            owner = sorted(p for p in renderings[msgstr] if p != page)[0]
            best = (ratio, order, Match(msgstr, owner, source, ratio))
        return best[2] if best is not None else None


class _NearIndex:
    """The memory's texts per context, sorted by length (then by the order the memory holds them).
    The candidates of a text do not depend on the page asking, so a text that is empty on several
    pages is scored once."""

    def __init__(self, keys: dict[Key, dict[str, list[str]]]) -> None:
        found: dict[str | None, list[tuple[int, int, str]]] = defaultdict(list)
        for order, (ctx, source) in enumerate(keys):
            found[ctx].append((len(source), order, source))
        self.rows = {ctx: sorted(rows) for ctx, rows in found.items()}
        self.lengths = {ctx: [length for length, _, _ in rows] for ctx, rows in self.rows.items()}
        self.texts = {ctx: [source for _, _, source in rows] for ctx, rows in self.rows.items()}
        self.found: dict[tuple[str | None, str, float], list[tuple[float, int, str]]] = {}

    def candidates(self, context: str | None, text: str, threshold: float) -> list[tuple[float, int, str]]:
        """(upper bound of the ratio, order, text) of every text that may reach the threshold, best
        bound first. The bound is 2·LCS/T, in the same arithmetic as difflib's 2·M/T (M ≤ LCS)."""
        query = (context, text, threshold)
        if query not in self.found:
            self.found[query] = self._scored(context, text, threshold)
        return self.found[query]

    def _scored(self, context: str | None, text: str, threshold: float) -> list[tuple[float, int, str]]:
        from rapidfuzz import process
        from rapidfuzz.distance import Indel

        rows, lengths = self.rows.get(context), self.lengths.get(context)
        if not rows or not lengths:
            return []
        n = len(text)
        lo = bisect_left(lengths, int(n * threshold / (2 - threshold)) - 1)
        hi = bisect_right(lengths, int(n * (2 - threshold) / threshold) + 1)
        if lo >= hi:
            return []
        longest = n + rows[hi - 1][0]
        most = int(longest * (1 - threshold)) + 1  # the largest distance any text of the window may have
        found = process.extract(text, self.texts[context][lo:hi], scorer=Indel.distance, processor=None,
                                score_cutoff=most, limit=None)
        out = []
        for _, distance, i in found:
            length, order, source = rows[lo + i]
            total = n + length
            bound = 2.0 * ((total - distance) // 2) / total if total else 1.0
            if bound >= threshold:
                out.append((bound, order, source))
        out.sort(key=lambda row: (-row[0], row[1]))
        return out


def _lengths_allow(a: str, b: str, threshold: float) -> bool:
    shorter, longer = sorted((len(a), len(b)))
    return longer == 0 or 2 * shorter / (shorter + longer) >= threshold
