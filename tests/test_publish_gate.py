"""Issue 11: the publish gate is airtight. One reproducer per numbered case of the issue: each runs the
real `snakemake` on a temporary copy of the project and asserts only what a user can observe — which
pages are online, what sitemap.xml lists, the exit status, an error line naming the file, no traceback,
no hang, no leftover, no lost save."""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import finish, need, new_project
from fake_libretranslate import FakeLibre
from helpers import review_all, set_fuzzy, sitemap_urls, treatment_pages

from pipeline.errors import ConflictError
from pipeline.fsio import write_atomic
from pipeline.paths import shard_of

PAGE = "iv-ketamine-infusion"
ES_SLUG = "infusion-de-ketamina-iv"
ES_PO = f"locales/es/LC_MESSAGES/{PAGE}.po"
DE_PO = f"locales/de/LC_MESSAGES/{PAGE}.po"  # de shares es's update group (update_jobs: 2, round robin)
ES_PAGE = f"output/site/es/{ES_SLUG}/index.html"
EN_PAGE = f"output/site/en-gb/{PAGE}/index.html"
DOSE = "ES Avoid driving, alcohol, and important decisions for 24 hours"


# --- running the pipeline, bounded ------------------------------------------------------------------------


def run(root: Path, *args: str, timeout: float = 60, prefix: tuple[str, ...] = (),
        limit: Callable[[], None] | None = None) -> subprocess.CompletedProcess:
    """`snakemake <args>` in `root`; a run that outlives `timeout` is killed with its jobs and fails the test."""
    process = start(root, *args, prefix=prefix, limit=limit)
    return finish(process, timeout)


def start(root: Path, *args: str, prefix: tuple[str, ...] = (),
          limit: Callable[[], None] | None = None) -> subprocess.Popen:
    environment = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600"}
    return subprocess.Popen([*prefix, need("snakemake"), *(args or ("all",))], cwd=root, text=True, env=environment,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True, preexec_fn=limit)


def ok(root: Path, *args: str) -> subprocess.CompletedProcess:
    result = run(root, *args)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def assert_no_traceback(result: subprocess.CompletedProcess) -> None:
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output[output.index("Traceback"):]


def assert_clean_error(result: subprocess.CompletedProcess, where: str) -> None:
    """A failed run that says which file (and no traceback)."""
    assert_no_traceback(result)
    output = result.stdout + result.stderr
    assert result.returncode != 0, f"the run passed although {where} is bad:\n{output}"
    assert re.search(rf"{re.escape(where)}[:\d]*: error", output), f"no error line names {where}:\n{output}"


# --- what is online -----------------------------------------------------------------------------------------


def site_pages(root: Path) -> set[str]:
    """URL paths of the pages under output/site/ ('/es/slug/')."""
    site = root / "output" / "site"
    return {"/" + p.parent.relative_to(site).as_posix() + "/" for p in treatment_pages(site)}


def sitemap_pages(root: Path) -> set[str]:
    return {re.sub(r"^https?://[^/]+", "", url) for url in sitemap_urls(root / "output" / "site")}


def assert_site_is(root: Path, *expected: str) -> None:
    """output/site/ holds exactly these pages, and sitemap.xml lists exactly them."""
    assert site_pages(root) == set(expected), "pages on the site"
    assert sitemap_pages(root) == set(expected), "pages in sitemap.xml"


def add_page(root: Path, name: str, slug: str | None = None) -> Path:
    seed = (root / "source" / f"{PAGE}.txt").read_text("utf-8")
    path = root / "source" / f"{name}.txt"
    path.write_text(seed.replace(f"URL Slug: {PAGE}", f"URL Slug: {slug or name}"), "utf-8")
    return path


def edit_in_place_keeping_mtime(path: Path, edit: Callable[[Path], None]) -> None:
    """Edit a file where it is and put its old modification time back (cp -p, rsync -t, unzip, touch -d)."""
    before = path.stat()
    edit(path)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), "utf-8")


def save_by_rename(path: Path, text: str) -> None:
    """How editors save: a temporary file beside it, then a rename over it."""
    tmp = path.with_name(f"{path.name}~editor")
    tmp.write_text(text, "utf-8")
    os.replace(tmp, path)


def configure(root: Path, **values: str) -> None:
    """Set top-level keys of config/config.yaml (replacing an existing line of the same key)."""
    config = root / "config" / "config.yaml"
    lines = [line for line in config.read_text().splitlines() if line.split(":")[0] not in values]
    config.write_text("\n".join([*lines, *(f"{key}: {value}" for key, value in values.items())]) + "\n")


@pytest.fixture(scope="session")
def published_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = new_project(tmp_path_factory.mktemp("published") / "project")
    ok(root)
    review_all(root / ES_PO, ES_SLUG)
    ok(root)
    assert_site_is(root, f"/en-gb/{PAGE}/", f"/es/{ES_SLUG}/")
    return root


@pytest.fixture
def published(tmp_path: Path, published_once: Path) -> Path:
    """The seed page online in English and, every entry reviewed, in Spanish: a copy of one such build
    (made once per worker), run once more so that its ledgers hold the copy's own file stamps. Each
    test starts where a clinic's tree stands after a run: on the stamp fast path that the saves with old
    mtimes below try to fool."""
    root = tmp_path / "project"
    shutil.copytree(published_once, root, symlinks=True)
    assert "Nothing to be done" in ok(root).stderr
    assert_site_is(root, f"/en-gb/{PAGE}/", f"/es/{ES_SLUG}/")
    return root


# --- 1. change detection by content, not mtime -----------------------------------------------------------


def test_unreview_saved_with_an_old_mtime_withdraws_the_page(published):
    """Case 1: an entry marked fuzzy again, the file written in place with its old mtime."""
    edit_in_place_keeping_mtime(published / ES_PO, lambda po: set_fuzzy(po, "Headache"))
    run(published)
    assert not (published / ES_PAGE).exists()
    assert_site_is(published, f"/en-gb/{PAGE}/")


def test_check_fails_while_the_site_holds_a_version_todays_inputs_withdraw(published):
    """Case 1: `snakemake check` (which builds nothing) must not pass while the un-reviewed page is online."""
    edit_in_place_keeping_mtime(published / ES_PO, lambda po: set_fuzzy(po, "Headache"))
    result = run(published, "check")
    assert result.returncode != 0 and f"es/{ES_SLUG}" in result.stdout + result.stderr


def test_reviewed_delivery_with_an_old_mtime_is_published(project):
    """Case 1: an agency's reviewed catalog unpacked with the mtime of the file it replaces."""
    ok(project)
    edit_in_place_keeping_mtime(project / ES_PO, lambda po: review_all(po, ES_SLUG))
    ok(project)
    assert_site_is(project, f"/en-gb/{PAGE}/", f"/es/{ES_SLUG}/")


# --- 2, 3. glossaries -------------------------------------------------------------------------------------


GLOSSARY = "term,translation,note\nketamine,ketamina,INN\nheadache,cefalea,term of the clinic\n"


def test_glossary_term_added_later_withdraws_a_noncompliant_page(published):
    """Case 2: 'headache,cefalea' added to a glossary after the page ('ES Headache') was published."""
    (published / "config" / "glossary" / "es.csv").write_text(GLOSSARY, "utf-8")
    run(published)
    assert not (published / ES_PAGE).exists()
    assert_site_is(published, f"/en-gb/{PAGE}/")


@pytest.mark.parametrize("data", [
    GLOSSARY.replace("\n", "\r\n").encode("utf-8-sig"),
    GLOSSARY.replace(",", ";").encode("utf-8"),
], ids=["excel-utf8-bom-crlf", "semicolons"])
def test_glossary_saved_by_a_spreadsheet_is_enforced(project, data):
    """Case 3: a glossary saved by Excel (UTF-8 with BOM, CRLF; or ';'-separated) is read, and a page that
    violates it is withheld."""
    ok(project)
    (project / "config" / "glossary" / "es.csv").write_bytes(data)
    review_all(project / ES_PO, ES_SLUG)
    assert_no_traceback(run(project))
    assert not (project / ES_PAGE).exists()
    assert_site_is(project, f"/en-gb/{PAGE}/")


def test_unreadable_glossary_fails_the_run_and_withdraws_its_locale(published):
    """Case 3: a glossary that cannot be read is an error (exit 1), not a glossary switched off."""
    (published / "config" / "glossary" / "es.csv").write_bytes(b"term,translation\nheadache,cefalea\xff\n")
    result = run(published)
    assert_clean_error(result, "config/glossary/es.csv")
    assert not (published / ES_PAGE).exists()


# --- 4-7. removing, breaking and deleting ----------------------------------------------------------------


def test_deleted_page_alone_in_its_render_shard_leaves_the_site(published):
    """Case 4: a page deleted from source/ whose render shard becomes empty."""
    name = next(n for n in (f"tms-therapy-{i}" for i in range(99)) if shard_of(n, 2) != shard_of(PAGE, 2))
    add_page(published, name)
    ok(published)
    assert f"/en-gb/{name}/" in sitemap_pages(published)
    (published / "source" / f"{name}.txt").unlink()
    ok(published)
    assert_site_is(published, f"/en-gb/{PAGE}/", f"/es/{ES_SLUG}/")


def test_broken_source_and_an_unreviewed_entry_withdraw_the_translation(published):
    """Case 5: the source page has an error (its English may keep its last good build) and an entry is
    un-reviewed: the Spanish version goes, from the site and the sitemap alike."""
    source = published / "source" / f"{PAGE}.txt"
    source.write_bytes(source.read_bytes() + b"\nA closing line with a bad byte \xff.\n")
    set_fuzzy(published / ES_PO, "Headache")
    result = run(published)
    assert_clean_error(result, f"source/{PAGE}.txt")
    assert not (published / ES_PAGE).exists()
    assert f"/es/{ES_SLUG}/" not in sitemap_pages(published)
    assert site_pages(published) == sitemap_pages(published)


def test_deleted_page_folder_is_written_again(published):
    """Case 6: a page's folder removed from output/site/ is rebuilt by the next run."""
    page = published / ES_PAGE
    html = page.read_bytes()
    shutil.rmtree(page.parent)
    ok(published)
    assert page.is_file() and page.read_bytes() == html


def test_fixing_a_duplicate_slug_publishes_both_pages(published):
    """Case 6: two pages with the same slug, then the duplicate fixed: both pages are online and listed."""
    copy = add_page(published, "ketamine-copy", slug=PAGE)
    run(published)
    replace_in(copy, f"URL Slug: {PAGE}", "URL Slug: ketamine-copy")
    ok(published)
    assert_site_is(published, f"/en-gb/{PAGE}/", "/en-gb/ketamine-copy/", f"/es/{ES_SLUG}/")


def test_a_slug_that_is_an_index_pages_address_is_refused_in_the_source_and_in_a_translation(published):
    """/<lang>/all-treatments/ is the index page the breadcrumb's "All Treatments" names, in every locale:
    a page with that slug would overwrite it (or be overwritten), so it is refused where it is written."""
    page = add_page(published, "overview", slug="all-treatments")
    result = run(published)
    assert result.returncode != 0
    assert_no_traceback(result)
    assert re.search(r"source/overview\.txt:\d+: error: URL Slug 'all-treatments' is the address of the index page"
                     r" of the breadcrumb item 'All Treatments'", result.stderr), result.stderr
    index = (published / "output/site/en-gb/all-treatments/index.html").read_text("utf-8")
    assert "CollectionPage" in index and "MedicalTherapy" not in index
    assert_site_is(published, f"/en-gb/{PAGE}/", f"/es/{ES_SLUG}/")

    replace_in(page, "URL Slug: all-treatments", "URL Slug: overview")
    ok(published)
    review_all(published / "locales/es/LC_MESSAGES/overview.po", "all-treatments")
    result = run(published)
    assert_no_traceback(result)
    assert re.search(r"es/overview: NOT published: URL slug 'all-treatments' is the address of the index page"
                     r" 'All Treatments'", result.stderr), result.stderr
    assert_site_is(published, f"/en-gb/{PAGE}/", "/en-gb/overview/", f"/es/{ES_SLUG}/")


def test_invalid_source_slug_is_refused_and_not_published(published):
    """Case 7: 'URL Slug: TMS Therapy' is an error, and nothing of it reaches the site or the sitemap."""
    add_page(published, "tms-therapy", slug="TMS Therapy")
    result = run(published)
    assert_clean_error(result, "source/tms-therapy.txt")
    assert not (published / "output" / "site" / "en-gb" / "TMS Therapy").exists()
    assert_site_is(published, f"/en-gb/{PAGE}/", f"/es/{ES_SLUG}/")


# --- 8. the review state as gettext reads it ----------------------------------------------------------------


HEADACHE = 'msgid "Headache"\nmsgstr "ES Headache"\n'


@pytest.mark.parametrize("entry", [
    '#, fuzzy c-format\n' + HEADACHE,
    'msgid "Headache"\nmsgstr " "\n',
    'msgid "Headache"\nmsgid_plural "Headaches"\nmsgstr[0] "ES Headache"\nmsgstr[1] "ES Headaches"\n'
    'msgstr[2] "ES Headaches"\n',
], ids=["fuzzy-among-other-flags", "whitespace-only", "plural-form-for-a-singular"])
def test_entry_gettext_does_not_count_as_reviewed_withdraws_the_page(published, entry):
    """Case 8: '#, fuzzy c-format', a whitespace-only msgstr, a plural entry where the template has a singular."""
    replace_in(published / ES_PO, HEADACHE, entry)
    run(published)
    assert not (published / ES_PAGE).exists()
    assert_site_is(published, f"/en-gb/{PAGE}/")


# --- 9. file names that cannot be pages -------------------------------------------------------------------


def test_source_name_with_braces_is_refused_and_other_edits_still_build(published):
    """Case 9: 'source/draft{2}.txt' (a copywriter's backup) neither freezes the pipeline nor passes."""
    add_page(published, "draft{2}", slug="draft-2")
    result = run(published)
    assert_clean_error(result, "source/draft{2}.txt")
    replace_in(published / "source" / f"{PAGE}.txt", "Headache", "Headache or migraine")
    result = run(published)
    assert_clean_error(result, "source/draft{2}.txt")
    assert "Headache or migraine" in (published / EN_PAGE).read_text("utf-8")


# --- 10, 11. saves during a run -------------------------------------------------------------------------


def save_while_updating(root: Path, save: Callable[[], None]) -> subprocess.CompletedProcess:
    """Start a run that updates every catalog (the configuration changed), and call `save` the moment the
    update job has finished Spanish: the job is still on the other locales of its group (es, de, pt_BR, ar),
    and the render jobs have not started."""
    configure(root, site_name="Clinic Two")
    marker = root / "output" / ".state" / "catalogs" / "es.json"
    before = marker.read_bytes()
    process = start(root)
    deadline = time.monotonic() + 60
    while marker.read_bytes() == before:
        assert process.poll() is None and time.monotonic() < deadline, "the run never updated Spanish"
        time.sleep(0.001)
    save()
    return finish(process)


def test_unreview_saved_during_a_run_is_processed(published):
    """Case 10: a reviewer un-reviews an entry (temp file + rename) while the update job runs."""
    po = published / ES_PO
    unreviewed = po.read_text("utf-8").replace(HEADACHE, "#, fuzzy\n" + HEADACHE, 1)
    save_while_updating(published, lambda: save_by_rename(po, unreviewed))
    run(published)
    assert po.read_text("utf-8").count("#, fuzzy\n" + HEADACHE) == 1
    assert not (published / ES_PAGE).exists()
    assert_site_is(published, f"/en-gb/{PAGE}/")


def test_published_text_is_the_text_qa_checked(published):
    """Case 11: a reviewed '24 hours' changed to '2 hours' after QA checked the catalog, before rendering."""
    po = published / ES_PO
    changed = po.read_text("utf-8").replace(DOSE, DOSE.replace("24 hours", "2 hours"))
    save_while_updating(published, lambda: po.write_text(changed, "utf-8"))
    page = published / ES_PAGE
    assert not page.exists() or "for 2 hours" not in page.read_text("utf-8"), "QA never saw this text"
    run(published)
    assert not page.exists(), "QA blocks '2 hours' (the source says 24)"


# --- 12. the check-and-replace of a translator's file -----------------------------------------------------


# A translator saving again and again by rename; before each save it notes what the file held.
TRANSLATOR = """
import json, os, sys, time
path, seconds = sys.argv[1], float(sys.argv[2])
events, k, end = [], 0, time.monotonic() + seconds
while time.monotonic() < end:
    seen = open(path, encoding="utf-8").read()
    k += 1
    with open(path + "~editor", "w", encoding="utf-8") as handle:
        handle.write(f"save-{k}")
    os.replace(path + "~editor", path)
    events.append([k, seen])
with open(path + "~events", "w", encoding="utf-8") as handle:  # not stdout: a full pipe would block it
    json.dump(events, handle)
"""


def lost_saves(events: list[list], replaced: dict[str, str]) -> list[str]:
    """The saves the pipeline overwrote without having read them. `events`: before save k the file held
    `seen`; `replaced`: each pipeline write -> the content it was told it replaces (`expect`). When the
    translator found a pipeline write, following those back gives the save the pipeline's writes
    started from: it must be save k-1, or the pipeline replaced a save it never read.

    (When the translator finds an older save instead, a write that found a conflict was undoing its
    swap while a second save landed — the swap back the issue prescribes shows the displaced save for
    a moment, and the newest save is put back right after it; no save is replaced unread. Counted
    apart, see `reverted`.)"""
    lost = []
    for k, seen in events:
        if not seen.startswith("pipeline-"):
            continue
        while seen in replaced:
            seen = replaced[seen]
        if seen.startswith("save-") and seen != f"save-{k - 1}":
            lost.append(f"save-{k - 1}")
    return lost


def reverted(events: list[list]) -> int:
    """How often the translator found an older save than its last one (see lost_saves)."""
    return sum(1 for k, seen in events if seen.startswith("save-") and seen != f"save-{k - 1}")


def test_a_save_racing_the_pipelines_replace_is_never_lost(tmp_path):
    """Case 12: a save that lands between write_atomic's "has it changed?" check and its rename."""
    path = tmp_path / "page.po"
    path.write_text("save-0", "utf-8")
    translator = subprocess.Popen([sys.executable, "-c", TRANSLATOR, str(path), "4"])
    replaced: dict[str, str] = {}
    conflicts = writes = 0
    while translator.poll() is None:
        before = path.read_bytes()
        writes += 1
        data = f"pipeline-{writes}"
        try:
            write_atomic(path, data.encode(), expect=before)
            replaced[data] = before.decode()
        except ConflictError:
            conflicts += 1
    translator.wait(timeout=10)
    events = json.loads(Path(f"{path}~events").read_text("utf-8"))
    assert len(events) > 1000 and len(replaced) > 100, "the race must have been run many times"
    lost = lost_saves(events, replaced)
    assert not lost, f"{len(lost)} of {len(events)} saves overwritten without a conflict ({conflicts} reported)"
    assert reverted(events) <= conflicts // 4, "an older save showed more often than double races explain"
    final = path.read_text("utf-8")
    while final in replaced:  # the pipeline's writes after the last save each started from the one before
        final = replaced[final]
    assert final == f"save-{len(events)}", "the pipeline's last write started from the translator's last save"


# --- 13. a kill at the wrong moment -----------------------------------------------------------------------


def kill_when(process: subprocess.Popen, line: str, timeout: float = 60) -> None:
    """kill -9 the run and its jobs as soon as its output prints `line`."""
    seen = threading.Event()

    def watch() -> None:
        for text in process.stderr:
            if line in text:
                seen.set()

    threading.Thread(target=watch, daemon=True).start()
    seen.wait(timeout)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout)
    assert seen.is_set(), f"the run never printed {line!r}"


def test_kill_after_the_site_job_leaves_a_run_that_rebuilds_every_page(project):
    """Case 13: output/site deleted, the run killed (-9) right after the site job finished."""
    configure(project, locales="[es]")
    names = [PAGE, *(add_page(project, f"page-{i:02}").stem for i in range(30))]
    ok(project)
    shutil.rmtree(project / "output" / "site")
    kill_when(start(project), "(Rule: site)")
    run(project)
    ok(project)
    assert_site_is(project, *(f"/en-gb/{name}/" for name in names))


# --- 14. bad input never crashes or hangs ---------------------------------------------------------------


def test_mt_answer_with_half_a_surrogate_pair_does_not_crash_the_update(project, monkeypatch):
    """Case 14: the MT server answers '\\ud83d'; the group's catalogs are still written, without a traceback."""
    monkeypatch.setenv("LIBRE_TEST_KEY", "dummy-key-for-the-fake-server")
    with FakeLibre(["surrogate"]) as server:
        configure(project, machine_translation=f"{{provider: libre, options: {{custom_url: '{server.url}'}}, "
                                               "api_key_env: LIBRE_TEST_KEY, retries: 0}",
                  locales="[es, fr]", update_jobs="1")
        result = run(project)
    assert_no_traceback(result)
    for code in ("es", "fr"):
        po = project / "locales" / code / "LC_MESSAGES" / f"{PAGE}.po"
        assert po.is_file() and 'msgid "Headache"' in po.read_text("utf-8")
    assert (project / EN_PAGE).is_file()


@pytest.fixture
def without_root_powers() -> tuple[str, ...]:
    """A command prefix under which file modes hold: as root (CI), drop the capabilities that bypass them."""
    if os.geteuid() != 0:
        return ()
    prefix = ("setpriv", "--bounding-set", "-dac_override,-dac_read_search")
    if shutil.which("setpriv") is None or subprocess.run([*prefix, "true"], capture_output=True).returncode != 0:
        pytest.skip("root reads a mode-000 file, and setpriv cannot drop CAP_DAC_OVERRIDE here")
    return prefix


def test_catalog_with_mode_000_is_an_error_and_its_group_still_builds(project, without_root_powers):
    """Case 14: a .po nobody may read stops neither its update group nor the site."""
    ok(project)
    (project / ES_PO).chmod(0)
    replace_in(project / "source" / f"{PAGE}.txt", "Headache", "Headache or migraine")
    result = run(project, prefix=without_root_powers)
    assert_clean_error(result, ES_PO)
    assert 'msgid "Headache or migraine"' in (project / DE_PO).read_text("utf-8")
    assert "Headache or migraine" in (project / EN_PAGE).read_text("utf-8")


def test_fifo_in_place_of_a_catalog_is_an_error_not_a_hang(project):
    """Case 14: a FIFO where a .po should be."""
    ok(project)
    (project / ES_PO).unlink()
    os.mkfifo(project / ES_PO)
    replace_in(project / "source" / f"{PAGE}.txt", "Headache", "Headache or migraine")
    result = run(project, timeout=20)
    assert_clean_error(result, ES_PO)
    assert 'msgid "Headache or migraine"' in (project / DE_PO).read_text("utf-8")
    assert "Headache or migraine" in (project / EN_PAGE).read_text("utf-8")


@pytest.mark.parametrize("where", ["config/config.yaml", f"source/{PAGE}.txt", "config/glossary/es.csv"])
@pytest.mark.parametrize("command", ["all", "check"])
def test_fifo_in_place_of_the_configuration_a_copy_deck_or_a_glossary_is_an_error_not_a_hang(project, where, command):
    """Case 14: a FIFO where the configuration, a copy deck or a glossary should be, for a build and for
    `snakemake check`: one error naming it, no traceback, no hang."""
    ok(project)
    (project / where).unlink()
    os.mkfifo(project / where)
    result = run(project, command, timeout=30)
    if command == "all":
        assert_clean_error(result, where)
    else:  # `snakemake check` lists problems as the status report does: `path[:line]: message`
        assert_no_traceback(result)
        assert result.returncode != 0
        assert re.search(rf"{re.escape(where)}(:\d+)?: ", result.stdout + result.stderr)


def yaml_alias_bomb() -> str:
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    lines += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1},"
              f" *a{i - 1}]" for i in range(1, 9)]
    return "machine_translation:\n  provider: none\n  options:\n" + "".join(f"    {line}\n" for line in lines)


def test_yaml_alias_bomb_in_the_configuration_is_refused(project):
    """Case 14: a 1 KB YAML alias bomb in config/config.yaml is refused, quickly and in bounded memory."""
    bomb = yaml_alias_bomb()
    assert len(bomb) < 1100
    (project / "config" / "config.yaml").write_text(bomb)
    gigabytes = 3 << 30

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (gigabytes, gigabytes))

    result = run(project, timeout=20, limit=limit)
    assert_clean_error(result, "config/config.yaml")


def test_catalog_symlinked_outside_is_refused_and_nothing_of_it_is_copied(project, tmp_path):
    """Case 14: a .po that is a symlink to a system file (as /etc/passwd)."""
    secret = tmp_path / "passwd"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n")
    ok(project)
    (project / ES_PO).unlink()
    (project / ES_PO).symlink_to(secret)
    result = run(project)
    assert_clean_error(result, ES_PO)
    echoed = [p for p in (project / "output").rglob("*") if p.is_file() and b"root:x:0:0" in p.read_bytes()]
    assert not echoed, f"the linked file's text was copied into {echoed}"


def test_base_url_ending_in_a_newline_is_refused(project):
    """Case 14: base_url: "https://clinic.example\\n"."""
    configure(project, base_url='"https://clinic.example\\n"')
    result = run(project)
    assert_clean_error(result, "config/config.yaml")
    pages = [p for p in (project / "output").rglob("*.html") if "clinic.example\n" in p.read_text("utf-8")]
    assert not pages, f"a newline in the URL of {pages}"


def test_temporary_file_of_a_killed_job_is_swept(project):
    """Case 14: a job killed alone (the OOM killer) leaves '.<name>.<random>.tmp' beside the file it wrote;
    the run itself ended normally, so its lock was released. The next run removes the leftovers."""
    ok(project)
    hour_ago = time.time() - 3600
    for target in (project / EN_PAGE, project / ES_PO):
        leftover = target.with_name(f".{target.name}.k1ll3d.tmp")
        leftover.write_text(target.read_text("utf-8")[:100], "utf-8")
        os.utime(leftover, (hour_ago, hour_ago))
    run(project)
    left = [p for folder in ("locales", "output") for p in (project / folder).rglob("*.tmp")]
    assert not left, f"leftovers: {left}"
