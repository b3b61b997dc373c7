"""Translator safety on the real pipeline: broken catalogs, editors' saves, source edits, kill -9."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import SEED, need, snakemake, snakemake_env
from helpers import review_all

from pipeline.config import load_settings
from pipeline.errors import ConflictError
from pipeline.jobs import update as update_job
from pipeline.jobs.extract import run_extract
from pipeline.paths import Project
from pipeline.po.pofile import read_po

PO = "locales/es/LC_MESSAGES/iv-ketamine-infusion.po"


def output_of(result) -> str:
    return result.stdout + result.stderr


@pytest.mark.built
@pytest.mark.parametrize("corrupt, line, message", [
    (lambda t: t.replace('msgid "Headache"', 'msgid "Headache'), None, "end-of-line within string"),
    (lambda t: t + '\nmsgid "Headache"\nmsgstr "Dolor"\n', None, "duplicate message definition"),
    (lambda t: t.replace('"Plural-Forms: nplurals=3; plural=(n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? "\n',
                         '"Plural-Forms: nplurals=three; plural=(n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? "\n'),
     1, "Plural-Forms"),
    (lambda t: t.replace("Headache", "Headache \udcff"), None, "invalid multibyte sequence"),
])
def test_broken_catalog_is_reported_left_untouched_and_the_rest_builds(project, corrupt, line, message):
    path = project / PO
    text = corrupt(path.read_text("utf-8"))
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    before = path.read_bytes()
    (project / "source" / "second.txt").write_text(
        SEED.read_text("utf-8").replace("URL Slug: iv-ketamine-infusion", "URL Slug: second-page"), "utf-8")
    result = snakemake(project, "all", check=False)
    assert result.returncode != 0
    expected_line = line or next(i for i, row in enumerate(text.splitlines(), 1) if "Headache" in row)
    assert f"{PO}:" in output_of(result) and message in output_of(result)
    if line:
        assert f"{PO}:{expected_line}: error:" in output_of(result)
    assert path.read_bytes() == before  # byte-identical
    assert (project / "locales" / "fr" / "LC_MESSAGES" / "second.po").exists()  # other pages and locales built
    assert (project / "output" / "site" / "en-gb" / "second-page" / "index.html").exists()


@pytest.mark.built
def test_an_editor_save_in_another_layout_is_not_rewritten(project):
    path = project / PO
    saved = subprocess.run([need("msgcat"), "--no-wrap", str(path)], capture_output=True, check=True).stdout
    assert saved != path.read_bytes()  # a different, valid layout (as some editors write)
    path.write_bytes(saved)
    snakemake(project, "all")
    assert path.read_bytes() == saved


@pytest.mark.built
def test_source_edits_move_delete_return_on_the_real_pipeline(project):
    review_all(project / PO, "infusion-de-ketamina-iv")
    source = project / "source" / "iv-ketamine-infusion.txt"
    original = source.read_text("utf-8")
    lines = original.splitlines()
    overview = next(i for i, row in enumerate(lines) if row.startswith("Ketamine has been used"))
    edited = lines[:]
    edited[overview], edited[overview + 1] = edited[overview + 1], edited[overview]  # move
    edited = [row for row in edited if row != "• Headache"]  # delete
    edited = [row.replace("Nausea or dizziness", "Nausea or mild dizziness") for row in edited]  # edit
    source.write_text("\n".join(edited) + "\n", "utf-8")
    snakemake(project, "all")
    catalog = read_po((project / PO).read_bytes(), PO)
    by_id = {m.msgid: m for m in catalog.messages}
    moved = by_id[lines[overview]]
    assert not moved.fuzzy and moved.msgstr == "ES " + lines[overview].replace("etamine", "etamina")
    assert by_id["Headache"].obsolete and by_id["Headache"].msgstr == "ES Headache"
    mild = by_id["Nausea or mild dizziness"]
    assert mild.fuzzy and mild.msgstr == "ES Nausea or dizziness" and mild.previous_msgid == "Nausea or dizziness"
    assert not (project / "output" / "site" / "es").exists()  # a fuzzy entry withdraws the locale
    source.write_text(original, "utf-8")  # the deleted text returns
    snakemake(project, "all")
    back = {m.msgid: m for m in read_po((project / PO).read_bytes(), PO).messages}
    assert back["Headache"].msgstr == "ES Headache" and not back["Headache"].obsolete and not back["Headache"].fuzzy


@pytest.mark.built
def test_a_catalog_saved_during_the_update_is_not_overwritten(project):
    proj = Project(project)
    settings = load_settings(proj.config_file)
    path = project / PO
    read_earlier = path.read_bytes()
    path.write_bytes(read_earlier.replace(b'msgid "Headache"\nmsgstr ""', b'msgid "Headache"\nmsgstr "Dolor"'))
    saved = path.read_bytes()
    (project / "source" / "iv-ketamine-infusion.txt").write_text(
        SEED.read_text("utf-8").replace("• Headache", "• Headache or migraine"), "utf-8")
    run_extract(proj, settings)
    pot = proj.template("iv-ketamine-infusion").read_bytes()
    es = settings.locale("es")
    # read before the save:
    _, before, merged = update_job.merge_catalog(proj, es, "iv-ketamine-infusion", pot, read_earlier)
    with pytest.raises(ConflictError) as caught:
        update_job.write_catalog(proj, es, "iv-ketamine-infusion", merged, read_earlier, before)
    assert str(caught.value).startswith(f"{project / PO}: changed on disk")
    assert path.read_bytes() == saved


@pytest.mark.long
def test_kill_9_at_random_moments_leaves_whole_files_and_a_rerun_completes(project, tmp_path):
    for i in range(12):
        text = SEED.read_text("utf-8").replace("URL Slug: iv-ketamine-infusion", f"URL Slug: page-{i}")
        (project / "source" / f"page-{i}.txt").write_text(text.replace("(ref", f"(ref {i}"), "utf-8")
    clean = tmp_path / "clean"
    shutil.copytree(project, clean)
    snakemake(clean, "all")
    expected = {p.relative_to(clean): p.read_bytes() for p in (clean / "locales").rglob("*.po*")}  # and .pot
    rng = random.Random(7)
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600"}
    for _ in range(8):
        proc = subprocess.Popen([need("snakemake"), "all"], cwd=project, env=env, start_new_session=True,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 3.0))
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        for path in (project / "locales").rglob("*.po*"):
            assert path.read_bytes() == expected[path.relative_to(project)], path  # never a partial file
    snakemake(project, "all")
    found = {p.relative_to(project): p.read_bytes() for p in (project / "locales").rglob("*.po*")}
    assert found == expected
    leftovers = [p for p in project.rglob("*.tmp") if ".snakemake" not in p.parts]
    assert leftovers == []


@pytest.mark.built
def test_a_job_killed_while_caching_a_compiled_template_leaves_nothing_after_the_next_run(project):
    """The render job's compiled-template cache goes through fsio's atomic write: strace kills the job
    at its first rename, which is that cache's (the templates are compiled before any page is written);
    the next run sweeps what it left, as it does for every file the pipeline writes."""
    shutil.rmtree(project / "output" / ".state" / "templates")
    shutil.rmtree(project / "output" / "site")
    renames = "rename,renameat,renameat2"
    subprocess.run([need("strace"), "-f", "-o", os.devnull, "-e", f"trace={renames}",
                    "-e", f"inject={renames}:signal=KILL", sys.executable, "-m", "pipeline", "--log", os.devnull,
                    "render", "--shard", "0"], cwd=project, env=snakemake_env(), capture_output=True, timeout=120)
    left = [p.relative_to(project) for p in project.rglob("*.tmp") if ".snakemake" not in p.parts]
    assert left and all(p.parent == Path("output/.state/templates") for p in left), left
    snakemake(project, "all")
    assert [p for p in project.rglob("*.tmp") if ".snakemake" not in p.parts] == []
    assert (project / "output" / "site" / "en-gb" / "iv-ketamine-infusion" / "index.html").is_file()

