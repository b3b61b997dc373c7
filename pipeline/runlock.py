"""One pipeline run per project folder, and no manual unlock after a crash.

Snakemake's own directory lock survives a killed run (``kill -9``, a closed laptop), after which
every run fails until someone types ``snakemake --unlock``. The Snakefile instead takes an
operating-system lock (``flock``) held for the life of the snakemake process: if another live run
holds it, this run stops with a clear message; if not, any Snakemake lock left behind is stale and
is removed, so a rerun after a crash simply works.

It also ends the run promptly (see `release_timers` and `freeze_heap`), and says how it ended, once
(see `RunEnd`).
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
from typing import IO

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
            text = self.summary.read_text("utf-8")
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
