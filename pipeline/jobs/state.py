"""The manifests in output/.state/: what each job recorded, and what the next one reads."""

from __future__ import annotations

import json
import logging
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline import fsio
from pipeline.copydeck.model import Link
from pipeline.errors import PipelineError, as_error
from pipeline.paths import Project

if TYPE_CHECKING:
    from pipeline.config import Settings

log = logging.getLogger("clinic_l10n")


def load_manifest(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text("utf-8"))
    except (FileNotFoundError, ValueError):
        return {}


def save_manifest(path: Path, data: dict[str, Any]) -> None:
    # Compact on purpose: json's C encoder only serves indent=None (indenting costs 10x the time).
    fsio.write_text(path, json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n")
    _set_aside(path).unlink(missing_ok=True)  # see reopen_stale


def listed_files(manifest: dict[str, Any]) -> list[str]:
    """The files a render or site manifest says its job wrote (relative to the project root)."""
    pages = manifest.get("pages", {}).values()
    return [*manifest.get("files", []), *(f for page in pages for f in page.get("files", []))]


def reopen_stale(project: Project, jobs: dict[Path, Path]) -> list[Path]:
    """Set aside the manifest (a job's Snakemake output) of every job whose ledger no longer matches
    today's files (see ledger.py), so Snakemake runs that job again: an input with other bytes, a
    new or removed file in a folder it lists, or a file it wrote that is missing or was edited (such
    a file under output/ is deleted first, so the job writes it anew). `jobs`: manifest -> ledger.
    Call only while holding the run lock, before Snakemake looks at the manifests.

    (Ageing the manifest would not do: Snakemake skips a job whose newer inputs have the checksums it
    recorded.) The job still reads the set-aside manifest (`previous_manifest`): it needs it to
    remove the files of deleted pages and to skip what did not change."""
    stale, written = stale_jobs(project, jobs)
    for manifest, spoiled in stale.items():
        for path in spoiled:
            if project.output in path.parents:
                _discard(path)
        manifest.replace(_set_aside(manifest))
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


def stale_jobs(project: Project, jobs: dict[Path, Path]) -> tuple[dict[Path, list[Path]], set[str] | None]:
    """Read only: every job whose manifest exists but whose ledger no longer holds (with the files it
    wrote that are missing or were edited), and every file the jobs wrote (None without every ledger:
    then what they wrote is not known). What a dry run reports and a real run acts on."""
    from pipeline.jobs.ledger import changes, load

    stale: dict[Path, list[Path]] = {}
    written: set[str] = set()
    complete = True
    for manifest, ledger_file in jobs.items():
        ledger = load(ledger_file)
        complete = complete and ledger is not None
        written |= ledger.writes.keys() if ledger is not None else set()
        if not manifest.exists():
            continue  # runs anyway
        changed, spoiled = changes(project, ledger) if ledger is not None else ([], [])
        if ledger is None or changed or spoiled:
            stale[manifest] = spoiled
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
            folder.unlink()
        for base, _, names in os.walk(folder):
            for name in names:
                path = Path(base, name)
                if fsio.is_temporary(name):
                    path.unlink(missing_ok=True)
                elif written is not None and project.relative(path) not in written:
                    log.warning("note: removed %s: no job of this pipeline wrote it", project.relative(path))
                    fsio.remove(path, folder)
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


def previous_manifest(path: Path) -> dict[str, Any]:
    """What the job of `path` recorded last time, even if it was set aside by `reopen_stale`."""
    return load_manifest(path) or load_manifest(_set_aside(path))


def _set_aside(manifest: Path) -> Path:
    return manifest.with_name(manifest.name + ".reopened")


@cache
def code_digest() -> str:
    """Changes whenever the package's code or templates change, so outputs are rebuilt."""
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


def stamp(project: Project) -> str:
    """Names the code and this run's effective configuration (config/config.yaml with Snakemake's
    --configfile and --config applied): a changed setting reruns the jobs, an unchanged one nothing."""
    from pipeline.config import current_digest

    return fsio.digest(f"{code_digest()}\0{current_digest(project.config_file)}".encode())[:16]


def key_of(*parts: object) -> str:
    return fsio.digest(json.dumps(parts, sort_keys=True, ensure_ascii=False).encode("utf-8"))[:24]


# Under `snakemake all`, the run's errors and blocking findings print once, at its end, from the
# manifests (pipeline/review/outcome.py); a job writes them to its log only. Run by hand, a job prints them too.
AT_END_ENV = "CLINIC_L10N_PROBLEMS_AT_END"
LOG_ONLY = "log_only"  # a log record's attribute: True keeps it out of the terminal (see cli._logging)


def at_end() -> bool:
    """Whether the run prints problems at its end (the Snakefile sets AT_END_ENV for its jobs)."""
    return os.environ.get(AT_END_ENV) == "1"


def report(problem: PipelineError | str, errors: list[str], printed: bool = False) -> None:
    """Record a problem the manifests keep (`printed`: one they do not, which the job prints itself)."""
    text = str(problem)
    log.error("%s", as_error(text), extra={LOG_ONLY: at_end() and not printed})
    errors.append(text)


def load_states(project: Project, settings: Settings) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The extract manifest's pages, and each locale manifest's pages: what downstream jobs read."""
    extract = load_manifest(project.extract_manifest).get("pages", {})
    states = {loc.gettext: load_manifest(project.locale_manifest(loc.gettext)).get("pages", {})
              for loc in settings.locales}
    return extract, states


def published_versions(settings: Settings, extract: dict[str, Any],
                       states: dict[str, dict[str, Any]]) -> dict[str, list[Link]]:
    """For every page whose source parses: its published versions, source language first."""
    result: dict[str, list[Link]] = {}
    for name, entry in sorted(extract.items()):
        if not entry.get("slug") or entry.get("error"):
            continue  # a source page with an error has no version until it is fixed (see jobs/extract.py)
        links = [Link(settings.source_locale, entry["slug"], settings.base_url)]
        for loc in settings.locales:
            state = states[loc.gettext].get(name, {})
            if state.get("published") and state.get("slug"):
                links.append(Link(loc, state["slug"], settings.base_url))
        result[name] = links
    return result
