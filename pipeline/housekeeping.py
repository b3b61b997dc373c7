"""The run's housekeeping — run lock, leftovers, compiled code, stale jobs — for runs that execute.

Snakemake reads the Snakefile before it knows what it will do with it: run the jobs, dry-run them
(-n), print a summary, a graph or the rules, or lint. So reading the Snakefile writes nothing. The
housekeeping happens once, when Snakemake starts building the DAG: every rule's input goes through
`Housekeeping.inputs`, an input function Snakemake calls when it creates the first job — before it
looks at any file (so the manifests `reopen_stale` sets aside are seen as missing, and their jobs
run) and before it takes its own lock (so a lock left by a killed run is gone). By then Snakemake's
workflow says what this run does (`executing`), from its own settings, not from the command line.

A run that does not execute (a dry run, --summary, --dag, …) only reads: a dry run reports the jobs
whose inputs changed since they ran, which a real run would rerun. The per-job processes a cluster
executor starts (--mode remote) do no housekeeping: the snakemake process that runs the workflow did.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import PipelineError, as_error
from .paths import Project

if TYPE_CHECKING:
    from .config import Settings


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
                sys.exit(as_error(str(err)))
        elif workflow.dryrun and workflow.is_main_process:
            self.preview()

    def prepare(self) -> None:
        """Everything a real run does before Snakemake plans it (PipelineError: it cannot run)."""
        from .config import record_checked
        from .fsio import ensure_writable_folder, sweep_temporaries
        from .jobs.state import compile_code, reopen_stale, sweep_after_killed_jobs
        from .locales import use_facts
        from .runlock import RunLockError, claim

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
        record_checked(project.config_checked, self.settings)
        use_facts(project.locale_facts, self.settings.all_locales)
        # rerun every job whose inputs changed by content, or whose files are missing or were edited
        reopen_stale(project, self.jobs)

    def preview(self) -> None:
        """A dry run: say which jobs a real run would rerun because their inputs changed (read only)."""
        from .jobs.state import stale_jobs

        stale, _ = stale_jobs(self.project, self.jobs)
        if stale:
            names = ", ".join(self.project.relative(m) for m in stale)
            print(f"note: inputs changed since these jobs ran; a real run reruns them (and what depends on "
                  f"them): {names}", file=sys.stderr)
