"""Job `site`: the site-wide files (sitemap.xml, robots.txt, stylesheet, the clinic's images, each
locale's home and index pages, the language chooser and 404.html), the status report, and the run's
outcome: the errors that stand (output/.state/problems.txt) and what the run prints at its end
(output/.state/summary.txt, see pipeline/review/outcome.py).

Its manifest (output/.state/site.json) lists the files it wrote, so the Snakefile can tell when one
was deleted; the digest of what the index pages and the sitemap show, so a saved draft renders none
of them again; and the digest of the status data, so an edit that changes no count, state or finding
(a draft reworded) does not render the report again."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import fsio
from pipeline.errors import PipelineError
from pipeline.jobs import manifests
from pipeline.jobs.ledger import Recorder
from pipeline.jobs.manifests import LocalePage, SiteManifest
from pipeline.jobs.state import code_and_config_digest, fingerprint, load_states, published_versions, save
from pipeline.paths import INTERFACE, Project

if TYPE_CHECKING:
    from pipeline.config import Settings
    from pipeline.jobs.state import States


def run_site(project: Project, settings: Settings) -> None:
    """The site-wide files in one job: sitemap, robots.txt, index pages, assets, status report, and the
    run's outcome (output/.state/problems.txt: the errors that stand, and summary.txt)."""
    from pipeline.review.outcome import outcome

    states = load_states(project, settings)
    old = manifests.read(project.site_manifest, SiteManifest)
    record = Recorder(project)
    files, pages_inputs, pages = run_sitemap(project, settings, states, old, record)
    files += project.status_files
    status_digest = run_report(project, settings, states, old.status_digest if old is not None else None)
    save(project.site_manifest, SiteManifest(tuple(project.relative(f) for f in files), status_digest,
                                             pages_inputs, pages))
    record.wrote(*files)
    record.save(project.ledger("site"))
    result = outcome(settings, *states)
    fsio.write_text(project.problems, "".join(f"{problem}\n" for problem in result.errors))
    fsio.write_text(project.summary, result.text())


def run_sitemap(project: Project, settings: Settings, states: States | None = None,
                previous: SiteManifest | None = None, record: Recorder | None = None
                ) -> tuple[list[Path], str, tuple[str, ...]]:
    """output/site/: sitemap.xml, robots.txt, the stylesheet and the clinic's images, each locale's home
    and index pages, the language chooser (index.html) and 404.html; the previews' stylesheet and
    icons. Returns the files it wrote, what names the pages (the digest of what they show) and their
    files: they are rendered again only when that changed since `previous` or one is missing."""
    from pipeline.jobs.render import Interfaces
    from pipeline.site import furniture
    from pipeline.site.indexes import build
    from pipeline.site.pages import STYLESHEET_PATH, stylesheet
    from pipeline.site.sitemap import sitemap_xml

    extract, locales = states or load_states(project, settings)
    record = record or Recorder(project)
    versions = published_versions(settings, extract, locales)
    interfaces = Interfaces(project, settings, {loc.gettext: locales[loc.gettext].get(INTERFACE)
                                                for loc in settings.locales})
    key = fingerprint(code_and_config_digest(project), {name: entry.to_json() for name, entry in extract.items()},
                      {code: {name: _shown(name, entry) for name, entry in pages.items()}
                       for code, pages in locales.items()})
    written = [project.root / name for name in previous.pages] if previous is not None else []
    if previous is None or key != previous.pages_inputs or not all(f.is_file() for f in written) \
            or not project.sitemap.is_file():
        from pipeline.site.pages import cache_compiled_templates

        cache_compiled_templates(project.compiled_templates)
        site = build(settings, extract, locales, versions,
                     lambda loc: interfaces.of(loc) if interfaces.published(loc) else None)
        now = [project.site / name for name in site.files]
        for name, html in site.files.items():
            fsio.write_text(project.site / name, html)
        for path in set(written) - set(now):
            fsio.remove(path, project.site)
        written = now
        fsio.write_text(project.sitemap, sitemap_xml(site.clusters))
    robots = f"User-agent: *\nAllow: /\n\nSitemap: {settings.base_url}/sitemap.xml\n"
    fsio.write_text(project.site / "robots.txt", robots)
    assets = [project.sitemap, project.site / "robots.txt"]
    for name, origin in furniture.files(settings, project.root).items():
        data = record.read(origin) if origin.is_relative_to(project.root) else fsio.read_bytes(origin)
        if data is None:
            raise PipelineError("cannot read: no such file (named by config/config.yaml, clinic)",
                                project.relative(origin))
        for folder in (project.site, project.preview):
            fsio.write_atomic(folder / name, data)
            assets.append(folder / name)
    for folder in (project.site, project.preview):
        fsio.write_text(folder / STYLESHEET_PATH, stylesheet())
        assets.append(folder / STYLESHEET_PATH)
    return assets + written, key, tuple(project.relative(f) for f in written)


SHOWN = ("slug", "crumbs", "title", "description", "lastmod")  # what index pages and the sitemap show of a page


def _shown(name: str, entry: LocalePage) -> object:
    """What the index pages and the sitemap take from a version's state: nothing of an unpublished
    version (a saved draft renders nothing again), the interface catalog's content as it is."""
    if name == INTERFACE:
        return [entry.published, entry.inputs, entry.lastmod]
    return [getattr(entry, k) for k in SHOWN] if entry.published else None


def run_report(project: Project, settings: Settings, states: States | None = None, known: str | None = None) -> str:
    """output/reports/status.json and status.html, unless they hold the status data named `known`
    already. Returns the name (digest) of the status data."""
    from pipeline.review.report import status_data, status_json

    data = status_data(settings, *(states or load_states(project, settings)))
    text = status_json(data)  # the data, encoded once: its name, and status.json's bytes
    key = fingerprint(code_and_config_digest(project), fsio.digest(text.encode("utf-8")))  # templates, settings too
    if key == known and all(f.is_file() for f in project.status_files):
        return key
    from pipeline.review.report import status_html
    from pipeline.site.pages import cache_compiled_templates

    cache_compiled_templates(project.compiled_templates)
    fsio.write_text(project.status_json, text)
    fsio.write_text(project.status_html, status_html(data))
    return key
