"""Post-editing analysis: did the reviewer change the drafts, and how much?

For each reviewed entry that pre-fill drafted (its provenance comment says so), the draft is
recovered — a machine draft from the MT cache (the engine's output for that masked text), a memory
draft from the translation memory — and compared with the reviewed text. Per page and locale:
how many drafts were accepted unchanged and the mean post-edit distance (0 % unchanged, 100 %
rewritten). A version whose reviewed text is mostly unchanged machine drafts (by source words,
above `review.max_unchanged_machine_share`) was bulk-accepted, not reviewed: it is published only
once a named reviewer signs the catalog with the header

    X-Clinical-Review: Name <email>, YYYY-MM-DD
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.drafts.provenance import MACHINE, MEMORY, machine_origin, origin_of
from pipeline.po.catalog import Catalog, Key, Message

if TYPE_CHECKING:
    from pipeline.drafts.masks import Masked
    from pipeline.drafts.memory import Memory

SIGNOFF_FIELD = "X-Clinical-Review"
SIGNOFF = re.compile(r"(?P<name>[^<>,]*[^<>,\s])\s*<(?P<email>[^<>@\s]+@[^<>@\s]+\.[^<>@\s]+)>\s*,\s*"
                     r"(?P<date>\d{4}-\d{2}-\d{2})")


@dataclass(frozen=True, slots=True)
class PostEdit:
    reviewed: int = 0  # reviewed entries
    reviewed_words: int = 0
    drafted: int = 0  # reviewed entries whose draft was recovered
    unchanged: int = 0  # ... and accepted as drafted
    unknown: int = 0  # drafted entries whose draft is no longer in the cache or memory
    lost_machine: int = 0  # ... of them machine drafts: counted as accepted unchanged (fail closed)
    machine_unchanged_words: int = 0  # source words of machine drafts accepted unchanged
    distance: float = 0.0  # mean post-edit distance of the recovered drafts, 0..1

    @property
    def unchanged_share(self) -> float:
        return self.unchanged / self.drafted if self.drafted else 0.0

    @property
    def machine_share(self) -> float:
        """Share of the reviewed source words that are unchanged machine output."""
        return self.machine_unchanged_words / self.reviewed_words if self.reviewed_words else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {"reviewed": self.reviewed, "drafted": self.drafted, "unchanged": self.unchanged,
                "unknown": self.unknown, "lost_machine": self.lost_machine,
                "unchanged_share": round(self.unchanged_share, 4), "distance": round(self.distance, 4),
                "machine_unchanged_share": round(self.machine_share, 4)}


@dataclass(frozen=True, slots=True)
class Signoff:
    name: str
    email: str
    date: str


@dataclass(frozen=True, slots=True)
class Review:
    edit: PostEdit
    signoff: Signoff | None
    reasons: tuple[str, ...]  # why it is not published on this count

    def as_dict(self) -> dict[str, object]:
        """For the manifest and the status report."""
        signed = self.signoff
        return {"postedit": self.edit.as_dict(),
                "signoff": {"name": signed.name, "email": signed.email, "date": signed.date} if signed else None}


def analyse(template: Catalog, catalog: Catalog, draft_of: Callable[[Message], str | None]) -> PostEdit:
    """Compare each reviewed entry of `template`'s messages with the draft `draft_of` recovers for it."""
    found = catalog.by_key()
    reviewed = [m for t in template.messages if (m := found.get(t.key)) is not None and m.reviewed
                and m.msgid_plural is None]
    drafted = [(m, origin_of(m)) for m in reviewed if origin_of(m)]
    recovered = [(m, origin, draft) for m, origin in drafted if (draft := draft_of(m)) is not None]
    lost_machine = [m for m, origin in drafted if origin == MACHINE and draft_of(m) is None]
    distances = [1 - SequenceMatcher(None, draft, m.msgstr, autojunk=False).ratio() for m, _, draft in recovered]
    # A machine draft that cannot be recovered may have been accepted unchanged: it counts as such
    # (fail closed), so a bulk un-fuzzy is not published because the MT cache is not at hand.
    return PostEdit(
        reviewed=len(reviewed), reviewed_words=sum(_words(m) for m in reviewed), drafted=len(recovered),
        unchanged=sum(draft == m.msgstr for m, _, draft in recovered), unknown=len(drafted) - len(recovered),
        lost_machine=len(lost_machine), machine_unchanged_words=sum(_words(m) for m, origin, draft in recovered
                                    if origin == MACHINE and draft == m.msgstr) + sum(_words(m) for m in lost_machine),
        distance=sum(distances) / len(distances) if distances else 0.0)


def signoff(catalog: Catalog) -> tuple[Signoff | None, str | None]:
    """The catalog's clinical sign-off, or why its X-Clinical-Review header is not one."""
    value = catalog.field(SIGNOFF_FIELD)
    if value is None or not value.strip():
        return None, None
    match = SIGNOFF.fullmatch(value.strip())
    if match is None:
        return None, f"{SIGNOFF_FIELD} {value.strip()!r} is not 'Name <email>, YYYY-MM-DD'"
    try:
        datetime.date.fromisoformat(match.group("date"))
    except ValueError:
        return None, f"{SIGNOFF_FIELD} date {match.group('date')!r} is not a calendar date"
    return Signoff(match.group("name"), match.group("email"), match.group("date")), None


def unreviewed_reasons(edit: PostEdit, catalog: Catalog, threshold: float) -> list[str]:
    """Why this version needs a clinical sign-off it does not have (empty: publishable on this count)."""
    signed, problem = signoff(catalog)
    if problem:
        return [f"the sign-off header is invalid: {problem}"]
    if signed is not None or edit.machine_share <= threshold:
        return []
    lost = (f"; {edit.lost_machine} machine drafts could not be recovered (no MT cache here, and the engine"
            f" that made them cannot be asked again) and count as accepted unchanged" if edit.lost_machine else "")
    return [f"{edit.machine_share:.0%} of the reviewed text (by source words) is machine drafts accepted unchanged"
            f"{lost} (more than {threshold:.0%}): a bulk un-fuzzy is not a review; a clinical reviewer must check it"
            f" and sign the catalog with the header '{SIGNOFF_FIELD}: Name <email>, YYYY-MM-DD'"]


class Drafts:
    """Recovers the draft an entry was given: machine drafts from the MT cache, memory drafts from the
    translation memory. Reads each only when an entry needs it."""

    def __init__(self, cache: Path, memory: Path, source: str, target: str, do_not_translate: tuple[str, ...],
                 min_similarity: float, threshold: float) -> None:
        self.cache, self.memory_path = cache, memory
        self.source, self.target = source, target
        self.do_not_translate, self.min_similarity = do_not_translate, min_similarity
        self.threshold = threshold

    def review(self, page: str, template: Catalog, catalog: Catalog) -> Review:
        """The post-editing analysis of one version, its sign-off, and why it cannot be published yet."""
        edit = analyse(template, catalog, self.for_page(page, catalog))
        signed, _ = signoff(catalog)
        return Review(edit, signed, tuple(unreviewed_reasons(edit, catalog, self.threshold)))

    def for_page(self, page: str, catalog: Catalog) -> Callable[[Message], str | None]:
        wanted = [m for m in catalog.live if m.reviewed and origin_of(m) == MACHINE]
        machine = self._machine_drafts(wanted) if wanted else {}
        memory = self._memory() if any(m.reviewed and origin_of(m) == MEMORY for m in catalog.live) else None

        def draft_of(m: Message) -> str | None:
            if origin_of(m) == MACHINE:
                return machine.get(m.key)
            if memory is not None:
                match = memory.exact(m.key, page) or memory.near(m.key, page, self.min_similarity)
                return match.msgstr if match else None
            return None
        return draft_of

    def _machine_drafts(self, messages: list[Message]) -> dict[Key, str]:
        from pipeline.drafts.engines import unmarked
        from pipeline.drafts.masks import mask, protected_pattern
        from pipeline.drafts.mtcache import cached_results
        from pipeline.drafts.prefill import engine_text, slugify
        from pipeline.drafts.providers import APERTIUM

        pattern = protected_pattern(self.do_not_translate)
        masked = {m.key: mask(engine_text(m), pattern) for m in messages}
        results = cached_results(self.cache, self.source, self.target, (x.text for x in masked.values()))
        lost = [m for m in messages if not results.get(masked[m.key].text)]
        for text, answer in self._recomputed(lost, masked).items():
            results.setdefault(text, {})[APERTIUM] = answer
        drafts = {}
        for m in messages:
            by_provider = results.get(masked[m.key].text, {})
            origin = (machine_origin(m) or "").split(" ")[0]
            result = by_provider.get(origin) or next(iter(by_provider.values()), None)
            if result is not None and origin == APERTIUM:  # a pivot chain's answer marks unknown words
                result = unmarked(result)[0]
            draft = masked[m.key].restore(result) if result is not None else None
            if draft:
                drafts[m.key] = slugify(draft) if m.msgctxt == "URL slug" else draft
        return drafts

    def _recomputed(self, lost: list[Message], masked: dict[Key, Masked]) -> dict[str, str]:
        """Apertium's drafts the MT cache does not hold (a fresh clone, a CI machine: the cache is not
        in git), computed again with the pairs the provenance comment names and kept in the cache.
        Apertium is deterministic for a given package version; an online engine cannot be asked
        again here, and what cannot be recovered counts as accepted unchanged (see `analyse`)."""
        from pipeline.drafts.engines import ApertiumEngine, EngineError, apertium_modes
        from pipeline.drafts.mtcache import Cache
        from pipeline.drafts.providers import APERTIUM

        chains: dict[tuple[str, ...], list[str]] = {}
        for m in lost:
            origin = machine_origin(m) or ""
            if origin.startswith(APERTIUM + " "):
                chain = tuple(mode.strip() for mode in origin[len(APERTIUM) + 1:].split("|"))
                chains.setdefault(chain, []).append(masked[m.key].text)
        found: dict[str, str] = {}
        for chain, texts in chains.items():
            if not set(chain) <= apertium_modes():
                continue
            engine = ApertiumEngine(chain)
            texts = list(dict.fromkeys(texts))
            try:
                answers = dict(zip(texts, engine.translate(texts), strict=True))
            except EngineError:
                continue
            cache = Cache(self.cache, engine.provider, engine.engine, self.source, self.target)
            try:
                cache.store(answers)
            finally:
                cache.close()
            found.update(answers)
        return found

    def _memory(self) -> Memory:
        import json

        from pipeline.drafts.memory import Memory

        try:
            rows = json.loads(self.memory_path.read_text("utf-8")).get("rows", [])
        except (OSError, ValueError):
            rows = []
        return Memory.from_rows(rows)


def _words(m: Message) -> int:
    return len(m.msgid.split())
