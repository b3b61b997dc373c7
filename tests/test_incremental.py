"""Incremental builds on the real pipeline: what a rerun does, and what it must not skip."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

import pytest
from conftest import ROOT, need, snakemake

from pipeline import fsio


def assert_same_as_a_cold_build(project, *folders: str) -> None:
    """`folders` of `project` hold what a cold build of the same inputs writes, byte for byte."""
    cold = project.parent / "cold"
    shutil.copytree(project, cold, symlinks=True, ignore=shutil.ignore_patterns("output", ".snakemake"))
    snakemake(cold, "all")
    for folder in folders:
        built = {p.relative_to(project): p.read_bytes() for p in (project / folder).rglob("*") if p.is_file()}
        fresh = {p.relative_to(cold): p.read_bytes() for p in (cold / folder).rglob("*") if p.is_file()}
        assert built == fresh, folder


@pytest.mark.built
def test_nothing_changed_runs_no_job(project):
    again = snakemake(project, "all")
    assert "Nothing to be done" in again.stdout + again.stderr


def test_a_new_version_of_the_package_rebuilds_what_it_makes(project, tmp_path):
    """Upgrading the tool changes no input file, yet its outputs must follow the new code."""
    package = tmp_path / "newer" / "pipeline"
    shutil.copytree(ROOT / "pipeline", package)
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600", "PYTHONPATH": str(package.parent)}

    def run() -> str:
        result = subprocess.run([need("snakemake"), "all"], cwd=project, capture_output=True, text=True, env=env)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout + result.stderr

    run()
    css = project / "output" / "site" / "assets" / "site.css"
    assert "new release" not in css.read_text()
    stylesheet = package / "site" / "templates" / "site.css"
    stylesheet.write_text("/* new release */\n" + stylesheet.read_text())
    out = run()
    assert "Nothing to be done" not in out
    assert css.read_text().startswith("/* new release */")
    assert "Nothing to be done" in run()


@pytest.mark.built
def test_a_run_removes_the_parsed_cache_an_earlier_version_wrote(project):
    """Earlier versions kept parsed catalogs as JSON in output/.state/parsed/; nothing reads it now."""
    from pipeline.paths import Project

    old = Project(project).old_parsed_cache / "locales" / "es" / "LC_MESSAGES" / "iv-ketamine-infusion.po.json"
    old.parent.mkdir(parents=True)
    old.write_text('{"version": 1}')
    again = snakemake(project, "all")
    assert "Nothing to be done" in again.stdout + again.stderr
    assert not Project(project).old_parsed_cache.exists() and Project(project).parsed_cache.is_dir()


@pytest.mark.built
def test_deleting_the_web_root_rebuilds_every_page(project):
    site = project / "output" / "site"
    before = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    shutil.rmtree(site)
    (project / "output" / "preview" / "es").rename(project / "preview-es-moved")
    snakemake(project, "all")
    after = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert after == before
    assert any((project / "output" / "preview" / "es").rglob("index.html"))
    assert "Nothing to be done" in snakemake(project, "all").stderr


@pytest.mark.built
def test_a_deleted_template_is_written_again(project):
    pot = project / "locales" / "templates" / "LC_MESSAGES" / "iv-ketamine-infusion.pot"
    text = pot.read_bytes()
    pot.unlink()
    snakemake(project, "all")
    assert pot.read_bytes() == text


@pytest.mark.built
def test_a_body_edit_rewrites_only_that_page_not_the_sitemap(project):
    site = project / "output" / "site"
    before = {p: p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()}
    source = project / "source" / "iv-ketamine-infusion.txt"
    source.write_text(source.read_text().replace("Headache", "Headache or migraine", 1))
    snakemake(project, "all")
    touched = {p.relative_to(site).as_posix() for p, ns in before.items() if p.stat().st_mtime_ns != ns}
    assert touched == {"en-gb/iv-ketamine-infusion/index.html"}


@pytest.mark.built
def test_the_state_folder_can_be_deleted(project):
    folders = ("output/site", "output/preview", "output/reports", "locales")
    before = {p: p.read_bytes() for f in folders for p in (project / f).rglob("*") if p.is_file()}
    shutil.rmtree(project / "output" / ".state")
    snakemake(project, "all")
    assert {p: p.read_bytes() for f in folders for p in (project / f).rglob("*") if p.is_file()} == before


@pytest.mark.built
def test_a_fifo_or_a_link_in_the_state_folder_counts_as_no_record_and_never_blocks(project):
    """The state folder is the pipeline's own record: a FIFO (which would block a read forever) or a link to
    one where a record should be is no record. The run does that work again, replaces them, and what it
    writes is what a cold build writes. (A folder there is refused, naming it: it is not the pipeline's.)"""
    state = project / "output" / ".state"
    records = sorted(p for p in state.rglob("*") if p.is_file() and p.parent.name != "running")
    assert len(records) > 20
    elsewhere = project.parent / "fifo"
    os.mkfifo(elsewhere)
    for number, record in enumerate(records):
        record.unlink()
        os.mkfifo(record) if number % 2 else record.symlink_to(elsewhere)
    source = project / "source" / "iv-ketamine-infusion.txt"
    source.write_text(source.read_text("utf-8").replace("Headache", "Headache or migraine", 1), "utf-8")
    snakemake(project, "all", timeout=120)
    assert_same_as_a_cold_build(project, "output/site", "output/preview", "output/reports", "locales")
    assert all(p.is_file() and not p.is_symlink() for p in records if p.exists())
    entry = next(p for p in records if p.suffix == ".marshal")
    entry.unlink()
    entry.mkdir()
    source.write_text(source.read_text("utf-8").replace("Headache or migraine", "Headache", 1), "utf-8")
    failed = snakemake(project, "all", check=False, timeout=120)
    assert failed.returncode != 0
    assert f"{entry.relative_to(project)}: error: cannot write: Is a directory" in failed.stdout + failed.stderr
    assert "Traceback" not in failed.stdout + failed.stderr


@pytest.mark.built
def test_an_empty_catalog_is_written_again(project):
    """A new catalog is not fsynced (it holds nobody's work): after a power cut it may be empty."""
    po = project / "locales" / "de" / "LC_MESSAGES" / "iv-ketamine-infusion.po"
    text = po.read_bytes()
    po.write_bytes(b"")
    snakemake(project, "all")
    assert po.read_bytes() == text


@pytest.mark.built
def test_a_saved_catalog_renders_only_that_locales_files(project, monkeypatch):
    """A translator's save re-renders that locale's published page and preview, not the page in every
    locale; what it writes is what a cold build writes."""
    from helpers import review_all

    monkeypatch.setenv("CLINIC_L10N_PROGRESS", "1")
    po = project / "locales" / "es" / "LC_MESSAGES" / "iv-ketamine-infusion.po"
    review_all(po, "infusion-ketamina")
    first = snakemake(project, "all").stderr
    # Published now: the Spanish page, its preview, and the English page (its hreflang links) change.
    assert re.search(r"render shard \d: 1 pages, 3 of their \d+ files rendered", first), first
    po.write_text(po.read_text().replace('msgstr "ES Headache', 'msgstr "ES Dolor de cabeza', 1))
    second = snakemake(project, "all").stderr
    assert re.search(r"render shard \d: 1 pages, 2 of their \d+ files rendered", second), second
    assert "Dolor de cabeza" in (project / "output" / "site" / "es" / "infusion-ketamina" / "index.html").read_text()

    assert_same_as_a_cold_build(project, "output/site", "output/preview")


@pytest.mark.built
def test_a_copied_tree_is_back_on_the_fast_path_after_one_run(project):
    """A copy (a checkout, a restore) gives every file a new inode and ctime: the first run hashes them
    and, the bytes being the same, runs nothing; its ledgers then hold the new stamps, so the next run
    trusts them instead of hashing every file again."""
    from pipeline.jobs.ledger import load

    def entries() -> dict[str, tuple]:
        found = {}
        for path in (project / "output" / ".state" / "ledgers").glob("*.json"):
            ledger = load(path)
            assert ledger is not None, path
            found.update({name: entry for name, entry in {**ledger.reads, **ledger.writes}.items() if entry[0]})
        return found

    def stale() -> list[str]:
        return [name for name, (_, stamp) in entries().items()
                if stamp != fsio.stamp_of((project / name).stat())]

    assert stale(), "a copy has other stamps than the build"
    assert "Nothing to be done" in snakemake(project, "all").stderr
    assert stale() == []
    assert "Nothing to be done" in snakemake(project, "all").stderr


@pytest.mark.built
def test_a_save_in_one_locale_updates_only_that_locale_of_its_group_and_the_others_still_count(project):
    """es and de share an update job (update_jobs: 2, round robin): a save in es does not read the de
    catalogs again, yet a later save in de is seen; the result is a cold build's."""
    from dataclasses import replace

    from pipeline.po.pofile import read_po, write_po

    def draft(locale: str, text: str) -> None:
        po = project / "locales" / locale / "LC_MESSAGES" / "iv-ketamine-infusion.po"
        catalog = read_po(po.read_bytes(), str(po))
        messages = tuple(replace(m, msgstr=text).with_fuzzy(True) if m.msgid == "Headache" else m
                         for m in catalog.messages)
        po.write_bytes(write_po(replace(catalog, messages=messages)).encode("utf-8"))

    log = project / "output" / "logs" / "update" / "group-0.log"
    draft("es", "Dolor de cabeza")
    snakemake(project, "all")
    said = log.read_text("utf-8")
    assert "de: its catalogs and glossary did not change since the last run" in said, said
    assert "es: its catalogs" not in said
    draft("de", "Kopfschmerzen")
    snakemake(project, "all")
    said = log.read_text("utf-8")
    assert "es: its catalogs and glossary did not change since the last run" in said, said
    preview = project / "output" / "preview"
    assert "Kopfschmerzen" in (preview / "de" / "iv-ketamine-infusion" / "index.html").read_text("utf-8")
    assert "Dolor de cabeza" in (preview / "es" / "iv-ketamine-infusion" / "index.html").read_text("utf-8")

    assert_same_as_a_cold_build(project, "output/site", "output/preview", "locales")


def test_observed_changes_are_the_files_written_or_removed_and_not_those_left_alone(tmp_path):
    """What `serve` reloads after a build: fsio reports each file it wrote with new bytes or removed."""
    same, new, gone = tmp_path / "same.html", tmp_path / "site" / "new.html", tmp_path / "gone.html"
    same.write_text("unchanged", "utf-8")
    gone.write_text("old", "utf-8")
    with fsio.observe_changes() as changed:
        fsio.write_text(same, "unchanged")  # the same bytes: not written
        fsio.write_text(new, "new page")
        fsio.remove(gone, tmp_path)
    fsio.write_text(new, "after the block")  # not observed any more
    assert changed == {new, gone}


@pytest.mark.long
def test_qa_recalled_between_runs_finds_what_a_cold_build_finds_and_forgets_with_a_new_glossary(project):
    """A rebuild that re-checks every catalog (here: a header line shifts every reference) recalls QA's
    issues per entry text from the last run (output/.state/qa/): the same findings and the same site as a
    cold build. A glossary changed since is another checker: its new finding is not hidden."""
    from helpers import review_all

    seed = project / "source" / "iv-ketamine-infusion.txt"
    (project / "source" / "second-page.txt").write_text(
        seed.read_text("utf-8").replace("URL Slug: iv-ketamine-infusion", "URL Slug: second-page"), "utf-8")
    snakemake(project, "all")
    catalogs = project / "locales" / "es" / "LC_MESSAGES"
    review_all(catalogs / "iv-ketamine-infusion.po", "infusion-de-ketamina-iv")
    review_all(catalogs / "second-page.po", "segunda-pagina")
    first = catalogs / "iv-ketamine-infusion.po"
    said = 'msgstr "ES Avoid driving, alcohol, and important decisions for '
    first.write_text(first.read_text("utf-8").replace(f"{said}24", f"{said}48"), "utf-8")

    def es_state(page: str) -> tuple[bool, list[str]]:
        status = json.loads((project / "output" / "reports" / "status.json").read_text("utf-8"))
        entry = status["pages"][page]["locales"]["es"]
        return entry["published"], [f["check"] for f in entry["findings"]]

    snakemake(project, "all")
    found = es_state("iv-ketamine-infusion")
    assert found == (False, ["numbers", "numbers"])  # 24 missing, 48 not in the source
    assert es_state("second-page") == (True, [])
    for page in (seed, project / "source" / "second-page.txt"):
        header = "\nMedically Reviewed By: Dr Ana Ruiz\nSubtitle:"
        page.write_text(page.read_text("utf-8").replace("\nSubtitle:", header, 1), "utf-8")
    snakemake(project, "all")
    assert "source/second-page.txt:7" in (catalogs / "second-page.po").read_text("utf-8")  # every reference moved
    memo = json.loads((project / "output" / ".state" / "qa" / "es.json").read_text("utf-8"))
    assert any(issues and issues[0][0] == "numbers" for issues in memo["issues"].values())
    assert es_state("iv-ketamine-infusion") == found
    assert es_state("second-page") == (True, [])
    assert_same_as_a_cold_build(project, "output/site", "output/reports", "locales")
    glossary = project / "config" / "glossary" / "es.csv"
    glossary.write_text(glossary.read_text("utf-8") + "headache,cefalea,\n", "utf-8")  # the catalogs say "ES Headache"
    snakemake(project, "all")
    assert es_state("second-page") == (False, ["glossary"])


def test_a_digest_names_the_bytes_given_now() -> None:
    """fsio.digest remembers the digests of the last byte strings it saw by identity (a job names a
    catalog's bytes several times): a mutable buffer is never remembered, and equal bytes in another
    object get the same digest."""
    import hashlib

    buffer = bytearray(b"Dose: 5 mg")
    assert fsio.digest(buffer) == hashlib.sha256(b"Dose: 5 mg").hexdigest()
    buffer[6] = ord("9")
    assert fsio.digest(buffer) == hashlib.sha256(b"Dose: 9 mg").hexdigest()
    data = b"Dose: 5 mg"
    assert fsio.digest(data) == fsio.digest(bytes(bytearray(data))) == hashlib.sha256(data).hexdigest()
