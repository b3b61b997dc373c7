"""`clinic-l10n serve`: the previews, the site and the status report on 127.0.0.1, rebuilt in-process
as files are saved, and reloaded in the browser.

    watch.py   polls source/, locales/ and config/ for changed files (stdlib only)
    build.py   runs the jobs Snakemake would run after that change, in this process, with the same
               job code (pipeline/jobs/), and leaves Snakemake's view of the project consistent
    server.py  serves output/preview/, output/site/ and output/reports/ (nothing else), with a small
               live-reload script and the standing errors added to the HTML it sends (never to files)
"""
