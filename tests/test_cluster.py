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
