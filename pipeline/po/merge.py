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

import re
from collections import Counter
from dataclasses import replace
from functools import lru_cache

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
    if pending:
        candidates = [m for m in old.messages if m.translated and not m.obsolete]
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
    """The template's message with the translator's state from `old`: translation, fuzzy flag, comments.
    (One `replace` per message: a cold update of 1,000 pages carries about 75,000 of them.)"""
    fuzzy = old.fuzzy
    previous = (old.previous_msgctxt, old.previous_msgid, old.previous_msgid_plural) if fuzzy else (None, None, None)
    msgstr, plural = t.msgstr, t.msgstr_plural
    if t.msgid_plural is None:
        msgstr = old.msgstr if old.msgid_plural is None else _form0(old)
    elif old.msgid_plural is None:
        plural = (old.msgstr,) * forms
    else:
        plural = old.msgstr_plural
    if old.msgid_plural != t.msgid_plural and old.translated:  # the plural changed, or the kind of entry
        fuzzy = True
        previous = (old.msgctxt, old.msgid, old.msgid_plural)
    flags = tuple(f for f in t.flags if f != "fuzzy")
    return replace(t, flags=("fuzzy",) + flags if fuzzy else flags, translator_comments=old.translator_comments,
                   msgstr=msgstr, msgstr_plural=plural, previous_msgctxt=previous[0], previous_msgid=previous[1],
                   previous_msgid_plural=previous[2])


def _form0(m: Message) -> str:
    return m.msgstr_plural[0] if m.msgstr_plural else ""


def _fuzzy_fill(result: list[Message], pending: list[Message], candidates: list[Message],
                used: set[Key], forms: int) -> list[Message]:
    replacements: dict[Key, Message] = {}
    drafted: set[Key] = set()
    for t in pending:
        best = best_match(t.msgid, [c for c in candidates if c.msgctxt == t.msgctxt],
                          FUZZY_THRESHOLD)
        if best is None:
            continue
        drafted.add(best.key)
        keep = best.fuzzy and best.previous_msgid is not None  # a draft keeps the text it was translated from
        replacements[t.key] = replace(
            _carry(t, best, forms).with_fuzzy(True),
            previous_msgctxt=best.previous_msgctxt if keep else best.msgctxt,
            previous_msgid=best.previous_msgid if keep else best.msgid,
            previous_msgid_plural=best.previous_msgid_plural if keep else best.msgid_plural,
        )
    used.update(drafted)
    return [replacements.get(m.key, m) if not m.translated else m for m in result]


def best_match(text: str, candidates: list[Message], threshold: float) -> Message | None:
    """The candidate whose msgid is most similar to `text`, if more than `threshold` similar (the first
    of equals). The similarity is GNU's (fstrcmp): twice the longest common subsequence over the two
    lengths."""
    best, best_ratio = None, threshold
    for c in candidates:
        total = len(text) + len(c.msgid)
        if _ratio(min(len(text), len(c.msgid)), total) < best_ratio \
                or _ratio(_common_characters(text, c.msgid), total) < best_ratio:
            continue  # both bound the similarity from above (difflib's real_quick_ratio and quick_ratio)
        if not _four_grams(text) & _four_grams(c.msgid):
            continue  # msgmerge's index only offers candidates that share a sequence of four characters
        ratio = similarity(text, c.msgid)
        if ratio > best_ratio:
            best, best_ratio = c, ratio
    return best


def _ratio(matches: int, length: int) -> float:
    return 2.0 * matches / length if length else 1.0


def _common_characters(a: str, b: str) -> int:
    """How many characters the two texts have in common, counted with repeats (difflib's quick_ratio)."""
    return sum((_characters(a) & _characters(b)).values())


@lru_cache(maxsize=1 << 14)
def _characters(text: str) -> Counter[str]:
    return Counter(text)


@lru_cache(maxsize=1 << 14)
def _four_grams(text: str) -> frozenset[str]:
    return frozenset(text[i:i + 4] for i in range(len(text) - 3))


def similarity(a: str, b: str) -> float:
    if not a and not b:
        return 1.0
    return 2 * _lcs_length(a, b) / (len(a) + len(b))


def _lcs_length(a: str, b: str) -> int:
    """Length of the longest common subsequence (rapidfuzz's bit-parallel LCS, in C)."""
    from rapidfuzz.distance import LCSseq

    return int(LCSseq.similarity(a, b))
