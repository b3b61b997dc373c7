"""The manifests in output/.state/ are typed records: what a job writes it reads back as it was, and a
manifest it cannot read as its own (another version, another shape) is absent, so its job runs again."""

from __future__ import annotations

import json

import pytest

from pipeline.drafts.memory import Memory
from pipeline.errors import Problem
from pipeline.jobs import manifests
from pipeline.jobs.ledger import Recorder, load
from pipeline.jobs.manifests import (
    ExtractManifest,
    GroupManifest,
    LocaleManifest,
    LocalePage,
    MemoryManifest,
    RenderedPage,
    RenderManifest,
    SiteManifest,
    SourcePage,
)
from pipeline.paths import Project
from pipeline.review.findings import Finding
from pipeline.review.postedit import PostEdit, Signoff
from pipeline.review.publish import Counts

ERROR = Problem("locales/es/LC_MESSAGES/x.po", 12, "error", "unterminated string")
FINDING = Finding("numbers", "number 24 hours of the source is missing", 41, True, "order", None,
                  "locales/es/LC_MESSAGES/x.po")
EXAMPLES = [
    ExtractManifest({"x": SourcePage("a" * 24, "b" * 16, "c" * 24, "ketamina", 5, crumbs=("Home", "Ketamine"),
                                     title="Ketamine", description="What it treats", lastmod="2026-03-01"),
                     "broken": SourcePage(error=Problem("source/broken.txt", 2, "error", "unknown header key")),
                     "site": SourcePage("6" * 24, "b" * 16, "7" * 24, interface=True, lastmod="2026-02-01")}),
    LocaleManifest("es", {
        "x": LocalePage("d" * 24, None, "ketamina", True, False, ("URL slug 'k' is also the slug of y in es",), True,
                        Counts({"reviewed": 3, "machine": 1}, {"reviewed": 30, "machine": 4}), (FINDING,),
                        PostEdit(3, 30, 2, 1, 0, 4, 0.25), Signoff("Dr Ruiz", "ruiz@example.org", "2026-01-02"),
                        "e" * 64, "f" * 24, "0" * 24, "2026-03-02", "2026-01-02", {"Home": "Inicio"}, "Ketamina",
                        "Qué trata"),
        "y": LocalePage(error=ERROR, reasons=(f"catalog error: {ERROR.located()}",)),
    }),
    GroupManifest({"es": "1" * 24, "fr": "2" * 24}),
    RenderManifest({"x": RenderedPage("3" * 24, ("output/site/es/ketamina/index.html",)),
                    "y": RenderedPage(None, ())}, None, 2),
    SiteManifest(("output/site/sitemap.xml", "output/reports/status.json"), "4" * 24, "8" * 24,
                 ("output/site/index.html", "output/site/en-gb/index.html")),
    MemoryManifest("5" * 24, ((None, "Ketamine", "Ketamina", ("x", "y")), ("page title", "Home", "Inicio", ("x",)))),
]


@pytest.mark.parametrize("manifest", EXAMPLES, ids=lambda m: type(m).__name__)
def test_manifests_read_back_what_was_written(tmp_path, manifest):
    path = tmp_path / "m.json"
    manifests.write(path, manifest)
    assert manifests.read(path, type(manifest)) == manifest


@pytest.mark.parametrize("manifest", EXAMPLES, ids=lambda m: type(m).__name__)
def test_a_manifest_of_another_version_is_absent(tmp_path, manifest):
    path = tmp_path / "m.json"
    manifests.write(path, manifest)
    data = json.loads(path.read_text("utf-8"))
    for version in (manifest.VERSION - 1, manifest.VERSION + 1, None):
        path.write_text(json.dumps({**data, "version": version}), "utf-8")
        assert manifests.read(path, type(manifest)) is None
    del data["version"]
    path.write_text(json.dumps(data), "utf-8")
    assert manifests.read(path, type(manifest)) is None


def test_a_manifest_of_another_shape_is_absent(tmp_path):
    path = tmp_path / "extract.json"
    before_versions = {"pages": {"x": {"source": "a" * 24, "stamp": "b" * 16, "pot": "c" * 24, "slug": "k"}}}
    wrong_type = {"version": ExtractManifest.VERSION,
                  "pages": {"x": {**SourcePage().to_json(), "slug_line": "5"}}}
    wrong_severity = {"version": ExtractManifest.VERSION, "pages": {"x": {**SourcePage().to_json(), "error": {
        "path": "source/x.txt", "line": 2, "severity": "fatal", "check": None, "message": "m"}}}}
    for data in (before_versions, wrong_type, wrong_severity, [], "x"):
        path.write_text(json.dumps(data), "utf-8")
        assert manifests.read(path, ExtractManifest) is None, data
    path.write_text('{"version": 1, "pages": {', "utf-8")
    assert manifests.read(path, ExtractManifest) is None
    assert manifests.read(tmp_path / "missing.json", ExtractManifest) is None


def test_the_memory_manifest_holds_the_memory(tmp_path):
    from pipeline.po.catalog import Catalog, Message

    memory = Memory()
    catalog = Catalog(messages=(Message("Ketamine", "Ketamina"), Message("Home", "Inicio", msgctxt="page title")))
    memory.add("x", catalog)
    path = tmp_path / "memory.json"
    manifests.write(path, MemoryManifest("k", memory.rows()))
    saved = manifests.read(path, MemoryManifest)
    assert saved is not None
    assert Memory.from_rows(saved.rows).entries == memory.entries


def test_a_ledger_of_another_version_is_not_read(tmp_path):
    project = Project(tmp_path)
    (tmp_path / "source").mkdir()
    (tmp_path / "source" / "x.txt").write_text("text", "utf-8")
    record = Recorder(project)
    record.read(tmp_path / "source" / "x.txt")
    path = tmp_path / "ledger.json"
    record.save(path)
    ledger = load(path)
    assert ledger is not None and list(ledger.reads) == ["source/x.txt"]
    data = json.loads(path.read_text("utf-8"))
    path.write_text(json.dumps({**data, "version": data["version"] + 1}), "utf-8")
    assert load(path) is None
    path.write_text(json.dumps({**data, "reads": {"source/x.txt": ["a" * 32, [1, 2, "3", 4]]}}), "utf-8")
    assert load(path) is None
