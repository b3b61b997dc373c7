"""The suite owns its inputs: a clinic that customises config/, source/ and locales/ still passes it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CODE, ROOT, SEED

KEY_CHECKS = ["test_end_to_end.py", "test_config.py", "test_seed_regression.py", "test_sitecheck.py",
              "test_snakemake_native.py::test_config_override_changes_the_published_locales_and_reruns_only_then"]


def customised_clinic(root: Path) -> None:
    """The repository as a clinic would have it: its own site, locales and pages."""
    for name in (*CODE, "pyproject.toml"):
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copy2)(ROOT / name, root / name)
    shutil.copytree(ROOT / "tests", root / "tests", ignore=shutil.ignore_patterns("__pycache__", "po-corpus*"))
    (root / "config").mkdir()
    (root / "config" / "config.yaml").write_text(
        "base_url: https://www.other-clinic.example\nsite_name: Other Clinic\nlocales: [ca, he]\n"
        "machine_translation: {provider: none}\n", "utf-8")
    (root / "source").mkdir()
    extra = SEED.read_text("utf-8").replace("URL Slug: iv-ketamine-infusion", "URL Slug: our-own-page")
    (root / "source" / "our-own-page.txt").write_text(extra, "utf-8")
    catalogs = root / "locales" / "he" / "LC_MESSAGES"
    catalogs.mkdir(parents=True)
    (catalogs / "our-own-page.po").write_text('msgid ""\nmsgstr ""\n"Language: he\\n"\n', "utf-8")


@pytest.mark.long
def test_the_key_checks_pass_in_a_customised_clinic(tmp_path):
    root = tmp_path / "clinic"
    root.mkdir()
    customised_clinic(root)
    env = {k: v for k, v in os.environ.items() if k not in ("TEST_PROJECT", "PYTEST_ADDOPTS")}
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                             *(f"tests/{name}" for name in KEY_CHECKS)], cwd=root, capture_output=True, text=True,
                            env=env, timeout=900)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and "failed" not in result.stdout
