"""Job `site`: the site-wide files (sitemap.xml, robots.txt, stylesheets), the status report, and
the run's outcome: the errors that stand (output/.state/problems.txt) and what the run prints at its
end (output/.state/summary.txt, see pipeline/review/outcome.py).

Its manifest (output/.state/site.json) lists the files it wrote, so the Snakefile can tell when one
was deleted, and the digest of the status data, so an edit that changes no count, state or finding
(a draft reworded) does not render the report again."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import fsio
from pipeline.jobs import manifests
from pipeline.jobs.ledger import Recorder
from pipeline.jobs.manifests import SiteManifest
from pipeline.jobs.state import fingerprint, load_states, published_versions, save
from pipeline.paths import Project

if TYPE_CHECKING:
    from pipeline.config import Settings
    from pipeline.jobs.state import States


def run_site(project: Project, settings: Settings) -> None:
    """The site-wide files in one job: sitemap, robots.txt, stylesheets, status report, and the run's
    outcome (output/.state/problems.txt: the errors that stand, and summary.txt)."""
    from pipeline.review.outcome import outcome

    states = load_states(project, settings)
    old = manifests.read(project.site_manifest, SiteManifest)
    files = run_sitemap(project, settings, states) + project.status_files
    status_digest = run_report(project, settings, states, old.status_digest if old is not None else None)
    save(project.site_manifest, SiteManifest(tuple(project.relative(f) for f in files), status_digest))
    record = Recorder(project)
    record.wrote(*files)
    record.save(project.ledger("site"))
    result = outcome(settings, *states)
    fsio.write_text(project.problems, "".join(f"{problem}\n" for problem in result.errors))
    fsio.write_text(project.summary, result.text())


def run_sitemap(project: Project, settings: Settings, states: States | None = None) -> list[Path]:
    """output/site/sitemap.xml, robots.txt and the stylesheets; returns the files it wrote."""
    from pipeline.site.pages import stylesheet
    from pipeline.site.sitemap import sitemap_xml

    clusters = list(published_versions(settings, *(states or load_states(project, settings))).values())
    fsio.write_text(project.sitemap, sitemap_xml(clusters, settings.source_locale.gettext))
    robots = f"User-agent: *\nAllow: /\n\nSitemap: {settings.base_url}/sitemap.xml\n"
    fsio.write_text(project.site / "robots.txt", robots)
    fsio.write_text(project.stylesheet, stylesheet())
    fsio.write_text(project.preview / "assets" / "site.css", stylesheet())
    return [project.sitemap, project.site / "robots.txt", project.stylesheet, project.preview / "assets" / "site.css"]


def run_report(project: Project, settings: Settings, states: States | None = None, known: str | None = None) -> str:
    """output/reports/status.json and status.html, unless they hold the status data named `known`
    already. Returns the name (digest) of the status data."""
    from pipeline.review.report import status_data

    data = status_data(settings, *(states or load_states(project, settings)))
    key = fingerprint(data)
    if key == known and all(f.is_file() for f in project.status_files):
        return key
    from pipeline.review.report import status_html, status_json
    from pipeline.site.pages import cache_compiled_templates

    cache_compiled_templates(project.compiled_templates)
    fsio.write_text(project.status_json, status_json(data))
    fsio.write_text(project.status_html, status_html(data))
    return key
