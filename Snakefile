# clinic-l10n: source pages -> templates -> catalogs (merge, pre-fill) -> pages, sitemap, verdict.
# Thin on purpose: every rule calls the package's CLI; the logic lives in pipeline/.
# Rules run per group of locales (update) and per shard of pages (render), not per page: each job is
# incremental inside (see pipeline/jobs/), so a rerun with nothing changed runs no job and a
# cold build of 100 pages x 7 locales starts about a dozen interpreters, not 700.
# Manifests are update() outputs: Snakemake keeps them for the job, which reads its last state.

import shlex
import sys
from pathlib import Path

from pipeline.config import load_settings
from pipeline.errors import PipelineError, as_error
from pipeline.fsio import ensure_writable_folder, sweep_temporaries
from pipeline.jobs.state import code_digest, compile_code, reopen_stale, stamp, sweep_after_killed_jobs
from pipeline.paths import Project
from pipeline.runlock import RunLockError, claim, freeze_heap, release_timers


PROJECT = Project(Path(".").resolve())
DRY = bool({"-n", "--dry-run", "--dryrun", "--lint", "--list-rules", "-l"} & set(sys.argv))  # writes nothing
# The run's housekeeping (lock, leftovers, compiled code, deleted outputs) belongs to the snakemake
# process that runs the workflow, not to the one a cluster executor starts for each job (--mode remote).
MAIN = workflow.is_main_process and not DRY
try:
    # Validated here once; the jobs receive it parsed (see load_settings).
    SETTINGS = load_settings(PROJECT.config_file, record=PROJECT.config_checked if MAIN else None,
                             facts=PROJECT.locale_facts if MAIN else None, hand_down=True)
except PipelineError as err:
    sys.exit(as_error(str(err)))

if MAIN:
    try:
        NOTE = claim(PROJECT.root)
    except RunLockError as err:
        sys.exit(f"error: {err}")
    try:
        ensure_writable_folder(PROJECT.output)
    except PipelineError as err:
        sys.exit(as_error(str(err)))
    if NOTE:  # the last run was interrupted: remove its half-written temporaries (never a real file)
        print(NOTE, file=sys.stderr)
        sweep_temporaries(PROJECT.root)
    else:
        sweep_after_killed_jobs(PROJECT)  # a job killed alone (OOM) in an earlier run left its temporaries
    compile_code()

CLI = f"{shlex.quote(sys.executable)} -m pipeline"
CODE = code_digest()  # a parameter of every job: a new version of the package reruns them (params trigger)
INPUTS = stamp(PROJECT)  # the code and the configuration's bytes: a changed setting reruns every job
GROUPS = {n: [loc.gettext for loc in group] for n, group in enumerate(SETTINGS.locale_groups())}
SHARDS = list(range(SETTINGS.render_shards))  # every shard, even one with no page left: it removes their files
if MAIN:  # rerun every job whose inputs changed by content, or whose files are missing or were edited
    reopen_stale(PROJECT, PROJECT.job_records(len(GROUPS), len(SHARDS)))
STATE = "output/.state"
ENV = "envs/pipeline.yaml"

localrules: all, site, verdict

onsuccess:
    release_timers()

onerror:
    release_timers()


# Every job's manifest is named here, not only the last ones: the Snakefile sets aside the manifest of
# a job whose ledger no longer holds (reopen_stale), and Snakemake 9 reruns a job with a missing
# output only when a job that needs it runs; `all` missing an input is such a job.
rule all:
    input:
        f"{STATE}/verdict.ok",
        f"{STATE}/site.json",
        f"{STATE}/extract.json",
        expand(f"{STATE}/catalogs/group-{{group}}.json", group=list(GROUPS)),
        expand(f"{STATE}/render/shard-{{shard}}.json", shard=SHARDS),


rule extract:
    # No input: the pages it reads are in its ledger (output/.state/ledgers/), checked by content before
    # each run, and the configuration's bytes are a parameter (a file saved with a future mtime would
    # otherwise stop Snakemake with a clock-skew error).
    output:
        update(f"{STATE}/extract.json"),
    log:
        "output/logs/extract.log",
    params:
        cli=CLI,
        code=CODE,
        settings=INPUTS,
    conda:
        ENV
    shell:
        "{params.cli} --log {log} extract"


rule update:
    input:
        extract=f"{STATE}/extract.json",  # the catalogs and glossaries it reads are in its ledger
    output:
        f"{STATE}/catalogs/group-{{group}}.json",
    log:
        "output/logs/update/group-{group}.log",
    params:
        cli=CLI,
        code=CODE,
        settings=INPUTS,
    conda:
        ENV
    shell:
        "{params.cli} --log {log} update --group {wildcards.group}"


rule render:
    input:
        extract=f"{STATE}/extract.json",
        catalogs=expand(f"{STATE}/catalogs/group-{{group}}.json", group=list(GROUPS)),
    output:
        update(f"{STATE}/render/shard-{{shard}}.json"),
    log:
        "output/logs/render/shard-{shard}.log",
    params:
        cli=CLI,
        code=CODE,
        settings=INPUTS,
    conda:
        ENV
    shell:
        "{params.cli} --log {log} render --shard {wildcards.shard}"


rule site:
    input:
        extract=f"{STATE}/extract.json",
        catalogs=expand(f"{STATE}/catalogs/group-{{group}}.json", group=list(GROUPS)),
    output:
        # Lists sitemap.xml, robots.txt, stylesheets and the status report: as outputs, Snakemake
        # would delete them before the job and touch them after it, changing them for nothing.
        files=update(f"{STATE}/site.json"),
        problems=f"{STATE}/problems.txt",
    log:
        "output/logs/site.log",
    params:
        cli=CLI,
        code=CODE,
        settings=INPUTS,
    conda:
        ENV
    shell:
        "{params.cli} --log {log} site"


# Fails the run (cheaply, without Python) while any page has a problem; the list says which.
rule verdict:
    input:
        renders=expand(f"{STATE}/render/shard-{{shard}}.json", shard=SHARDS),
        problems=f"{STATE}/problems.txt",
    output:
        f"{STATE}/verdict.ok",
    log:
        "output/logs/verdict.log",
    conda:
        ENV
    shell:
        "if [ -s {input.problems} ]; then cat {input.problems} | tee {log} >&2; exit 1; fi; touch {output} {log}"


# Check mode for CI: builds nothing; fails when a catalog is out of date with its source page,
# unreadable or not msgfmt-clean, or when the built site has a problem (see pipeline/catalogcheck.py).
rule check:
    log:
        "output/logs/check.log",
    params:
        cli=CLI,
        code=CODE,
        settings=INPUTS,
    conda:
        ENV
    shell:
        "{params.cli} --log {log} check"


freeze_heap()  # last: see pipeline/runlock.py
