from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import FIXTURES, SEED, msgcat, msgfmt_check, need, new_project, snakemake, snakemake_env

from pipeline.catalogs.refresh import updated
from pipeline.catalogs.template import same_but_date, template_for
from pipeline.config import settings_from_dict
from pipeline.copydeck.parse import parse_page, read_page
from pipeline.jobs.extract import PARALLEL_MIN
from pipeline.locales import SiteLocale
from pipeline.paths import Project
from pipeline.po.pofile import write_po

SETTINGS = settings_from_dict({})


def seed_template():
    return template_for(read_page(SEED, "source/iv-ketamine-infusion.txt"), SETTINGS, "2026-01-01 00:00+0000")


def test_contexts_only_where_the_role_needs_them():
    contexts = {m.msgctxt for m in seed_template().messages}
    assert contexts == {None, "page title", "meta title", "meta description", "URL slug", "breadcrumb"}
    by_key = seed_template().by_key()
    assert ("page title", "IV Ketamine Infusion") in by_key and ("breadcrumb", "IV Ketamine Infusion") in by_key


def test_comments_and_references_guide_translators():
    by_key = seed_template().by_key()
    slug = by_key[("URL slug", "iv-ketamine-infusion")]
    assert "lowercase words joined by hyphens, no slashes" in slug.extracted_comments[0]
    assert slug.references == ("source/iv-ketamine-infusion.txt:5",)
    description = next(m for m in seed_template().messages if m.msgctxt == "meta description")
    assert "Aim for 120–155 characters" in description.extracted_comments[0]
    overview = next(m for m in seed_template().messages if m.msgid.startswith("Ketamine has been used"))
    assert overview.extracted_comments == ("Paragraph in section “Overview”.",)


def test_moving_a_paragraph_changes_no_msgid():
    text = SEED.read_text("utf-8").splitlines()
    moved = text[:8] + [text[9], text[8]] + text[10:]  # swap the two Overview paragraphs
    page = parse_page("\n".join(moved).encode(), "source/iv-ketamine-infusion.txt", "iv-ketamine-infusion")
    before = {m.key for m in seed_template().messages}
    after = {m.key for m in template_for(page, SETTINGS, "x").messages}
    assert before == after


REPEATING_DECK = """Page Title: Iron Infusions
Subtitle: One visit, about 30 minutes
Meta Title: Iron Infusions | Clinic
Meta Description: Iron infusions for adults with low ferritin, with nurse-led monitoring and aftercare.
URL Slug: iron-infusions

Home > All Treatments > Iron Infusions

Overview
Call us to book.
Iron restores stores in one visit.

Aftercare
Call us to book.
• Mild headache
• Call us to book.
"""


def test_repeated_text_is_one_message_with_every_reference():
    page = parse_page(REPEATING_DECK.encode(), "source/iron-infusions.txt", "iron-infusions")
    template = template_for(page, SETTINGS, "x")
    keys = [m.key for m in template.messages]
    assert len(keys) == len(set(keys))
    repeated = [m for m in template.messages if m.msgid == "Call us to book."]
    assert len(repeated) == 1  # a paragraph twice and a bullet: one message, translated once
    assert repeated[0].references == ("source/iron-infusions.txt:10", "source/iron-infusions.txt:14",
                                      "source/iron-infusions.txt:16")
    assert repeated[0].extracted_comments == ("Paragraph in section “Overview”.", "Paragraph in section “Aftercare”.",
                                              "Bulleted list item in section “Aftercare”.")
    once = next(m for m in template.messages if m.msgid == "Iron restores stores in one visit.")
    assert once.references == ("source/iron-infusions.txt:11",)


def test_template_and_new_catalogs_pass_msgfmt_and_msgcat(tmp_path):
    for page in (read_page(SEED, "source/seed.txt"), read_page(FIXTURES / "pages" / "tricky.txt", "source/t.txt")):
        template = template_for(page, SETTINGS, "2026-01-01 00:00+0000")
        pot = tmp_path / f"{page.name}.pot"
        pot.write_text(write_po(template), encoding="utf-8")
        assert msgfmt_check(pot).returncode == 0
        assert msgcat(pot) == pot.read_bytes()
        for code in ("es", "pt_BR", "ar", "pl", "zh_Hans"):
            po = tmp_path / f"{page.name}-{code}.po"
            po.write_text(write_po(updated(template, None, SiteLocale.parse(code))), encoding="utf-8")
            result = msgfmt_check(po)
            assert (result.returncode, result.stderr) == (0, ""), code
            assert msgcat(po) == po.read_bytes()


def test_only_the_creation_date_changing_is_no_change():
    page = read_page(SEED, "source/iv-ketamine-infusion.txt")
    assert same_but_date(template_for(page, SETTINGS, "2026-01-01 00:00+0000"),
                         template_for(page, SETTINGS, "2027-05-05 10:00+0000"))


def _pages(project: Path, count: int) -> None:
    """`count` copies of the seed page, each its own slug; one with an error (no slug), one whose
    heading is a guess (a notice in the log)."""
    seed = SEED.read_text("utf-8")
    for i in range(count):
        text = seed.replace("URL Slug: iv-ketamine-infusion", f"URL Slug: page-{i}").replace("(ref", f"(ref {i}")
        if i == 3:
            text = text.replace(f"URL Slug: page-{i}\n", "")
        if i == 5:
            text = text.replace("Overview\n", "What Is an IV Vitamin c Infusion\n", 1)
        (project / "source" / f"page-{i:02}.txt").write_text(text, "utf-8")


def _extract(project: Path, workers: int, *options: str) -> list[str]:
    """The command of the extract job, as the Snakefile runs it, with `workers` processes."""
    return [sys.executable, "-m", "pipeline", "--root", str(project), *options, "extract", "--workers", str(workers)]


def _extracted(project: Path, workers: int) -> tuple[dict[str, bytes], list[str]]:
    log = project / "extract.log"
    subprocess.run(_extract(project, workers, "--log", str(log)), env=snakemake_env(), capture_output=True, check=False)
    folders = (project / "locales", Project(project).parsed_cache)
    files = {p.relative_to(project).as_posix(): p.read_bytes()
             for folder in folders for p in folder.rglob("*") if p.is_file()}
    files["extract.json"] = (project / "output" / ".state" / "extract.json").read_bytes()
    return files, log.read_text("utf-8").splitlines()


def test_many_pages_made_by_worker_processes_are_the_bytes_one_process_makes(tmp_path):
    """A cold build forks workers for the templates (more pages than PARALLEL_MIN): the templates, the
    parsed cache, the manifest (errors included) and the log are those of one process, in page order."""
    made = {}
    for workers in (1, 2):
        project = new_project(tmp_path / f"w{workers}")
        _pages(project, PARALLEL_MIN + 6)
        made[workers] = _extracted(project, workers)
    files, log = made[2]
    assert files == made[1][0] and log == made[1][1]
    pots = {name.rsplit("/", 1)[-1] for name in files if name.endswith(".pot")}  # the seed's and site.pot too
    assert len(pots) == PARALLEL_MIN + 7 and "page-03.pot" not in pots
    assert any("page-03.txt" in line and "error" in line for line in log)
    assert any("page-05.txt" in line and "read as a heading" in line for line in log)


def test_a_file_a_worker_cannot_write_fails_the_job_naming_it(tmp_path):
    """An error writing in a worker reaches the job whole (path and message), as in one process."""
    project = new_project(tmp_path / "p")
    _pages(project, PARALLEL_MIN + 6)
    blocked = Project(project).parsed_cache / "locales" / "templates" / "LC_MESSAGES" / "page-07.pot.marshal"
    blocked.mkdir(parents=True)  # a folder where the template's parsed copy goes: written after the template
    said = []
    for workers in (1, 2):
        result = subprocess.run(_extract(project, workers), env=snakemake_env(), capture_output=True, text=True,
                                check=False)
        assert result.returncode == 1
        said.append(result.stderr)
    lines = said[0].splitlines()  # page-03's error and page-05's notice (read before), then the write's
    assert said[0] == said[1] and len(lines) == 3 and lines[-1].startswith(f"{blocked}: error: "), said


def test_workers_die_with_their_job(tmp_path):
    """kill -9 of an extract job ends its worker processes at once (a worker left alone finishes its
    chunk of pages, then waits forever on the dead job's queue), and no file is written after it."""
    project = new_project(tmp_path / "p")
    _pages(project, 600)
    job = subprocess.Popen(_extract(project, 2), env=snakemake_env(), stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    templates = project / "locales" / "templates" / "LC_MESSAGES"
    deadline = time.monotonic() + 60
    while len(list(templates.glob("page-*.pot"))) < 50:  # the workers are writing
        assert job.poll() is None and time.monotonic() < deadline, "the job ended before it could be killed"
        time.sleep(0.01)
    workers = [int(pid) for pid in Path(f"/proc/{job.pid}/task/{job.pid}/children").read_text().split()]
    job.kill()
    killed = time.time()
    job.wait()
    time.sleep(1.0)
    alive = [pid for pid in workers if Path(f"/proc/{pid}").exists()
             and Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"]
    for pid in alive:  # not to leave them behind when the test fails
        os.kill(pid, signal.SIGKILL)
    late = [p.name for p in templates.iterdir() if p.stat().st_mtime > killed + 0.05]
    assert len(workers) == 2 and not alive and not late, (workers, alive, late)


def test_a_build_killed_while_workers_write_templates_reruns_to_a_cold_builds_bytes(tmp_path):
    """`snakemake all` killed (the whole process group) while extract's workers write: every template is
    whole, and the next run gives the bytes of a build that was never killed."""
    project = new_project(tmp_path / "p")
    _pages(project, 3 * PARALLEL_MIN)
    clean = tmp_path / "clean"
    shutil.copytree(project, clean)
    snakemake(clean, "all", check=False)  # page-03 has an error: the run fails, and says so
    templates = project / "locales" / "templates" / "LC_MESSAGES"
    run = subprocess.Popen([need("snakemake"), "all"], cwd=project, env=snakemake_env(), start_new_session=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while len(list(templates.glob("page-*.pot"))) < 10:
        assert run.poll() is None and time.monotonic() < deadline, "the run ended before it could be killed"
        time.sleep(0.005)
    os.killpg(run.pid, signal.SIGKILL)
    run.wait()
    made = sorted(templates.glob("*.pot"))
    assert 10 <= len(made) < 3 * PARALLEL_MIN
    for pot in made:  # whole files only (the temporary files are swept by the next run)
        assert pot.read_bytes() == (clean / pot.relative_to(project)).read_bytes(), pot
    snakemake(project, "all", check=False)
    assert _built(project) == _built(clean)
    assert [p for p in project.rglob("*.tmp") if ".snakemake" not in p.parts] == []


def _built(root: Path) -> dict[str, bytes]:
    """The catalogs, templates, pages and previews of a project."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for folder in ("locales", "output/site", "output/preview")
            for p in (root / folder).rglob("*") if p.is_file()}
