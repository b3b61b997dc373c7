"""Job `site`: the site-wide files (sitemap.xml, robots.txt, stylesheets), the status report, and
the list of problems the run recorded (output/.state/problems.txt, which rule `verdict` reads)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import fsio
from ..paths import Project
from .state import load_states, problems_in, published_versions, save_manifest

if TYPE_CHECKING:
    from ..config import Settings

States = tuple[dict[str, Any], dict[str, dict[str, Any]]]  # what load_states returns


def run_site(project: Project, settings: Settings) -> list[str]:
    """The site-wide files in one job: sitemap, robots.txt, stylesheets, status report, and the list
    of problems the run recorded (output/.state/problems.txt, which `verdict` reads)."""
    states = load_states(project, settings)
    files = run_sitemap(project, settings, states)
    run_report(project, settings, states)
    save_manifest(project.site_manifest, {"files": [project.relative(f) for f in files]})
    problems = problems_in(*states)
    text = "".join(p.replace(": ", ": error: ", 1) + "\n" if ": error: " not in p else p + "\n" for p in problems)
    if problems:
        text += f"{len(problems)} problem(s): the pages above were not (re)built; fix them and run again\n"
    fsio.write_text(project.problems, text)
    return problems


def run_sitemap(project: Project, settings: Settings, states: States | None = None) -> list[Path]:
    """output/site/sitemap.xml, robots.txt and the stylesheets; returns the files it wrote."""
    from ..render import stylesheet
    from ..sitemap import sitemap_xml

    clusters = list(published_versions(settings, *(states or load_states(project, settings))).values())
    fsio.write_text(project.sitemap, sitemap_xml(clusters, settings.source_locale.gettext))
    robots = f"User-agent: *\nAllow: /\n\nSitemap: {settings.base_url}/sitemap.xml\n"
    fsio.write_text(project.site / "robots.txt", robots)
    fsio.write_text(project.stylesheet, stylesheet())
    fsio.write_text(project.preview / "assets" / "site.css", stylesheet())
    return [project.sitemap, project.site / "robots.txt", project.stylesheet, project.preview / "assets" / "site.css"]


def run_report(project: Project, settings: Settings, states: States | None = None) -> list[str]:
    """output/reports/status.json and status.html."""
    from ..render import cache_compiled_templates
    from ..report import status_data, status_html, status_json

    cache_compiled_templates(project.compiled_templates)
    data = status_data(settings, *(states or load_states(project, settings)))
    fsio.write_text(project.status_json, status_json(data))
    fsio.write_text(project.status_html, status_html(data))
    return []
