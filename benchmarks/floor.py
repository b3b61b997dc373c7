"""Floor benchmark: how much of a cold `snakemake all` is Snakemake and process starts, not the pipeline's work.

usage: python benchmarks/floor.py [PAGES]   (default 100 pages × 6 locales, empty catalogs, as in scale.py)

Runs, in one invocation and alternating (median of 3 each):
  1. `snakemake --version`: Snakemake's own start;
  2. a workflow of the pipeline's shape (extract -> 2 update -> 2 render + site -> verdict -> all) whose
     jobs do nothing (`true`): Snakemake's start, DAG and scheduling of those jobs;
  3. the same shape whose jobs start Python and import what each job of the pipeline imports;
  4. the real cold build of a generated project;
  4b. writing the files that cold build wrote (output/ and the catalogs and templates: the same paths and
     bytes) as the pipeline writes them (a cache entry in place, any other file atomically), split between
     2 processes as the jobs share 2 cores: what the file system alone costs (creating a file or folder
     takes ~0.1-0.7 ms of kernel time here);
  5.-7. a translator's save (one msgstr in one `.po`, as scale.py edits it): what reruns is one update
     job, both render shards, the site job and the verdict; timed in the shapes of (2) and (3) (an input
     of one update job touched) and in the real project.
(3) is the least any Snakemake workflow of this shape can take with a Python job per rule; (4) minus
(3) is the pipeline's own work, of which (4b) is writing its files. scale.py holds (4) against the
Translate Toolkit chain: its ≥ 40× target needs (4) ≤ chain / 40, so (3) alone, and (3) with (4b) after
it, bound what that ratio can reach on a given machine.
Likewise (6) bounds the msgstr edit (scale.py's target: ≤ 1.2 s), and (7) minus (6) is the pipeline's
own work for one save.
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
from scale import ENV, LOCALES6, SNAKEMAKE, in_two_processes, save_draft, write_as_the_pipeline  # noqa: E402  (the builds exactly as scale.py runs them)

ROUNDS = 3
# What each rule's job imports before it works (pipeline/cli.py imports one job module per command).
IMPORTS = {"extract": "pipeline.jobs.extract", "update": "pipeline.jobs.update", "render": "pipeline.jobs.render",
           "site": "pipeline.jobs.sitewide"}


def shaped_workflow(folder: Path, job: Callable[[str], str]) -> Path:
    """A Snakefile of the pipeline's job graph; `job(rule)` is the shell command of each job."""
    folder.mkdir(parents=True)
    rules = [
        ("extract", [], ["out/extract"]),
        *((f"update_{g}", ["out/extract", f"in/catalogs-{g}"], [f"out/update-{g}"]) for g in (0, 1)),
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
    (folder / "in").mkdir()
    for group in (0, 1):  # what each update job reads (a translator's save touches one group's)
        (folder / "in" / f"catalogs-{group}").write_text("", "utf-8")
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


def written(project: Path) -> list[tuple[str, bytes]]:
    """Every file a build wrote: output/ and the catalogs and templates (project-relative path, bytes)."""
    return [(p.relative_to(project).as_posix(), p.read_bytes()) for folder in ("output", "locales")
            for p in sorted((project / folder).rglob("*")) if p.is_file()]


def _write_all(target: Path, files: list[tuple[str, bytes]]) -> None:
    for name, data in files:
        write_as_the_pipeline(target, name, data)


def write_floor(files: list[tuple[str, bytes]], target: Path) -> float:
    """Seconds to write `files` under `target` as the pipeline writes them (scale.write_as_the_pipeline,
    folders as needed), by 2 processes at once: every other file each, as the jobs share the 2 cores."""
    shutil.rmtree(target, ignore_errors=True)
    return in_two_processes(_write_all, [(target, files[i::2]) for i in range(2)])


def main() -> int:
    pages = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    scratch = Path(tempfile.mkdtemp(prefix="bench-floor-"))
    python = shlex.quote(sys.executable)
    empty = shaped_workflow(scratch / "empty", lambda rule: "true")
    imports = shaped_workflow(scratch / "imports", lambda rule: f"{python} -c 'import {IMPORTS[rule]}'")
    project = make_project(scratch / "p", pages, LOCALES6)
    # The source pages stay; a cold build is the project without output/, .snakemake/ and its catalogs.
    runs: dict[str, list[float]] = {key: [] for key in ("version", "empty", "imports", "cold", "write",
                                                        "edit-empty", "edit-imports", "edit")}
    snakemake = [SNAKEMAKE, "all", "--cores", "2", "--scheduler", "greedy", "-q"]  # the shaped workflows' runs
    po = project / "locales" / "fr" / "LC_MESSAGES" / "page-0007.po"  # fr is in update group 1 of LOCALES6
    for round_ in range(ROUNDS):
        runs["version"].append(timed([SNAKEMAKE, "--version"], scratch))
        runs["empty"].append(timed(snakemake, empty, empty))
        runs["imports"].append(timed(snakemake, imports, imports))
        runs["cold"].append(timed([SNAKEMAKE, "all"], project, project))
        files = written(project)
        runs["write"].append(write_floor(files, scratch / "written"))
        for shape in ("empty", "imports"):  # after (2) and (3): their outputs are there
            (scratch / shape / "in" / "catalogs-1").write_text(f"{round_}\n", "utf-8")
            runs[f"edit-{shape}"].append(timed(snakemake, scratch / shape))
        save_draft(po, "Headache", f"Mal de tête ({round_ + 1})")
        runs["edit"].append(timed([SNAKEMAKE, "all"], project))
    shutil.rmtree(scratch, ignore_errors=True)
    rows = [
        ("`snakemake --version` (Snakemake's start)", "version"),
        ("the pipeline's job graph, jobs `true`", "empty"),
        ("the same graph, each job Python importing its job module", "imports"),
        (f"cold `snakemake all`, {pages} pages × {len(LOCALES6)} locales, empty catalogs", "cold"),
        (f"writing the {len(files):,} files it wrote, 2 processes (no Snakemake, no job)", "write"),
        ("a save: one update job's input touched, then the graph of jobs `true`", "edit-empty"),
        ("the same, each job Python importing its job module", "edit-imports"),
        ("one msgstr edited in one `.po`, then `snakemake all`", "edit"),
    ]
    print(f"machine: {sys.version.split()[0]}; medians of {ROUNDS} alternating runs")
    print("| what | median | runs |")
    print("| --- | --- | --- |")
    for label, key in rows:
        print(f"| {label} | {median(runs[key]):.2f} s | {', '.join(f'{s:.2f}' for s in runs[key])} |")
    floor, cold, write = median(runs["imports"]), median(runs["cold"]), median(runs["write"])
    print(f"\nThe floor (jobs that only import) is {floor / cold:.0%} of the cold build; the pipeline's own work"
          f" {cold - floor:.2f} s, of which writing its files alone takes {write:.2f} s. A ≥ 40× target against a"
          f" chain of C s needs the cold build ≤ C/40: with the job floor alone, C ≥ {40 * floor:.0f} s; with the"
          f" job floor and the files written after it, C ≥ {40 * (floor + write):.0f} s.")
    floor, edit = median(runs["edit-imports"]), median(runs["edit"])
    print(f"A save: the floor is {floor:.2f} s ({floor / edit:.0%} of the real run); the pipeline's own work"
          f" {edit - floor:.2f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
