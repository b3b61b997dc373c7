"""Job `extract`: source/*.txt -> locales/templates/LC_MESSAGES/*.pot; manifest output/.state/extract.json."""

from __future__ import annotations

from dataclasses import replace

from pipeline import fsio
from pipeline.catalogs import catalogcache
from pipeline.catalogs.template import creation_date, generated_here, same_but_date, template_for
from pipeline.config import Settings
from pipeline.copydeck.parse import parse_deck
from pipeline.errors import PipelineError, Problem
from pipeline.jobs.ledger import Recorder
from pipeline.jobs.manifests import ExtractManifest, SourcePage
from pipeline.jobs.progress import Progress
from pipeline.jobs.state import code_and_config_digest, log, log_problem, previous, save
from pipeline.paths import PAGE_NAME, Project
from pipeline.po.pofile import write_po


def run_extract(project: Project, settings: Settings) -> None:
    """Write the template of every source page whose bytes (or the code, or the configuration) changed.

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
    progress = Progress("extract", len(names), "pages", "reading")
    for name in progress.each(names):
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
        try:
            deck = parse_deck(data, project.relative(project.source(name)), name)
        except PipelineError as err:
            pages[name] = _failed(entry, err.problem)
            continue
        for notice in deck.notices:  # guessed readings: printed when the page is read, never fatal
            log.warning("%s", notice)
        page = deck.page
        template = template_for(page, settings, creation_date())
        if pot_now is None or not same_but_date(template, catalogcache.load(project, project.template(name), pot_now)):
            text = write_po(template)
            fsio.write_text(project.template(name), text)
            pot_now = text.encode("utf-8")
            catalogcache.store(project, project.template(name), pot_now, template)
        record.wrote(project.template(name))
        pages[name] = replace(entry, template_digest=fsio.digest(pot_now)[:24], slug=page.slug.text,
                              slug_line=page.slug.line)
    _check_source_slugs(project, pages)
    for stale in sorted(set(old) - set(pages)):
        fsio.remove(project.template(stale), project.root)
    _remove_old_templates(project)
    failed = sum(1 for page in pages.values() if page.error is not None)
    save(project.extract_manifest, ExtractManifest(pages))
    record.save(project.ledger("extract"))
    progress.finish(f"{len(names):,} pages read, {failed:,} with a problem")


def _remove_old_templates(project: Project) -> None:
    """Templates moved to locales/templates/LC_MESSAGES/ (Weblate finds them there): the ones
    this pipeline generated at the old place go; a file someone else put there stays."""
    folder = project.old_templates_folder
    for pot in sorted(folder.glob("*.pot")) if folder.is_dir() else []:
        data = fsio.read_bytes(pot)
        if data is not None and generated_here(data):
            fsio.remove(pot, project.root)


def _check_source_slugs(project: Project, pages: dict[str, SourcePage]) -> None:
    """Each page's slug its own (an invalid one is the parser's error already, with its line)."""
    from pipeline.review.publish import slug_clashes

    slugs = {name: entry.slug for name, entry in pages.items() if entry.slug is not None and entry.error is None}
    for slug, names in slug_clashes(slugs).items():
        for name in names:
            others = ", ".join(n for n in names if n != name)
            pages[name] = _failed(pages[name], Problem(project.relative(project.source(name)), pages[name].slug_line,
                                                       "error", f"URL Slug {slug!r} is also used by {others}"))


def _failed(entry: SourcePage, problem: Problem) -> SourcePage:
    """`entry` with its error, logged as it is found."""
    log_problem(problem)
    return replace(entry, error=problem)
