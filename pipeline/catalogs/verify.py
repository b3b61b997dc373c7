"""Check mode: are the catalogs up to date with the source pages, readable, and msgfmt-clean?

``clinic-l10n check`` (and ``snakemake check``) builds nothing. It exits 1 when a template or a
catalog is out of date with its source page, cannot be read, or fails ``msgfmt --check``, and
says which command fixes it. Content ops run it in CI before merging a change.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

from pipeline.catalogs.refresh import check_header, updated
from pipeline.catalogs.template import same_but_date, template_for
from pipeline.config import Settings
from pipeline.copydeck.parse import read_page
from pipeline.errors import PipelineError, Problem
from pipeline.fsio import read_bytes
from pipeline.paths import Project
from pipeline.po.catalog import Catalog
from pipeline.po.pofile import read_po
from pipeline.site import interface

FIX = "run 'snakemake all' (or 'make all') to update it"
MSGFMT_LINE = re.compile(r"(?P<path>[^:]+):(?P<line>[1-9][0-9]*): (?P<message>.*)")  # how msgfmt names a place


def check_catalogs(project: Project, settings: Settings) -> list[Problem]:
    problems: list[Problem] = []
    msgfmt = shutil.which("msgfmt")
    for name, origin, template in _templates(project, settings, problems):
        pot_path = project.template(name)
        pot = read_bytes(pot_path)
        if pot is None or not same_but_date(template, read_po(pot, project.relative(pot_path))):
            problems.append(_out_of_date(project.relative(pot_path), origin))
        for locale in settings.locales:
            po_path = project.catalog(locale.gettext, name)
            where = project.relative(po_path)
            data = read_bytes(po_path)
            if data is None:
                problems.append(Problem(where, None, "error", f"missing: {FIX}"))
                continue
            try:
                catalog = read_po(data, where)
                check_header(catalog, locale, where)
            except PipelineError as err:
                problems.append(Problem(err.path, err.line, "error",
                                        f"{err.message} (fix the file, then run 'snakemake all')"))
                continue
            if not same_but_date(updated(template, catalog, locale), catalog):
                problems.append(_out_of_date(where, origin))
            if msgfmt:
                problems.extend(_msgfmt(msgfmt, project, po_path))
    return problems


def _templates(project: Project, settings: Settings, problems: list[Problem]) -> Iterator[tuple[str, str, Catalog]]:
    """Each catalog's name, what it is made from, and its template as a build makes it today: every
    source page's, then the site's interface strings (from the templates)."""
    for name in project.pages():
        if name == interface.NAME:
            continue  # refused by the build (extract) with its message
        try:
            page = read_page(project.source(name), project.relative(project.source(name)))
        except PipelineError as err:
            problems.append(err.problem)
            continue
        yield name, page.source, template_for(page, settings, "")
    strings = interface.template_catalog(settings.site_name, settings.source_locale, "")
    yield interface.NAME, "pipeline/site/templates", strings


def _out_of_date(path: str, source: str) -> Problem:
    return Problem(path, None, "error", f"out of date with {source}: {FIX}")


def _msgfmt(msgfmt: str, project: Project, path: Path) -> list[Problem]:
    result = subprocess.run([msgfmt, "--check", "-o", "/dev/null", project.relative(path)], cwd=project.root,
                            capture_output=True, text=True, env={"LC_ALL": "C.UTF-8", "PATH": "/usr/bin:/bin"})
    lines = [line for line in result.stderr.splitlines() if line and not line.startswith("msgfmt: found")]
    if result.returncode != 0 and not lines:
        return [Problem(project.relative(path), None, "error", "msgfmt --check failed")]
    return [_msgfmt_problem(line) for line in lines]


def _msgfmt_problem(line: str) -> Problem:
    """One line of msgfmt's: ``path:line: message`` (a line without a place is kept whole as the message)."""
    found = MSGFMT_LINE.fullmatch(line)
    if found is None:
        return Problem(None, None, "error", line)
    return Problem(found["path"], int(found["line"]), "error", found["message"])
