"""What may be published: a locale version of a page goes live only when a person reviewed all of it.

A version is published when every message of the page's template has a non-empty, non-fuzzy
translation in the locale's catalog, its translated URL slug is valid and unique in the locale,
and no blocking QA finding stands against it. Machine and memory drafts are fuzzy, so they are
never published unreviewed.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from pipeline.copydeck.model import URL_SLUG
from pipeline.drafts.provenance import MACHINE, MEMORY, near_match, origin_of
from pipeline.po.catalog import Catalog, Message

MAX_SLUG_BYTES = 200
QA_REASON = "QA: "  # a reason that is a blocking QA finding: "QA: <path:line: [check] message>"


# The reasons about a version's slug, spelled here (the summary counts them under one heading).
def invalid_slug_reason(slug: str, problem: str) -> str:
    return f"invalid {URL_SLUG} {slug!r}: {problem}"


def slug_clash_reason(slug: str, others: str, locale: str) -> str:
    return f"{URL_SLUG} {slug!r} is also the slug of {others} in {locale}"


def section_clash_reason(slug: str, item: str) -> str:
    return f"{URL_SLUG} {slug!r} is the address of the index page {item!r} (a breadcrumb item)"


def is_slug_clash(reason: str) -> bool:
    return reason.startswith(f"{URL_SLUG} ")


def is_slug_reason(reason: str) -> bool:
    return URL_SLUG in reason


# The review state of an entry, in the order the report stacks them.
STATES = ("reviewed", MACHINE, MEMORY, "outdated", "draft", "untranslated")
STATE_LABELS = {
    "reviewed": "reviewed", MACHINE: "machine draft", MEMORY: "memory draft",
    "outdated": "outdated after a source change", "draft": "draft (fuzzy)", "untranslated": "untranslated",
}


def state_of(m: Message | None) -> str:
    """Where an entry stands: reviewed, or which kind of draft, or untranslated. A source change
    (`#| msgid`) wins over where the draft first came from: that comment stays only as history."""
    if m is None or not m.translated:
        return "untranslated"
    if not m.fuzzy:
        return "reviewed"
    if m.previous_msgid is not None and not near_match(m):
        return "outdated"
    return origin_of(m) or "draft"


def state_against(wanted: Message, m: Message | None) -> str:
    """The state of `m` as the translation of the template's `wanted`. An entry whose form (singular
    or plural) is not the template's cannot be read as its translation with certainty: it counts as
    outdated (or untranslated), never as reviewed."""
    if m is not None and (m.msgid_plural is None) != (wanted.msgid_plural is None):
        return "outdated" if m.translated else "untranslated"
    return state_of(m)


@dataclass(frozen=True, slots=True)
class Counts:
    """Messages and source words by state (see STATES)."""

    messages: dict[str, int] = field(default_factory=dict)
    words: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.messages.values())

    def of(self, state: str) -> int:
        return self.messages.get(state, 0)

    @property
    def untranslated(self) -> int:
        return self.of("untranslated")

    @property
    def drafts(self) -> int:
        return self.total - self.of("reviewed") - self.untranslated

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {"messages": dict(self.messages), "words": dict(self.words)}


@dataclass(frozen=True, slots=True)
class Decision:
    """Whether one page in one locale (a version of the page) is published, and why not."""

    page: str
    locale: str
    slug: str | None
    published: bool
    reasons: tuple[str, ...] = ()
    counts: Counts = field(default_factory=Counts)


def slug_clashes(slugs: dict[str, str]) -> dict[str, list[str]]:
    """The slugs more than one page uses (page -> slug given): slug -> those pages, in order."""
    owners: dict[str, list[str]] = {}
    for name, slug in slugs.items():
        owners.setdefault(slug, []).append(name)
    return {slug: names for slug, names in owners.items() if len(names) > 1}


def slug_problem(slug: str) -> str | None:
    """Why `slug` cannot be a URL path segment, or None when it is valid.

    Valid: lowercase letters of any script (with their combining marks), digits, single inner
    hyphens; at most 200 bytes. Everything else, including '/', '.', '%', spaces, look-alike
    punctuation and control characters, is refused so no slug can leave its folder.
    """
    if not slug:
        return "the slug is empty"
    if len(slug.encode("utf-8")) > MAX_SLUG_BYTES:
        return f"the slug is longer than {MAX_SLUG_BYTES} bytes"
    if unicodedata.normalize("NFKC", slug) != slug:
        return "the slug holds look-alike or compatibility characters (it is not in Unicode normal form NFKC)"
    if slug.startswith("-") or slug.endswith("-") or "--" in slug:
        return "hyphens must join words: no leading, trailing or doubled hyphen"
    for i, c in enumerate(slug):
        if c == "-" or c.isdecimal() and c.isascii():
            continue
        category = unicodedata.category(c)
        if category.startswith("L") and not (c.isupper() or c.istitle()):
            continue
        if category in ("Mn", "Mc") and i > 0:
            continue
        if c.isupper() or c.istitle():
            return f"{c!r} is uppercase: slugs are lowercase"
        return f"{c!r} (U+{ord(c):04X}) is not allowed: use lowercase letters, digits and hyphens"
    return None


def count(template: Catalog, catalog: Catalog) -> Counts:
    """State of each template message in `catalog`, in messages and in source words."""
    found = catalog.by_key()
    messages = dict.fromkeys(STATES, 0)
    words = dict.fromkeys(STATES, 0)
    for t in template.messages:
        state = state_against(t, found.get(t.key))
        messages[state] += 1
        words[state] += len(t.msgid.split())
    return Counts(messages, words)


def decide(page: str, locale: str, template: Catalog, catalog: Catalog, slug_key: tuple[str | None, str],
           blocking: tuple[str, ...] = ()) -> Decision:
    counts = count(template, catalog)
    reasons = list(blocking)
    if counts.drafts:
        reasons.append(f"{counts.drafts} of {counts.total} entries are drafts awaiting review (fuzzy)")
    if counts.untranslated:
        reasons.append(f"{counts.untranslated} of {counts.total} entries are untranslated")
    entry: Message | None = catalog.by_key().get(slug_key)
    slug = entry.msgstr.strip() if entry is not None and entry.reviewed else None
    if slug is not None:
        problem = slug_problem(slug)
        if problem:
            reasons.append(invalid_slug_reason(slug, problem))
            slug = None
    return Decision(page, locale, slug, not reasons, tuple(reasons), counts)
