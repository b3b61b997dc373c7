"""Incremental builds on the real pipeline: what a rerun does, and what it must not skip."""

from __future__ import annotations

import os
import shutil
import subprocess

from conftest import ROOT, need, snakemake


def test_nothing_changed_runs_no_job(project):
    snakemake(project, "all")
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
    stylesheet = package / "templates" / "site.css"
    stylesheet.write_text("/* new release */\n" + stylesheet.read_text())
    out = run()
    assert "Nothing to be done" not in out
    assert css.read_text().startswith("/* new release */")
    assert "Nothing to be done" in run()
