"""Check mode: are the catalogs up to date with the source pages, readable, and msgfmt-clean?

``clinic-l10n check`` (and ``snakemake check``) builds nothing. It exits 1 when a template or a
catalog is out of date with its source page, cannot be read, or fails ``msgfmt --check``, and
says which command fixes it. Content ops run it in CI before merging a change.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator

from pipeline.catalogs.refresh import check_header, updated
from pipeline.catalogs.template import same_but_date, template_for
from pipeline.config import Settings
from pipeline.copydeck.parse import read_page
from pipeline.errors import PipelineError
from pipeline.fsio import read_bytes
from pipeline.paths import Project
from pipeline.po.catalog import Catalog
from pipeline.po.pofile import read_po
from pipeline.site import interface

FIX = "run 'snakemake all' (or 'make all') to update it"


def check_catalogs(project: Project, settings: Settings) -> list[str]:
    problems: list[str] = []
    msgfmt = shutil.which("msgfmt")
    for name, origin, template in _templates(project, settings, problems):
        pot_path = project.template(name)
        pot = read_bytes(pot_path)
        if pot is None or not same_but_date(template, read_po(pot, project.relative(pot_path))):
            problems.append(f"{project.relative(pot_path)}: out of date with {origin}: {FIX}")
        for locale in settings.locales:
            po_path = project.catalog(locale.gettext, name)
            where = project.relative(po_path)
            data = read_bytes(po_path)
            if data is None:
                problems.append(f"{where}: missing: {FIX}")
                continue
            try:
                catalog = read_po(data, where)
                check_header(catalog, locale, where)
            except PipelineError as err:
                problems.append(f"{err} (fix the file, then run 'snakemake all')")
                continue
            if not same_but_date(updated(template, catalog, locale), catalog):
                problems.append(f"{where}: out of date with {origin}: {FIX}")
            if msgfmt:
                problems.extend(_msgfmt(msgfmt, project, po_path))
    return problems


def _templates(project: Project, settings: Settings, problems: list[str]) -> Iterator[tuple[str, str, Catalog]]:
    """Each catalog's name, what it is made from, and its template as a build makes it today: every
    source page's, then the site's interface strings (from the templates)."""
    for name in project.pages():
        if name == interface.NAME:
            continue  # refused by the build (extract) with its message
        try:
            page = read_page(project.source(name), project.relative(project.source(name)))
        except PipelineError as err:
            problems.append(str(err))
            continue
        yield name, page.source, template_for(page, settings, "")
    strings = interface.template_catalog(settings.site_name, settings.source_locale, "")
    yield interface.NAME, "pipeline/site/templates", strings


def _msgfmt(msgfmt: str, project: Project, path) -> list[str]:
    result = subprocess.run([msgfmt, "--check", "-o", "/dev/null", project.relative(path)], cwd=project.root,
                            capture_output=True, text=True, env={"LC_ALL": "C.UTF-8", "PATH": "/usr/bin:/bin"})
    lines = [line for line in result.stderr.splitlines() if line and not line.startswith("msgfmt: found")]
    if result.returncode != 0 and not lines:
        lines = [f"{project.relative(path)}: msgfmt --check failed"]
    return lines
