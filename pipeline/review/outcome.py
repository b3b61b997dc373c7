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
from typing import TYPE_CHECKING

from pipeline.copydeck.model import URL_SLUG
from pipeline.errors import Problem
from pipeline.review.publish import QA_REASON, is_slug_reason

if TYPE_CHECKING:
    from pipeline.config import Settings
    from pipeline.jobs.manifests import LocalePage, SourcePage

# Why a version is not published, from the gravest: each version counts once, under its gravest reason.
REASONS = {
    "error": ("catalog error", "catalog errors"),
    "qa": ("blocking QA finding", "blocking QA findings"),
    "signoff": ("clinical sign-off missing", "clinical sign-offs missing"),
    "slug": (f"{URL_SLUG} problem", f"{URL_SLUG} problems"),
    "drafts": ("draft awaiting review", "drafts awaiting review"),
    "new": ("not started", "not started"),
}
HEADING = "summary:"


@dataclass(frozen=True, slots=True)
class Outcome:
    errors: tuple[Problem, ...]  # what fails the run: a source page, a catalog or a glossary that cannot be read
    findings: tuple[Problem, ...]  # blocking QA findings on reviewed entries
    summary: tuple[str, ...]

    def text(self) -> str:
        lines = [*map(str, self.errors), *map(str, self.findings), HEADING, *self.summary]
        if self.errors:
            count = len(self.errors)
            lines.append(f"{count} error{'s' if count > 1 else ''}: fix {'them' if count > 1 else 'it'} and run again")
        return "".join(line + "\n" for line in lines)


def outcome(settings: Settings, extract: dict[str, SourcePage], states: dict[str, dict[str, LocalePage]]) -> Outcome:
    """What the manifests of the last run say: see the module's docstring."""
    errors = problems_in(extract, states)
    findings = tuple(finding for state in states.values() for name in sorted(state)
                     for finding in blocking_findings(state[name]))
    pages = {name: entry for name, entry in extract.items() if not entry.interface}  # not site.pot
    built = [name for name, entry in sorted(pages.items()) if entry.builds]
    source = f"{settings.source_locale.gettext}: {len(built)} published"
    if len(built) < len(pages):
        failed = len(pages) - len(built)
        source += f", {failed} not built (source error{'s' if failed > 1 else ''})"
    lines = [source]
    for loc in settings.locales:
        state = states.get(loc.gettext, {})
        lines += _locale_lines(loc.gettext, [(name, state.get(name)) for name in built])
    return Outcome(errors, findings, tuple(lines))


def problems_in(extract: dict[str, SourcePage], states: dict[str, dict[str, LocalePage]]) -> tuple[Problem, ...]:
    """Every error the manifests record, once (a glossary's error stands in every page of its locale)."""
    pages: list[SourcePage | LocalePage] = [*extract.values(), *(e for s in states.values() for e in s.values())]
    return tuple(dict.fromkeys(entry.error for entry in pages if entry.error is not None))


def blocking_findings(entry: LocalePage) -> list[Problem]:
    """The blocking QA findings a version's manifest entry records (accepted ones no longer block)."""
    return [finding.problem() for finding in entry.findings if finding.blocking]


def _locale_lines(code: str, versions: list[tuple[str, LocalePage | None]]) -> list[str]:
    published = sum(1 for _, entry in versions if entry is not None and entry.published)
    why = {name: _reason(entry) for name, entry in versions if entry is None or not entry.published}
    line = f"{code}: {published} published"
    if why:
        counts = Counter(why.values())
        parts = [f"{counts[r]} {REASONS[r][counts[r] > 1]}" for r in REASONS if counts[r]]
        line += f", {len(why)} not published ({', '.join(parts)})"
    named = [f"{code}/{name}: NOT published: {_explained(entry)}" for name, entry in versions
             if name in why and why[name] != "new" and entry is not None]
    return [line, *named]


def _reason(entry: LocalePage | None) -> str:
    """The gravest reason why this version is not published (a key of REASONS)."""
    if entry is None:
        return "new"
    if entry.error is not None:
        return "error"
    if blocking_findings(entry):
        return "qa"
    if entry.signoff_needed:
        return "signoff"
    if any(is_slug_reason(r) for r in entry.reasons):
        return "slug"
    return "drafts" if entry.counts.of("reviewed") else "new"


def _explained(entry: LocalePage) -> str:
    """The reasons the update job recorded, a blocking finding shortened to where it is (printed above)."""
    if entry.error is not None:
        return f"{REASONS['error'][0]} (printed above)"
    findings = blocking_findings(entry)
    parts = []
    if findings:
        count = len(findings)
        where = dict.fromkeys(f.where for f in findings)  # an entry can have several
        parts.append(f"{count} {REASONS['qa'][count > 1]} ({', '.join(where)})")
    parts += [r for r in entry.reasons if not r.startswith(QA_REASON)]
    return "; ".join(parts)
