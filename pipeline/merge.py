"""Stage 2b: merge a translator's catalog with a new template, as GNU ``msgmerge --previous`` does.

- an unchanged message (same msgctxt and msgid) keeps its msgstr, flags and translator comments;
- a message whose text changed takes the most similar old translation (same msgctxt, ratio >= 0.6)
  as a fuzzy draft, with ``#| msgctxt``/``#| msgid`` holding the text it was translated from;
- an old translated message no longer in the template becomes obsolete (``#~``) and comes back,
  translation and state included, when its text returns;
- untranslated old messages are dropped; extracted comments and references follow the template;
  messages follow the template's order, obsolete ones last.
"""

from __future__ import annotations

from dataclasses import replace
from difflib import SequenceMatcher

from .catalog import Catalog, Key, Message

FUZZY_THRESHOLD = 0.6


def merge(template: Catalog, old: Catalog) -> tuple[Message, ...]:
    live = {m.key: m for m in old.messages if not m.obsolete}
    dead = {m.key: m for m in old.messages if m.obsolete}
    used: set[Key] = set()
    result: list[Message] = []
    pending: list[Message] = []
    for t in template.messages:
        source = live.get(t.key) or dead.get(t.key)
        if source is not None:
            used.add(t.key)
            result.append(_carry(t, source))
        else:
            result.append(t)
            pending.append(t)
    if pending:
        result = _fuzzy_fill(result, pending, [m for m in old.messages if m.key not in used and m.translated], used)
    obsolete = [replace(m, obsolete=True, extracted_comments=(), references=())
                for m in old.messages if m.key not in used and m.translated]
    return tuple(result) + tuple(obsolete)


def _carry(t: Message, old: Message) -> Message:
    """The template's message with the translator's state from `old`."""
    keep_previous = old.fuzzy
    return replace(
        t,
        msgstr=old.msgstr,
        msgid_plural=old.msgid_plural if old.msgid_plural is not None else t.msgid_plural,
        msgstr_plural=old.msgstr_plural,
        flags=old.flags,
        translator_comments=old.translator_comments,
        previous_msgctxt=old.previous_msgctxt if keep_previous else None,
        previous_msgid=old.previous_msgid if keep_previous else None,
        previous_msgid_plural=old.previous_msgid_plural if keep_previous else None,
    )


def _fuzzy_fill(result: list[Message], pending: list[Message], candidates: list[Message],
                used: set[Key]) -> list[Message]:
    replacements: dict[Key, Message] = {}
    for t in pending:
        best = best_match(t.msgid, [c for c in candidates if c.msgctxt == t.msgctxt and c.key not in used],
                          FUZZY_THRESHOLD)
        if best is None:
            continue
        used.add(best.key)
        replacements[t.key] = replace(
            _carry(t, best).with_fuzzy(True),
            previous_msgctxt=best.previous_msgctxt if best.fuzzy and best.previous_msgid else best.msgctxt,
            previous_msgid=best.previous_msgid if best.fuzzy and best.previous_msgid else best.msgid,
        )
    return [replacements.get(m.key, m) if not m.translated else m for m in result]


def best_match(text: str, candidates: list[Message], threshold: float) -> Message | None:
    """The candidate whose msgid is most similar to `text` (difflib ratio), if >= threshold."""
    best, best_ratio = None, threshold
    for c in candidates:
        matcher = SequenceMatcher(None, text, c.msgid, autojunk=False)
        if matcher.real_quick_ratio() < best_ratio or matcher.quick_ratio() < best_ratio:
            continue
        ratio = matcher.ratio()
        if ratio > best_ratio or (ratio == best_ratio and best is None):
            best, best_ratio = c, ratio
    return best
