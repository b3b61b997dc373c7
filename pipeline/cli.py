"""Command-line interface: the commands the Snakefile's rules run, and the checks people run.

    clinic-l10n extract [--workers N]    source pages -> templates (N processes when many pages changed)
    clinic-l10n update --group N         templates -> merged, pre-filled catalogs for a group of locales
    clinic-l10n update --locale es       the same for one locale
    clinic-l10n render --shard N         published pages of one shard
    clinic-l10n sitemap                  sitemap.xml, robots.txt, stylesheet
    clinic-l10n report                   translation status report (HTML and JSON)
    clinic-l10n site                     sitemap + report + the run's problem list (one job)
    clinic-l10n verdict                  fail when the last run recorded a problem
    clinic-l10n check-site [DIR]         validate a built web root (exit 1 on any problem)
    clinic-l10n check                    catalogs up to date, readable, msgfmt-clean; output/ equal to what
                                         today's files give; and the site
    clinic-l10n explain source/x.txt     how a copy deck reads: each line's role, section and segment
    clinic-l10n sign CATALOG --reviewer "Name <email>"
                                         a clinical reviewer's sign-off of a catalog's reviewed text
    clinic-l10n serve [--port 8000]      previews, site and report on 127.0.0.1, rebuilt and reloaded on save

Every command takes --root (the project folder, default: the current one) and --log FILE.
Errors print as ``path:line: error: message`` and exit 1; a bug prints a traceback.
"""

from __future__ import annotations

import argparse
import gc
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import PipelineError, Problem

if TYPE_CHECKING:
    from pipeline.config import Settings
    from pipeline.paths import Project


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="clinic-l10n", description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="project folder (default: current)")
    parser.add_argument("--log", type=Path, help="also write messages to this file")
    commands = parser.add_subparsers(dest="command", required=True)
    extract = commands.add_parser("extract", help="source pages -> locales/templates/LC_MESSAGES/*.pot")
    extract.add_argument("--workers", type=int, default=1, help="processes for many pages (Snakemake: the run's cores)")
    update = commands.add_parser("update", help="merge templates into catalogs: one locale, or a group of them")
    which = update.add_mutually_exclusive_group(required=True)
    which.add_argument("--locale")
    which.add_argument("--group", type=int, help="the Nth group of locales (config: update_jobs)")
    render = commands.add_parser("render", help="render one shard of pages")
    render.add_argument("--shard", type=int, required=True)
    commands.add_parser("sitemap", help="write sitemap.xml, robots.txt and the stylesheet")
    commands.add_parser("report", help="write output/reports/status.html and status.json")
    commands.add_parser("site", help="sitemap, stylesheets, status report and the list of problems, in one job")
    commands.add_parser("verdict", help="exit 1 while the last run recorded any problem")
    check = commands.add_parser("check-site", help="validate a built web root")
    check.add_argument("site", nargs="?", type=Path)
    check.add_argument("--base-url")
    commands.add_parser("validate-config", help="read and validate config/config.yaml")
    commands.add_parser("check", help="check catalogs (up to date, readable, msgfmt-clean) and the built site")
    explain = commands.add_parser("explain", help="print how a copy deck reads: role, section and segment of each line")
    explain.add_argument("deck", type=Path)
    sign = commands.add_parser("sign", help="sign a catalog's reviewed text (header X-Clinical-Review)")
    sign.add_argument("catalog", type=Path, help="locales/<locale>/LC_MESSAGES/<page>.po")
    sign.add_argument("--reviewer", required=True, help='"Name <email>" of the clinical reviewer')
    sign.add_argument("--date", help="YYYY-MM-DD (default: today, UTC)")
    serve = commands.add_parser("serve", help="serve previews, site and report; rebuild and reload on every save")
    serve.add_argument("--port", type=int, default=8000, help="TCP port (default 8000; 0 picks a free one)")
    serve.add_argument("--bind", default="127.0.0.1", help="address to listen on (default: this machine only)")
    serve.add_argument("--interval", type=float, default=0.1,
                       help="seconds between looks at the files where inotify is missing (default 0.1)")
    return parser


def _logging(log_file: Path | None) -> None:
    from pipeline.jobs.state import LOG_ONLY

    terminal = logging.StreamHandler(sys.stderr)
    terminal.addFilter(lambda record: not getattr(record, LOG_ONLY, False))  # printed at the run's end instead
    handlers: list[logging.Handler] = [terminal]
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(log_file, mode="w", encoding="utf-8"))
    logging.basicConfig(level=logging.INFO, format="%(message)s", handlers=handlers, force=True)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    _logging(args.log)
    try:
        return _run(args)
    except PipelineError as err:
        logging.getLogger("clinic_l10n").error("%s", err.problem)
        return 1


def _run(args: argparse.Namespace) -> int:
    from pipeline.paths import Project

    if args.command == "explain":  # needs no project or configuration
        return _explain(args.deck)
    project = Project(args.root.resolve())
    if args.command == "sign":
        return _sign(project, args.catalog, args.reviewer, args.date)
    if args.command == "serve":
        from pipeline.runtime import RunLockError
        from pipeline.serve.server import serve

        try:
            return serve(project, args.bind, args.port, args.interval)
        except (RunLockError, OSError) as err:
            raise PipelineError(f"serve: {err}") from None
    if args.command == "render":
        from pipeline.jobs.render import is_current

        if is_current(project, args.shard):  # before loading the configuration: see is_current
            logging.getLogger("clinic_l10n").info("render shard %d: nothing changed", args.shard)
            return 0
    from pipeline.config import load_settings

    jobs = ("extract", "update", "render", "sitemap", "report", "site")  # keep CLDR facts in output/.state/
    settings = load_settings(project.config_file, facts=project.locale_facts if args.command in jobs else None)
    log = logging.getLogger("clinic_l10n")
    if args.command == "validate-config":
        log.info("%s: ok (%d locales)", project.relative(project.config_file), len(settings.locales))
        return 0
    if args.command == "check-site":
        return _check_site(args.site or project.site, args.base_url or settings.base_url)
    if args.command == "check":
        from pipeline.catalogs.verify import check_catalogs
        from pipeline.jobs.check import check_outputs
        from pipeline.locales import unowned_folders

        problems = check_catalogs(project, settings)
        _print_problems(problems)
        for warning in unowned_folders(project.locale_folders(), settings.locales):
            print(warning)  # a warning: not counted
        print(f"catalogs: {len(problems)} problems")
        outputs = check_outputs(project, settings)
        _print_problems(outputs)
        print(f"output: {len(outputs)} problems")
        problems += outputs
        site_status = _check_site(project.site, settings.base_url)
        return 1 if problems or site_status else 0
    from pipeline.jobs.state import job_marker

    with job_marker(project):
        return _run_job(args, project, settings)


# A job builds a large heap of values without cycles (catalogs, pages) and exits. With the default
# thresholds the cyclic collector passes over that heap again and again: 10-15 % of an update job's
# CPU at 1,000 pages (measured). Its few cycles (an exception and its frames) wait for the next
# collection, which still comes: after 100,000 allocations instead of 700. `serve` keeps the default.
JOB_GC_THRESHOLD = 100_000


def _run_job(args: argparse.Namespace, project: Project, settings: Settings) -> int:
    gc.set_threshold(JOB_GC_THRESHOLD, *gc.get_threshold()[1:])
    # Each job module is imported only for its own command (see pipeline/jobs/__init__.py).
    if args.command == "extract":
        from pipeline.jobs.extract import run_extract

        run_extract(project, settings, max(1, args.workers))
    elif args.command == "update":
        from pipeline.jobs.update import run_update, run_update_group

        run_update_group(project, settings, args.group) if args.group is not None else \
            run_update(project, settings, args.locale)
    elif args.command == "render":
        from pipeline.jobs.render import run_render

        if run_render(project, settings, args.shard):
            return 1  # a page could not be written (the log says why): the job fails and runs again next time
    elif args.command in ("sitemap", "report", "site"):
        from pipeline.jobs.sitewide import run_report, run_site, run_sitemap

        if args.command == "sitemap":
            run_sitemap(project, settings)
        else:
            (run_report if args.command == "report" else run_site)(project, settings)
    elif args.command == "verdict":
        from pipeline.jobs.state import load_states
        from pipeline.review.outcome import outcome

        result = outcome(settings, *load_states(project, settings))
        sys.stderr.write(result.text())
        if result.errors:
            return 1
    return 0


def _print_problems(problems: list[Problem]) -> None:
    """As check mode prints them: a QA finding as the run prints it (``path:line: error: [check] …``),
    what is out of date without the severity, every one of which is an error (``path: missing: …``)."""
    for problem in problems:
        print(problem if problem.check else problem.located())


def _explain(deck: Path) -> int:
    from pipeline.copydeck.outline import explain_lines
    from pipeline.copydeck.parse import read_deck

    for line in explain_lines(read_deck(deck, str(deck))):
        print(line)
    return 0


def _sign(project: Project, catalog: Path, reviewer: str, date: str | None) -> int:
    """Write the sign-off into the catalog's header, refusing a save that raced with it."""
    import datetime

    from pipeline import fsio
    from pipeline.review.postedit import SIGNOFF_FIELD, signed_text

    path = catalog if catalog.is_absolute() else Path.cwd() / catalog
    where = project.relative(path)
    parts = Path(where).parts
    if len(parts) != 4 or parts[0] != "locales" or parts[2] != "LC_MESSAGES" or not where.endswith(".po"):
        raise PipelineError("not a catalog of this project (locales/<locale>/LC_MESSAGES/<page>.po)", where)
    day = date or datetime.datetime.now(datetime.UTC).date().isoformat()
    try:
        datetime.date.fromisoformat(day)
    except ValueError:
        raise PipelineError(f"--date {day!r} is not YYYY-MM-DD", where) from None
    po = fsio.read_bytes(path)
    pot = fsio.read_bytes(project.template(Path(where).stem))
    if po is None or pot is None:
        raise PipelineError("the catalog or its template is missing: run 'snakemake all' first", where)
    from pipeline.po.pofile import read_po

    signed = signed_text(po, read_po(pot, project.relative(project.template(Path(where).stem))), reviewer, day, where)
    fsio.write_atomic(path, signed, expect=po)
    logging.getLogger("clinic_l10n").info("%s: %s set; run 'snakemake all' to publish", where, SIGNOFF_FIELD)
    return 0


def _check_site(site: Path, base_url: str) -> int:
    from pipeline.site.audit import check_site

    problems = check_site(site, base_url)
    _print_problems(problems)
    pages = sum(1 for _ in site.rglob("index.html")) if site.is_dir() else 0
    print(f"{site}: {pages} pages, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
