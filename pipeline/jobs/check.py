"""Check mode, second half: does output/ hold exactly what today's files give?

`check_outputs` computes from today's inputs which files output/site/ must hold and their content:
it builds the web root afresh in a temporary copy of the project (source/, config/, locales/; machine
translation off, since drafts are never published), through the same jobs as `snakemake all`, and
compares file by file. Every missing, extra, stale or hand-edited file is one line. For
output/preview/ and output/reports/ (which show drafts, so a build without machine translation
would differ) it holds the jobs' ledgers against today's files instead: an input changed since the
last run (stale), a file missing or edited by hand, a file no job wrote (extra). The same cold build
gives the blocking QA findings on reviewed entries: each one fails the check (a CI gate for translators'
pull requests), while unreviewed work alone does not.
"""

from __future__ import annotations

import logging
import os
import shutil
import stat
import tempfile
from dataclasses import replace
from pathlib import Path

from pipeline import fsio
from pipeline.config import MachineTranslation, Settings
from pipeline.drafts.providers import NONE
from pipeline.errors import Problem
from pipeline.paths import Project

FIX = "run 'snakemake all'"


def check_outputs(project: Project, settings: Settings) -> list[Problem]:
    """The blocking QA findings on reviewed entries, then every file of output/ that is not what
    today's files give."""
    expected, findings = _cold_build(project, settings)
    return [*findings, *check_site_files(project, expected), *check_recorded_files(project, settings)]


def _stale(path: str, what: str) -> Problem:
    return Problem(path, None, "error", f"{what}; {FIX}")


def check_site_files(project: Project, expected: dict[str, str]) -> list[Problem]:
    """output/site/ against `expected` (relative name -> digest, what a cold build gives)."""
    found = _files(project.site)
    problems = []
    for name in sorted(expected.keys() | found.keys()):
        shown = project.relative(project.site / name)
        if name not in found:
            problems.append(_stale(shown, "missing: today's files publish it"))
        elif name not in expected:
            problems.append(Problem(shown, None, "error",
                                    f"extra: today's files do not publish it; {FIX} (it removes such files)"))
        elif found[name] != expected[name]:
            problems.append(_stale(shown, "differs from what today's files give (stale or edited by hand)"))
    return problems


def check_recorded_files(project: Project, settings: Settings) -> list[Problem]:
    """Previews and reports against the ledgers of the last run."""
    from pipeline.jobs.ledger import changes, load

    problems: list[Problem] = []
    written: set[str] = set()
    for ledger_file in project.job_records(len(settings.locale_groups()), settings.render_shards).values():
        ledger = load(ledger_file)
        if ledger is None:
            problems.append(_stale(project.relative(ledger_file), "missing: the pipeline has not run here yet"))
            continue
        written |= ledger.writes.keys()
        changed, spoiled = changes(project, ledger)
        problems += [_stale(name, "changed since the last run built output/ from it") for name in changed]
        problems += [_stale(project.relative(path), "missing or edited by hand") for path in spoiled
                     if project.site not in path.parents]  # the site is compared above, file by file
    for folder in (project.preview, project.reports):
        for name in sorted(_files(folder)):
            shown = project.relative(folder / name)
            if shown not in written:
                problems.append(_stale(shown, "extra: no job of the last run wrote it"))
    return list(dict.fromkeys(problems))


def _files(folder: Path) -> dict[str, str]:
    """Every file below `folder` (relative name -> digest); temporaries of a running job left out."""
    if not folder.is_dir():
        return {}
    return {p.relative_to(folder).as_posix(): fsio.digest(p.read_bytes()) for p in sorted(folder.rglob("*"))
            if p.is_file() and not fsio.is_temporary(p.name)}


def _cold_build(project: Project, settings: Settings) -> tuple[dict[str, str], list[Problem]]:
    """output/site/ as a cold build of today's files gives it (relative name -> digest), and the blocking
    QA findings on reviewed entries that build records (their paths are the project's: relative)."""
    from pipeline.jobs.extract import run_extract
    from pipeline.jobs.render import run_render
    from pipeline.jobs.sitewide import run_sitemap
    from pipeline.jobs.state import load_states
    from pipeline.jobs.update import run_update_group
    from pipeline.review.outcome import blocking_findings
    from pipeline.site import furniture

    quiet = replace(settings, machine_translation=MachineTranslation(provider=NONE))
    log = logging.getLogger("clinic_l10n")
    level = log.level
    with tempfile.TemporaryDirectory(prefix="clinic-l10n-check-") as tmp:
        copy = Project(Path(tmp).resolve())
        for name in ("source", "config", "locales"):
            if (project.root / name).is_dir():
                shutil.copytree(project.root / name, copy.root / name, symlinks=True, copy_function=_copy_entry)
        for origin in furniture.files(settings, project.root).values():  # the clinic's images, wherever they are
            if origin.is_relative_to(project.root) and origin.is_file():
                target = copy.root / origin.relative_to(project.root)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(origin, target)
        log.setLevel(logging.CRITICAL)  # the jobs' own messages are the run's, not the check's
        try:
            run_extract(copy, quiet)
            for group in range(len(quiet.locale_groups())):
                run_update_group(copy, quiet, group)
            for shard in range(quiet.render_shards):
                run_render(copy, quiet, shard)
            run_sitemap(copy, quiet)
        finally:
            log.setLevel(level)
        _, states = load_states(copy, quiet)
        findings = [f for state in states.values() for name in sorted(state) for f in blocking_findings(state[name])]
        return _files(copy.site), findings


def _copy_entry(source: str, target: str) -> None:
    """A file of the project into the check's copy. Anything else (a FIFO, a device) becomes a FIFO there:
    the jobs refuse it by its name, as a build refuses the original, and nothing blocks on reading it."""
    if stat.S_ISREG(os.stat(source).st_mode):
        shutil.copy2(source, target)
    else:
        os.mkfifo(target)
