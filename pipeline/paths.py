"""The one module that knows where files live. Everything else asks a `Project`.

    source/<page>.txt                          copy decks (the source of truth)
    config/config.yaml                         settings
    config/glossary/<gettext>.csv              termbases for QA
    locales/templates/LC_MESSAGES/<page>.pot   templates (generated; where Weblate's discovery looks)
    locales/<gettext>/LC_MESSAGES/<page>.po    translations (translators own them)
    output/site/<lang>/<slug>/index.html       the deployable web root
    output/site/sitemap.xml, output/site/assets/site.css
    output/preview/<lang>/<source slug>/index.html   reviewer previews (noindex, never deployed)
    output/reports/status.html, status.json    translation status and QA findings
    output/.state/*.json                       manifests the Snakemake rules depend on
    output/logs/                               one log per job
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from pathlib import Path

PAGE_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,150}")
INTERFACE = "site"  # the interface strings' catalog, named as a page's: locales/<locale>/LC_MESSAGES/site.po


@dataclass(frozen=True)
class Project:
    root: Path

    @property
    def config_file(self) -> Path:
        return self.root / "config" / "config.yaml"

    def glossary(self, locale: str) -> Path:
        return self.root / "config" / "glossary" / f"{locale}.csv"

    @property
    def source_dir(self) -> Path:
        return self.root / "source"

    def source(self, page: str) -> Path:
        return self.source_dir / f"{page}.txt"

    def pages(self) -> list[str]:
        """Page names: every ``source/*.txt``, sorted. A name is the file's stem."""
        if not self.source_dir.is_dir():
            return []
        return sorted(p.stem for p in self.source_dir.glob("*.txt") if not p.is_dir())  # a FIFO there: refused by name

    def template(self, page: str) -> Path:
        return Path(f"{self.root}/locales/templates/LC_MESSAGES/{page}.pot")  # one parse, not four joins

    @property
    def templates_folder(self) -> Path:
        """locales/templates/LC_MESSAGES: beside the catalogs' locales/<locale>/LC_MESSAGES, where
        Weblate's discovery (translation-finder) finds each page's template for its file mask
        locales/*/LC_MESSAGES/<page>.po. Earlier versions kept them in locales/templates/."""
        return self.root / "locales" / "templates" / "LC_MESSAGES"

    @property
    def old_templates_folder(self) -> Path:
        """Where earlier versions kept templates (the extract job removes the ones it generated there)."""
        return self.root / "locales" / "templates"

    def catalog(self, locale: str, page: str) -> Path:
        return Path(f"{self.root}/locales/{locale}/LC_MESSAGES/{page}.po")

    def catalog_folder(self, locale: str) -> Path:
        return self.root / "locales" / locale / "LC_MESSAGES"

    def catalog_folders(self) -> list[Path]:
        """Every locales/<locale>/LC_MESSAGES there is (configured or not), locales/templates/LC_MESSAGES
        among them."""
        folders = sorted((self.root / "locales").glob("*/LC_MESSAGES"))
        return [f for f in folders if f.is_dir()]

    def locale_folders(self) -> list[str]:
        """The names of the folders under locales/ that hold an LC_MESSAGES folder (configured or not)."""
        return sorted(f.parent.name for f in (self.root / "locales").glob("*/LC_MESSAGES") if f.is_dir())

    def catalogs(self, locale: str) -> list[Path]:
        folder = self.root / "locales" / locale / "LC_MESSAGES"
        return sorted(folder.glob("*.po")) if folder.is_dir() else []

    @property
    def output(self) -> Path:
        return self.root / "output"

    @property
    def site(self) -> Path:
        return self.output / "site"

    def page_file(self, url_segment: str, slug: str) -> Path:
        return self.site / url_segment / slug / "index.html"

    @property
    def preview(self) -> Path:
        return self.output / "preview"

    def preview_file(self, url_segment: str, slug: str) -> Path:
        return self.preview / url_segment / slug / "index.html"

    @property
    def status_json(self) -> Path:
        return self.reports / "status.json"

    @property
    def status_html(self) -> Path:
        return self.reports / "status.html"

    @property
    def status_files(self) -> list[Path]:
        return [self.status_json, self.status_html]

    @property
    def sitemap(self) -> Path:
        return self.site / "sitemap.xml"

    @property
    def stylesheet(self) -> Path:
        return self.site / "assets" / "site.css"

    @property
    def state(self) -> Path:
        return self.output / ".state"

    @property
    def parsed_cache(self) -> Path:
        """Parsed catalogs, at each catalog's project-relative path (pipeline/catalogs/catalogcache.py)."""
        return self.state / "parsed-2"

    @property
    def old_parsed_cache(self) -> Path:
        """Where earlier versions kept parsed catalogs, as JSON: the next run removes it."""
        return self.state / "parsed"

    @property
    def problems(self) -> Path:
        """The errors that stand (empty: none): the run fails while it holds one."""
        return self.state / "problems.txt"

    @property
    def summary(self) -> Path:
        """What `snakemake all` prints at its end (see pipeline/review/outcome.py)."""
        return self.state / "summary.txt"

    @property
    def verdict(self) -> Path:
        """Rule `verdict`'s output: kept only while no error stands (see runtime.RunEnd)."""
        return self.state / "verdict.ok"

    @property
    def config_checked(self) -> Path:
        """The digest of the last configuration that passed validation (skips validating it again)."""
        return self.state / "config-checked"

    @property
    def locale_facts(self) -> Path:
        """The configured locales' CLDR facts (names, direction, symbols), kept between jobs."""
        return self.state / "locales.json"

    @property
    def extract_manifest(self) -> Path:
        return self.state / "extract.json"

    def group_manifest(self, group: int) -> Path:
        return self.state / "catalogs" / f"group-{group}.json"

    def locale_manifest(self, locale: str) -> Path:
        return self.state / "catalogs" / f"{locale}.json"

    @property
    def compiled_templates(self) -> Path:
        return self.state / "templates"

    def qa_memo(self, locale: str) -> Path:
        """QA's issues for each entry text of the locale checked in the last runs (see jobs/update.py)."""
        return self.state / "qa" / f"{locale}.json"

    def memory(self, locale: str) -> Path:
        """The locale's translation memory as last built (rebuilt when any reviewed entry changes)."""
        return self.state / "memory" / f"{locale}.json"

    @property
    def site_manifest(self) -> Path:
        return self.state / "site.json"

    def locale_manifests(self) -> list[Path]:
        """Every locale manifest there is (configured or not any more), in a stable order."""
        folder = self.state / "catalogs"
        return sorted(p for p in folder.glob("*.json") if not p.name.startswith("group-")) if folder.is_dir() else []

    @property
    def running(self) -> Path:
        """One empty file per job process that is running or was killed (see jobs/state.py)."""
        return self.state / "running"

    def ledger(self, job: str) -> Path:
        """What job `job` (extract, update-<group>, render-<shard>, site) read and wrote, by content."""
        return self.state / "ledgers" / f"{job}.json"

    def job_records(self, groups: int, shards: int) -> dict[Path, Path]:
        """Every job's manifest (its Snakemake output) and its ledger."""
        jobs = {self.extract_manifest: self.ledger("extract"), self.site_manifest: self.ledger("site")}
        jobs.update({self.group_manifest(g): self.ledger(f"update-{g}") for g in range(groups)})
        jobs.update({self.render_manifest(s): self.ledger(f"render-{s}") for s in range(shards)})
        return jobs

    def render_manifest(self, shard: int) -> Path:
        return self.state / "render" / f"shard-{shard}.json"

    @property
    def reports(self) -> Path:
        return self.output / "reports"

    def relative(self, path: Path) -> str:
        """How messages name a file: relative to the project root where possible."""
        text, base = str(path), str(self.root)
        if text.startswith(base) and text[len(base):len(base) + 1] == "/" and base != "/":
            return text[len(base) + 1:]  # the common case, as relative_to gives it (jobs name thousands of files)
        if path.is_relative_to(self.root):  # without touching the file system
            return path.relative_to(self.root).as_posix()
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return str(path)


def shard_of(page: str, shards: int) -> int:
    """Stable page -> render job assignment (adding a page moves no other page)."""
    return zlib.crc32(page.encode("utf-8")) % max(1, shards)
