"""Snakemake's own ways work: --config and --configfile configure the run, dry runs are harmless."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

import pytest
from conftest import snakemake
from helpers import review_all

ES_SLUG = "infusion-de-ketamina-iv"
FR_SLUG = "perfusion-de-ketamine-iv"


def published_locales(root: Path) -> list[str]:
    site = root / "output" / "site"
    return sorted(p.parent.parent.name for p in site.glob("*/*/index.html")
                  if '"@type":"MedicalTherapy"' in p.read_text("utf-8"))  # treatment pages, not index pages


def reviewed_es_and_fr(project: Path) -> None:
    snakemake(project, "all")
    review_all(project / "locales" / "es" / "LC_MESSAGES" / "iv-ketamine-infusion.po", ES_SLUG)
    review_all(project / "locales" / "fr" / "LC_MESSAGES" / "iv-ketamine-infusion.po", FR_SLUG, prefix="FR")


@pytest.mark.long
def test_config_override_changes_the_published_locales_and_reruns_only_then(project):
    reviewed_es_and_fr(project)
    snakemake(project, "all")
    assert published_locales(project) == ["en-gb", "es", "fr"]
    snakemake(project, "all", "--config", "locales=[es]")
    assert published_locales(project) == ["en-gb", "es"]
    again = snakemake(project, "all", "--config", "locales=[es]")
    assert "Nothing to be done" in again.stdout + again.stderr  # the digest is of the merged configuration
    snakemake(project, "all")
    assert published_locales(project) == ["en-gb", "es", "fr"]


def test_configfile_overrides_the_project_configuration(project, tmp_path):
    reviewed_es_and_fr(project)
    other = tmp_path / "other.yaml"
    other.write_text("locales: [fr]\nbase_url: https://other.example\n")
    snakemake(project, "all", "--configfile", str(other))
    assert published_locales(project) == ["en-gb", "fr"]
    sitemap = (project / "output" / "site" / "sitemap.xml").read_text("utf-8")
    assert "https://other.example/fr/" in sitemap and "clinic.example" not in sitemap


def test_config_override_is_validated_with_the_same_messages(project):
    result = snakemake(project, "all", "--config", "locales=[es, xx]", check=False)
    assert result.returncode == 1
    assert "config/config.yaml + --config: error: locales: unknown locale 'xx'" in result.stderr
    assert not (project / "output").exists()
    result = snakemake(project, "all", "--config", "colour=red", check=False)
    assert "error: top level: Additional properties are not allowed ('colour' was unexpected)" in result.stderr


def tree(root: Path) -> dict[str, tuple[int, bytes]]:
    """Every file under output/ and locales/ with its modification time and bytes."""
    files = [p for name in ("output", "locales") for p in (root / name).rglob("*") if p.is_file()]
    return {p.relative_to(root).as_posix(): (p.stat().st_mtime_ns, p.read_bytes()) for p in files}


DRY_RUNS = [["all", "-n"], ["all", "-np"], ["--summary"], ["--dag"], ["--rulegraph"], ["--lint"],
            ["--list-rules"], ["-D"]]


@pytest.mark.built
def test_dry_runs_during_a_real_run_succeed_and_write_nothing(project):
    po = project / "locales" / "es" / "LC_MESSAGES" / "iv-ketamine-infusion.po"
    info = po.stat()
    po.write_text(po.read_text("utf-8").replace('msgstr ""\n\n', 'msgstr "x"\n\n', 1), "utf-8")
    os.utime(po, ns=(info.st_atime_ns, info.st_mtime_ns))  # an edit that keeps its modification time
    before = tree(project)
    lock_file = project / ".snakemake" / "clinic-l10n.lock"
    with open(lock_file, "a+", encoding="utf-8") as held:  # a real run in progress holds the run lock
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        held.truncate(0)
        held.write("snakemake pid 1\n")
        held.flush()
        lock = lock_file.read_bytes()
        for args in DRY_RUNS:
            result = snakemake(project, *args)
            assert "another pipeline run" not in result.stderr, args
            assert tree(project) == before, args
            assert lock_file.read_bytes() == lock, args
            if args[-1] in ("-n", "-np"):
                assert "a real run reruns them" in result.stderr and "group-0.json" in result.stderr
        real = snakemake(project, "all", check=False)
        assert real.returncode == 1 and "another pipeline run is in progress (snakemake pid 1)" in real.stderr
    assert tree(project) == before
    rerun = snakemake(project, "all")  # the lock is free: the edited catalog's job runs again
    assert "Nothing to be done" not in rerun.stdout + rerun.stderr
