"""Stage 2b: merge a translator's catalog with a new template, as GNU ``msgmerge --previous`` does.

- an unchanged message (same msgctxt and msgid) keeps its msgstr, flags and translator comments;
- a message whose text changed takes the most similar old translation (same msgctxt, ratio >= 0.6)
  as a fuzzy draft, with ``#| msgctxt``/``#| msgid`` holding the text it was translated from;
- an old translated message no longer in the template becomes obsolete (``#~``) and comes back,
  translation and state included, when its text returns;
- untranslated old messages are dropped; extracted comments and references follow the template;
  messages follow the template's order, obsolete ones last;
- format flags, the range and no-wrap follow the template, fuzzy follows the translator's file;
- a changed msgid_plural makes the entry fuzzy with ``#| msgid``/``#| msgid_plural``; a singular
  translation matched to a plural entry fills every plural form (fuzzy), a plural one matched to a
  singular entry gives its form 0 (fuzzy); a plural entry has as many forms as the locale has
  (``Plural-Forms`` of the catalog, else Babel's data for its ``Language``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import replace
from functools import lru_cache

from rapidfuzz.distance import LCSseq

from pipeline.po.catalog import Catalog, Key, Message

FUZZY_THRESHOLD = 0.6
_NPLURALS = re.compile(r"nplurals\s*=\s*(\d+)")


def plural_count(catalog: Catalog) -> int:
    """How many plural forms the catalog's language has: its Plural-Forms header, else Babel's data for
    its Language header, else 2 (English's, as msgmerge assumes)."""
    match = _NPLURALS.search(catalog.field("Plural-Forms") or "")
    if match and int(match.group(1)) >= 1:
        return int(match.group(1))
    language = catalog.field("Language")
    if language:
        from babel.messages.plurals import get_plural  # only a catalog without Plural-Forms needs it

        return get_plural(language).num_plurals
    return 2


def merge(template: Catalog, old: Catalog) -> tuple[Message, ...]:
    forms = plural_count(old)
    live = {m.key: m for m in old.messages if not m.obsolete}
    dead = {m.key: m for m in old.messages if m.obsolete}
    used: set[Key] = set()
    result: list[Message] = []
    pending: list[Message] = []
    for t in template.messages:
        t = _with_forms(t, forms)
        source = live.get(t.key) or dead.get(t.key)
        if source is not None:
            used.add(t.key)
            result.append(_carry(t, source, forms))
        else:
            result.append(t)
            pending.append(t)
    # msgmerge's candidates: translated in their first form, live or obsolete (none in a new catalog)
    candidates = [m for m in old.messages if (_form0(m) if m.msgid_plural is not None else m.msgstr)]
    if pending and candidates:
        result = _fuzzy_fill(result, pending, candidates, used, forms)
    return tuple(result) + _obsolete(old, result, used)


def _obsolete(old: Catalog, result: list[Message], used: set[Key]) -> tuple[Message, ...]:
    """Old translated entries the result does not hold: unused ones, and (unlike msgmerge) a plural one
    whose forms a singular draft kept only in part, so no translation is ever lost."""
    kept = {text for m in result for text in (m.msgstr, *m.msgstr_plural)}
    live = {m.key for m in result}
    return tuple(replace(m, obsolete=True, extracted_comments=(), references=()) for m in old.messages
                 if m.translated and m.key not in live
                 and (m.key not in used or not {m.msgstr, *m.msgstr_plural} - {""} <= kept))


def _with_forms(t: Message, forms: int) -> Message:
    """A template entry as the locale needs it: a plural one gets one empty msgstr[n] per plural form."""
    return t if t.msgid_plural is None else replace(t, msgstr_plural=("",) * forms)


def _carry(t: Message, old: Message, forms: int) -> Message:
    """The template's message with the translator's state from `old`: translation, fuzzy flag, comments."""
    fuzzy = old.fuzzy
    previous = (old.previous_msgctxt, old.previous_msgid, old.previous_msgid_plural) if fuzzy else (None,) * 3
    msgstr, msgstr_plural = t.msgstr, t.msgstr_plural
    if t.msgid_plural is None:
        msgstr = old.msgstr if old.msgid_plural is None else _form0(old)
    elif old.msgid_plural is None:
        msgstr_plural = (old.msgstr,) * forms
    else:
        msgstr_plural = old.msgstr_plural
    if old.msgid_plural != t.msgid_plural and old.translated:  # the plural changed, or the kind of entry
        previous = previous if fuzzy else (old.msgctxt, old.msgid, old.msgid_plural)  # a draft's #| stay
        fuzzy = True
    flags = tuple(f for f in t.flags if f != "fuzzy") if "fuzzy" in t.flags else t.flags
    # Built whole rather than with dataclasses.replace, which inspects every field on each call: this
    # runs once per entry of every catalog a rebuild merges.
    return Message(msgid=t.msgid, msgstr=msgstr, msgctxt=t.msgctxt, msgid_plural=t.msgid_plural,
                   msgstr_plural=msgstr_plural, flags=("fuzzy", *flags) if fuzzy else flags,
                   translator_comments=old.translator_comments, extracted_comments=t.extracted_comments,
                   references=t.references, previous_msgctxt=previous[0], previous_msgid=previous[1],
                   previous_msgid_plural=previous[2], obsolete=t.obsolete, line=t.line)


def _form0(m: Message) -> str:
    return m.msgstr_plural[0] if m.msgstr_plural else ""


def _fuzzy_fill(result: list[Message], pending: list[Message], candidates: list[Message], used: set[Key],
                forms: int) -> list[Message]:
    """Fuzzy drafts for the pending entries. Unlike msgmerge, a draft comes only from an entry of the
    same context (README: deliberate differences)."""
    replacements: dict[Key, Message] = {}
    drafted: set[Key] = set()
    indexes: dict[str | None, _Index] = {}
    for t in pending:
        if t.msgctxt not in indexes:
            indexes[t.msgctxt] = _Index([c for c in candidates if c.msgctxt == t.msgctxt])
        if not indexes[t.msgctxt].candidates:
            continue
        best = indexes[t.msgctxt].best_match(t.msgctxt, t.msgid)
        if best is None:
            continue
        drafted.add(best.key)
        keep = best.fuzzy  # a draft from a draft keeps the text that was translated (GNU: its #| lines, or none)
        replacements[t.key] = replace(
            _carry(t, best, forms).with_fuzzy(True),
            previous_msgctxt=best.previous_msgctxt if keep else best.msgctxt,
            previous_msgid=best.previous_msgid if keep else best.msgid,
            previous_msgid_plural=best.previous_msgid_plural if keep else best.msgid_plural,
        )
    used.update(drafted)
    return [replacements.get(m.key, m) if not m.translated else m for m in result]


def best_match(text: str, candidates: list[Message], threshold: float = FUZZY_THRESHOLD,
               msgctxt: str | None = None) -> Message | None:
    """The candidate msgmerge drafts the translation of `text` (in context `msgctxt`) from, if any."""
    return _Index(candidates, threshold).best_match(msgctxt, text)


class _Index:
    """msgmerge's fuzzy search (gettext's msgl-fsearch.c). The weight of a candidate is GNU's similarity
    of the two msgids in bytes (fstrcmp: twice the longest common subsequence over both lengths, which
    rapidfuzz's LCSseq computes bit-parallel in C), plus
    0.00001 when it has no context or the same one; the best weight above the threshold wins. For a
    msgid of four characters or more, only candidates sharing a sequence of four characters with it
    count, and equal weights go to the one sharing most such sequences, then to the first in the file;
    a shorter msgid is compared with every candidate of a length that can reach the threshold."""

    def __init__(self, candidates: list[Message], threshold: float = FUZZY_THRESHOLD) -> None:
        self.candidates = candidates
        self.threshold = threshold
        self.texts = [c.msgid.encode() for c in candidates]
        self.by_length: dict[int, list[int]] = {}
        for number, raw in enumerate(self.texts):
            self.by_length.setdefault(len(raw), []).append(number)
        self._by_gram: dict[str, list[int]] | None = None  # built at the first searches past _SCANS
        self._scans = 0

    def _sharing(self, grams: set[str], length: int) -> Iterable[int]:
        """The candidates that share a sequence of four characters with a text of `length` bytes. The
        first few searches scan the candidates (a rebuild after one edited sentence searches once per
        catalog: indexing every candidate's sequences would cost more than the search); later ones
        use an index of the sequences."""
        if self._by_gram is None and self._scans < _SCANS:
            self._scans += 1
            texts, threshold = self.texts, self.threshold
            return [n for n, c in enumerate(self.candidates)  # length first: what best_match would skip
                    if not _reach(length, len(texts[n])) < threshold and any(g in c.msgid for g in grams)]
        if self._by_gram is None:
            self._by_gram = {}
            for number, candidate in enumerate(self.candidates):
                text = candidate.msgid
                for gram in {text[i:i + 4] for i in range(len(text) - 3)}:
                    self._by_gram.setdefault(gram, []).append(number)
        by_gram = self._by_gram
        return set().union(*(by_gram.get(g, ()) for g in grams))

    def best_match(self, msgctxt: str | None, text: str) -> Message | None:
        raw = text.encode()
        if len(text) >= 4:
            grams = _four_grams(text)
            found: Iterable[int] = self._sharing(set(grams), len(raw))

            def rank(number: int) -> tuple[int, int]:  # GNU's order of trial: most sequences shared first
                shared = set(_four_grams(self.candidates[number].msgid))  # only for equal weights: rare
                return -sum(g in shared for g in grams), number
        else:
            ratio = 2 / self.threshold - 1  # the lengths whose similarity can reach the threshold
            lengths = range(math.ceil(len(raw) / ratio), int(len(raw) * ratio) + 1)
            found = [n for length in lengths for n in self.by_length.get(length, ())]

            def rank(number: int) -> tuple[int, int]:  # GNU's order of trial: shortest first
                return len(self.texts[number]), number
        # A candidate whose reach is below the best weight found so far cannot win, and is not compared.
        best, best_weight, length, texts = -1, self.threshold, len(raw), self.texts
        for number in found:
            other = texts[number]
            if _reach(length, len(other)) < best_weight:
                continue
            weight = self._weight(number, msgctxt, 2 * LCSseq.similarity(raw, other), length)
            if weight > best_weight or (weight == best_weight and best >= 0 and rank(number) < rank(best)):
                best, best_weight = number, weight
        return self.candidates[best] if best >= 0 else None

    def _weight(self, number: int, msgctxt: str | None, common: int, length: int) -> float:
        other = self.candidates[number].msgctxt
        similarity = common / (length + len(self.texts[number]))
        return similarity + _CONTEXT_BONUS if other is None or other == msgctxt else similarity


_CONTEXT_BONUS = 0.00001
_SCANS = 4  # searches of an index by scanning its candidates, before it indexes their sequences


def _reach(length: int, other: int) -> float:
    """The highest weight a candidate of `other` bytes can have against a text of `length` bytes: the
    shorter length's share of both (their longest common subsequence is at most the shorter), plus
    the bonus."""
    return 2 * min(length, other) / (length + other) + _CONTEXT_BONUS


@lru_cache(maxsize=256)  # the same text is searched in every locale's catalog (few kept: see below)
def _four_grams(text: str) -> tuple[str, ...]:
    """The sequences of four characters of `text`, at every position (a repeated one counts again).
    (Kept for 16,384 texts of the 1,000-page benchmark, they took 166 MB of an update process.)"""
    return tuple(text[i:i + 4] for i in range(len(text) - 3))


def similarity(a: str, b: str) -> float:
    """GNU's similarity (fstrcmp) of two texts, on their UTF-8 bytes as msgmerge compares them."""
    if not a and not b:
        return 1.0
    x, y = a.encode(), b.encode()
    return 2 * LCSseq.similarity(x, y) / (len(x) + len(y))
