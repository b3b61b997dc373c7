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
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cydifflib import SequenceMatcher  # difflib's, in C (the same ratios)

from pipeline.copydeck.model import URL_SLUG
from pipeline.drafts.provenance import MACHINE, MEMORY, machine_origin, origin_of
from pipeline.po.catalog import Catalog, Key, Message

if TYPE_CHECKING:
    from pipeline.drafts.masks import Masked
    from pipeline.drafts.memory import Memory

SIGNOFF_FIELD = "X-Clinical-Review"
SIGNOFF = re.compile(r"(?P<name>[^<>,]*[^<>,\s])\s*<(?P<email>[^<>@\s]+@[^<>@\s]+\.[^<>@\s]+)>\s*,\s*"
                     r"(?P<date>\d{4}-\d{2}-\d{2})(?:\s*,\s*reviewed\s+(?P<fingerprint>[0-9a-f]{12}))?")


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
    fingerprint: str | None = None  # of the reviewed entries it covers (`clinic-l10n sign` writes it)

    def header(self) -> str:
        tail = f", reviewed {self.fingerprint}" if self.fingerprint else ""
        return f"{self.name} <{self.email}>, {self.date}{tail}"


@dataclass(frozen=True, slots=True)
class Review:
    edit: PostEdit
    signoff: Signoff | None
    reasons: tuple[str, ...]  # why it is not published on this count


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
    return Signoff(match.group("name"), match.group("email"), match.group("date"), match.group("fingerprint")), None


def reviewed_fingerprint(template: Catalog, catalog: Catalog) -> str:
    """Names the reviewed text of a version: every reviewed entry of the page, its source and its
    translation. A sign-off that names it covers exactly that text; any later change of a reviewed
    entry (or a new one reviewed) gives another fingerprint."""
    found = catalog.by_key()
    parts = [f"{m.msgctxt or ''}\x04{m.msgid}\x00{m.msgstr}" for t in template.messages
             if (m := found.get(t.key)) is not None and m.reviewed]
    return hashlib.sha256("\x01".join(parts).encode("utf-8")).hexdigest()[:12]


def stale_signoff(signed: Signoff, template: Catalog, catalog: Catalog) -> str | None:
    """Why a sign-off does not cover today's catalog, or None. With a fingerprint it covers the
    reviewed text it names; a header written by hand (no fingerprint) covers the catalog up to its
    date: a PO-Revision-Date after it (an editor's later save) means the text changed since."""
    if signed.fingerprint is not None:
        if signed.fingerprint != reviewed_fingerprint(template, catalog):
            return (f"the sign-off of {signed.name} ({signed.date}) covers another revision: reviewed entries"
                    f" changed since it was given")
        return None
    revised = (catalog.field("PO-Revision-Date") or "")[:10]
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", revised) and revised > signed.date:
        return (f"the sign-off of {signed.name} ({signed.date}) is older than the catalog's revision"
                f" (PO-Revision-Date {revised})")
    return None


def unreviewed_reasons(edit: PostEdit, catalog: Catalog, threshold: float,
                       template: Catalog | None = None) -> list[str]:
    """Why this version needs a clinical sign-off it does not have (empty: publishable on this count).
    `template`: the page's, to tell whether a sign-off still covers the reviewed text."""
    signed, problem = signoff(catalog)
    if problem:
        return [f"the sign-off header is invalid: {problem}"]
    if edit.machine_share <= threshold:
        return []
    stale = stale_signoff(signed, template or catalog, catalog) if signed is not None else None
    if signed is not None and stale is None:
        return []
    if stale is not None:
        return [f"{stale}; {edit.machine_share:.0%} of the reviewed text is machine drafts accepted unchanged:"
                f" sign again ('clinic-l10n sign <catalog> --reviewer \"Name <email>\"')"]
    lost = (f"; {edit.lost_machine} machine drafts could not be recovered (no MT cache here, and the engine"
            f" that made them cannot be asked again) and count as accepted unchanged" if edit.lost_machine else "")
    return [f"{edit.machine_share:.0%} of the reviewed text (by source words) is machine drafts accepted unchanged"
            f"{lost} (more than {threshold:.0%}): a bulk un-fuzzy is not a review; a clinical reviewer must check it"
            f" and sign the catalog with the header '{SIGNOFF_FIELD}: Name <email>, YYYY-MM-DD'"]


class Drafts:
    """Recovers the draft an entry was given: machine drafts from the MT cache, memory drafts from the
    translation memory. Reads each only when an entry needs it."""

    def __init__(self, cache: Path, memory: Callable[[], Memory], source: str, target: str,
                 do_not_translate: tuple[str, ...], min_similarity: float, threshold: float) -> None:
        self.cache, self.memory = cache, memory  # `memory`: reads the locale's translation memory
        self.source, self.target = source, target
        self.do_not_translate, self.min_similarity = do_not_translate, min_similarity
        self.threshold = threshold

    def review(self, page: str, template: Catalog, catalog: Catalog) -> Review:
        """The post-editing analysis of one version, its sign-off, and why it cannot be published yet."""
        edit = analyse(template, catalog, self.for_page(page, catalog))
        signed, _ = signoff(catalog)
        return Review(edit, signed, tuple(unreviewed_reasons(edit, catalog, self.threshold, template)))

    def for_page(self, page: str, catalog: Catalog) -> Callable[[Message], str | None]:
        wanted = [m for m in catalog.live if m.reviewed and origin_of(m) == MACHINE]
        machine = self._machine_drafts(wanted) if wanted else {}
        memory = self.memory() if any(m.reviewed and origin_of(m) == MEMORY for m in catalog.live) else None

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
                drafts[m.key] = slugify(draft) if m.msgctxt == URL_SLUG else draft
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


def _words(m: Message) -> int:
    return len(m.msgid.split())


REVIEWER = re.compile(r"(?P<name>[^<>,]*[^<>,\s])\s*<(?P<email>[^<>@\s]+@[^<>@\s]+\.[^<>@\s]+)>")


def signed_text(po: bytes, template: Catalog, reviewer: str, date: str, where: str) -> bytes:
    """The catalog's bytes with the header line ``X-Clinical-Review: Name <email>, date, reviewed
    <fingerprint>`` set (added, or replacing the one there), and nothing else changed: the rest of
    the file stays byte for byte as the translator's editor wrote it."""
    from pipeline.errors import PipelineError
    from pipeline.po.pofile import escape, read_po

    match = REVIEWER.fullmatch(reviewer.strip())
    if match is None:
        raise PipelineError(f"--reviewer {reviewer!r} is not 'Name <email>'", where)
    catalog = read_po(po, where)
    if not catalog.has_header:
        raise PipelineError("the catalog has no header entry: run 'snakemake all' first", where)
    value = Signoff(match.group("name"), match.group("email"), date, reviewed_fingerprint(template, catalog)).header()
    newline = b"\r\n" if b"\r\n" in po else b"\n"
    line = f'"{escape(SIGNOFF_FIELD + ": " + value)}\\n"'.encode() + (b"\r" if newline == b"\r\n" else b"")
    lines = po.split(b"\n")
    start = next(i for i, text in enumerate(lines) if text.startswith(b"msgstr"))  # the header entry's
    end = start + 1
    while end < len(lines) and lines[end].startswith(b'"'):
        end += 1
    existing = [i for i in range(start + 1, end) if lines[i].startswith(f'"{SIGNOFF_FIELD}:'.encode())]
    if existing:
        lines[existing[0]] = line
    else:
        lines.insert(end, line)
    result = b"\n".join(lines)
    after = read_po(result, where)
    if after.field(SIGNOFF_FIELD) != value or after.messages != catalog.messages:
        raise PipelineError("could not add the sign-off to the header without changing anything else", where)
    return result
