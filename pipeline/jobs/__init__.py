"""The jobs Snakemake runs, one module per rule (the stages they call live in the sibling packages).

    extract.py   source/*.txt -> locales/templates/LC_MESSAGES/*.pot     (rule extract)
    update.py    templates -> merged, pre-filled catalogs, publish state  (rule update, per locale group)
    render.py    catalogs -> output/site/ pages and output/preview/       (rule render, per shard of pages)
    sitewide.py  sitemap, robots.txt, stylesheets, status report, problems (rule site)
    check.py     does output/ hold what a cold build of today's files gives? (rule check)
    manifests.py the manifests in output/.state/ that connect them: one typed, versioned record each
    state.py     saving and reopening manifests, stale jobs, digests of the code; ledger.py what each job read
    progress.py  a job's progress on stderr

Each job reads its inputs through `paths.Project`, calls the stage modules, writes changed files
atomically and records a manifest that the next rule depends on. Jobs are incremental inside: a
page whose inputs (and the code and configuration) have not changed since the last run is not
processed again, so one job per locale group or per shard of pages stays cheap on a rerun.
Problems with one page are recorded in the manifest and the job's log, and every other page still
builds; under `snakemake all` the run prints them once at its end and fails while an error remains
(pipeline/review/outcome.py, runtime.RunEnd).

A job imports only what its stage needs: an interpreter start is on the critical path of every
rebuild, and Jinja2, the MT engines or Babel's locale data cost tens of milliseconds each.
"""
