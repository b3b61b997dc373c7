"""Job `update` (per group of locales): templates -> merged catalogs, drafts for empty entries,
QA and the publication decision; manifest output/.state/catalogs/<locale>.json per locale."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path
from typing import NamedTuple

from pipeline import fsio
from pipeline.catalogs import catalogcache
from pipeline.catalogs.refresh import check_header, updated
from pipeline.catalogs.template import DATE_FIELD, same_but_date
from pipeline.config import Settings
from pipeline.copydeck.model import URL_SLUG
from pipeline.drafts.memory import Memory
from pipeline.errors import PipelineError, Problem
from pipeline.jobs import manifests
from pipeline.jobs.ledger import Ledger, Recorder, changes
from pipeline.jobs.ledger import load as load_ledger
from pipeline.jobs.manifests import (
    ExtractManifest,
    GroupManifest,
    LocaleManifest,
    LocalePage,
    MemoryManifest,
    QaMemoManifest,
)
from pipeline.jobs.progress import Progress
from pipeline.jobs.state import LOG_ONLY, at_end, code_and_config_digest, fingerprint, log_problem, previous, save
from pipeline.locales import SiteLocale
from pipeline.paths import Project
from pipeline.po.catalog import Catalog, Key
from pipeline.po.pofile import format_po
from pipeline.review.postedit import Drafts
from pipeline.review.publish import (
    QA_REASON,
    decide,
    is_slug_clash,
    section_clash_reason,
    slug_clash_reason,
    slug_clashes,
)
from pipeline.review.qa import Checker, read_glossary

log = logging.getLogger("clinic_l10n")
SLUG_KEY = (URL_SLUG, "")  # msgctxt of the slug entry; msgid filled per page
# Catalogs written together (see run_update): one sync to the disk for so many translators' files, and no more
# of their bytes held at once (~28 KB a translated page).
STAGED_AT_ONCE = 256


def run_update_group(project: Project, settings: Settings, group: int) -> None:
    """Update the catalogs of every locale in one group (one job, one interpreter start).

    A locale is updated only when one of its own files (catalogs, glossary) changed since the group's
    last run, or what all locales share (code, configuration, extract manifest, templates) did: a
    translator's save in one locale does not re-read and re-check the other locales of the group. Its
    ledger entries then carry over, so the next run still holds them against today's files."""
    locales = settings.locale_groups()[group]
    last = load_ledger(project.ledger(f"update-{group}"))
    record = Recorder(project, previous=last)
    templates = _templates(project, record)  # read once for all the group's locales
    extract = fsio.digest(fsio.read_bytes(project.extract_manifest) or b"")
    shared = fingerprint(code_and_config_digest(project), extract,
                         {name: t[1] if t else None for name, t in templates.items()})
    before = previous(project.group_manifest(group), GroupManifest)  # set aside when the job is stale
    for locale in locales:
        own = _own_entries(project, last, locale) if last is not None else None
        if own is not None and before is not None and before.shared_inputs == shared \
                and before.locale_manifests.get(locale.gettext) == _manifest_digest(project, locale) \
                and changes(project, own) == ([], []):
            record.ledger.reads.update(own.reads)
            log.info("%s: its catalogs and glossary did not change since the last run: not read again", locale.gettext)
            continue
        run_update(project, settings, locale.gettext, templates, record)
    digests = {loc.gettext: _manifest_digest(project, loc) for loc in locales}
    save(project.group_manifest(group), GroupManifest(digests, shared))
    record.save(project.ledger(f"update-{group}"))


def _manifest_digest(project: Project, locale: SiteLocale) -> str:
    return fsio.digest(fsio.read_bytes(project.locale_manifest(locale.gettext)) or b"")[:24]


def _own_entries(project: Project, ledger: Ledger, locale: SiteLocale) -> Ledger | None:
    """The entries of `ledger` that are the locale's own files: its catalogs and its glossary (None
    when it has none: a locale the group's last run did not read)."""
    folder = f"{project.relative(project.catalog_folder(locale.gettext))}/"
    glossary = project.relative(project.glossary(locale.gettext))
    reads = {name: entry for name, entry in ledger.reads.items() if name.startswith(folder) or name == glossary}
    return Ledger(reads) if reads else None


def _templates(project: Project, record: Recorder) -> dict[str, tuple[bytes, str] | None]:
    """Each page's template whose source page parses: its bytes and their digest (None: no template).
    A page whose source has an error has no version anywhere until it is fixed (see jobs/extract.py)."""
    extract = manifests.read(project.extract_manifest, ExtractManifest)
    pages = extract.pages if extract is not None else {}
    found = {name: record.read(project.template(name)) for name in sorted(pages) if pages[name].error is None}
    return {name: (data, fsio.digest(data)) if data is not None else None for name, data in found.items()}


def run_update(project: Project, settings: Settings, locale_code: str,
               templates: dict[str, tuple[bytes, str] | None] | None = None, record: Recorder | None = None
               ) -> None:
    """Merge every page's template into locales/<locale>/LC_MESSAGES/<page>.po, pre-fill drafts for
    the empty entries (memory, then one machine-translation batch), and decide publication.

    A page is processed again when its template, catalog or the locale's glossary changed, or when it
    still has empty entries and the translation memory (the reviewed entries of all pages) changed.
    Its problems are recorded in the locale's manifest (and logged): the run prints them at its end."""
    locale = settings.locale(locale_code)
    record = record or Recorder(project)
    path = project.locale_manifest(locale.gettext)
    last = manifests.read(path, LocaleManifest)
    old = last.pages if last is not None else {}
    checker, glossary_digest, glossary_error = _checker(project, settings, locale, record)
    current = fingerprint(code_and_config_digest(project), glossary_digest)
    pots = templates if templates is not None else _templates(project, record)
    present = {n: pot for n, pot in pots.items() if pot is not None}  # pages with a template
    pos = _Catalogs(project, locale, record)
    pages: dict[str, LocalePage] = {}
    digests: dict[str, str | None] = {}
    for name in present:
        try:
            digests[name] = record.digest_fast(project.catalog(locale.gettext, name))
        except PipelineError as err:  # unreadable: withdrawn until it can be read (its state is unknown)
            pages[name] = _failed(err.problem)
    work: dict[str, tuple[Catalog, Catalog]] = {}  # page -> (template, merged catalog)
    existing: dict[str, Catalog | None] = {}  # page -> the catalog as read (parsed once per job)

    def take(name: str) -> None:
        try:
            template, existing[name], merged = merge_catalog(project, locale, name, present[name][0], pos[name])
            work[name] = (template, merged)
        except PipelineError as err:
            pages[name] = _failed(err.problem)

    inputs = {n: fingerprint(current, present[n][1], digest) for n, digest in digests.items()}
    progress = Progress(f"update {locale.gettext}", len(inputs), "pages", "merging")
    for name in progress.each(inputs):
        prev = old.get(name)
        if prev is not None and prev.inputs == inputs[name] and prev.error is None:
            pages[name] = prev
        else:
            take(name)
    reviewed: dict[str, str] = {}  # page -> _reviewed_digest of its merged catalog

    def reviewed_of(name: str) -> str | None:
        """What a page gives the translation memory: from its merged catalog, computed once (drafting adds
        fuzzy entries only, so it is the same before and after _prefill), else from its last state."""
        if name not in work:
            page = pages.get(name)
            return page.reviewed_digest if page is not None else None
        if name not in reviewed:
            reviewed[name] = _reviewed_digest(work[name][1])
        return reviewed[name]

    memory_key = fingerprint(sorted((n, reviewed_of(n)) for n in inputs))
    for name, prev in list(pages.items()):
        if prev.counts.untranslated and prev.memory_digest != memory_key:
            take(name)  # empty entries, and the memory changed: it may draft them now
    drafted = _prefill(project, settings, locale, work, pos, list(digests), memory_key)
    drafts = _drafts(project, settings, locale)
    memo = _recall_qa(project, locale, checker, current) if checker is not None and len(work) >= QA_MEMO_MIN else None

    def fail(name: str, err: PipelineError) -> None:
        pages[name] = _failed(err.problem)
        record.used(project.catalog(locale.gettext, name), pos[name])  # a racing save: the next run reads it

    # The catalogs are written STAGED_AT_ONCE at a time: each is laid out and staged beside its file, the
    # staged replacements of translators' files are made durable together (one syncfs, not an fsync each),
    # then each is swapped in, still refusing to replace a save made since the file was read (fsio.put_in_place).
    progress = Progress(f"update {locale.gettext}", len(work), "pages", "checking")
    names = list(work)
    for batch in (names[first:first + STAGED_AT_ONCE] for first in range(0, len(names), STAGED_AT_ONCE)):
        laid: dict[str, Laid] = {}
        for name in batch:
            try:
                laid[name] = lay_out_catalog(project, locale, name, work[name][1], pos[name], existing[name])
            except PipelineError as err:
                fail(name, err)
        replacing = {n: it.staged for n, it in laid.items() if it.staged is not None and pos[n] is not None}
        try:
            fsio.make_durable(list(replacing.values()))
        except PipelineError as err:  # the disk failed: no translator's file is replaced
            for name in replacing:
                fail(name, PipelineError(err.message, project.catalog(locale.gettext, name)))
                del laid[name]
        for name, written in laid.items():
            template, catalog = work[name]
            po_path = project.catalog(locale.gettext, name)
            try:
                put_catalog(project, po_path, catalog, written)
            except PipelineError as err:
                fail(name, err)
                continue
            record.used(po_path, written.data)
            status = _status(project, name, locale, template, catalog, checker, written.lines, drafts)
            pages[name] = replace(
                status,
                error=glossary_error,  # the glossary's error: every page of the locale fails with it
                inputs=fingerprint(current, present[name][1], record.digest_of(po_path)),
                catalog_digest=fsio.digest(written.data),
                reviewed_digest=reviewed_of(name),
                memory_digest=memory_key,
            )
        progress.advance(len(batch))
    if memo is not None and checker is not None:
        _keep_qa(project, locale, checker, memo)
    if drafted:
        log.info("%s: %s", locale.gettext, drafted)
    pages = _unique_slugs(pages, project, locale)
    save(path, LocaleManifest(locale.gettext, pages))
    problems = {page.error for page in pages.values() if page.error is not None}  # a glossary's error counts once
    progress.finish(f"{len(pages):,} pages, {len(work):,} merged and checked, {len(problems):,} with a problem"
                    + (f"; {drafted}" if drafted else ""))


def _reviewed_digest(catalog: Catalog) -> str:
    """What this catalog contributes to the translation memory."""
    return fingerprint(sorted([m.msgctxt or "", m.msgid, m.msgstr] for m in catalog.live if m.reviewed))


def _failed(problem: Problem) -> LocalePage:
    """A page whose catalog cannot be read, its problem logged as it is found. Nothing of the last good
    state is kept (its counts included): what a run shows is a function of today's files, the same
    whether or not the catalog was ever readable."""
    log_problem(problem)
    return LocalePage(error=problem, reasons=(f"catalog error: {problem.located()}",))


def merge_catalog(project: Project, locale: SiteLocale, name: str, pot_bytes: bytes,
            po_bytes: bytes | None) -> tuple[Catalog, Catalog | None, Catalog]:
    """(template, the catalog as it is on disk or None, the catalog merged with the template).

    The read half of the job's read-modify-write of a translator's file; `lay_out_catalog` and
    `put_catalog` are the write half. Public so that a save racing between them can be tested
    (tests/test_catalog_safety_e2e.py)."""
    template = catalogcache.load(project, project.template(name), pot_bytes, keep=True)
    if not po_bytes:  # an empty file holds nobody's work (a power cut before a new catalog reached the disk)
        return template, None, updated(template, None, locale)
    path = project.catalog(locale.gettext, name)
    existing = catalogcache.load(project, path, po_bytes, defer=True)  # stored by lay_out_catalog if it stays
    try:
        check_header(existing, locale, project.relative(path))
        return template, existing, updated(template, existing, locale)
    except PipelineError:
        catalogcache.keep_deferred(project, path, po_bytes, kept=True)  # the page fails: the file stays as it is
        raise


def _prefill(project: Project, settings: Settings, locale: SiteLocale, work: dict[str, tuple[Catalog, Catalog]],
             pos: _Catalogs, names: list[str], memory_key: str) -> str:
    """Fill empty entries in place in `work`; returns a summary for the log."""
    if not any(not m.translated for _, c in work.values() for m in c.live):
        return ""
    from pipeline.drafts import engines, prefill  # only when something is to be drafted
    from pipeline.drafts.masks import protected_pattern
    from pipeline.drafts.mtcache import Cache

    outcome = prefill.Outcome()
    memory = _memory(project, locale, work, pos, names, memory_key)
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
            pos: _Catalogs, names: list[str], memory_key: str) -> Memory:
    """The reviewed entries of all the locale's catalogs. `memory_key` names that set of entries, so
    the memory built for it last time is reused instead of reading every catalog again."""
    saved = manifests.read(project.memory(locale.gettext), MemoryManifest)
    if saved is not None and saved.reviewed_digest == memory_key:
        return Memory.from_rows(saved.rows)
    memory = Memory()
    for name in names:
        if name in work:
            memory.add(name, work[name][1])
            continue
        try:
            data = pos[name]
            if data is not None:
                memory.add(name, catalogcache.load(project, project.catalog(locale.gettext, name), data))
        except PipelineError:
            continue  # reported by that page's own update
    save(project.memory(locale.gettext), MemoryManifest(memory_key, memory.rows()))
    return memory


class _Catalogs:
    """A locale's catalogs' bytes, each read when first asked for: in a rebuild after one save, most
    pages' catalogs are known unchanged by their stamps alone (Recorder.digest_fast) and never read."""

    def __init__(self, project: Project, locale: SiteLocale, record: Recorder) -> None:
        self.project, self.locale, self.record = project, locale, record
        self.read: dict[str, bytes | None] = {}

    def __getitem__(self, name: str) -> bytes | None:
        if name not in self.read:
            self.read[name] = self.record.read(self.project.catalog(self.locale.gettext, name))
        return self.read[name]


class Laid(NamedTuple):
    """A merged catalog as the job writes it (see `lay_out_catalog`)."""

    data: bytes
    lines: dict[Key, int]  # the line where each entry starts, for messages that name a line
    staged: fsio.Staged | None  # None: the file holds `data` already
    kept: bool  # the file stays as it is: it differs from the merged catalog only in its date


def lay_out_catalog(project: Project, locale: SiteLocale, name: str, catalog: Catalog, po_bytes: bytes | None,
                    existing: Catalog | None) -> Laid:
    """The catalog's bytes and lines, staged beside the file (fsio.stage) unless the file holds them
    already or is kept. ConflictError when the file changed since it was read. `put_catalog` puts it in place."""
    po_path = project.catalog(locale.gettext, name)
    if po_bytes is not None and existing is not None and same_but_date(catalog, existing):
        catalogcache.keep_deferred(project, po_path, po_bytes, kept=True)  # see merge_catalog
        return Laid(po_bytes, {m.key: m.line for m in existing.live}, None, kept=True)
    if po_bytes is not None:
        catalogcache.keep_deferred(project, po_path, po_bytes, kept=False)
    reuse = catalogcache.entry_texts(po_path, po_bytes, existing) if po_bytes and existing is not None else None
    text, lines = format_po(catalog, reuse)
    data = text.encode("utf-8")
    return Laid(data, lines, fsio.stage(po_path, data, expect=po_bytes), kept=False)


def put_catalog(project: Project, po_path: Path, catalog: Catalog, laid: Laid) -> None:
    """The write half of the job's read-modify-write: the staged catalog in place (ConflictError, and the
    save kept, when the file changed since it was read). A translator's file is replaced only after
    `fsio.make_durable`; a new catalog holds nobody's work yet (a crash just means the next run writes it
    again), and 8,000 fsyncs were a fifth of a cold update."""
    if laid.kept:
        return
    if laid.staged is not None:
        fsio.put_in_place(laid.staged)
    # Kept with the lines of the file as written (the merged entries carry the old file's, or none), so a
    # later run that reads it from the cache names the right lines.
    catalogcache.store(project, po_path, laid.data, catalog, laid.lines, laid_out=True)


def _checker(project: Project, settings: Settings, locale: SiteLocale,
             record: Recorder) -> tuple[Checker | None, str, Problem | None]:
    """The locale's QA checker, the digest of its glossary, and why the glossary cannot be read (logged
    here): then there is no checker, no page of the locale can be shown to follow it, and none is published."""
    path = project.glossary(locale.gettext)
    try:
        data = record.read(path)
        glossary = read_glossary(data, project.relative(path)) if data is not None else ()
    except PipelineError as err:
        log_problem(err.problem)
        return None, str(err), err.problem
    checker = Checker(settings.source_locale, locale, glossary, settings.do_not_translate)
    return checker, fsio.digest(data or b""), None


# A job that checks more than one catalog of a locale recalls QA's issues of the entry texts checked in
# earlier runs (an edit of a sentence on every page re-checks every catalog, and all but one of their
# entries are as they were). A translator's save re-checks one catalog: reading the memo (and writing it
# again with the one new text) would cost more than checking it.
QA_MEMO_MIN = 2


def _recall_qa(project: Project, locale: SiteLocale, checker: Checker, inputs: str) -> QaMemoManifest:
    """Let `checker` recall what a checker with its inputs found in entries with the same texts: `inputs`
    names the code, the configuration and the glossary; the CLDR and Unicode data the checks read are
    named here. A memo of other inputs is not read."""
    import unicodedata

    import babel

    key = fingerprint(inputs, locale.gettext, babel.__version__, unicodedata.unidata_version)
    saved = manifests.read(project.qa_memo(locale.gettext), QaMemoManifest)
    recalled = saved.issues if saved is not None and saved.checker == key else {}
    checker.remember(recalled)
    return QaMemoManifest(key, recalled)


def _keep_qa(project: Project, locale: SiteLocale, checker: Checker, before: QaMemoManifest) -> None:
    """Save the memo with what `checker` learned this run; when it holds many texts no catalog of this
    run had (edited or deleted since), it starts again from this run's."""
    learned = checker.learned
    if all(key in before.issues for key in learned):
        return
    kept = {**before.issues, **learned}
    if len(kept) > 2 * len(learned) + 50_000:
        kept = learned
    save(project.qa_memo(locale.gettext), QaMemoManifest(before.checker, kept))


def _drafts(project: Project, settings: Settings, locale: SiteLocale) -> Drafts:
    def memory() -> Memory:
        saved = manifests.read(project.memory(locale.gettext), MemoryManifest)
        return Memory.from_rows(saved.rows if saved is not None else ())

    return Drafts(project.root / settings.machine_translation.cache, memory,
                  settings.source_locale.gettext, locale.gettext, settings.do_not_translate, settings.tm_min_similarity,
                  settings.max_unchanged_machine_share)


def _status(project: Project, name: str, locale: SiteLocale, template: Catalog, catalog: Catalog,
            checker: Checker | None, lines: dict[Key, int], drafts: Drafts) -> LocalePage:
    where = project.relative(project.catalog(locale.gettext, name))
    findings = checker.catalog(template, catalog, lines, where) if checker is not None else []
    for finding in findings:  # a warning is printed once, when the page is checked; a blocking finding at
        problem = finding.problem()  # the end of every run while it stands (see pipeline/review/outcome.py)
        log.log(logging.ERROR if finding.blocking else logging.WARNING, "%s", problem,
                extra={LOG_ONLY: finding.blocking and at_end()})
    review = drafts.review(name, template, catalog)
    blocking = tuple(f"{QA_REASON}{finding.render()}" for finding in findings if finding.blocking) + review.reasons
    if checker is None:
        blocking += (f"the glossary {project.relative(project.glossary(locale.gettext))} cannot be read",)
    slug_entry = next((m for m in template.messages if m.msgctxt == SLUG_KEY[0]), None)
    slug_key = slug_entry.key if slug_entry else SLUG_KEY
    decision = decide(name, locale.gettext, template, catalog, slug_key, blocking)
    page = LocalePage(slug=decision.slug, publishable=decision.published, published=decision.published,
                      reasons=decision.reasons, signoff_needed=bool(review.reasons), counts=decision.counts,
                      findings=tuple(findings), postedit=review.edit, signoff=review.signoff)
    return _published_facts(page, template, catalog, review.signoff.date if review.signoff else None)


LABELS = {"page title": "title", "meta description": "description"}  # msgctxt -> what index pages show


def _published_facts(page: LocalePage, template: Catalog, catalog: Catalog, signed: str | None) -> LocalePage:
    """`page` with what the site job needs of a version without reading its catalog: the reviewed
    translations of its breadcrumb, title and meta description (index pages; of a published version
    only), the date of its content's last change (the sitemap's lastmod: the later of the template's
    POT-Creation-Date and the catalog's PO-Revision-Date) and of its translation's review (the
    clinical sign-off, else PO-Revision-Date)."""
    created, revised = (_iso_date(catalog.field(f)) for f in (DATE_FIELD, "PO-Revision-Date"))
    page = replace(page, lastmod=max(filter(None, (created, revised)), default=None), reviewed_on=signed or revised)
    if not page.published:
        return page
    found = catalog.by_key()
    crumbs: dict[str, str] = {}
    labels: dict[str, str] = {}
    for wanted in template.messages:
        message = found.get(wanted.key)
        if message is None or not message.reviewed:
            continue
        if wanted.msgctxt == "breadcrumb":
            crumbs[wanted.msgid] = message.msgstr
        elif wanted.msgctxt in LABELS:
            labels[LABELS[wanted.msgctxt]] = message.msgstr
    return replace(page, crumbs=crumbs, title=labels.get("title"), description=labels.get("description"))


def _iso_date(value: str | None) -> str | None:
    """``2026-03-01 10:00+0100`` -> ``2026-03-01``; None for gettext's placeholder or anything else."""
    import datetime

    try:
        return datetime.date.fromisoformat((value or "")[:10]).isoformat()
    except ValueError:
        return None


def _unique_slugs(pages: dict[str, LocalePage], project: Project, locale: SiteLocale) -> dict[str, LocalePage]:
    """Each page published if publishable, unless another page of the locale has its slug, or an index
    page has it (index pages' paths are the same in every locale: see site/navigation.py)."""
    from pipeline.site.navigation import sections

    pages = {name: replace(entry, published=entry.publishable,
                           reasons=tuple(r for r in entry.reasons if not is_slug_clash(r)))
             for name, entry in pages.items()}
    extract = manifests.read(project.extract_manifest, ExtractManifest)
    index = sections(e.crumbs for e in (extract.pages.values() if extract is not None else ()) if e.error is None)
    for name, entry in pages.items():
        if entry.slug in index and entry.publishable:
            pages[name] = replace(entry, published=False,
                                  reasons=(*entry.reasons, section_clash_reason(entry.slug, index[entry.slug])))
            log.warning("%s", Problem(project.relative(project.catalog(locale.gettext, name)), None, "warning",
                                      f"{URL_SLUG} {entry.slug!r} is the address of the index page"
                                      f" {index[entry.slug]!r}; not published"))
    slugs = {name: entry.slug for name, entry in pages.items() if entry.slug and entry.published}
    for slug, names in slug_clashes(slugs).items():
        for name in names:
            others = ", ".join(n for n in names if n != name)
            pages[name] = replace(pages[name], published=False, reasons=(
                *pages[name].reasons, slug_clash_reason(slug, others, locale.gettext)))
            log.warning("%s", Problem(project.relative(project.catalog(locale.gettext, name)), None, "warning",
                                      f"{URL_SLUG} {slug!r} is also used by {others}; not published"))
    return pages
