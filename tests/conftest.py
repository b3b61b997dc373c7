"""Shared fixtures: a small real project tree, and the real tools (snakemake, msgfmt, msgcat)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# The project the tests build: its own configuration, seed page and catalogs, never the live config/,
# source/ or locales/ (a clinic customises those). TEST_PROJECT points at another such tree.
PROJECT = Path(os.environ.get("TEST_PROJECT", FIXTURES / "project")).resolve()
SEED = PROJECT / "source" / "iv-ketamine-infusion.txt"
CODE = ("Snakefile", "profiles", "envs")  # what a project folder needs besides its inputs
BIN = Path(sys.executable).parent


def need(tool: str) -> str:
    path = shutil.which(tool) or (str(BIN / tool) if (BIN / tool).exists() else None)
    if path is None:
        pytest.skip(f"{tool} is not installed (make test installs it where apt-get can run)")
    return path


def msgfmt_check(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([need("msgfmt"), "--check", "-o", os.devnull, str(path)], capture_output=True, text=True)


def msgcat(path: Path) -> bytes:
    return subprocess.run([need("msgcat"), str(path)], capture_output=True, check=True).stdout


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests marked `long` first, in file order otherwise. pytest-xdist's work stealing gives each worker
    a contiguous share of the collection and lets an idle worker take the end of another's queue: a long
    test collected late may start last and run alone while the other cores idle."""
    items.sort(key=lambda item: item.get_closest_marker("long") is None)  # stable: file order otherwise


@pytest.fixture
def project(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    """A project in a temporary folder: the workflow (Snakefile, profiles, envs) and the test project's
    configuration and seed page (machine translation off).

    A test marked ``@pytest.mark.built`` gets it after its first `snakemake all`: a copy of one build
    made once per test session (per worker), so the suite does not repeat the same cold build dozens
    of times. The copy has other inodes and ctimes than the build: a rerun that trusted file
    stamps instead of content would show it."""
    root = tmp_path / "project"
    if request.node.get_closest_marker("built"):
        shutil.copytree(request.getfixturevalue("built_once"), root, symlinks=True)
        return root
    return new_project(root)


@pytest.fixture(scope="session")
def built_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = new_project(tmp_path_factory.mktemp("built") / "project")
    snakemake(root, "all")
    return root


def new_project(root: Path) -> Path:
    root.mkdir()
    for name in CODE:
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copy2)(ROOT / name, root / name)
    shutil.copytree(PROJECT / "config", root / "config")
    (root / "source").mkdir()
    shutil.copy2(SEED, root / "source" / SEED.name)
    config = root / "config" / "config.yaml"
    config.write_text(config.read_text() + "\nmachine_translation: {provider: none}\n")
    return root


def snakemake_env() -> dict[str, str]:
    """The environment of every pipeline run in the tests: reproducible dates."""
    return {**os.environ, "SOURCE_DATE_EPOCH": "1767225600"}


def snakemake(root: Path, *args: str, check: bool = True, timeout: float | None = None) -> subprocess.CompletedProcess:
    """`snakemake <args>` in `root`. A run that outlives `timeout` is killed with its jobs and fails the test."""
    process = subprocess.Popen([need("snakemake"), *args], cwd=root, text=True, env=snakemake_env(),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    result = finish(process, timeout)
    if check and result.returncode != 0:
        raise AssertionError(f"snakemake {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def finish(process: subprocess.Popen, timeout: float | None = 60) -> subprocess.CompletedProcess:
    """The result of `process` (started in a new session); one that outlives `timeout` is killed with its
    jobs and fails the test."""
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail(f"{' '.join(process.args)} did not finish within {timeout} s (killed)")
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", ROOT / "test-artifacts"))
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium(*args: str, profile: Path) -> subprocess.CompletedProcess:
    """Headless Debian Chromium (make test installs it), with a fresh profile and no network."""
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        pytest.skip("chromium is not installed (make test installs it where apt-get can run)")
    return subprocess.run([binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args], capture_output=True,
                          text=True, timeout=120)


NODE_MODULES = ROOT / "node_modules"


def node_package(relative: str) -> Path:
    """A file of an npm package `make test` installs into node_modules/ (package.json pins them)."""
    path = NODE_MODULES / relative
    if not path.exists():
        pytest.skip(f"{path.relative_to(ROOT)} is missing: run 'make test' (it runs npm ci) or 'npm ci'")
    return path


SITE_LOCALES = "[es, fr, ar]"


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One project built once for the site-wide checks (machine translation off): the seed page and the
    TMS page (with medical review headers); es: both pages and the interface catalog reviewed; ar (RTL):
    the TMS page and the interface reviewed; fr: the TMS page reviewed, its interface catalog not."""
    from helpers import review_all

    root = tmp_path_factory.mktemp("site") / "project"
    root.mkdir()
    for name in CODE:
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copy2)(ROOT / name, root / name)
    shutil.copytree(PROJECT / "config", root / "config")
    shutil.copytree(PROJECT / "locales", root / "locales")
    (root / "source").mkdir()
    shutil.copy2(SEED, root / "source" / SEED.name)
    tms = (FIXTURES / "pages" / "tms-therapy.txt").read_text("utf-8")
    tms = tms.replace("URL Slug: tms-therapy\n", "URL Slug: tms-therapy\nMedically Reviewed By: Dr Ana Ruiz,"
                      " Consultant Psychiatrist\nLast Reviewed: 2026-03-01\n")
    (root / "source" / "tms-therapy.txt").write_text(tms, "utf-8")
    config = root / "config" / "config.yaml"
    text = config.read_text().replace("locales: [es, fr, de, it, pt_BR, pl, ar]", f"locales: {SITE_LOCALES}")
    config.write_text(text + "\nmachine_translation: {provider: none}\n")
    snakemake(root, "all")
    catalogs = root / "locales"
    review_all(catalogs / "es/LC_MESSAGES/iv-ketamine-infusion.po", "infusion-de-ketamina-iv")
    seed = catalogs / "es/LC_MESSAGES/iv-ketamine-infusion.po"  # a QA warning for the report: a double space
    seed.write_text(seed.read_text("utf-8").replace('msgstr "ES Overview"', 'msgstr "ES  Overview"', 1), "utf-8")
    review_all(catalogs / "es/LC_MESSAGES/tms-therapy.po", "terapia-emt")
    review_all(catalogs / "es/LC_MESSAGES/site.po", "")
    review_all(catalogs / "ar/LC_MESSAGES/tms-therapy.po", "العلاج-بالتحفيز-المغناطيسي", prefix="AR")
    review_all(catalogs / "ar/LC_MESSAGES/site.po", "", prefix="AR")
    review_all(catalogs / "fr/LC_MESSAGES/tms-therapy.po", "therapie-smt", prefix="FR")
    snakemake(root, "all")
    return root
