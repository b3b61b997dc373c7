"""Stage 3: draft every empty entry for human review — translation memory first, then MT.

Never touches an entry that has a msgstr (fuzzy or not). Every draft is fuzzy and carries a
translator comment naming where it came from (spelled in provenance.py), so nothing drafted is
published unreviewed.

Machine translation sees masked text (protect.py); a draft whose masks do not come back intact
is not written. Results are cached (mtcache.py), so no text is sent to an engine twice.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, replace

from pipeline.copydeck.model import URL_SLUG
from pipeline.drafts.engines import Engine, EngineError, unmarked
from pipeline.drafts.masks import PLACEHOLDER, Masked, mask
from pipeline.drafts.memory import Memory
from pipeline.drafts.mtcache import Cache
from pipeline.drafts.provenance import machine_note, memory_note, provenance_comment
from pipeline.jobs.progress import Progress
from pipeline.po.catalog import Catalog, Message

log = logging.getLogger("clinic_l10n")


@dataclass
class Outcome:
    memory: int = 0
    machine: int = 0
    masks_lost: int = 0
    unusable: int = 0  # answers that were not text a catalog can hold (dropped)
    failed: str | None = None


def fill_from_memory(page: str, catalog: Catalog, memory: Memory, threshold: float, outcome: Outcome) -> Catalog:
    messages = []
    for m in catalog.messages:
        if m.obsolete or m.translated or m.msgid_plural is not None:
            messages.append(m)
            continue
        exact = memory.exact(m.key, page)
        match = exact or memory.near(m.key, page, threshold)
        if match is None:
            messages.append(m)
            continue
        outcome.memory += 1
        note = memory_note(match.page, None if exact else match.ratio)
        messages.append(replace(m.with_fuzzy(True), msgstr=match.msgstr, translator_comments=_noted(m, note),
                                previous_msgid=None if exact else match.source,
                                previous_msgctxt=None))
    return replace(catalog, messages=tuple(messages))


def fill_from_machine(catalogs: dict[str, Catalog], engine: Engine, cache: Cache, pattern: re.Pattern[str],
                      outcome: Outcome, label: str = "drafts") -> dict[str, Catalog]:
    """One batch for every empty entry of every page: cached texts first, the rest in one engine run
    (or in the engine's batches, with progress on stderr under `label`)."""
    wanted: dict[str, Masked] = {}
    for catalog in catalogs.values():
        for m in catalog.messages:
            if not m.obsolete and not m.translated and m.msgid_plural is None:
                masked = mask(engine_text(m), pattern)
                wanted[masked.text] = masked
    results = cache.lookup(wanted)
    missing = [t for t in wanted if t not in results]
    step = engine.batch_size or len(missing) or 1
    progress = Progress(label, len(missing), "entries", "drafting", engine.provider)
    for start in range(0, len(missing), step):
        chunk = missing[start:start + step]
        try:
            translated = engine.translate(chunk)
        except EngineError as err:
            outcome.failed = str(err)
            break
        fresh = {src: out for src, out in zip(chunk, translated, strict=True) if out.strip() and _usable(out)}
        outcome.unusable += sum(1 for out in translated if out.strip() and not _usable(out))
        cache.store(fresh)
        results.update(fresh)
        progress.advance(len(chunk))
    progress.finish(f"{len(missing):,} entries sent to {engine.provider}, {progress.done:,} answered"
                    f" ({len(results):,} drafts with the cache's)")
    return {page: _apply(catalog, results, pattern, engine.origin, engine.marks_unknown, outcome)
            for page, catalog in catalogs.items()}


def _apply(catalog: Catalog, results: dict[str, str], pattern: re.Pattern[str], origin: str, marks: bool,
           outcome: Outcome) -> Catalog:
    messages = []
    for m in catalog.messages:
        if m.obsolete or m.translated or m.msgid_plural is not None:
            messages.append(m)
            continue
        masked = mask(engine_text(m), pattern)
        answer = results.get(masked.text, "")
        unknown: tuple[str, ...] = ()
        if marks and answer:
            answer, unknown = unmarked(answer)
        draft = masked.restore(answer) if answer else None
        if answer and draft is None:
            outcome.masks_lost += 1
        if not draft:
            messages.append(m)
            continue
        left = leftovers(m, unknown)
        if m.msgctxt == URL_SLUG:
            draft = slugify(draft)
            left = tuple(dict.fromkeys(w.lower() for w in left))  # as the slug spells them
        outcome.machine += 1
        messages.append(replace(m.with_fuzzy(True), msgstr=draft,
                                translator_comments=_noted(m, machine_note(origin, left))))
    return replace(catalog, messages=tuple(messages))


def leftovers(m: Message, unknown: tuple[str, ...]) -> tuple[str, ...]:
    """Of the words the last pair of a pivot chain did not know, those that are not the source's own
    (a name such as "ketamine" passes through every pair unknown) nor a mask's placeholder."""
    own = {w.casefold() for w in re.findall(r"\w+", engine_text(m))}
    return tuple(w for w in unknown if w.casefold() not in own and not PLACEHOLDER.fullmatch(w))


def _usable(text: str) -> bool:
    """An engine's answer that can stand in a catalog: valid Unicode (no half of a surrogate pair,
    which UTF-8 cannot encode) and no control characters (a segment is one line of text)."""
    return not any(0xD800 <= ord(c) <= 0xDFFF or (c != "\t" and unicodedata.category(c) == "Cc") for c in text)


def engine_text(m: Message) -> str:
    """What the engine should translate: a slug is translated as the words it is made of."""
    return m.msgid.replace("-", " ") if m.msgctxt == URL_SLUG else m.msgid


def slugify(text: str) -> str:
    words = re.findall(r"[^\W_]+", text.lower())
    return "-".join(words)


def _noted(m: Message, note: str) -> tuple[str, ...]:
    kept = tuple(c for c in m.translator_comments if not provenance_comment(c))
    return kept + (note,)
