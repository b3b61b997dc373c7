"""The project's own quality gates run in the suite, so CI (make test) enforces them."""

import subprocess

from conftest import ROOT, need


def run(*cmd: str) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)


def test_ruff_is_clean():
    folders = [name for name in ("pipeline", "tests", "benchmarks") if (ROOT / name).is_dir()]
    result = run(need("ruff"), "check", *folders)
    assert result.returncode == 0, result.stdout


def test_mypy_strict_is_clean():
    result = run(need("mypy"), "--strict", "pipeline")
    assert result.returncode == 0, result.stdout


def test_snakemake_lint_is_clean():
    result = run(need("snakemake"), "--lint")
    assert result.returncode == 0, result.stdout + result.stderr
