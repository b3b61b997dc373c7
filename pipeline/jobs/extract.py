"""Job `extract`: source/*.txt -> locales/templates/LC_MESSAGES/*.pot; manifest output/.state/extract.json."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import replace

from pipeline import fsio
from pipeline.catalogs import catalogcache
from pipeline.catalogs.template import DATE_FIELD, creation_date, generated_here, same_but_date, template_for
from pipeline.config import Settings
from pipeline.copydeck.parse import parse_deck
from pipeline.errors import PipelineError, Problem
from pipeline.jobs.ledger import Recorder
from pipeline.jobs.manifests import ExtractManifest, SourcePage
from pipeline.jobs.progress import Progress
from pipeline.jobs.state import code_and_config_digest, log, log_problem, previous, save
from pipeline.paths import PAGE_NAME, Project
from pipeline.po.catalog import Catalog
from pipeline.po.pofile import write_po
from pipeline.site import interface


def run_extract(project: Project, settings: Settings, workers: int = 1) -> None:
    """Write the template of every source page whose bytes (or the code, or the configuration) changed,
    in `workers` processes when there are many (see `_made`).

    A page whose source has an error has no version online until it is fixed (what is online is a
    function of today's files; the run fails, so a deploy gated on it keeps the last good site);
    its template stays as it was, so translators' catalogs keep their entries meanwhile. Its error
    is recorded in the manifest (and logged): the run prints it at its end."""
    last = previous(project.extract_manifest, ExtractManifest)
    old = last.pages if last is not None else {}
    current = code_and_config_digest(project)
    record = Recorder(project)
    names = project.pages()
    record.listed(project.source_dir, "*.txt", [f"{name}.txt" for name in names])
    pages: dict[str, SourcePage] = {}
    todo: list[Work] = []  # pages to read and write a template for (the rest are as they were)
    for name in names:
        if name == interface.NAME:  # recorded under its file's name: `name` is the interface's entry
            pages[f"{name}.txt"] = _failed(SourcePage(), Problem(
                project.relative(project.source(name)), None, "error", f"the name {name!r} is the site's interface"
                f" catalog (locales/<locale>/LC_MESSAGES/{name}.po): give the page another file name"))
            continue
        if not PAGE_NAME.fullmatch(name):
            pages[name] = _failed(SourcePage(), Problem(
                project.relative(project.source(name)), None, "error", "the file name must be lowercase letters,"
                " digits and hyphens (at most 151 characters), as it names the page's catalogs and folders"))
            continue
        try:
            data = record.read(project.source(name)) or b""
        except PipelineError as err:
            pages[name] = _failed(SourcePage(), err.problem)
            continue
        entry = SourcePage(source_digest=fsio.digest(data)[:24], code_and_config=current)
        prev = old.get(name)
        pot_now = fsio.read_bytes(project.template(name))
        if prev is not None and prev.error is None and (prev.source_digest, prev.code_and_config) == \
                (entry.source_digest, entry.code_and_config) and pot_now is not None \
                and fsio.digest(pot_now)[:24] == prev.template_digest:
            pages[name] = prev
            record.wrote(project.template(name))
            continue
        pages[name] = entry  # its place in the manifest's order; made below
        todo.append((name, data, pot_now, entry))
    progress = Progress("extract", len(todo), "pages", "reading")
    for (name, *_), (made, notices) in zip(todo, progress.each(_made(project, settings, todo, workers)), strict=True):
        for notice in notices:  # guessed readings: printed when the page is read, never fatal
            log.warning("%s", notice)
        if made.error is not None:
            log_problem(made.error)
        else:
            record.wrote(project.template(name))
        pages[name] = made
    pages[interface.NAME] = _interface(project, settings, old.get(interface.NAME), current, record)
    _check_source_slugs(project, pages)
    for stale in sorted(set(old) - set(pages) - {interface.NAME}):
        fsio.remove(project.template(stale), project.root)
    _remove_old_templates(project)
    failed = sum(1 for page in pages.values() if page.error is not None)
    save(project.extract_manifest, ExtractManifest(pages))
    record.save(project.ledger("extract"))
    progress.finish(f"{len(names):,} pages read, {failed:,} with a problem")


Work = tuple[str, bytes, bytes | None, SourcePage]  # a page's name, source bytes, template bytes and entry
Made = tuple[SourcePage, tuple[Problem, ...]]  # its entry in the manifest, and the notices of its reading
PARALLEL_MIN = 24  # pages to make before a job starts worker processes (forking two costs ~10 ms)


def _made(project: Project, settings: Settings, todo: list[Work], workers: int) -> Iterator[Made]:
    """Each page of `todo` made (`_make`), in order. The job is alone in its step of a build (every other
    job needs its templates), so with many pages it forks `workers` processes: Snakemake gives it the
    run's cores (the Snakefile's `threads`). A worker dies with the job (see `_worker`); the pages are
    made again in this process if a worker dies alone (the same bytes: the writes are atomic)."""
    created = creation_date()  # one date for the whole run, whichever process makes a page
    if workers < 2 or len(todo) < PARALLEL_MIN:
        yield from (_make(project, settings, created, work) for work in todo)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    chunks = max(1, len(todo) // (workers * 8))  # few round trips, and the workers finish together
    done = 0
    try:  # fork: the workers inherit the project and settings (nothing but each page is pickled)
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"), initializer=_worker,
                                 initargs=(project, settings, created, os.getpid())) as pool:
            for made in pool.map(_make_here, todo, chunksize=chunks):  # in order; a page's error raised at it
                yield made
                done += 1
    except BrokenProcessPool:
        log.warning("extract: a worker process died; making the other pages in one process")
        yield from (_make(project, settings, created, work) for work in todo[done:])


_job: tuple[Project, Settings, str] | None = None  # a worker's project, settings and creation date


def _worker(project: Project, settings: Settings, created: str, job: int) -> None:
    """A worker's start: what `_make_here` needs, and death with the job `job` that forked it (Linux's
    PR_SET_PDEATHSIG), so no worker writes a template after its job was killed."""
    global _job
    _job = (project, settings, created)
    import ctypes
    import signal

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1: PR_SET_PDEATHSIG
    if os.getppid() != job:  # the job died before the line above: nobody waits for this worker
        os._exit(1)


def _make_here(work: Work) -> Made:
    assert _job is not None, "run in a worker started by _worker"
    return _make(*_job, work)


def _make(project: Project, settings: Settings, created: str, work: Work) -> Made:
    """A page's template written from its source (unless only its date would change), and its entry in
    the manifest with the reading's notices; a page that cannot be read has its error in its entry.
    An error writing the template fails the job (raised; from a worker too, see PipelineError)."""
    name, data, pot_now, entry = work
    try:
        deck = parse_deck(data, project.relative(project.source(name)), name)
    except PipelineError as err:
        return replace(entry, error=err.problem), ()
    page = deck.page
    pot_now, lastmod = _write_template(project, name, template_for(page, settings, created), pot_now)
    return replace(entry, template_digest=fsio.digest(pot_now)[:24], slug=page.slug.text, slug_line=page.slug.line,
                   crumbs=tuple(item.text for item in page.breadcrumb), title=page.title.text,
                   description=page.meta_description.text, lastmod=lastmod), deck.notices


def _remove_old_templates(project: Project) -> None:
    """Templates moved to locales/templates/LC_MESSAGES/ (Weblate finds them there): the ones
    this pipeline generated at the old place go; a file someone else put there stays."""
    folder = project.old_templates_folder
    for pot in sorted(folder.glob("*.pot")) if folder.is_dir() else []:
        data = fsio.read_bytes(pot)
        if data is not None and generated_here(data):
            fsio.remove(pot, project.root)


def _write_template(project: Project, name: str, template: Catalog, pot_now: bytes | None) -> tuple[bytes, str]:
    """Write `name`'s template unless only its date would change; returns its bytes and the date of
    its content's last change (POT-Creation-Date, YYYY-MM-DD: the sitemap's lastmod of the page)."""
    old = catalogcache.load(project, project.template(name), pot_now) if pot_now is not None else None
    if pot_now is not None and old is not None and same_but_date(template, old):
        return pot_now, (old.field(DATE_FIELD) or "")[:10]
    text = write_po(template)
    fsio.write_text(project.template(name), text)
    data = text.encode("utf-8")
    catalogcache.store(project, project.template(name), data, template)
    return data, (template.field(DATE_FIELD) or "")[:10]


def _interface(project: Project, settings: Settings, prev: SourcePage | None, current: str,
               record: Recorder) -> SourcePage:
    """locales/templates/LC_MESSAGES/site.pot: the interface strings of the templates (see site/interface.py).
    Made again only when the templates (the code) or the configuration changed."""
    entry = SourcePage(source_digest=fsio.digest(interface.template_sources())[:24], code_and_config=current,
                       interface=True)
    path = project.template(interface.NAME)
    pot_now = fsio.read_bytes(path)
    if prev is not None and prev.interface and (prev.source_digest, prev.code_and_config) == \
            (entry.source_digest, entry.code_and_config) and pot_now is not None \
            and fsio.digest(pot_now)[:24] == prev.template_digest:
        record.wrote(path)
        return prev
    template = interface.template_catalog(settings.site_name, settings.source_locale, creation_date())
    pot_now, created = _write_template(project, interface.NAME, template, pot_now)
    record.wrote(path)
    return replace(entry, template_digest=fsio.digest(pot_now)[:24], lastmod=created)


def _check_source_slugs(project: Project, pages: dict[str, SourcePage]) -> None:
    """Each page's slug its own, and not that of an index page (an invalid one is the parser's error
    already, with its line)."""
    from pipeline.review.publish import slug_clashes

    slugs = {name: entry.slug for name, entry in pages.items() if entry.slug is not None and entry.error is None}
    for slug, names in slug_clashes(slugs).items():
        for name in names:
            others = ", ".join(n for n in names if n != name)
            pages[name] = _failed(pages[name], Problem(project.relative(project.source(name)), pages[name].slug_line,
                                                       "error", f"URL Slug {slug!r} is also used by {others}"))
    from pipeline.site.navigation import sections

    index = sections(entry.crumbs for entry in pages.values() if entry.error is None)
    for name, entry in pages.items():
        if entry.error is None and entry.slug in index:
            item = index[entry.slug]
            pages[name] = _failed(entry, Problem(project.relative(project.source(name)), entry.slug_line, "error",
                                                 f"URL Slug {entry.slug!r} is the address of the index page of the"
                                                 f" breadcrumb item {item!r}; choose another slug"))


def _failed(entry: SourcePage, problem: Problem) -> SourcePage:
    """`entry` with its error, logged as it is found."""
    log_problem(problem)
    return replace(entry, error=problem)
