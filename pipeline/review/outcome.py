"""The outcome of a run, as `snakemake all` prints it at its end (no I/O here: the `site` job writes it
to output/.state/summary.txt, the Snakefile prints that file once; see runtime.RunEnd).

First the problems that stand, one line each, as a compiler prints them: every error (a source page, a
catalog or a glossary that cannot be read) and every blocking QA finding on a reviewed entry. Then the
summary: per locale, how many versions are published and why the others are not, and one line per
unpublished version that someone started reviewing or that has a problem. Warnings are not repeated
here: a job prints each one when it reads the page (see jobs/update.py, jobs/extract.py).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pipeline.errors import Problem, as_error
from pipeline.review.publish import QA_REASON

if TYPE_CHECKING:
    from pipeline.config import Settings

# Why a version is not published, from the gravest: each version counts once, under its gravest reason.
REASONS = {
    "error": ("catalog error", "catalog errors"),
    "qa": ("blocking QA finding", "blocking QA findings"),
    "signoff": ("clinical sign-off missing", "clinical sign-offs missing"),
    "slug": ("URL slug problem", "URL slug problems"),
    "drafts": ("draft awaiting review", "drafts awaiting review"),
    "new": ("not started", "not started"),
}
HEADING = "summary:"


@dataclass(frozen=True, slots=True)
class Outcome:
    errors: tuple[str, ...]  # as printed: `path:line: error: …`
    findings: tuple[Problem, ...]  # blocking QA findings on reviewed entries
    summary: tuple[str, ...]

    def text(self) -> str:
        lines = [*self.errors, *map(str, self.findings), HEADING, *self.summary]
        if self.errors:
            count = len(self.errors)
            lines.append(f"{count} error{'s' if count > 1 else ''}: fix {'them' if count > 1 else 'it'} and run again")
        return "".join(line + "\n" for line in lines)


def outcome(settings: Settings, extract: dict[str, Any], states: dict[str, dict[str, Any]]) -> Outcome:
    """What the manifests of the last run say: see the module's docstring."""
    errors = problems_in(extract, states)
    findings = tuple(finding for state in states.values() for name in sorted(state)
                     for finding in blocking_findings(state[name]))
    pages = {name: entry for name, entry in extract.items() if not entry.get("interface")}  # not site.po
    built = [name for name, entry in sorted(pages.items()) if entry.get("slug") and not entry.get("error")]
    source = f"{settings.source_locale.gettext}: {len(built)} published"
    if len(built) < len(pages):
        failed = len(pages) - len(built)
        source += f", {failed} not built (source error{'s' if failed > 1 else ''})"
    lines = [source]
    for loc in settings.locales:
        lines += _locale_lines(loc.gettext, [(name, states.get(loc.gettext, {}).get(name, {})) for name in built])
    return Outcome(tuple(as_error(e) for e in errors), findings, tuple(lines))


def problems_in(extract: dict[str, Any], states: dict[str, dict[str, Any]]) -> list[str]:
    """Every error the manifests record, once (a glossary's error stands in every page of its locale)."""
    pages = [*extract.values(), *(entry for state in states.values() for entry in state.values())]
    return list(dict.fromkeys(entry["error"] for entry in pages if entry.get("error")))


def blocking_findings(entry: dict[str, Any]) -> list[Problem]:
    """The blocking QA findings a version's manifest entry records (accepted ones no longer block)."""
    found = []
    for finding in entry.get("findings", []):
        if finding.get("blocking"):
            path, _, line = finding["where"].rpartition(":")
            found.append(Problem(path, int(line), "error", finding["message"], finding["code"]))
    return found


def _locale_lines(code: str, versions: list[tuple[str, dict[str, Any]]]) -> list[str]:
    published = sum(1 for _, entry in versions if entry.get("published"))
    why = {name: _reason(entry) for name, entry in versions if not entry.get("published")}
    line = f"{code}: {published} published"
    if why:
        counts = Counter(why.values())
        parts = [f"{counts[r]} {REASONS[r][counts[r] > 1]}" for r in REASONS if counts[r]]
        line += f", {len(why)} not published ({', '.join(parts)})"
    named = [f"{code}/{name}: NOT published: {_explained(entry)}" for name, entry in versions
             if name in why and why[name] != "new"]
    return [line, *named]


def _reason(entry: dict[str, Any]) -> str:
    """The gravest reason why this version is not published (a key of REASONS)."""
    messages = entry.get("counts", {}).get("messages", {})
    if entry.get("error"):
        return "error"
    if blocking_findings(entry):
        return "qa"
    if entry.get("signoff_needed"):
        return "signoff"
    if any("URL slug" in r for r in entry.get("reasons", [])):
        return "slug"
    return "drafts" if messages.get("reviewed") else "new"


def _explained(entry: dict[str, Any]) -> str:
    """The reasons the update job recorded, a blocking finding shortened to where it is (printed above)."""
    if entry.get("error"):
        return f"{REASONS['error'][0]} (printed above)"
    findings = blocking_findings(entry)
    parts = []
    if findings:
        count = len(findings)
        where = dict.fromkeys(f.where for f in findings)  # an entry can have several
        parts.append(f"{count} {REASONS['qa'][count > 1]} ({', '.join(where)})")
    parts += [r for r in entry.get("reasons", []) if not r.startswith(QA_REASON)]
    return "; ".join(parts)
