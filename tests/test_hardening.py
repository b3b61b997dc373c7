"""Hostile translations, malformed input and bad configuration never break the site."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from conftest import need, snakemake
from helpers import GLOSSARY
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import html

from pipeline.catalogs.refresh import check_header, updated
from pipeline.copydeck.parse import parse_page
from pipeline.drafts.mtcache import Cache, cached_results
from pipeline.errors import CatalogError, PipelineError, SourceError
from pipeline.locales import SiteLocale
from pipeline.po.pofile import escape, read_po, write_po
from pipeline.site.audit import check_site

ES_PO = "locales/es/LC_MESSAGES/iv-ketamine-infusion.po"
# No digits: a changed number is (rightly) a blocking QA finding, and these pages must be published.
PAYLOADS = [
    "<script>alert(document.cookie)</script>", "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(document.domain)>", "<svg onload=alert(origin)>", "<svg><script>alert(x)</script></svg>",
    "<body onload=alert(x)>", "<iframe src=javascript:alert(x)>", "<a href=\"javascript:alert(x)\">click</a>",
    "<a href='data:text/html;base,PHNjcmlwdD='>x</a>", "<object data=javascript:alert(x)>",
    "<embed src=javascript:alert(x)>", "\"><script>alert(x)</script>", "'><img src=x onerror=alert(x)>",
    "</title><script>alert(x)</script>", "</script><script>alert(x)</script>", "</style><script>alert(x)</script>",
    "<style>body{display:none}</style>", "<math><mi xlink:href=javascript:alert(x)>",
    "<details open ontoggle=alert(x)>",
    "<input autofocus onfocus=alert(x)>", "<marquee onstart=alert(x)>", "<video><source onerror=alert(x)>",
    "<audio src onerror=alert(x)>", "<form action=javascript:alert(x)><button>go</button></form>",
    "<base href=//evil.example/>", "<meta http-equiv=refresh content='zero;url=javascript:alert(x)'>",
    "<link rel=import href=//evil.example>", "&lt;script&gt;alert(x)&lt;/script&gt;", "&LT;script&GT;alert(x)",
    "<!--<script>alert(x)</script>-->", "<![CDATA[<script>alert(x)</script>]]>", "<scr<script>ipt>alert(x)</script>",
    "<div style=\"background:url(javascript:alert(x))\">", "<table background=javascript:alert(x)>",
    "<isindex action=javascript:alert(x) type=image>", "<keygen autofocus onfocus=alert(x)>",
    "<select onchange=alert(x)>", "<textarea onfocus=alert(x) autofocus>", "<p onmouseover=alert(x)>hover</p>",
    "jav&Tab;ascript:alert(x)", "java\\tscript:alert(x)", "\" onmouseover=\"alert(x)", "' onfocus='alert(x)",
    "`\" onerror=`alert(x)`", "<noscript><p title=\"</noscript><img src=x onerror=alert(x)>\">",
    "<template><script>alert(x)</script></template>", "{{constructor.constructor('alert(x)')()}}",
    "${alert(x)}", "<x onclick=alert(x)>tap", "＜script＞alert(x)",
    "<a href=\" javascript:alert(x)\">j</a>",
    "<svg><a xlink:href=\"javascript:alert(x)\"><text>t</text></a></svg>", "<img src=\"x\" onerror=\"&quot;alert(x)\">",
]


def english(text: str) -> str:
    for term, rendering in GLOSSARY["es"]:
        text = text.replace(term, rendering)
    return text


def build_hostile(project: Path) -> Path:
    snakemake(project, "all")
    po = project / ES_PO
    catalog = read_po(po.read_bytes(), ES_PO)
    messages = []
    for i, m in enumerate(catalog.messages):
        payload = PAYLOADS[i % len(PAYLOADS)]
        text = "infusion-de-ketamina-iv" if m.msgctxt == "URL slug" else f"{english(m.msgid)} {payload}"
        messages.append(replace(m.with_fuzzy(False), msgstr=text))
    po.write_text(write_po(replace(catalog, messages=tuple(messages))), "utf-8")
    snakemake(project, "all")
    return project / "output"


def test_hostile_translations_are_text_in_pages_and_previews(project):
    assert len(PAYLOADS) >= 50 and not any(c.isdigit() for c in "".join(PAYLOADS))
    output = build_hostile(project)
    spanish = output / "site" / "es" / "infusion-de-ketamina-iv" / "index.html"
    assert spanish.exists(), "markup in a translation is a warning, not a reason to withhold the page"
    english_page = html.document_fromstring((output / "site" / "en-gb" / "iv-ketamine-infusion" / "index.html")
                                            .read_bytes())
    executable = 0
    for page in [spanish, *sorted((output / "preview").rglob("index.html"))]:
        doc = html.document_fromstring(page.read_bytes())
        for script in doc.iter("script"):
            executable += script.get("type") != "application/ld+json" or bool(script.get("src"))
            raw = script.text or ""
            assert "<" not in raw and ">" not in raw and "&" not in raw
            json.loads(raw)
        for element in doc.iter():
            if not isinstance(element.tag, str):
                continue
            executable += sum(1 for a in element.attrib if a.lower().startswith("on"))
            executable += sum(1 for a in ("href", "src", "action") if
                              re.match(r"\s*(javascript|data):", element.get(a, ""), re.I))
        if page == spanish:
            for review in doc.xpath("//p[@class='review']"):  # the translation's review date: ours, not the text's
                review.getparent().remove(review)
            tags = sorted(e.tag for e in doc.iter() if isinstance(e.tag, str))
            assert tags == sorted(e.tag for e in english_page.iter() if isinstance(e.tag, str))  # no element added
    assert executable == 0
    assert check_site(output / "site") == []


@pytest.mark.built
@pytest.mark.parametrize("slug", ["..", "../../etc", "a/b", "a\\b", "/abs", "a\x00b", "x" * 201, "ａｂ", "a․b",
                                  "Ketamina", "a b", "%2e%2e"])
def test_hostile_slugs_stay_unpublished_and_write_nothing_elsewhere(project, slug):
    before = {p for p in project.parent.rglob("*")}
    po = project / ES_PO
    catalog = read_po(po.read_bytes(), ES_PO)
    messages = tuple(replace(m.with_fuzzy(False), msgstr="zzslugzz" if m.msgctxt == "URL slug" else english(m.msgid))
                     for m in catalog.messages)
    text = write_po(replace(catalog, messages=messages))  # the hostile slug goes in as raw file bytes
    po.write_text(text.replace('msgstr "zzslugzz"', f'msgstr "{escape(slug)}"'), "utf-8")
    result = snakemake(project, "all")
    assert "invalid URL slug" in json.dumps(json.loads((project / "output/reports/status.json").read_text()))
    assert not (project / "output" / "site" / "es").exists()
    outside = {p for p in project.parent.rglob("*")} - before
    assert all(project in p.parents for p in outside), outside
    assert result.returncode == 0


def test_a_source_file_name_that_cannot_be_a_path_is_refused(project):
    (project / "source" / "Bad Name.txt").write_text((project / "source" / "iv-ketamine-infusion.txt").read_text())
    result = snakemake(project, "all", check=False)
    assert result.returncode != 0 and "source/Bad Name.txt: error: the file name must be" in result.stderr
    assert not list((project / "locales").rglob("Bad Name*"))


def test_a_source_page_named_as_the_interface_catalog_is_refused(project):
    (project / "source" / "site.txt").write_text((project / "source" / "iv-ketamine-infusion.txt").read_text())
    result = snakemake(project, "all", check=False)
    assert result.returncode != 0 and "source/site.txt: error: the name 'site' is the site's interface" in result.stderr
    assert "source/site.txt: error: the name 'site'" in (project / "output/.state/problems.txt").read_text()
    pot = (project / "locales/templates/LC_MESSAGES/site.pot").read_text("utf-8")
    assert "pipeline/site/templates/" in pot and "Ketamine" not in pot  # still the interface's strings


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000) | st.text(max_size=2000).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_copy_deck_parser_fuzz_parses_or_names_file_and_line(data):
    try:
        parse_page(data, "source/fuzz.txt", "fuzz")
    except SourceError as err:
        assert err.path == "source/fuzz.txt" and str(err).startswith("source/fuzz.txt")


HEADER = "Page Title: T\nSubtitle: S\nMeta Title: M\nMeta Description: D\nURL Slug: t\nLede.\nHome > T\n"


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(["Overview", "Text. ", "• item", "- item", "Intro:", "What now?", "Home > A", "",
                                 "Page Title: again", "\ufeff", "½ ≥ £ & \"q\"", "\t"]), max_size=60))
def test_copy_deck_parser_fuzz_on_structure(lines):
    try:
        page = parse_page((HEADER + "\n".join(lines)).encode(), "source/fuzz.txt", "fuzz")
        assert page.title.text == "T"
    except SourceError as err:
        assert err.line is not None


def big_deck() -> bytes:
    """A 1 MB copy deck: 14,620 sections of a heading, a paragraph and a bullet (the last one cut)."""
    body = "\n".join(f"Section {i}\nParagraph {i} with words and more words.\n• bullet {i}" for i in range(20000))
    return (HEADER + body).encode()[: 1 << 20]


def test_a_one_megabyte_source_parses_whole():
    """How long it takes is benchmarks/deck_parse.py's business; here: every section is read."""
    data = big_deck()
    page = parse_page(data, "source/big.txt", "big")
    headings = [line for line in data.decode().splitlines() if line.startswith("Section ")]
    assert [s.heading.text for s in page.sections] == headings
    assert len(headings) == 14620


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=3000) | st.text(max_size=1500).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_catalog_reader_fuzz_clear_error_or_result(data):
    try:
        read_po(data, "locales/es/LC_MESSAGES/fuzz.po")
    except CatalogError as err:
        assert str(err).startswith("locales/es/LC_MESSAGES/fuzz.po")


def test_a_plural_forms_header_that_does_not_parse_is_refused_at_its_line():
    """The reader reads syntax (as msgfmt does, this file parses); the header check refuses it, as
    msgfmt --check does, naming the file and the header's line, and saying what CLDR expects."""
    text = 'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=x;\\n"\n\nmsgid "a"\nmsgid_plural "b"\nmsgstr[0] "c"\n'
    catalog = read_po(text.encode(), "x.po")
    assert catalog.field("Plural-Forms") == "nplurals=x;" and [m.msgid for m in catalog.messages] == ["a"]
    with pytest.raises(CatalogError) as err:
        check_header(catalog, SiteLocale.parse("es"), "x.po")
    assert str(err.value).startswith("x.po:1:") and "does not parse" in str(err.value)
    assert SiteLocale.parse("es").plural_forms in str(err.value)  # what CLDR says Spanish needs


@pytest.mark.parametrize("text", [
    'msgid "a"\nmsgid_plural "as"\nmsgstr[0] "x"\nmsgstr[1] "y"\n',
    'msgid "no header"\nmsgstr "ok"\n',
])
def test_a_catalog_without_a_header_keeps_its_work_and_gets_a_header_msgfmt_accepts(tmp_path, text):
    """msgfmt --check rejects a catalog without a header; the update gives it one (Language and
    CLDR's Plural-Forms for the folder's locale) and keeps every translation."""
    GERMAN = SiteLocale.parse("de")  # two plural forms, as the catalog has
    catalog = read_po(text.encode(), "x.po")
    assert not catalog.header and len(catalog.messages) == 1
    check_header(catalog, GERMAN, "x.po")  # nothing to refuse
    template = replace(catalog, messages=tuple(replace(m, msgstr="", msgstr_plural=("", "") if m.msgid_plural else ())
                                               for m in catalog.messages))
    result = updated(template, catalog, GERMAN)
    assert result.field("Language") == "de" and result.field("Plural-Forms") == GERMAN.plural_forms
    assert [(m.msgstr, m.msgstr_plural) for m in result.messages] == [(m.msgstr, m.msgstr_plural)
                                                                       for m in catalog.messages]
    before, after = tmp_path / "before.po", tmp_path / "after.po"
    before.write_text(text, encoding="utf-8")
    after.write_text(write_po(result), encoding="utf-8")
    assert subprocess.run(["msgfmt", "--check", "-o", os.devnull, str(before)], capture_output=True).returncode == 1
    done = subprocess.run(["msgfmt", "--check", "-o", os.devnull, str(after)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("config, message", [
    ("locales: [es\n", "config/config.yaml:2: error: invalid YAML"),
    ("colour: red\n", "config/config.yaml: error: top level: Additional properties are not allowed"),
    ("locales: [es, xx]\n", "unknown locale 'xx'"),
    ("locales: [es, es]\n", "'es' is listed twice"),
    ("base_url: clinic.example\n", "base_url: 'clinic.example' does not match"),
    ("machine_translation: {provider: babelfish}\n", "unknown provider 'babelfish'"),
])
def test_bad_configuration_is_one_clear_message_and_writes_nothing(project, config, message):
    (project / "config" / "config.yaml").write_text(config)
    result = snakemake(project, "all", check=False)
    assert result.returncode != 0
    assert message in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert not (project / "output").exists() and not (project / "locales").exists()


def test_a_second_run_while_one_runs_is_refused(project):
    for i in range(40):  # a run of a few seconds
        text = (project / "source" / "iv-ketamine-infusion.txt").read_text()
        (project / "source" / f"p-{i}.txt").write_text(text.replace("iv-ketamine-infusion", f"p-{i}"))
    first = subprocess.Popen([need("snakemake"), "all"], cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    lock = project / ".snakemake" / "clinic-l10n.lock"
    deadline = time.monotonic() + 60
    while f"pid {first.pid}" not in (lock.read_text() if lock.exists() else "") and time.monotonic() < deadline:
        time.sleep(0.01)  # until the first run holds the lock
    assert first.poll() is None, "the first run ended before the second could start"
    second = snakemake(project, "all", check=False)
    first.communicate()
    assert second.returncode != 0
    assert "another pipeline run is in progress" in second.stderr
    assert first.returncode == 0


def _writer(path: str, start: int) -> None:
    cache = Cache(Path(path), "apertium", "eng-spa=1", "en_GB", "es")
    for i in range(start, start + 200):
        cache.store({f"text {i}": f"texto {i}"})
    cache.close()


def test_the_mt_cache_stays_consistent_under_concurrent_writers(tmp_path):
    from multiprocessing import Process

    path = str(tmp_path / "mt.sqlite")
    workers = [Process(target=_writer, args=(path, n * 100)) for n in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
        assert w.exitcode == 0
    cache = Cache(Path(path), "apertium", "eng-spa=1", "en_GB", "es")
    found = cache.lookup(f"text {i}" for i in range(500))
    assert len(found) == 500 and all(found[f"text {i}"] == f"texto {i}" for i in range(500))


def _opener(path: str, start: Any, results: Any) -> None:
    start.wait()  # every process opens the new file at the same moment
    try:
        cache = Cache(Path(path), "apertium", "eng-spa=1", "en_GB", "es")
        cache.store({path: "ok"})
        cache.close()
        results.put("ok")
    except Exception as err:  # the test reports what the job would have died of
        results.put(repr(err))


def test_a_new_mt_cache_opened_by_jobs_at_the_same_moment_opens_for_each(tmp_path):
    """The update jobs of a first run open the new cache together; turning WAL on raced ("database is
    locked" at once, without SQLite's busy timeout) in 8 of 40 such trials and killed a job."""
    from multiprocessing import Barrier, Process, Queue

    for trial in range(25):
        path = str(tmp_path / f"mt-{trial}.sqlite")
        start, results = Barrier(4), Queue()
        workers = [Process(target=_opener, args=(path, start, results)) for _ in range(4)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        assert [results.get() for _ in workers] == ["ok"] * 4, f"trial {trial}"


def test_a_file_that_is_not_an_mt_cache_is_a_clear_error(tmp_path):
    """Drafting opens the cache; the post-editing analysis reads it. Neither ends in a traceback."""
    path = tmp_path / "mt.sqlite"
    path.write_text("a note someone saved here\n" * 100)
    for use in (lambda: Cache(path, "apertium", "eng-spa=1", "en_GB", "es"),
                lambda: cached_results(path, "en_GB", "es", ["Headache"])):
        with pytest.raises(PipelineError) as raised:
            use()
        assert str(raised.value.problem) == f"{path}: error: the machine-translation cache cannot be opened:" \
            " file is not a database"


@pytest.mark.built
def test_a_full_disk_is_a_clear_error_and_leaves_no_partial_file(project):
    catalogs = {p: p.read_bytes() for p in (project / "locales").rglob("*.po")}
    site = project / "output" / "site"
    shutil.rmtree(site)
    site.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4k", "tmpfs", str(site)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        (project / "source" / "iv-ketamine-infusion.txt").write_text(
            (project / "source" / "iv-ketamine-infusion.txt").read_text() + "\nOne more closing line.\n")
        result = snakemake(project, "all", check=False)
        assert result.returncode != 0
        assert re.search(r"output/site/\S+: (error: )?cannot write: No space left on device", result.stderr)
        assert not [p for p in site.rglob("*.tmp")]
        for path in catalogs:
            assert read_po(path.read_bytes(), str(path))  # whole, readable catalogs
    finally:
        subprocess.run(["umount", str(site)], check=False)
    assert all(p.exists() for p in catalogs)
    snakemake(project, "all")  # with space again, the next run writes everything that failed
    assert (site / "en-gb" / "iv-ketamine-infusion" / "index.html").is_file()
    assert (site / "sitemap.xml").is_file()


def test_an_unwritable_output_folder_is_a_clear_error(project):
    (project / "output").write_text("not a folder")
    result = snakemake(project, "all", check=False)
    assert result.returncode != 0
    assert f"{project / 'output'}: error: cannot write the build here: it is a file, not a folder" in result.stderr
    assert not os.path.isdir(project / "output") and not (project / "locales").exists()


@pytest.mark.built
@pytest.mark.parametrize("blocker", ["output/preview", "output/site/en-gb/iv-ketamine-infusion",
                                     "output/site/en-gb/iv-ketamine-infusion/index.html/"])
def test_a_file_or_folder_in_the_way_of_an_output_is_removed_with_a_note(project, blocker):
    """output/ is generated: something put where the pipeline writes (a file in place of a folder,
    a folder in place of a page) is removed with one note, never a traceback, and the run completes."""
    page = project / "output" / "site" / "en-gb" / "iv-ketamine-infusion" / "index.html"
    expected = page.read_bytes()
    target = project / blocker.rstrip("/")
    shutil.rmtree(target) if target.is_dir() else target.unlink()
    if blocker.endswith("/"):
        (target / "left-over").mkdir(parents=True)
    else:
        target.write_text("not a folder", "utf-8")
    source = project / "source" / "iv-ketamine-infusion.txt"
    source.write_text(source.read_text("utf-8") + "\nOne more paragraph.\n", "utf-8")
    result = snakemake(project, "all", check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Traceback" not in result.stderr and "Error in rule" not in result.stderr
    assert page.is_file() and page.read_bytes() != expected and b"One more paragraph." in page.read_bytes()
    assert (project / "output" / "preview").is_dir()
    if not blocker.endswith("/"):
        assert f"note: removed {blocker}" in result.stderr


@pytest.mark.built
def test_files_no_job_wrote_under_output_are_removed_by_the_next_run_with_a_note(project):
    """What is online is a function of today's files: a page put into output/site/ by hand (nested, or at
    the top), a file in a preview folder and a killed writer's temporary are gone after the next run,
    even one with nothing to rebuild; every file a job wrote stays, byte for byte."""
    site, preview = project / "output" / "site", project / "output" / "preview"
    before = {p: p.read_bytes() for p in (site / "en-gb").rglob("*") if p.is_file()}
    planted = [site / "en-gb" / "iv-ketamine-infusion" / "old.html", site / "stray.html",
               next(p for p in preview.rglob("index.html")).parent / "notes.txt"]
    for path in planted:
        path.write_text("<p>not from the pipeline</p>", "utf-8")
    temporary = site / "en-gb" / ".index.html.4242-0.tmp"
    temporary.write_text("half", "utf-8")
    result = snakemake(project, "all")
    assert not [p for p in planted + [temporary] if p.exists()]
    for path in planted:
        assert result.stderr.count(f"note: removed {path.relative_to(project)}: no job of this pipeline wrote it") == 1
    assert {p: p.read_bytes() for p in (site / "en-gb").rglob("*") if p.is_file()} == before
