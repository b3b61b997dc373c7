"""What the Snakefile needs around Snakemake: the run lock, the housekeeping, the end of a run.

The run lock. Snakemake's own directory lock survives a killed run (``kill -9``, a closed laptop),
after which every run fails until someone types ``snakemake --unlock``. The Snakefile instead takes an
operating-system lock (``flock``) held for the life of the snakemake process: if another live run
holds it, this run stops with a clear message; if not, any Snakemake lock left behind is stale and
is removed, so a rerun after a crash simply works.

It also ends the run promptly (see `release_timers` and `freeze_heap`), and says how it ended, once
(see `RunEnd`).

The housekeeping (run lock, leftovers, compiled code, stale jobs), for runs that execute. Snakemake
reads the Snakefile before it knows what it will do with it: run the jobs, dry-run them (-n), print
a summary, a graph or the rules, or lint. So reading the Snakefile writes nothing. The housekeeping
happens once, when Snakemake starts building the DAG: every rule's input goes through
`Housekeeping.inputs`, an input function Snakemake calls when it creates the first job — before it
looks at any file (so the manifests `reopen_stale` sets aside are seen as missing, and their jobs
run) and before it takes its own lock (so a lock left by a killed run is gone). By then Snakemake's
workflow says what this run does (`executing`), from its own settings, not from the command line.

A run that does not execute (a dry run, --summary, --dag, …) only reads: a dry run reports the jobs
whose inputs changed since they ran, which a real run would rerun. The per-job processes a cluster
executor starts (--mode remote) do no housekeeping: the snakemake process that runs the workflow did.
"""

from __future__ import annotations

import atexit
import fcntl
import gc
import os
import shutil
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from pipeline import fsio
from pipeline.errors import PipelineError, Problem
from pipeline.paths import Project

if TYPE_CHECKING:
    from pipeline.config import Settings

_held: list[IO[str]] = []  # keeps the lock file open (and locked) until the process exits


class RunLockError(RuntimeError):
    pass


def claim(root: Path) -> str | None:
    """Take the run lock for `root`. Returns a note when a stale Snakemake lock was removed."""
    state = root / ".snakemake"
    state.mkdir(exist_ok=True)
    handle = open(state / "clinic-l10n.lock", "a+", encoding="utf-8")  # noqa: SIM115 - held until exit
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        owner = handle.read().strip() or "another process"
        handle.close()
        raise RunLockError(f"{root}: another pipeline run is in progress ({owner}); wait for it to finish") from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"snakemake pid {os.getpid()}\n")
    handle.flush()
    _held.append(handle)
    locks = state / "locks"
    if locks.is_dir() and any(locks.iterdir()):
        for stale in locks.iterdir():  # the folder stays: Snakemake has already made it for this run's own lock
            shutil.rmtree(stale) if stale.is_dir() else stale.unlink(missing_ok=True)
        return "note: removed the lock left by an interrupted run (nothing else is running here)"
    return None


def release_claim() -> None:
    """Let go of the run lock this process took with `claim` (the process's exit does it otherwise)."""
    while _held:
        _held.pop().close()


def release_timers() -> None:
    """Cancel the timers Snakemake's scheduler leaves behind, so the process exits at once.

    Snakemake's job rate limiter (``--max-jobs-per-timespan``, default 100/1s) starts a non-daemon
    ``threading.Timer`` of one second after every scheduling round, only to wake the scheduler again;
    Python waits for it at exit, which adds up to a second to every run that ran a job (measured
    1.1 s of a 2.25 s rebuild). Called from the Snakefile's ``onsuccess``/``onerror``, when the
    scheduler has finished and nothing waits for those wake-ups any more.
    """
    for thread in threading.enumerate():
        if isinstance(thread, threading.Timer):
            thread.cancel()


def freeze_heap() -> None:
    """Exempt every object that exists now (Snakemake's modules, the parsed workflow) from the cyclic
    garbage collector, as ``gc.freeze`` is meant for after start-up. They live until the process
    ends anyway; without this, the collection Python runs at exit walked them all, 0.1-0.15 s of
    every run (measured on 100 pages)."""
    gc.freeze()


class RunEnd:
    """Prints the outcome of `snakemake all` once, as the run ends, and fails the run while an error stands.

    The `site` job writes the outcome (output/.state/summary.txt: the errors and blocking QA findings,
    then the summary per locale; output/.state/problems.txt: the errors alone). The Snakefile's
    `onsuccess` calls `finish`: it prints the summary and, while an error stands, removes rule
    `verdict`'s output, so the next run reaches this point again, and exits 1 (Snakemake has released
    its locks by then: the hook runs inside its lock's `finally`). `onerror` (a job failed) prints the
    summary only if the `site` job wrote it in this run. When there is nothing to be done, Snakemake
    calls neither hook: the summary of the last run is printed as the process exits (no error can
    stand then: `verdict`'s output exists only without one).
    """

    def __init__(self, summary: Path, problems: Path, verdict: Path, wanted: Callable[[], bool],
                 idle: Callable[[], bool]) -> None:
        self.summary, self.problems, self.verdict = summary, problems, verdict
        self.wanted = wanted  # whether the run built the site (target `all`), not `check`, say
        self.idle = idle  # whether Snakemake found nothing to be done
        self.started = time.time()
        self.done = False
        atexit.register(self._at_exit)

    def finish(self, failed: bool = False) -> None:
        self.done = True
        if not self.wanted():
            return
        try:
            written = self.summary.stat().st_mtime >= self.started
            text = (fsio.read_own(self.summary) or b"").decode("utf-8", "replace")
            standing = self.problems.stat().st_size > 0
        except OSError:
            return  # no summary yet: the run failed before the site job
        if failed and not written:
            return  # the last run's summary, not this one's
        sys.stderr.write(text)
        sys.stderr.flush()
        if standing:
            self.verdict.unlink(missing_ok=True)
            if not failed:  # (after a failed job Snakemake exits 1 itself)
                sys.exit(1)

    def _at_exit(self) -> None:
        if not self.done and self.idle():
            self.finish()


# Housekeeping
def executing(workflow: Any) -> bool:
    """True in the snakemake process that runs the workflow's jobs (not a dry run, not --summary,
    --dag, --rulegraph, --lint or --list-rules, which set no executor, not a cluster job's process)."""
    return bool(workflow.is_main_process and workflow.executor_plugin is not None and not workflow.dryrun)


class Housekeeping:
    def __init__(self, project: Project, settings: Settings, jobs: dict[Path, Path]) -> None:
        self.project, self.settings, self.jobs = project, settings, jobs
        self.done = False

    def inputs(self, workflow: Any, files: Any) -> Callable[[Any], Any]:
        """An input function giving `files`, after this run's housekeeping (once, whichever rule asks first)."""
        def after_housekeeping(wildcards: Any) -> Any:
            if not self.done:
                self.done = True
                self.start(workflow)
            return files

        return after_housekeeping

    def start(self, workflow: Any) -> None:
        if executing(workflow):
            try:
                self.prepare()
            except PipelineError as err:
                sys.exit(str(err.problem))
            except OSError as err:  # the file system refused (a file where a folder should be, a full disk)
                where = str(err.filename) if err.filename else None
                sys.exit(str(Problem(where, None, "error", f"cannot prepare the run: {err.strerror or err}")))
        elif workflow.dryrun and workflow.is_main_process:
            self.preview()

    def prepare(self) -> None:
        """Everything a real run does before Snakemake plans it (PipelineError: it cannot run)."""
        from pipeline.config import record_checked
        from pipeline.fsio import ensure_writable_folder, sweep_temporaries
        from pipeline.jobs.state import compile_code, reopen_stale, sweep_after_killed_jobs
        from pipeline.locales import unowned_folders, use_facts
        from pipeline.runtime import RunLockError, claim

        project = self.project
        try:
            note = claim(project.root)
        except RunLockError as err:
            sys.exit(f"error: {err}")
        ensure_writable_folder(project.output)
        if note:  # the last run was interrupted: remove its half-written temporaries (never a real file)
            print(note, file=sys.stderr)
            sweep_temporaries(project.root)
        else:
            sweep_after_killed_jobs(project)  # a job killed alone (OOM) in an earlier run left its temporaries
        compile_code()
        shutil.rmtree(project.old_parsed_cache, ignore_errors=True)  # an earlier version's cache (one stat when gone)
        record_checked(project.config_checked, self.settings)
        use_facts(project.locale_facts, self.settings.all_locales)
        for warning in unowned_folders(project.locale_folders(), self.settings.locales):
            print(warning, file=sys.stderr)
        # rerun every job whose inputs changed by content, or whose files are missing or were edited
        reopen_stale(project, self.jobs)

    def preview(self) -> None:
        """A dry run: say which jobs a real run would rerun because their inputs changed (read only)."""
        from pipeline.jobs.state import stale_jobs

        stale, _ = stale_jobs(self.project, self.jobs)
        if stale:
            names = ", ".join(self.project.relative(m) for m in stale)
            print(f"note: inputs changed since these jobs ran; a real run reruns them (and what depends on "
                  f"them): {names}", file=sys.stderr)
