"""Translator safety on the real pipeline: broken catalogs, editors' saves, source edits, kill -9."""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import SEED, need, snakemake, snakemake_env
from helpers import review_all

from pipeline import fsio
from pipeline.config import load_settings
from pipeline.errors import ConflictError
from pipeline.fsio import is_temporary, make_durable
from pipeline.jobs import manifests
from pipeline.jobs import update as update_job
from pipeline.jobs.extract import run_extract
from pipeline.jobs.manifests import LocaleManifest
from pipeline.paths import INTERFACE, Project
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
@pytest.mark.parametrize("saved_after", ["read", "staged"])
def test_a_catalog_saved_during_the_update_is_not_overwritten(project, saved_after):
    """The job reads a catalog, merges it, stages its new version beside it (a locale's catalogs are made
    durable together), then swaps it in. A translator's save after the read, or after the staging, is
    kept; the job's version is thrown away, and no temporary file is left."""
    proj = Project(project)
    settings = load_settings(proj.config_file)
    path = project / PO
    read_earlier = path.read_bytes()
    (project / "source" / "iv-ketamine-infusion.txt").write_text(
        SEED.read_text("utf-8").replace("• Headache", "• Headache or migraine"), "utf-8")
    run_extract(proj, settings)
    pot = proj.template("iv-ketamine-infusion").read_bytes()
    es = settings.locale("es")
    _, before, merged = update_job.merge_catalog(proj, es, "iv-ketamine-infusion", pot, read_earlier)
    save = read_earlier.replace(b'msgid "Headache"\nmsgstr ""', b'msgid "Headache"\nmsgstr "Dolor"')
    assert save != read_earlier
    with pytest.raises(ConflictError) as caught:
        if saved_after == "read":
            path.write_bytes(save)
        laid = update_job.lay_out_catalog(proj, es, "iv-ketamine-infusion", merged, read_earlier, before)
        assert laid.staged is not None and laid.staged.tmp.read_bytes() == laid.data
        make_durable([laid.staged])
        path.write_bytes(save)
        update_job.put_catalog(proj, path, merged, laid)
    assert str(caught.value).startswith(f"{project / PO}: changed on disk")
    assert path.read_bytes() == save
    assert not [p for p in path.parent.iterdir() if is_temporary(p.name)]


def add_pages(project: Path, count: int) -> None:
    """`count` more pages in `source/`: the seed under other slugs."""
    for i in range(count):
        text = SEED.read_text("utf-8").replace("URL Slug: iv-ketamine-infusion", f"URL Slug: page-{i}")
        (project / "source" / f"page-{i}.txt").write_text(text.replace("(ref", f"(ref {i}"), "utf-8")


def edit_every_page(project: Path) -> None:
    for page in (project / "source").glob("*.txt"):
        page.write_text(page.read_text("utf-8").replace("• Headache", "• Headache or migraine"), "utf-8")


@pytest.mark.long
def test_kill_9_at_random_moments_leaves_whole_files_and_a_rerun_completes(project, tmp_path):
    add_pages(project, 12)
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
            if is_temporary(path.name):  # a killed writer's temporary file: swept by the next run (asserted below)
                continue
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



def test_every_replaced_catalog_is_on_the_disk_before_its_swap_with_one_sync_a_locale(project):
    """A translator's file is replaced only by content already on the disk: after a power cut it is the
    old or the new file, never an empty one. strace follows the real run: in each job process, between
    the creation of a catalog's temporary file and its swap into place, a syncfs (or fsync) completed.
    The job makes a locale's catalogs durable together: one sync a locale, not one a catalog."""
    add_pages(project, 3)
    snakemake(project, "all")
    edit_every_page(project)
    trace = project.parent / "strace.log"
    result = subprocess.run([need("strace"), "-f", "-qq", "-o", str(trace), "-e",
                             "trace=openat,fsync,fdatasync,syncfs,rename,renameat,renameat2", need("snakemake"), "all"],
                            cwd=project, env=snakemake_env(), capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    created: dict[tuple[str, str], int] = {}  # (pid, temporary file) -> line
    synced: dict[str, list[int]] = {}  # pid -> lines where a sync completed
    swapped = 0
    for number, line in enumerate(trace.read_text().splitlines()):
        pid, _, call = line.partition(" ")
        call = call.strip()
        if call.startswith("openat(") and "O_CREAT" in call:
            created[pid, call.split('"')[1]] = number
        elif re.match(r"(<\.\.\. )?(syncfs|fsync|fdatasync)\b", call) and call.endswith("= 0"):
            synced.setdefault(pid, []).append(number)
        elif call.startswith("renameat2(") and "RENAME_EXCHANGE" in call and "/locales/" in call:
            tmp = call.split('"')[1]
            start = created[pid, tmp]
            assert any(start < at < number for at in synced.get(pid, [])), f"{tmp} swapped in before any sync"
            swapped += 1
    assert swapped == 4 * 7  # 4 pages × 7 locales, every catalog replaced
    assert 0 < sum(map(len, synced.values())) <= 7, synced  # one a locale (and none for other files)


def test_a_locale_is_written_in_batches_and_every_catalog_lands_as_checked(project, monkeypatch):
    """The update job writes a locale's catalogs STAGED_AT_ONCE at a time (one sync each batch, and a bounded
    number of catalogs held). With batches of 2, 5 edited pages are synced as 2 + 2 + 1, and every catalog on
    disk is the version the job's manifest says it checked, with the edit merged in."""
    add_pages(project, 4)
    snakemake(project, "all")
    edit_every_page(project)
    snakemake(project, str(Path("output/.state/extract.json")))
    proj = Project(project)
    settings = load_settings(proj.config_file)
    batches: list[int] = []
    real = fsio.make_durable

    def observed(staged):
        batches.append(len(staged))
        real(staged)

    monkeypatch.setattr(update_job, "STAGED_AT_ONCE", 2)
    monkeypatch.setattr(fsio, "make_durable", observed)
    update_job.run_update(proj, settings, "es")
    assert batches == [2, 2, 1]
    manifest = manifests.read(proj.locale_manifest("es"), LocaleManifest)
    assert manifest is not None and len(manifest.pages) == 6  # and the site's interface catalog
    for name, page in manifest.pages.items():
        data = proj.catalog("es", name).read_bytes()
        assert page.error is None and page.catalog_digest == fsio.digest(data), name
        assert (b'msgid "Headache or migraine"' in data) == (name != INTERFACE), name
    assert not [p for p in project.rglob("*.tmp") if ".snakemake" not in p.parts]


@pytest.mark.parametrize("failing", ["syncfs", "syncfs,fsync"])
def test_a_failed_sync_falls_back_to_an_fsync_each_or_replaces_no_catalog(project, failing):
    """strace makes the disk's syncs fail (EIO). When syncfs alone fails, the job syncs each catalog with
    fsync and the run is whole. When fsync fails too, no translator's file is replaced: each catalog's page
    fails with one error naming it, the files stay byte-identical, and no temporary file is left."""
    add_pages(project, 3)
    snakemake(project, "all")
    catalogs = sorted(project.glob("locales/*/LC_MESSAGES/*.po"))
    edit_every_page(project)
    before = {po: po.read_bytes() for po in catalogs}
    trace = project.parent / "strace.log"
    result = subprocess.run([need("strace"), "-f", "-qq", "-o", str(trace), "-e", "trace=syncfs,fsync",
                             "-e", f"inject={failing}:error=EIO", need("snakemake"), "all"],
                            cwd=project, env=snakemake_env(), capture_output=True, text=True, timeout=300)
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output[-3000:]
    edited = [po for po in catalogs if po.stem != "site"]
    assert len(edited) == 4 * 7
    if failing == "syncfs":
        assert result.returncode == 0, output[-3000:]
        assert all(b'msgid "Headache or migraine"' in po.read_bytes() for po in edited)
        fsyncs = re.findall(r"(?:\bfsync\(\d+\)|<\.\.\. fsync resumed>\))\s+= 0$", trace.read_text(), re.MULTILINE)
        assert len(fsyncs) >= len(edited)  # the fallback: one for each catalog
    else:
        assert result.returncode != 0
        for po in edited:
            assert f"{po.relative_to(project)}: error: cannot write: Input/output error" in output, po
        assert {po: po.read_bytes() for po in catalogs} == before
    assert not [p for p in project.rglob("*.tmp") if ".snakemake" not in p.parts]
