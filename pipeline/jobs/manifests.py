"""The manifests in output/.state/: one typed record per file, one reader and one writer per type.

    extract.json             ExtractManifest   each source page: its digests, its slug, or its error
    catalogs/<locale>.json   LocaleManifest    each page in that locale: a LocalePage
    catalogs/group-<n>.json  GroupManifest     the digest of each locale manifest one update job wrote
    render/shard-<n>.json    RenderManifest    each page of the shard: the files written, what from
    site.json                SiteManifest      the site-wide files and index pages, what they were made from
    memory/<locale>.json     MemoryManifest    the locale's translation memory, and what it was built from
    qa/<locale>.json         QaMemoManifest    QA's issues for each entry text of the locale checked lately

(ledgers/<job>.json: see ledger.py.) Every manifest records its `version`. One that cannot be read
as this code writes it (missing, not JSON, another version, another shape) is absent: the job that
writes it runs again, from nothing (fail closed). Bump a VERSION whenever a manifest's shape changes.

Problems (errors, QA findings) are stored as values (`errors.Problem`, `review.findings.Finding`),
never as text to be taken apart again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, Self, TypeVar, cast

from pipeline import fsio
from pipeline.errors import Problem

if TYPE_CHECKING:  # imported when a locale manifest is read or written: not by every job that imports this module
    from pipeline.drafts.memory import Row as MemoryRow
    from pipeline.review.findings import Finding
    from pipeline.review.postedit import PostEdit, Signoff
    from pipeline.review.publish import Counts


class Manifest(Protocol):
    VERSION: ClassVar[int]

    def to_json(self) -> dict[str, object]: ...

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Self: ...


M = TypeVar("M", bound=Manifest)


def read(path: Path, kind: type[M]) -> M | None:
    """The manifest at `path`, or None when there is none this code can read (see the module's docstring).

    Read again from the same bytes, it is the same object: `serve` runs every job in one process, and
    its render and site jobs read the same locale manifests at every save. Manifests are values: no
    caller changes one it read."""
    raw = fsio.read_own(path)
    if raw is None:
        return None
    key = (str(path), kind.__name__)
    hit = _read.get(key)
    if hit is not None and hit[0] == raw:
        return cast(M, hit[1])
    data = _decoded(raw, kind)
    if data is None:
        return None
    try:
        manifest = kind.from_json(data)
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    _read[key] = (raw, manifest)
    return manifest


_read: dict[tuple[str, str], tuple[bytes, object]] = {}  # (path, kind) -> the bytes last read and their manifest


def stored_pages(path: Path, kind: type[M]) -> dict[str, object]:
    """The `pages` of a manifest as stored (JSON), unread, for a digest of what it says about them (empty
    when there is no manifest this code can read). Cheaper than `read`: the render job's check that
    nothing changed names the locale manifests' entries this way."""
    data = _stored(path, kind)
    pages = data.get("pages") if data is not None else None
    return pages if isinstance(pages, dict) else {}


def _stored(path: Path, kind: type[M]) -> dict[str, Any] | None:
    raw = fsio.read_own(path)
    return _decoded(raw, kind) if raw is not None else None


def _decoded(raw: bytes, kind: type[M]) -> dict[str, Any] | None:
    try:
        data = json.loads(raw.decode("utf-8"))
    except ValueError:  # UnicodeDecodeError included
        return None
    return data if isinstance(data, dict) and data.get("version") == kind.VERSION else None


def write(path: Path, manifest: Manifest) -> None:
    # Compact on purpose: json's C encoder only serves indent=None (indenting costs 10x the time).
    data = {"version": manifest.VERSION, **manifest.to_json()}
    fsio.write_text(path, json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n")


# What JSON gives back, checked: a manifest whose values have other types is not this code's.
def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, found {value!r}")
    return value


def _opt_str(value: Any) -> str | None:
    return None if value is None else _str(value)


def _int(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"expected an integer, found {value!r}")
    return value


def _opt_int(value: Any) -> int | None:
    return None if value is None else _int(value)


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"expected true or false, found {value!r}")
    return value


def _strs(value: Any) -> tuple[str, ...]:
    return tuple(_str(v) for v in value)


def _ints(value: Any) -> dict[str, int]:
    return {_str(k): _int(v) for k, v in value.items()}


def problem_to_json(problem: Problem | None) -> dict[str, object] | None:
    if problem is None:
        return None
    return {"path": problem.path, "line": problem.line, "severity": problem.severity, "check": problem.check,
            "message": problem.message}


def problem_from_json(data: Any) -> Problem | None:
    if data is None:
        return None
    severity = data["severity"]
    if severity not in ("error", "warning"):
        raise ValueError(f"unknown severity {severity!r}")
    return Problem(_opt_str(data["path"]), _opt_int(data["line"]), severity, _str(data["message"]),
                   _opt_str(data["check"]))


# extract.json
@dataclass(frozen=True, slots=True)
class SourcePage:
    """What the extract job recorded of one source page. A page with an `error` has no version
    anywhere until it is fixed; its other fields say how far the job got."""

    source_digest: str | None = None  # the source page's bytes
    code_and_config: str | None = None  # the code and the effective configuration it was read with (state.stamp)
    template_digest: str | None = None  # the bytes of the template it gave
    slug: str | None = None
    slug_line: int | None = None  # the line of its URL Slug
    error: Problem | None = None
    interface: bool = False  # the site's interface strings (site.pot, from the templates), not a source page
    crumbs: tuple[str, ...] = ()  # what the index pages and the sitemap show of it: its breadcrumb,
    title: str | None = None  # its title and meta description (in the source language)
    description: str | None = None
    lastmod: str | None = None  # YYYY-MM-DD: its template's POT-Creation-Date (the last change of its content)

    @property
    def builds(self) -> bool:
        """Whether the page has versions: its source parses and its slug is valid and its own."""
        return bool(self.slug) and self.error is None

    def to_json(self) -> dict[str, object]:
        return {"source_digest": self.source_digest, "code_and_config": self.code_and_config,
                "template_digest": self.template_digest, "slug": self.slug, "slug_line": self.slug_line,
                "error": problem_to_json(self.error), "interface": self.interface, "crumbs": list(self.crumbs),
                "title": self.title, "description": self.description, "lastmod": self.lastmod}

    @classmethod
    def from_json(cls, data: Any) -> SourcePage:
        return cls(_opt_str(data["source_digest"]), _opt_str(data["code_and_config"]),
                   _opt_str(data["template_digest"]), _opt_str(data["slug"]), _opt_int(data["slug_line"]),
                   problem_from_json(data["error"]), _bool(data["interface"]), _strs(data["crumbs"]),
                   _opt_str(data["title"]), _opt_str(data["description"]), _opt_str(data["lastmod"]))


@dataclass(frozen=True, slots=True)
class ExtractManifest:
    VERSION: ClassVar[int] = 2  # 2: the interface catalog's entry; each page's crumbs, title, description, lastmod
    pages: dict[str, SourcePage] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        return {"pages": {name: page.to_json() for name, page in self.pages.items()}}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ExtractManifest:
        return cls({_str(name): SourcePage.from_json(page) for name, page in data["pages"].items()})


# catalogs/<locale>.json
@dataclass(frozen=True, slots=True)
class LocalePage:
    """One page in one locale — what the summary and the status report call a version of the page:
    its state as the update job left it, and whether it is published and why not."""

    inputs: str | None = None  # names the template, the catalog's bytes, the code, configuration and glossary
    error: Problem | None = None  # the catalog (or the locale's glossary) cannot be read
    slug: str | None = None  # the reviewed, valid translated slug
    publishable: bool = False  # on its own merits (before the slugs of the locale's other pages are compared)
    published: bool = False
    reasons: tuple[str, ...] = ()  # why it is not published
    signoff_needed: bool = False
    counts: Counts = field(default_factory=lambda: _counts({}, {}))
    findings: tuple[Finding, ...] = ()
    postedit: PostEdit | None = None
    signoff: Signoff | None = None
    catalog_digest: str | None = None  # the bytes QA checked: the render publishes exactly these
    reviewed_digest: str | None = None  # what the catalog contributes to the translation memory
    memory_digest: str | None = None  # the translation memory its empty entries were drafted from
    lastmod: str | None = None  # YYYY-MM-DD: the later of the template's POT-Creation-Date and PO-Revision-Date
    reviewed_on: str | None = None  # YYYY-MM-DD: the clinical sign-off's date, else PO-Revision-Date
    # What index pages show of a published version: its reviewed breadcrumb (English -> translated), title
    # and meta description (empty for an unpublished one).
    crumbs: dict[str, str] = field(default_factory=dict)
    title: str | None = None
    description: str | None = None

    def to_json(self) -> dict[str, object]:
        from pipeline.review.postedit import PostEdit

        return {
            "inputs": self.inputs, "error": problem_to_json(self.error), "slug": self.slug,
            "publishable": self.publishable, "published": self.published, "reasons": list(self.reasons),
            "signoff_needed": self.signoff_needed, "counts": self.counts.as_dict(),
            "findings": [_finding_to_json(f) for f in self.findings],
            "postedit": {f.name: getattr(self.postedit, f.name) for f in fields(PostEdit)} if self.postedit else None,
            "signoff": {f.name: getattr(self.signoff, f.name) for f in fields(self.signoff)} if self.signoff else None,
            "catalog_digest": self.catalog_digest, "reviewed_digest": self.reviewed_digest,
            "memory_digest": self.memory_digest, "lastmod": self.lastmod, "reviewed_on": self.reviewed_on,
            "crumbs": self.crumbs, "title": self.title, "description": self.description,
        }

    @classmethod
    def from_json(cls, data: Any) -> LocalePage:
        from pipeline.review.postedit import PostEdit, Signoff

        counts = data["counts"]
        postedit, signoff = data["postedit"], data["signoff"]
        return cls(
            _opt_str(data["inputs"]), problem_from_json(data["error"]), _opt_str(data["slug"]),
            _bool(data["publishable"]), _bool(data["published"]), _strs(data["reasons"]),
            _bool(data["signoff_needed"]), _counts(_ints(counts["messages"]), _ints(counts["words"])),
            tuple(_finding_from_json(f) for f in data["findings"]),
            PostEdit(**{f.name: postedit[f.name] for f in fields(PostEdit)}) if postedit is not None else None,
            Signoff(_str(signoff["name"]), _str(signoff["email"]), _str(signoff["date"]),
                    _opt_str(signoff["fingerprint"])) if signoff else None,
            _opt_str(data["catalog_digest"]), _opt_str(data["reviewed_digest"]), _opt_str(data["memory_digest"]),
            _opt_str(data["lastmod"]), _opt_str(data["reviewed_on"]),
            {_str(k): _str(v) for k, v in data["crumbs"].items()}, _opt_str(data["title"]),
            _opt_str(data["description"]),
        )


def _counts(messages: dict[str, int], words: dict[str, int]) -> Counts:
    from pipeline.review.publish import Counts

    return Counts(messages, words)


def _finding_to_json(finding: Finding) -> dict[str, object]:
    return {f.name: getattr(finding, f.name) for f in fields(finding)}


def _finding_from_json(data: Any) -> Finding:
    from pipeline.review.findings import Finding

    return Finding(_str(data["check"]), _str(data["message"]), _int(data["line"]), _bool(data["blocking"]),
                   _opt_str(data["sub"]), _opt_str(data["accepted"]), _opt_str(data["path"]))


@dataclass(frozen=True, slots=True)
class LocaleManifest:
    VERSION: ClassVar[int] = 2  # 2: each page's lastmod, reviewed_on, crumbs, title, description
    locale: str
    pages: dict[str, LocalePage] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        return {"locale": self.locale, "pages": {name: page.to_json() for name, page in self.pages.items()}}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LocaleManifest:
        return cls(_str(data["locale"]), {_str(n): LocalePage.from_json(p) for n, p in data["pages"].items()})


# catalogs/group-<n>.json
@dataclass(frozen=True, slots=True)
class GroupManifest:
    """What one update job (a group of locales) wrote: its Snakemake output, which changes whenever
    one of its locale manifests does, so the jobs that read those run again."""

    VERSION: ClassVar[int] = 2  # 2: shared_inputs
    locale_manifests: dict[str, str]  # locale -> the digest of its manifest
    # Names what every locale of the group is updated from besides its own files: the code and
    # configuration, the extract manifest and the templates (a locale none of whose own files changed
    # since is not updated again while this is the same: see update.run_update_group).
    shared_inputs: str | None = None

    def to_json(self) -> dict[str, object]:
        return {"locale_manifests": self.locale_manifests, "shared_inputs": self.shared_inputs}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> GroupManifest:
        return cls({_str(k): _str(v) for k, v in data["locale_manifests"].items()}, _opt_str(data["shared_inputs"]))


# render/shard-<n>.json
@dataclass(frozen=True, slots=True)
class RenderedPage:
    inputs: str | None  # names the source, published versions and catalogs it was rendered from (None: render again)
    files: tuple[str, ...]  # project-relative: its published pages and previews
    # Each file -> what it was rendered from (its own part of `inputs`): when the page is rendered again,
    # only the files whose part changed are written (empty: every file).
    parts: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        return {"inputs": self.inputs, "files": list(self.files), "parts": self.parts}

    @classmethod
    def from_json(cls, data: Any) -> RenderedPage:
        return cls(_opt_str(data["inputs"]), _strs(data["files"]),
                   {_str(f): _str(k) for f, k in data["parts"].items()})


@dataclass(frozen=True, slots=True)
class RenderManifest:
    VERSION: ClassVar[int] = 2  # 2: each page's parts
    pages: dict[str, RenderedPage]
    shard_inputs: str | None  # names everything the shard's pages depend on (None: after an error)
    shards: int  # the number of shards the pages were divided into

    @property
    def files(self) -> list[str]:
        return [f for page in self.pages.values() for f in page.files]

    def to_json(self) -> dict[str, object]:
        return {"pages": {name: page.to_json() for name, page in self.pages.items()},
                "shard_inputs": self.shard_inputs, "shards": self.shards}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RenderManifest:
        return cls({_str(n): RenderedPage.from_json(p) for n, p in data["pages"].items()},
                   _opt_str(data["shard_inputs"]), _int(data["shards"]))


# site.json
@dataclass(frozen=True, slots=True)
class SiteManifest:
    VERSION: ClassVar[int] = 2  # 2: the home, index, chooser and 404 pages
    files: tuple[str, ...]  # project-relative: sitemap, robots.txt, assets, index pages, status report
    status_digest: str  # names the status data the report shows, the code and the configuration
    pages_inputs: str | None = None  # names what the index pages and the sitemap show (jobs/sitewide.py)
    pages: tuple[str, ...] = ()  # project-relative: the home, index, chooser and 404 pages

    def to_json(self) -> dict[str, object]:
        return {"files": list(self.files), "status_digest": self.status_digest, "pages_inputs": self.pages_inputs,
                "pages": list(self.pages)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SiteManifest:
        return cls(_strs(data["files"]), _str(data["status_digest"]), _opt_str(data["pages_inputs"]),
                   _strs(data["pages"]))


# memory/<locale>.json
@dataclass(frozen=True, slots=True)
class MemoryManifest:
    VERSION: ClassVar[int] = 1
    reviewed_digest: str  # names the reviewed entries of every catalog of the locale it was built from
    rows: tuple[MemoryRow, ...]  # see Memory.rows

    def to_json(self) -> dict[str, object]:
        return {"reviewed_digest": self.reviewed_digest, "rows": [list(row) for row in self.rows]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MemoryManifest:
        return cls(_str(data["reviewed_digest"]),
                   tuple((_opt_str(c), _str(i), _str(s), _strs(p)) for c, i, s, p in data["rows"]))


# qa/<locale>.json
@dataclass(frozen=True, slots=True)
class QaMemoManifest:
    VERSION: ClassVar[int] = 1
    checker: str  # names all a finding depends on besides its entry: code, configuration, glossary, locale data
    issues: dict[str, tuple[tuple[str, str | None, str], ...]]  # review.qa.entry_digest -> what Checker found

    def to_json(self) -> dict[str, object]:
        return {"checker": self.checker, "issues": {k: [list(i) for i in v] for k, v in self.issues.items()}}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> QaMemoManifest:
        return cls(_str(data["checker"]), {_str(k): tuple((_str(c), _opt_str(s), _str(m)) for c, s, m in v)
                                           for k, v in data["issues"].items()})

