"""The seed page reads, extracts and renders exactly as before the copy-deck grammar grew.

The template and every catalog must come out of a build byte-identical to the committed ones, and
the pages (the English page, a reviewed Spanish page, the previews) identical to the digests in
tests/fixtures/seed/pages.sha256, recorded with the code before issue 14 on the same inputs.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from conftest import FIXTURES, PROJECT, snakemake
from helpers import review_all

PAGE = "iv-ketamine-infusion"


def _committed_catalogs() -> list[Path]:
    template = PROJECT / "locales" / "templates" / "LC_MESSAGES" / f"{PAGE}.pot"
    return [template, *sorted((PROJECT / "locales").glob(f"*/LC_MESSAGES/{PAGE}.po"))]


def test_seed_template_catalogs_and_pages_are_byte_identical(project: Path):
    shutil.copytree(PROJECT / "locales", project / "locales")
    snakemake(project, "all")
    for committed in _committed_catalogs():
        built = project / committed.relative_to(PROJECT)
        assert built.read_bytes() == committed.read_bytes(), f"{built.relative_to(project)} changed"
    review_all(project / "locales" / "es" / "LC_MESSAGES" / f"{PAGE}.po", "infusion-de-ketamina-iv")
    snakemake(project, "all")
    lines = (FIXTURES / "seed" / "pages.sha256").read_text().splitlines()
    expected = {path: digest for digest, path in (line.split("  ", 1) for line in lines)}
    built = {str(p.relative_to(project)): hashlib.sha256(p.read_bytes()).hexdigest()
             for p in sorted((project / "output").glob("[sp]*/*/*/index.html"))}
    assert built == expected
