"""Job `extract`: source/*.txt -> locales/templates/LC_MESSAGES/*.pot; manifest output/.state/extract.json."""

from __future__ import annotations

from typing import Any

from pipeline import fsio
from pipeline.catalogs import catalogcache
from pipeline.catalogs.template import creation_date, generated_here, same_but_date, template_for
from pipeline.config import Settings
from pipeline.copydeck.parse import parse_deck
from pipeline.errors import PipelineError
from pipeline.jobs.ledger import Recorder
from pipeline.jobs.progress import Progress
from pipeline.jobs.state import log, previous_manifest, report, save_manifest, stamp
from pipeline.paths import PAGE_NAME, Project
from pipeline.po.pofile import write_po


def run_extract(project: Project, settings: Settings) -> list[str]:
    """Write the template of every source page whose bytes (or the code, or the configuration) changed.

    A page whose source has an error has no version online until it is fixed (what is online is a
    function of today's files; the run fails, so a deploy gated on it keeps the last good site);
    its template stays as it was, so translators' catalogs keep their entries meanwhile."""
    old = previous_manifest(project.extract_manifest).get("pages", {})
    current = stamp(project)
    record = Recorder(project)
    names = project.pages()
    record.listed(project.source_dir, "*.txt", [f"{name}.txt" for name in names])
    pages: dict[str, Any] = {}
    errors: list[str] = []
    progress = Progress("extract", len(names), "pages", "reading")
    for name in progress.each(names):
        if not PAGE_NAME.fullmatch(name):
            problem = (f"{project.relative(project.source(name))}: the file name must be lowercase letters, digits"
                       " and hyphens (at most 151 characters), as it names the page's catalogs and folders")
            report(problem, errors)
            pages[name] = {"error": problem}
            continue
        try:
            data = record.read(project.source(name)) or b""
        except PipelineError as err:
            report(err, errors)
            pages[name] = {"error": str(err)}
            continue
        entry = {"source": fsio.digest(data)[:24], "stamp": current}
        prev = old.get(name, {})
        pot_now = fsio.read_bytes(project.template(name))
        if all(prev.get(k) == v for k, v in entry.items()) and pot_now is not None \
                and fsio.digest(pot_now)[:24] == prev.get("pot") and not prev.get("error"):
            pages[name] = prev
            record.wrote(project.template(name))
            continue
        try:
            deck = parse_deck(data, project.relative(project.source(name)), name)
        except PipelineError as err:
            report(err, errors)
            pages[name] = {**entry, "error": str(err)}
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
        pages[name] = {**entry, "pot": fsio.digest(pot_now)[:24], "slug": page.slug.text, "slug_line": page.slug.line}
    _check_source_slugs(project, pages, errors)
    for stale in sorted(set(old) - set(pages)):
        fsio.remove(project.template(stale), project.root)
    _remove_old_templates(project)
    save_manifest(project.extract_manifest, {"pages": pages})
    record.save(project.ledger("extract"))
    progress.finish(f"{len(names):,} pages read, {len(errors):,} with a problem")
    return errors


def _remove_old_templates(project: Project) -> None:
    """Templates moved to locales/templates/LC_MESSAGES/ (Weblate finds them there): the ones
    this pipeline generated at the old place go; a file someone else put there stays."""
    folder = project.old_templates_folder
    for pot in sorted(folder.glob("*.pot")) if folder.is_dir() else []:
        data = fsio.read_bytes(pot)
        if data is not None and generated_here(data):
            fsio.remove(pot, project.root)


def _check_source_slugs(project: Project, pages: dict[str, Any], errors: list[str]) -> None:
    from pipeline.review.publish import slug_clashes, slug_problem

    slugs = {name: entry["slug"] for name, entry in pages.items()
             if entry.get("slug") is not None and not entry.get("error")}
    for name, slug in slugs.items():
        problem = slug_problem(slug)
        if problem:
            pages[name]["error"] = f"{project.relative(project.source(name))}: invalid URL Slug {slug!r}: {problem}"
            report(pages[name]["error"], errors)
    for slug, names in slug_clashes(slugs).items():
        for name in names:
            line = pages[name].get("slug_line")  # the URL Slug's line (not in a manifest from an older version)
            where = project.relative(project.source(name)) + (f":{line}" if line else "")
            pages[name]["error"] = (f"{where}: URL Slug {slug!r} is also used by"
                                    f" {', '.join(n for n in names if n != name)}")
            report(pages[name]["error"], errors)
