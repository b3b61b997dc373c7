# clinic-l10n: source pages -> templates -> catalogs (merge, pre-fill) -> pages, sitemap, verdict.
# Thin on purpose: every rule calls the package's CLI; the logic lives in pipeline/.
# Rules run per group of locales (update) and per shard of pages (render), not per page: each job is
# incremental inside (see pipeline/jobs/), so a rerun with nothing changed runs no job and a
# cold build of 100 pages x 7 locales starts about a dozen interpreters, not 700.
# Manifests are update() outputs: Snakemake keeps them for the job, which reads its last state.

import os
import shlex
import sys
from pathlib import Path

from pipeline.config import checked_settings, config_source, read_config
from pipeline.errors import PipelineError
from pipeline.jobs.state import AT_END_ENV, code_and_config_digest, package_digest
from pipeline.paths import Project
from pipeline.runtime import Housekeeping, RunEnd, executing, freeze_heap, release_timers


PROJECT = Project(Path(".").resolve())
CONFIG = PROJECT.relative(PROJECT.config_file)
# Snakemake's configuration is the configuration: config/config.yaml, then --configfile, then --config.
# Reading the Snakefile writes nothing (a dry run, --summary or --lint reads it too): see Housekeeping.
try:
    read_config(PROJECT.config_file)  # first with our reader: no YAML aliases, errors with their line
except PipelineError as err:
    sys.exit(str(err.problem))


if PROJECT.config_file.exists():  # a missing file means every default

    configfile: CONFIG


try:
    # Validated here once, as merged; the jobs receive it parsed and validated (see load_settings).
    SETTINGS = checked_settings(config, config_source(workflow.configfiles, workflow.config_settings.overwrite_config),
                                record=PROJECT.config_checked, hand_down=True)
except PipelineError as err:
    sys.exit(str(err.problem))

CLI = f"{shlex.quote(sys.executable)} -m pipeline"
# Parameters of every job (Snakemake's params trigger): a new version of the package reruns them all, and
# so does a changed setting (the code and the effective configuration).
PACKAGE = package_digest()
CODE_AND_CONFIG = code_and_config_digest(PROJECT)
GROUPS = {n: [loc.gettext for loc in group] for n, group in enumerate(SETTINGS.locale_groups())}
EXTRACT_WORKERS = min(4, os.cpu_count() or 1)  # more gain little: a page takes milliseconds
SHARDS = list(range(SETTINGS.render_shards))  # every shard, even one with no page left: it removes their files
# The run lock, leftovers, compiled code and stale jobs: once, as Snakemake builds the DAG of a run
# that executes (not a dry run, --summary, --dag, …), before it looks at any manifest.
HOUSEKEEPING = Housekeeping(PROJECT, SETTINGS, PROJECT.job_records(len(GROUPS), len(SHARDS)))


def after_housekeeping(files):
    return HOUSEKEEPING.inputs(workflow, files)


STATE = "output/.state"
ENV = "envs/pipeline.yaml"

localrules: all, site, verdict

# The run's errors and blocking QA findings print once, at its end, with the summary per locale; the
# jobs write them to their logs and manifests only (see pipeline/review/outcome.py and runtime.RunEnd).
os.environ[AT_END_ENV] = "1"  # for this run's jobs
END = RunEnd(PROJECT.summary, PROJECT.problems, PROJECT.verdict,
             wanted=lambda: executing(workflow) and (not workflow.dag_settings.targets
                                                     or "all" in workflow.dag_settings.targets),
             idle=lambda: workflow.dag is not None and not len(workflow.dag))

onsuccess:
    release_timers()
    END.finish()  # prints the summary; exits 1 while an error stands

onerror:
    release_timers()
    END.finish(failed=True)


# Every job's manifest is named here, not only the last ones: the Snakefile sets aside the manifest of
# a job whose ledger no longer holds (reopen_stale), and Snakemake 9 reruns a job with a missing
# output only when a job that needs it runs; `all` missing an input is such a job.
rule all:
    input:
        after_housekeeping(
            [
                f"{STATE}/verdict.ok",
                f"{STATE}/site.json",
                f"{STATE}/extract.json",
                *expand(f"{STATE}/catalogs/group-{{group}}.json", group=list(GROUPS)),
                *expand(f"{STATE}/render/shard-{{shard}}.json", shard=SHARDS),
            ]
        ),


rule extract:
    # No input: the pages it reads are in its ledger (output/.state/ledgers/), checked by content before
    # each run, and the configuration's bytes are a parameter (a file saved with a future mtime would
    # otherwise stop Snakemake with a clock-skew error).
    input:
        after_housekeeping([]),
    output:
        update(f"{STATE}/extract.json"),
    log:
        "output/logs/extract.log",
    params:
        cli=CLI,
        package=PACKAGE,
        code_and_config=CODE_AND_CONFIG,
    # Every other job waits for it: it forks a worker per core when many pages changed (a cold build).
    # Snakemake gives it at most --cores; profiles/slurm gives it 2, with 2 CPUs (set-threads, set-resources).
    threads: EXTRACT_WORKERS
    conda:
        ENV
    shell:
        "{params.cli} --log {log} extract --workers {threads}"


rule update:
    input:
        # the catalogs and glossaries it reads are in its ledger
        unpack(after_housekeeping({"extract": f"{STATE}/extract.json"})),
    output:
        f"{STATE}/catalogs/group-{{group}}.json",
    log:
        "output/logs/update/group-{group}.log",
    params:
        cli=CLI,
        package=PACKAGE,
        code_and_config=CODE_AND_CONFIG,
    conda:
        ENV
    shell:
        "{params.cli} --log {log} update --group {wildcards.group}"


rule render:
    input:
        unpack(
            after_housekeeping(
                {
                    "extract": f"{STATE}/extract.json",
                    "catalogs": expand(f"{STATE}/catalogs/group-{{group}}.json", group=list(GROUPS)),
                }
            )
        ),
    output:
        update(f"{STATE}/render/shard-{{shard}}.json"),
    log:
        "output/logs/render/shard-{shard}.log",
    params:
        cli=CLI,
        package=PACKAGE,
        code_and_config=CODE_AND_CONFIG,
    conda:
        ENV
    shell:
        "{params.cli} --log {log} render --shard {wildcards.shard}"


rule site:
    input:
        unpack(
            after_housekeeping(
                {
                    "extract": f"{STATE}/extract.json",
                    "catalogs": expand(f"{STATE}/catalogs/group-{{group}}.json", group=list(GROUPS)),
                }
            )
        ),
    output:
        # Lists sitemap.xml, robots.txt, stylesheets and the status report: as outputs, Snakemake
        # would delete them before the job and touch them after it, changing them for nothing.
        files=update(f"{STATE}/site.json"),
        problems=f"{STATE}/problems.txt",
    log:
        "output/logs/site.log",
    params:
        cli=CLI,
        package=PACKAGE,
        code_and_config=CODE_AND_CONFIG,
    conda:
        ENV
    shell:
        "{params.cli} --log {log} site"


# Marks the end of a build: its output is removed while an error stands (see runtime.RunEnd), so every
# run reaches the Snakefile's onsuccess, which prints the run's outcome and fails the run.
rule verdict:
    input:
        unpack(
            after_housekeeping(
                {
                    "renders": expand(f"{STATE}/render/shard-{{shard}}.json", shard=SHARDS),
                    "problems": f"{STATE}/problems.txt",
                }
            )
        ),
    output:
        f"{STATE}/verdict.ok",
    log:
        "output/logs/verdict.log",
    conda:
        ENV
    shell:
        "cp {input.problems} {log}; touch {output}"


# Check mode for CI: builds nothing; fails when a catalog is out of date with its source page,
# unreadable or not msgfmt-clean, or when the built site has a problem (see pipeline/catalogs/verify.py).
rule check:
    input:
        after_housekeeping([]),
    log:
        "output/logs/check.log",
    params:
        cli=CLI,
        package=PACKAGE,
        code_and_config=CODE_AND_CONFIG,
    conda:
        ENV
    shell:
        "{params.cli} --log {log} check"


freeze_heap()  # last: see pipeline/runtime.py
