"""Floor benchmark: how much of a cold `snakemake all` is Snakemake and process starts, not the pipeline's work.

usage: python benchmarks/floor.py [PAGES]   (default 100 pages × 6 locales, empty catalogs, as in scale.py)

Runs, in one invocation and alternating (median of 3 each):
  1. `snakemake --version`: Snakemake's own start;
  2. a workflow of the pipeline's shape (extract -> 2 update -> 2 render + site -> verdict -> all) whose
     jobs do nothing (`true`): Snakemake's start, DAG and scheduling of those jobs;
  3. the same shape whose jobs start Python and import what each job of the pipeline imports;
  4. the real cold build of a generated project.
(3) is the least any Snakemake workflow of this shape can take with a Python job per rule; (4) minus
(3) is the pipeline's own work. scale.py holds (4) against the Translate Toolkit chain: its ≥ 40×
target needs (4) ≤ chain / 40, so (3) alone bounds what that ratio can reach on a given machine.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from statistics import median

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import make_project  # noqa: E402
from scale import ENV, LOCALES6, SNAKEMAKE  # noqa: E402  (the cold build exactly as scale.py runs it)

ROUNDS = 3
# What each rule's job imports before it works (pipeline/cli.py imports one job module per command).
IMPORTS = {"extract": "pipeline.jobs.extract", "update": "pipeline.jobs.update", "render": "pipeline.jobs.render",
           "site": "pipeline.jobs.sitewide"}


def shaped_workflow(folder: Path, job: Callable[[str], str]) -> Path:
    """A Snakefile of the pipeline's job graph; `job(rule)` is the shell command of each job."""
    folder.mkdir(parents=True)
    rules = [
        ("extract", [], ["out/extract"]),
        *((f"update_{g}", ["out/extract"], [f"out/update-{g}"]) for g in (0, 1)),
        *((f"render_{s}", ["out/update-0", "out/update-1"], [f"out/render-{s}"]) for s in (0, 1)),
        ("site", ["out/update-0", "out/update-1"], ["out/site"]),
    ]
    # With the pipeline's own end of a run: Snakemake's leftover timers cancelled (see runtime.release_timers).
    text = ['from pipeline.runtime import release_timers\n\nonsuccess:\n    release_timers()\n',
            'localrules: all, verdict\n\nrule all:\n    input: "out/verdict"\n',
            'rule verdict:\n    input: "out/render-0", "out/render-1", "out/site"\n    output: "out/verdict"\n'
            '    shell: "touch {output}"\n']
    for name, inputs, outputs in rules:
        command = job(name.split("_")[0])
        text.append(f"rule {name}:\n    input: {inputs!r}\n    output: {outputs!r}\n"
                    f"    shell: {command + ' && touch {output}'!r}\n")
    (folder / "Snakefile").write_text("\n".join(text), "utf-8")
    return folder


def timed(command: list[str], cwd: Path, clean: Path | None = None) -> float:
    if clean is not None:
        for name in ("out", ".snakemake", "output", "locales"):
            shutil.rmtree(clean / name, ignore_errors=True)
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=ENV, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed in {cwd}:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    return seconds


def main() -> int:
    pages = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    scratch = Path(tempfile.mkdtemp(prefix="bench-floor-"))
    python = shlex.quote(sys.executable)
    empty = shaped_workflow(scratch / "empty", lambda rule: "true")
    imports = shaped_workflow(scratch / "imports", lambda rule: f"{python} -c 'import {IMPORTS[rule]}'")
    project = make_project(scratch / "p", pages, LOCALES6)
    # The source pages stay; a cold build is the project without output/, .snakemake/ and its catalogs.
    runs: dict[str, list[float]] = {"version": [], "empty": [], "imports": [], "cold": []}
    for _ in range(ROUNDS):
        runs["version"].append(timed([SNAKEMAKE, "--version"], scratch))
        runs["empty"].append(timed([SNAKEMAKE, "all", "--cores", "2", "--scheduler", "greedy", "-q"], empty, empty))
        runs["imports"].append(timed([SNAKEMAKE, "all", "--cores", "2", "--scheduler", "greedy", "-q"], imports,
                                     imports))
        runs["cold"].append(timed([SNAKEMAKE, "all"], project, project))
    shutil.rmtree(scratch, ignore_errors=True)
    rows = [
        ("`snakemake --version` (Snakemake's start)", "version"),
        ("the pipeline's job graph, jobs `true`", "empty"),
        ("the same graph, each job Python importing its job module", "imports"),
        (f"cold `snakemake all`, {pages} pages × {len(LOCALES6)} locales, empty catalogs", "cold"),
    ]
    print(f"machine: {sys.version.split()[0]}; medians of {ROUNDS} alternating runs")
    print("| what | median | runs |")
    print("| --- | --- | --- |")
    for label, key in rows:
        print(f"| {label} | {median(runs[key]):.2f} s | {', '.join(f'{s:.2f}' for s in runs[key])} |")
    floor, cold = median(runs["imports"]), median(runs["cold"])
    print(f"\nThe floor (jobs that only import) is {floor / cold:.0%} of the cold build; the pipeline's own work"
          f" {cold - floor:.2f} s. A ≥ 40× target against a chain of C s needs the cold build ≤ C/40: with this"
          f" floor alone, C ≥ {40 * floor:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
