"""Translation memory: reviewed translations in the other pages' catalogs of the same locale.

A near match is difflib's similarity (`SequenceMatcher.ratio`, 2·M/T) of at least the threshold.
Its search is indexed, not all-pairs: the memory's texts are kept per context, sorted by length, and
rapidfuzz scores them by their longest common subsequence, which bounds difflib's ratio from above
(difflib's matching blocks are a common subsequence). A query reads the lengths near its own first
(LEVELS): the nearest text there by distance gives a ratio, and from then on only texts whose bound
can beat or tie the best ratio found are kept; difflib scores those best bound first, stopping as soon
as no bound left can beat it, and wider lengths are read only while the best is below their level.
The result is the one a comparison of every pair gives: the highest ratio, ties to the text the
memory holds first.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
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
        index, (context, text) = self._index, key
        best: tuple[float, int, Match] | None = None

        def consider(order: int, source: str) -> None:
            nonlocal best
            if best is not None and order == best[1]:
                return  # the best so far (the nearest text, scored before the others)
            if source == text or not _lengths_allow(text, source, threshold):
                return
            renderings = self.entries[(context, source)]
            counts = +Counter({s: len([p for p in pages if p != page]) for s, pages in renderings.items()})
            if not counts:
                return
            ratio = SequenceMatcher(None, text, source, autojunk=False).ratio()
            if ratio < threshold or (best is not None and (ratio, -order) <= (best[0], -best[1])):
                return
            msgstr = max(sorted(counts), key=lambda s: counts[s])
            owner = sorted(p for p in renderings[msgstr] if p != page)[0]
            best = (ratio, order, Match(msgstr, owner, source, ratio))

        # Lengths near the text's first: a text of another length cannot score more than its lengths allow
        # (`level`), so once the best match found reaches the level, no other length can beat or tie it.
        for level, spans in index.windows(context, text, threshold):
            if best is None:  # the nearest text by distance first: its ratio leaves out the texts that cannot beat it
                for order, source in index.nearest(context, text, threshold, spans):
                    consider(order, source)
            floor = max(threshold, best[0]) if best is not None else threshold  # less cannot beat or tie it
            for bound, order, source in index.scored(context, text, floor, spans):
                if best is not None and (bound < best[0] or (bound == best[0] and order > best[1])):
                    break  # sorted by bound: nothing left can beat the best (nor tie it, held earlier)
                consider(order, source)
            if best is not None and best[0] >= level:
                break
        return best[2] if best is not None else None


# The ratios whose length windows near() searches in turn (then the threshold's): most near matches in
# a memory are edits of a few characters, and each level searches only the lengths the last one did not.
LEVELS = (0.98, 0.95, 0.9)


class _NearIndex:
    """The memory's texts per context, sorted by length (then by the order the memory holds them)."""

    def __init__(self, keys: dict[Key, dict[str, list[str]]]) -> None:
        found: dict[str | None, list[tuple[int, int, str]]] = defaultdict(list)
        for order, (ctx, source) in enumerate(keys):
            found[ctx].append((len(source), order, source))
        self.rows = {ctx: sorted(rows) for ctx, rows in found.items()}
        self.lengths = {ctx: [length for length, _, _ in rows] for ctx, rows in self.rows.items()}
        self.texts = {ctx: [source for _, _, source in rows] for ctx, rows in self.rows.items()}

    def windows(self, context: str | None, text: str, threshold: float
                ) -> Iterator[tuple[float, list[tuple[int, int]]]]:
        """(level, spans of rows): first the rows of the lengths that allow a ratio of LEVELS[0] with
        `text`, then the rows each next level adds, down to the threshold's. No text outside a level's
        rows can reach that level."""
        lengths = self.lengths.get(context)
        if not lengths:
            return
        n, done = len(text), None
        for level in [*(lv for lv in LEVELS if lv > threshold), threshold]:
            lo = bisect_left(lengths, int(n * level / (2 - level)) - 1)
            hi = bisect_right(lengths, int(n * (2 - level) / level) + 1)
            spans = [(lo, hi)] if done is None else [(lo, done[0]), (done[1], hi)]
            yield level, [(a, b) for a, b in spans if a < b]
            done = (lo, hi)

    def nearest(self, context: str | None, text: str, floor: float, spans: list[tuple[int, int]]
                ) -> list[tuple[int, str]]:
        """(order, text) of the text of each span at the smallest distance from `text` (rapidfuzz's
        extractOne, which narrows its cutoff as it goes), if its bound may reach `floor`."""
        from rapidfuzz import process
        from rapidfuzz.distance import Indel

        rows, out = self.rows[context], []
        for lo, hi in spans:
            found = process.extractOne(text, self.texts[context][lo:hi], scorer=Indel.distance, processor=None,
                                       score_cutoff=_most(text, rows[hi - 1][0], floor))
            if found is not None:
                _, _, i = found
                out.append(rows[lo + i][1:])
        return out

    def scored(self, context: str | None, text: str, floor: float,
               spans: list[tuple[int, int]]) -> list[tuple[float, int, str]]:
        """(upper bound of the ratio, order, text) of every text in the rows `spans` of the context whose
        bound is at least `floor`, best bound first. The bound is 2·LCS/T, in the same arithmetic as
        difflib's 2·M/T (M ≤ LCS)."""
        from rapidfuzz import process
        from rapidfuzz.distance import Indel

        rows, n, out = self.rows[context], len(text), []
        for lo, hi in spans:
            found = process.extract(text, self.texts[context][lo:hi], scorer=Indel.distance, processor=None,
                                    score_cutoff=_most(text, rows[hi - 1][0], floor), limit=None)
            for _, distance, i in found:
                length, order, source = rows[lo + i]
                total = n + length
                bound = 2.0 * ((total - distance) // 2) / total if total else 1.0
                if bound >= floor:
                    out.append((bound, order, source))
        out.sort(key=lambda row: (-row[0], row[1]))
        return out


def _most(text: str, longest: int, floor: float) -> int:
    """The largest distance a text of at most `longest` characters may have from `text` with a bound of
    at least `floor` (bound = 1 - distance / total length)."""
    return int((len(text) + longest) * (1 - floor)) + 1


def _lengths_allow(a: str, b: str, threshold: float) -> bool:
    shorter, longer = sorted((len(a), len(b)))
    return longer == 0 or 2 * shorter / (shorter + longer) >= threshold
