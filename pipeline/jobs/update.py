"""Job `update` (per group of locales): templates -> merged catalogs, drafts for empty entries,
QA and the publication decision; manifest output/.state/catalogs/<locale>.json per locale."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from pipeline import fsio
from pipeline.catalogs import catalogcache
from pipeline.catalogs.refresh import check_header, updated
from pipeline.catalogs.template import DATE_FIELD, same_but_date
from pipeline.config import Settings
from pipeline.drafts.memory import Memory
from pipeline.errors import PipelineError
from pipeline.jobs.ledger import Recorder
from pipeline.jobs.progress import Progress
from pipeline.jobs.state import LOG_ONLY, at_end, key_of, load_manifest, report, save_manifest, stamp
from pipeline.locales import SiteLocale
from pipeline.paths import Project
from pipeline.po.catalog import Catalog, Key
from pipeline.po.pofile import format_po
from pipeline.review.postedit import Drafts
from pipeline.review.publish import QA_REASON, decide, slug_clashes
from pipeline.review.qa import Checker, read_glossary

log = logging.getLogger("clinic_l10n")
SLUG_KEY = ("URL slug", "")  # msgctxt of the slug entry; msgid filled per page


def run_update_group(project: Project, settings: Settings, group: int) -> list[str]:
    """Update the catalogs of every locale in one group (one job, one interpreter start)."""
    locales = settings.locale_groups()[group]
    record = Recorder(project)
    templates = _templates(project, record)  # read once for all the group's locales
    errors: list[str] = []
    for locale in locales:
        errors += run_update(project, settings, locale.gettext, templates, record)
    digests = {loc.gettext: fsio.digest(fsio.read_bytes(project.locale_manifest(loc.gettext)) or b"")[:24]
               for loc in locales}
    save_manifest(project.group_manifest(group), {"locales": digests})
    record.save(project.ledger(f"update-{group}"))
    return errors


def _templates(project: Project, record: Recorder) -> dict[str, tuple[bytes, str] | None]:
    """Each page's template whose source page parses: its bytes and their digest (None: no template).
    A page whose source has an error has no version anywhere until it is fixed (see jobs/extract.py)."""
    pages = load_manifest(project.extract_manifest).get("pages", {})
    found = {name: record.read(project.template(name)) for name in sorted(pages) if not pages[name].get("error")}
    return {name: (data, fsio.digest(data)) if data is not None else None for name, data in found.items()}


def run_update(project: Project, settings: Settings, code: str,
               templates: dict[str, tuple[bytes, str] | None] | None = None, record: Recorder | None = None
               ) -> list[str]:
    """Merge every page's template into locales/<locale>/LC_MESSAGES/<page>.po, pre-fill drafts for
    the empty entries (memory, then one machine-translation batch), and decide publication.

    A page is processed again when its template, catalog or the locale's glossary changed, or when it
    still has empty entries and the translation memory (the reviewed entries of all pages) changed."""
    locale = settings.locale(code)
    record = record or Recorder(project)
    path = project.locale_manifest(locale.gettext)
    old = load_manifest(path).get("pages", {})
    errors: list[str] = []
    checker, glossary_digest = _checker(project, settings, locale, record, errors)
    current = key_of(stamp(project), glossary_digest)
    pots = templates if templates is not None else _templates(project, record)
    present = {n: pot for n, pot in pots.items() if pot is not None}  # pages with a template
    pos: dict[str, bytes | None] = {}
    pages: dict[str, Any] = {}
    for name in present:
        try:
            pos[name] = record.read(project.catalog(locale.gettext, name))
        except PipelineError as err:  # unreadable: withdrawn until it can be read (its state is unknown)
            report(err, errors)
            pages[name] = _failed(err)
    work: dict[str, tuple[Catalog, Catalog]] = {}  # page -> (template, merged catalog)
    existing: dict[str, Catalog | None] = {}  # page -> the catalog as read (parsed once per job)

    def take(name: str) -> None:
        try:
            template, existing[name], merged = merge_catalog(project, locale, name, present[name][0], pos[name])
            work[name] = (template, merged)
        except PipelineError as err:
            report(err, errors)
            pages[name] = _failed(err)

    own = {n: key_of(current, present[n][1], record.digest_of(project.catalog(locale.gettext, n))) for n in pos}
    progress = Progress(f"update {locale.gettext}", len(own), "pages", "merging")
    for name in progress.each(own):
        prev = old.get(name, {})
        if prev.get("own") == own[name] and not prev.get("error"):
            pages[name] = prev
        else:
            take(name)
    memory_key = key_of(sorted((n, _reviewed_digest(work[n][1]) if n in work else pages.get(n, {}).get("reviewed"))
                               for n in own))
    for name, prev in list(pages.items()):
        if prev.get("counts", {}).get("messages", {}).get("untranslated", 0) and prev.get("memory") != memory_key:
            take(name)  # empty entries, and the memory changed: it may draft them now
    drafted = _prefill(project, settings, locale, work, pos, memory_key)
    drafts = _drafts(project, settings, locale)
    progress = Progress(f"update {locale.gettext}", len(work), "pages", "checking")
    for name, (template, catalog) in progress.each(list(work.items())):
        po_path = project.catalog(locale.gettext, name)
        try:
            written, lines = write_catalog(project, locale, name, catalog, pos[name], existing[name])
        except PipelineError as err:
            report(err, errors)
            pages[name] = _failed(err)
            record.used(po_path, pos[name])  # a save that raced with the write: the next run reads it
            continue
        record.used(po_path, written)
        status = _status(project, name, locale, template, catalog, checker, lines, drafts)
        if checker is None:  # glossary_digest holds the glossary's error: every page of the locale fails with it
            status["error"] = glossary_digest
        status["own"] = key_of(current, present[name][1], record.digest_of(po_path))
        status["catalog"] = fsio.digest(written)  # the bytes QA checked: the render publishes exactly these
        status["reviewed"] = _reviewed_digest(catalog)
        status["memory"] = memory_key
        pages[name] = status
    if drafted:
        log.info("%s: %s", locale.gettext, drafted)
    _unique_slugs(pages, project, locale)
    save_manifest(path, {"locale": locale.gettext, "pages": pages, "errors": errors})
    progress.finish(f"{len(pages):,} pages, {len(work):,} merged and checked, {len(errors):,} with a problem"
                    + (f"; {drafted}" if drafted else ""))
    return errors


def _reviewed_digest(catalog: Catalog) -> str:
    """What this catalog contributes to the translation memory."""
    return key_of(sorted([m.msgctxt or "", m.msgid, m.msgstr] for m in catalog.live if m.reviewed))


def _failed(err: PipelineError) -> dict[str, Any]:
    # Nothing of the last good state is kept (its counts included): what a run shows is a function of
    # today's files, the same whether or not the catalog was ever readable.
    return {"own": None, "error": str(err), "published": False, "publishable": False,
            "reasons": [f"catalog error: {err}"], "slug": None, "counts": {}}


def merge_catalog(project: Project, locale: SiteLocale, name: str, pot_bytes: bytes,
            po_bytes: bytes | None) -> tuple[Catalog, Catalog | None, Catalog]:
    """(template, the catalog as it is on disk or None, the catalog merged with the template).

    The read half of the job's read-modify-write of a translator's file; `write_catalog` is the
    write half. Public so that a save racing between the two can be tested (tests/test_catalog_safety_e2e.py)."""
    template = catalogcache.load(project, project.template(name), pot_bytes, keep=True)
    existing = None
    if po_bytes:  # an empty file holds nobody's work (a power cut before a new catalog reached the disk)
        where = project.relative(project.catalog(locale.gettext, name))
        existing = catalogcache.load(project, project.catalog(locale.gettext, name), po_bytes)
        check_header(existing, locale, where)
    return template, existing, updated(template, existing, locale)


def _prefill(project: Project, settings: Settings, locale: SiteLocale, work: dict[str, tuple[Catalog, Catalog]],
             pos: dict[str, bytes | None], memory_key: str) -> str:
    """Fill empty entries in place in `work`; returns a summary for the log."""
    if not any(not m.translated for _, c in work.values() for m in c.live):
        return ""
    from pipeline.drafts import engines, prefill  # only when something is to be drafted
    from pipeline.drafts.masks import protected_pattern
    from pipeline.drafts.mtcache import Cache

    outcome = prefill.Outcome()
    memory = _memory(project, locale, work, pos, memory_key)
    for name, (template, catalog) in list(work.items()):
        work[name] = (template, prefill.fill_from_memory(name, catalog, memory, settings.tm_min_similarity, outcome))
    engine = engines.engine_for(settings.machine_translation, settings.source_locale, locale)
    if engine is not None and any(not m.translated for _, c in work.values() for m in c.live):
        cache = Cache(project.root / settings.machine_translation.cache, engine.provider, engine.engine,
                      settings.source_locale.gettext, locale.gettext)
        try:
            filled = prefill.fill_from_machine({n: c for n, (_, c) in work.items()}, engine, cache,
                                               protected_pattern(settings.do_not_translate), outcome,
                                               label=f"update {locale.gettext}")
        finally:
            cache.close()
        work.update({n: (work[n][0], c) for n, c in filled.items()})
    if outcome.failed:
        log.warning("warning: machine translation for %s failed, its empty entries stay empty and the build goes"
                    " on: %s", locale.gettext, outcome.failed)
    if outcome.masks_lost:
        log.warning("warning: %s: %d machine drafts dropped because protected text (numbers, contacts, terms)"
                    " did not come back intact", locale.gettext, outcome.masks_lost)
    if outcome.unusable:
        log.warning("warning: %s: %d machine translations dropped: the engine answered with invalid text"
                    " (half of a surrogate pair or a control character)", locale.gettext, outcome.unusable)
    if not outcome.memory and not outcome.machine:
        return ""
    return f"drafted {outcome.memory} entries from translation memory, {outcome.machine} by machine translation"


def _memory(project: Project, locale: SiteLocale, work: dict[str, tuple[Catalog, Catalog]],
            pos: dict[str, bytes | None], memory_key: str) -> Memory:
    """The reviewed entries of all the locale's catalogs. `memory_key` names that set of entries, so
    the memory built for it last time is reused instead of reading every catalog again."""
    saved = load_manifest(project.memory(locale.gettext))
    if saved.get("key") == memory_key:
        return Memory.from_rows(saved["rows"])
    memory = Memory()
    for name, data in pos.items():
        if name in work:
            memory.add(name, work[name][1])
        elif data is not None:
            try:
                memory.add(name, catalogcache.load(project, project.catalog(locale.gettext, name), data))
            except PipelineError:
                continue  # reported by that page's own update
    save_manifest(project.memory(locale.gettext), {"key": memory_key, "rows": memory.rows()})
    return memory


def write_catalog(project: Project, locale: SiteLocale, name: str, catalog: Catalog, po_bytes: bytes | None,
                   existing: Catalog | None) -> tuple[bytes, dict[Key, int]]:
    """Write the catalog unless it equals what is on disk; refuse if the file changed since it was read.
    Returns the file's bytes and the line where each entry starts (for messages that name a line)."""
    po_path = project.catalog(locale.gettext, name)
    if po_bytes is not None and existing is not None and same_but_date(catalog, existing):
        return po_bytes, {m.key: m.line for m in existing.live}
    text, lines = format_po(catalog)
    data = text.encode("utf-8")
    # fsync when replacing a translator's file; a new catalog holds nobody's work yet (a crash just
    # means the next run writes it again), and 8,000 fsyncs were a fifth of a cold update.
    fsio.write_atomic(po_path, data, expect=po_bytes, durable=po_bytes is not None)
    # Kept with the lines of the file as written (the merged entries carry the old file's, or none), so a
    # later run that reads it from the cache names the right lines.
    written = [replace(m, line=lines[m.key]) if not m.obsolete and m.key in lines else m for m in catalog.messages]
    catalogcache.store(project, po_path, data, replace(catalog, messages=tuple(written)))
    return data, lines


def _checker(project: Project, settings: Settings, locale: SiteLocale, record: Recorder,
             errors: list[str]) -> tuple[Checker | None, str]:
    """The locale's QA checker and the digest of its glossary; no checker when the glossary cannot be
    read: then no page of the locale can be shown to follow it, and none is published."""
    path = project.glossary(locale.gettext)
    try:
        data = record.read(path)
        glossary = read_glossary(data, project.relative(path)) if data is not None else ()
    except PipelineError as err:
        report(err, errors)
        return None, str(err)
    return Checker(settings.source_locale, locale, glossary, settings.do_not_translate), fsio.digest(data or b"")


def _drafts(project: Project, settings: Settings, locale: SiteLocale) -> Drafts:
    return Drafts(project.root / settings.machine_translation.cache, project.memory(locale.gettext),
                  settings.source_locale.gettext, locale.gettext, settings.do_not_translate, settings.tm_min_similarity,
                  settings.max_unchanged_machine_share)


def _status(project: Project, name: str, locale: SiteLocale, template: Catalog, catalog: Catalog,
            checker: Checker | None, lines: dict[Key, int], drafts: Drafts) -> dict[str, Any]:
    where = project.relative(project.catalog(locale.gettext, name))
    findings = checker.catalog(template, catalog, lines) if checker is not None else []
    for finding in findings:  # a warning is printed once, when the page is checked; a blocking finding at
        problem = finding.problem(where)  # the end of every run while it stands (see pipeline/review/outcome.py)
        log.log(logging.ERROR if finding.blocking else logging.WARNING, "%s", problem,
                extra={LOG_ONLY: finding.blocking and at_end()})
    review = drafts.review(name, template, catalog)
    blocking = tuple(f"{QA_REASON}{finding.render(where)}" for finding in findings if finding.blocking) + review.reasons
    if checker is None:
        blocking += (f"the glossary {project.relative(project.glossary(locale.gettext))} cannot be read",)
    slug_entry = next((m for m in template.messages if m.msgctxt == SLUG_KEY[0]), None)
    slug_key = slug_entry.key if slug_entry else SLUG_KEY
    version = decide(name, locale.gettext, template, catalog, slug_key, blocking)
    return {
        "findings": [f.as_dict(where) for f in findings],
        "slug": version.slug,
        "publishable": version.published,
        "published": version.published,
        "reasons": list(version.reasons),
        "signoff_needed": bool(review.reasons),
        "counts": version.counts.as_dict(),
        **review.as_dict(),
        **_published_facts(template, catalog, review.signoff.date if review.signoff else None, version.published),
    }


LABELS = {"page title": "title", "meta description": "description"}  # msgctxt -> what index pages show


def _published_facts(template: Catalog, catalog: Catalog, signed: str | None, published: bool) -> dict[str, Any]:
    """What the site job needs of a version without reading its catalog: the reviewed translations of
    its breadcrumb, title and meta description (index pages), the date of its content's last change
    (the sitemap's lastmod: the later of the template's POT-Creation-Date and the catalog's
    PO-Revision-Date) and of its translation's review (the clinical sign-off, else PO-Revision-Date)."""
    created, revised = (_iso_date(catalog.field(f)) for f in (DATE_FIELD, "PO-Revision-Date"))
    facts: dict[str, Any] = {"lastmod": max(filter(None, (created, revised)), default=None),
                             "reviewed_on": signed or revised}
    if published:
        found = catalog.by_key()
        crumbs: dict[str, str] = {}
        for wanted in template.messages:
            message = found.get(wanted.key)
            if message is None or not message.reviewed:
                continue
            if wanted.msgctxt == "breadcrumb":
                crumbs[wanted.msgid] = message.msgstr
            elif wanted.msgctxt in LABELS:
                facts[LABELS[wanted.msgctxt]] = message.msgstr
        facts["crumbs"] = crumbs
    return facts


def _iso_date(value: str | None) -> str | None:
    """``2026-03-01 10:00+0100`` -> ``2026-03-01``; None for gettext's placeholder or anything else."""
    import datetime

    try:
        return datetime.date.fromisoformat((value or "")[:10]).isoformat()
    except ValueError:
        return None


def _unique_slugs(pages: dict[str, Any], project: Project, locale: SiteLocale) -> None:
    for entry in pages.values():
        entry["published"] = entry.get("publishable", False)
        entry["reasons"] = [r for r in entry.get("reasons", []) if not r.startswith("URL slug ")]
    slugs = {name: entry["slug"] for name, entry in pages.items() if entry.get("slug") and entry["publishable"]}
    for slug, names in slug_clashes(slugs).items():
        for name in names:
            others = ", ".join(n for n in names if n != name)
            pages[name]["published"] = False
            pages[name]["reasons"].append(f"URL slug {slug!r} is also the slug of {others} in {locale.gettext}")
            log.warning("%s: warning: URL slug %r is also used by %s; not published",
                        project.relative(project.catalog(locale.gettext, name)), slug, others)
