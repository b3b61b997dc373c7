"""Around the manifests in output/.state/ (their types: manifests.py): how a job saves its own and reads its
last one, which jobs are stale, the digest of the code, and how a job logs the problems it records."""

from __future__ import annotations

import json
import logging
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import fsio
from pipeline.copydeck.model import Link
from pipeline.errors import Problem
from pipeline.paths import Project

if TYPE_CHECKING:
    from pipeline.config import Settings
    from pipeline.jobs.manifests import LocalePage, M, Manifest, SourcePage

    States = tuple[dict[str, SourcePage], dict[str, dict[str, LocalePage]]]  # what load_states returns

log = logging.getLogger("clinic_l10n")


def save(path: Path, manifest: Manifest) -> None:
    """Write a job's manifest (its Snakemake output); the one `reopen_stale` set aside is done with."""
    from pipeline.jobs import manifests  # not for the Snakefile, which imports this module

    manifests.write(path, manifest)
    _set_aside(path).unlink(missing_ok=True)  # see reopen_stale


def reopen_stale(project: Project, jobs: dict[Path, Path], sweep: bool = True) -> list[Path]:
    """Set aside the manifest (a job's Snakemake output) of every job whose ledger no longer matches
    today's files (see ledger.py), so Snakemake runs that job again: an input with other bytes, a
    new or removed file in a folder it lists, or a file it wrote that is missing or was edited (such
    a file under output/ is deleted first, so the job writes it anew). `jobs`: manifest -> ledger.
    Call only while holding the run lock, before Snakemake looks at the manifests.

    (Ageing the manifest would not do: Snakemake skips a job whose newer inputs have the checksums it
    recorded.) The job still reads the set-aside manifest (`previous`): it needs it to
    remove the files of deleted pages and to skip what did not change. `sweep`: also remove what no
    job wrote from the generated folders (see _sweep; `serve` does it once, as it starts)."""
    stale, written = stale_jobs(project, jobs, restamp=True)
    for manifest, spoiled in stale.items():
        for path in spoiled:
            if project.output in path.parents:
                _discard(path)
        manifest.replace(_set_aside(manifest))
    if sweep:
        _sweep(project, written)
    return list(stale)


def _discard(path: Path) -> None:
    """Delete a generated file under output/ whatever stands in its way."""
    try:
        path.unlink(missing_ok=True)
    except NotADirectoryError:
        pass  # a file stands where one of its folders should be: no job wrote it, so _sweep removes it
    except IsADirectoryError:
        shutil.rmtree(path)  # a folder where the file should be (output/ is generated: nothing of it is kept)


def stale_jobs(project: Project, jobs: dict[Path, Path], restamp: bool = False,
               ) -> tuple[dict[Path, list[Path]], set[str] | None]:
    """Every job whose manifest exists but whose ledger no longer holds (with the files it wrote that
    are missing or were edited), and every file the jobs wrote (None without every ledger: then what
    they wrote is not known). What a dry run reports and a real run acts on.

    Read only, unless `restamp` (a real run, holding the run lock): the ledger of a job whose result
    stands takes the stamps of the files it had to hash (see ledger.changes)."""
    from pipeline.jobs.ledger import Ledger, changes, load, restamped, save

    stale: dict[Path, list[Path]] = {}
    written: set[str] = set()
    complete = True
    for manifest, ledger_file in jobs.items():
        ledger = load(ledger_file)
        complete = complete and ledger is not None
        written |= ledger.writes.keys() if ledger is not None else set()
        if not manifest.exists():
            continue  # runs anyway
        fresh = Ledger() if restamp else None
        changed, spoiled = changes(project, ledger, fresh) if ledger is not None else ([], [])
        if ledger is None or changed or spoiled:
            stale[manifest] = spoiled
        elif fresh is not None and (fresh.reads or fresh.writes):
            save(ledger_file, restamped(ledger, fresh))
    return stale, written if complete else None


def _sweep(project: Project, written: set[str] | None) -> None:
    """Delete the temporary files a killed job left in the folders jobs write to, and (given `written`)
    the files under output/site/, output/preview/ and output/reports/ that no job wrote: put there by
    hand, or left by a job that no longer exists (a render shard after `render_shards` was lowered).
    Those folders are generated: what they hold is a function of today's files. Call only while
    holding the run lock (no job of another run is alive)."""
    for folder in (project.site, project.preview, project.reports):
        if folder.exists() and not folder.is_dir():  # (a symlink to a folder is followed, as before)
            log.warning("note: removed %s: a file where the pipeline writes a folder", project.relative(folder))
            fsio.remove(folder, project.output)
        top = project.relative(folder)  # each file's name below as a string: every run walks every page
        for base, _, names in os.walk(folder):
            under = top + base[len(str(folder)):]
            for name in names:
                if fsio.is_temporary(name):
                    Path(base, name).unlink(missing_ok=True)
                elif written is not None and f"{under}/{name}" not in written:
                    log.warning("note: removed %s/%s: no job of this pipeline wrote it", under, name)
                    fsio.remove(Path(base, name), folder)
    for folder in project.catalog_folders():
        for path in folder.iterdir():
            if fsio.is_temporary(path.name):
                path.unlink(missing_ok=True)


@contextmanager
def job_marker(project: Project) -> Iterator[None]:
    """Leave a mark for as long as this job runs: a job killed alone (the OOM killer, a node lost)
    keeps it, and tells the next run to sweep the temporary files such a job leaves (see
    sweep_after_killed_jobs)."""
    mark = project.running / str(os.getpid())
    try:
        mark.parent.mkdir(parents=True, exist_ok=True)
        mark.touch()
    except OSError:
        pass  # an unwritable output/ is reported by the job itself
    try:
        yield
    finally:
        mark.unlink(missing_ok=True)


def sweep_after_killed_jobs(project: Project) -> bool:
    """When a job of an earlier run was killed, remove the temporary files it left (never a real
    file). Call only while holding the run lock: then no job of another run is alive."""
    marks = list(project.running.iterdir()) if project.running.is_dir() else []
    if not marks:
        return False
    fsio.sweep_temporaries(project.root)
    for mark in marks:
        mark.unlink(missing_ok=True)
    return True


def previous(path: Path, kind: type[M]) -> M | None:
    """What the job of `path` recorded last time, even if it was set aside by `reopen_stale`."""
    from pipeline.jobs import manifests

    return manifests.read(path, kind) or manifests.read(_set_aside(path), kind)


def _set_aside(manifest: Path) -> Path:
    return manifest.with_name(manifest.name + ".reopened")


@cache
def package_digest() -> str:
    """Names this version of the package (its code, templates, schema): it changes whenever one of
    them does, so outputs are rebuilt."""
    package = Path(__file__).parent.parent
    suffixes = (".py", ".j2", ".css", ".json", ".svg", ".png", ".ico")  # code, templates, shipped assets
    parts = [p.read_bytes() for p in sorted(package.rglob("*")) if p.suffix in suffixes]
    return fsio.digest(b"\0".join(parts))[:16]


def compile_code() -> None:
    """Byte-compile the package's modules that changed since last compiled (a few ms otherwise).

    Every job is a new interpreter; where PYTHONDONTWRITEBYTECODE is set (or the package was never
    compiled) each one would compile every module it imports from source again, ~30 ms a job.
    A read-only installation is left as it is."""
    import compileall

    compileall.compile_dir(Path(__file__).parent.parent, quiet=2)


def code_and_config_digest(project: Project) -> str:
    """Names the package's code and this run's effective configuration (config/config.yaml with Snakemake's
    --configfile and --config applied): a changed setting reruns the jobs, an unchanged one nothing."""
    from pipeline.config import current_digest

    return fsio.digest(f"{package_digest()}\0{current_digest(project.config_file)}".encode())[:16]


def fingerprint(*parts: object) -> str:
    """Names `parts` (JSON data) by content: what a manifest records to know, next time, whether they changed."""
    return fsio.digest(json.dumps(parts, sort_keys=True, ensure_ascii=False).encode("utf-8"))[:24]


# Under `snakemake all`, the run's errors and blocking findings print once, at its end, from the
# manifests (pipeline/review/outcome.py); a job writes them to its log only. Run by hand, a job prints them too.
AT_END_ENV = "CLINIC_L10N_PROBLEMS_AT_END"
LOG_ONLY = "log_only"  # a log record's attribute: True keeps it out of the terminal (see cli._logging)


def at_end() -> bool:
    """Whether the run prints problems at its end (the Snakefile sets AT_END_ENV for its jobs)."""
    return os.environ.get(AT_END_ENV) == "1"


def log_problem(problem: Problem, printed: bool = False) -> None:
    """Log a problem the job records in its manifest, to be printed at the run's end (see AT_END_ENV);
    `printed`: one no manifest keeps, which the job prints itself."""
    log.error("%s", problem, extra={LOG_ONLY: at_end() and not printed})


def load_states(project: Project, settings: Settings) -> States:
    """The extract manifest's pages, and each locale manifest's pages: what downstream jobs read."""
    from pipeline.jobs import manifests
    from pipeline.jobs.manifests import ExtractManifest, LocaleManifest

    extract = manifests.read(project.extract_manifest, ExtractManifest)
    states = {}
    for loc in settings.locales:
        manifest = manifests.read(project.locale_manifest(loc.gettext), LocaleManifest)
        states[loc.gettext] = manifest.pages if manifest is not None else {}
    return extract.pages if extract is not None else {}, states


def published_versions(settings: Settings, extract: dict[str, SourcePage],
                       states: dict[str, dict[str, LocalePage]]) -> dict[str, list[Link]]:
    """For every page whose source parses: its published versions, source language first."""
    result: dict[str, list[Link]] = {}
    for name, entry in sorted(extract.items()):
        if entry.slug is None or not entry.builds:
            continue  # a source page with an error has no version until it is fixed (see jobs/extract.py)
        links = [Link(settings.source_locale, entry.slug, settings.base_url)]
        for loc in settings.locales:
            state = states[loc.gettext].get(name)
            if state is not None and state.published and state.slug:
                links.append(Link(loc, state.slug, settings.base_url))
        result[name] = links
    return result
