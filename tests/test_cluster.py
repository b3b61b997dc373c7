"""The cluster profile resolves the whole workflow without a cluster (dry run).

The SLURM executor plugin is an optional extra (`pip install .[cluster]`); this test installs it once
into a side environment (.cache/cluster-venv) layered over .venv, so the main install stays lean.
"""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys

import pytest
from conftest import ROOT


@pytest.fixture(scope="session")
def cluster_python() -> str:
    venv = ROOT / ".cache" / "cluster-venv"
    python = venv / "bin" / "python"
    # The side environment depends on the main one (pip resolved against it): rebuild it whenever
    # the main environment was reinstalled, or when the plugin no longer imports.
    main = str((ROOT / ".venv" / ".installed").stat().st_mtime_ns) if (ROOT / ".venv" / ".installed").exists() else ""
    ready = venv / ".ready"
    if ready.exists() and (ready.read_text() != main or subprocess.run(
            [str(python), "-c", "import snakemake_executor_plugin_slurm"], capture_output=True).returncode != 0):
        shutil.rmtree(venv)
    if not ready.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        packages = site.getsitepackages()[0]
        layer = venv / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"
        (layer / "zz-main-venv.pth").write_text(f"import site; site.addsitedir({packages!r})\n")
        result = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "snakemake-executor-plugin-slurm"],
                                capture_output=True, text=True)
        if result.returncode != 0:
            pytest.skip(f"could not install snakemake-executor-plugin-slurm: {result.stderr.strip()[-300:]}")
        ready.write_text(main)
    return str(python)


def test_slurm_profile_dry_runs(project, cluster_python):
    result = subprocess.run([cluster_python, "-m", "snakemake", "all", "--profile", "profiles/slurm", "--dry-run"],
                            cwd=project, capture_output=True, text=True, env={**os.environ})
    text = result.stdout + result.stderr
    assert result.returncode == 0, text[-2000:]
    assert "This was a dry-run" in text
    for rule in ("extract", "update", "render", "site", "verdict"):
        assert f"rule {rule}:" in text or f"localrule {rule}:" in text, rule


def test_a_job_a_cluster_executor_starts_runs_beside_the_main_run(project):
    """On a cluster, each job is a `snakemake --mode remote` process reading the same Snakefile while
    the main run holds the project's run lock: it must run the job, not take the lock."""
    from pipeline import runtime

    runtime.claim(project)  # what the main run holds meanwhile
    try:
        result = subprocess.run([sys.executable, "-m", "snakemake", "output/.state/extract.json", "--mode", "remote",
                                 "--cores", "1", "--nolock"], cwd=project, capture_output=True, text=True,
                                env={**os.environ, "SOURCE_DATE_EPOCH": "1767225600"})
    finally:
        runtime.release_claim()
    assert result.returncode == 0, result.stdout[-1500:] + result.stderr[-1500:]
    assert (project / "locales" / "templates" / "LC_MESSAGES" / "iv-ketamine-infusion.pot").is_file()
