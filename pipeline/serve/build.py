"""Rebuild in-process what a change affects, through the job code `snakemake all` runs.

Which jobs run is decided as Snakemake and the Snakefile decide it: the housekeeping sets aside the
manifest of every job whose ledger no longer holds (an input changed by content, a file it wrote is
missing or was edited: jobs/state.reopen_stale), and a job runs when its manifest is missing or one of
the manifests it depends on changed in this build. Each job is incremental inside, so only the pages
the change touches are merged, checked and rendered again.

The files are the ones `snakemake all` would write, byte for byte. Snakemake's own view is kept too: a
job's manifest is never left older than the manifests it depends on (Snakemake would rerun it), so
after a change made while serving, `snakemake all` has nothing to do. (A change of config/config.yaml
is a new parameter of every rule for Snakemake: its next run reruns the jobs, which rewrite nothing
but their logs.)
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import fsio
from pipeline.errors import PipelineError
from pipeline.paths import Project

if TYPE_CHECKING:
    from pipeline.config import Settings

log = logging.getLogger("clinic_l10n")


@dataclass(frozen=True, slots=True)
class Job:
    """One job of the Snakefile: its outputs (the first is its manifest), the manifests it depends on,
    its log, and what runs it (what it returns is not read: the errors that stand are in problems.txt)."""
    name: str
    outputs: tuple[Path, ...]
    inputs: tuple[Path, ...]
    log: Path
    run: Callable[[], object]


@dataclass(frozen=True, slots=True)
class Outcome:
    ran: tuple[str, ...]  # the jobs that ran, with how long each took ("update-1 412 ms")
    errors: tuple[str, ...]  # the errors that stand (output/.state/problems.txt), or the configuration's
    summary: str


class Builder:
    """Holds the settings between builds; `build()` after each change."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.settings: Settings | None = None
        self.config_error: str | None = None
        self.swept = False  # the generated folders hold only what jobs wrote: checked at the first build

    def start(self) -> None:
        """Once, holding the run lock: what the Snakefile's housekeeping does before a run."""
        from pipeline.fsio import ensure_writable_folder, sweep_temporaries
        from pipeline.jobs.state import compile_code, sweep_after_killed_jobs
        from pipeline.runtime import claim

        note = claim(self.project.root)  # RunLockError while snakemake runs here
        ensure_writable_folder(self.project.output)
        if note:
            log.info("%s", note)
            sweep_temporaries(self.project.root)
        else:
            sweep_after_killed_jobs(self.project)
        compile_code()

    def build(self, config_changed: bool = False) -> Outcome:
        if config_changed:
            self.swept = False  # a lower render_shards leaves files no job owns any more
        if self.settings is None or config_changed:
            if not self._load_settings():
                return Outcome((), (self.config_error or "",), "")
        from pipeline.jobs.state import reopen_stale

        settings = self.settings
        assert settings is not None
        jobs = self.jobs()
        records = self.project.job_records(len(settings.locale_groups()), settings.render_shards)
        reopen_stale(self.project, records, sweep=not self.swept)
        self.swept = True
        before = {path: _digest(path) for job in jobs for path in job.outputs}
        ran = []
        for job in jobs:
            missing = any(not path.exists() for path in job.outputs)
            changed = any(_digest(path) != before.get(path) for path in job.inputs)
            if missing or changed or config_changed or _older_than_inputs(job):
                start = time.perf_counter()
                self._run(job)
                ran.append(f"{job.name} {(time.perf_counter() - start) * 1000:.0f} ms")
            _not_older_than_inputs(job)
        self._verdict()
        problems = fsio.read_own(self.project.problems) or b""
        summary = fsio.read_own(self.project.summary) or b""
        return Outcome(tuple(ran), tuple(problems.decode("utf-8").splitlines()), summary.decode("utf-8"))

    def _load_settings(self) -> bool:
        from pipeline.config import load_settings, record_checked

        try:
            settings = load_settings(self.project.config_file, record=self.project.config_checked,
                                     facts=self.project.locale_facts)
        except PipelineError as err:
            self.config_error = str(err.problem)
            return False
        record_checked(self.project.config_checked, settings)
        from pipeline.locales import unowned_folders

        for warning in unowned_folders(self.project.locale_folders(), settings.locales):
            log.warning("%s", warning)
        self.settings, self.config_error = settings, None
        return True

    def jobs(self) -> list[Job]:
        """The Snakefile's jobs for `snakemake all`, in an order that respects their inputs."""
        from pipeline.jobs.extract import run_extract
        from pipeline.jobs.render import is_current, run_render
        from pipeline.jobs.sitewide import run_site
        from pipeline.jobs.update import run_update_group

        project, settings = self.project, self.settings
        assert settings is not None
        logs = project.output / "logs"
        groups = range(len(settings.locale_groups()))
        shards = range(settings.render_shards)
        catalogs = tuple(project.group_manifest(g) for g in groups)
        extract = project.extract_manifest

        def render(shard: int) -> Callable[[], object]:
            return lambda: [] if is_current(project, shard) else run_render(project, settings, shard)

        jobs = [Job("extract", (extract,), (), logs / "extract.log", lambda: run_extract(project, settings))]
        jobs += [Job(f"update-{g}", (project.group_manifest(g),), (extract,), logs / "update" / f"group-{g}.log",
                     partial(run_update_group, project, settings, g)) for g in groups]
        jobs += [Job(f"render-{s}", (project.render_manifest(s),), (extract, *catalogs),
                     logs / "render" / f"shard-{s}.log", render(s)) for s in shards]
        jobs.append(Job("site", (project.site_manifest, project.problems), (extract, *catalogs), logs / "site.log",
                        lambda: run_site(project, settings)))
        return jobs

    def _run(self, job: Job) -> None:
        """The job as `clinic-l10n --log LOG <job>` runs it: its messages to its log, not the terminal
        (the build prints the standing errors and the summary once, as a Snakemake run ends)."""
        from pipeline.jobs.state import job_marker

        job.log.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(job.log, mode="w", encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
        propagate, log.propagate = log.propagate, False
        try:
            with job_marker(self.project):
                job.run()
        except PipelineError as err:
            log.error("%s", err.problem)
        finally:
            log.removeHandler(handler)
            log.propagate = propagate
            handler.close()

    def _verdict(self) -> None:
        """Rule `verdict` (`cp problems.txt LOG; touch verdict.ok`) and what the run's end does with it:
        its output stands only while no error does (see runlock.RunEnd)."""
        project = self.project
        problems = fsio.read_own(project.problems) or b""
        verdict_log = project.output / "logs" / "verdict.log"
        shards = self.settings.render_shards if self.settings else 0
        renders = [project.render_manifest(s) for s in range(shards)]
        if problems:
            fsio.write_atomic(verdict_log, problems)
            project.verdict.unlink(missing_ok=True)
            return
        inputs = [*renders, project.problems]
        if not project.verdict.exists() or _older(project.verdict, inputs):
            fsio.write_atomic(verdict_log, problems)
            project.verdict.touch()


def _digest(path: Path) -> str | None:
    data = fsio.read_bytes(path)
    return fsio.digest(data) if data is not None else None


def _mtime(path: Path) -> int:
    try:
        return os.stat(path).st_mtime_ns
    except FileNotFoundError:
        return 0


def _older(output: Path, inputs: list[Path] | tuple[Path, ...]) -> bool:
    return bool(inputs) and _mtime(output) < max(_mtime(p) for p in inputs)


def _older_than_inputs(job: Job) -> bool:
    return any(_older(path, job.inputs) for path in job.outputs)


def _not_older_than_inputs(job: Job) -> None:
    """What Snakemake sees after running a job: outputs newer than its inputs. A job that found nothing
    to change rewrote no manifest; its manifest's time says it is current, as Snakemake's record of
    the inputs' checksums would after a run of its own."""
    for path in job.outputs:
        if path.exists() and _older(path, job.inputs):
            os.utime(path)
