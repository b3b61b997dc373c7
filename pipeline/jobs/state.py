"""The manifests in output/.state/: what each job recorded, and what the next one reads."""

from __future__ import annotations

import json
import logging
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import fsio
from ..errors import PipelineError, as_error
from ..model import Link
from ..paths import Project

if TYPE_CHECKING:
    from ..config import Settings

log = logging.getLogger("clinic_l10n")


def load_manifest(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text("utf-8"))
    except (FileNotFoundError, ValueError):
        return {}


def save_manifest(path: Path, data: dict[str, Any]) -> None:
    # Compact on purpose: json's C encoder only serves indent=None (indenting costs 10x the time).
    fsio.write_text(path, json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n")
    _set_aside(path).unlink(missing_ok=True)  # see reopen_incomplete


def listed_files(manifest: dict[str, Any]) -> list[str]:
    """The files a render or site manifest says its job wrote (relative to the project root)."""
    pages = manifest.get("pages", {}).values()
    return [*manifest.get("files", []), *(f for page in pages for f in page.get("files", []))]


def reopen_incomplete(project: Project, manifests: list[Path]) -> list[Path]:
    """Set aside each manifest whose job's files are not all there (someone deleted output/site, say),
    so Snakemake reruns that job, which writes what is missing. (Ageing the manifest would not do:
    Snakemake skips a job whose newer inputs have the checksums it recorded.) The job still reads
    the set-aside manifest (`previous_manifest`): it needs it to remove the files of deleted pages."""
    reopened = []
    for manifest in manifests:
        files = listed_files(load_manifest(manifest))
        if files and not all((project.root / f).is_file() for f in files):
            manifest.replace(_set_aside(manifest))
            reopened.append(manifest)
    return reopened


def previous_manifest(path: Path) -> dict[str, Any]:
    """What the job of `path` recorded last time, even if it was set aside by `reopen_incomplete`."""
    return load_manifest(path) or load_manifest(_set_aside(path))


def _set_aside(manifest: Path) -> Path:
    return manifest.with_name(manifest.name + ".reopened")


@cache
def code_digest() -> str:
    """Changes whenever the package's code or templates change, so outputs are rebuilt."""
    package = Path(__file__).parent.parent
    parts = [p.read_bytes() for p in sorted(package.rglob("*")) if p.suffix in (".py", ".j2", ".css", ".json")]
    return fsio.digest(b"\0".join(parts))[:16]


def compile_code() -> None:
    """Byte-compile the package's modules that changed since last compiled (a few ms otherwise).

    Every job is a new interpreter; where PYTHONDONTWRITEBYTECODE is set (or the package was never
    compiled) each one would compile every module it imports from source again, ~30 ms a job.
    A read-only installation is left as it is."""
    import compileall

    compileall.compile_dir(Path(__file__).parent.parent, quiet=2)


def stamp(project: Project) -> str:
    config = fsio.read_bytes(project.config_file) or b""
    return fsio.digest(code_digest().encode() + config)[:16]


def key_of(*parts: object) -> str:
    return fsio.digest(json.dumps(parts, sort_keys=True, ensure_ascii=False).encode("utf-8"))[:24]


def report(problem: PipelineError | str, errors: list[str]) -> None:
    text = str(problem)
    log.error("%s", as_error(text))
    errors.append(text)


def load_states(project: Project, settings: Settings) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The extract manifest's pages, and each locale manifest's pages: what downstream jobs read."""
    extract = load_manifest(project.extract_manifest).get("pages", {})
    states = {loc.gettext: load_manifest(project.locale_manifest(loc.gettext)).get("pages", {})
              for loc in settings.locales}
    return extract, states


def published_versions(settings: Settings, extract: dict[str, Any],
                       states: dict[str, dict[str, Any]]) -> dict[str, list[Link]]:
    """For every page whose source parses: its published versions, source language first."""
    result: dict[str, list[Link]] = {}
    for name, entry in sorted(extract.items()):
        if not entry.get("slug"):
            continue  # never parsed; a page that parsed before and is broken now keeps its last build
        links = [Link(settings.source_locale, entry["slug"], settings.base_url)]
        for loc in settings.locales:
            state = states[loc.gettext].get(name, {})
            if state.get("published") and state.get("slug"):
                links.append(Link(loc, state["slug"], settings.base_url))
        result[name] = links
    return result


def recorded_problems(project: Project, settings: Settings) -> list[str]:
    """Every error the last run recorded in a manifest: what `verdict` reports."""
    return problems_in(*load_states(project, settings))


def problems_in(extract: dict[str, Any], states: dict[str, dict[str, Any]]) -> list[str]:
    pages = [*extract.values(), *(entry for state in states.values() for entry in state.values())]
    return [entry["error"] for entry in pages if entry.get("error")]


def problem_lines(problems: list[str]) -> list[str]:
    """The run's problems as printed: one compiler-style error each, then how many."""
    if not problems:
        return []
    count = f"{len(problems)} problem(s): the pages above were not (re)built; fix them and run again"
    return [*(as_error(p) for p in problems), count]
