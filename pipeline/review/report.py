"""Stage 5: the translation status report — output/reports/status.html for people, status.json for tools.

Pages x locales; each cell is a stacked bar of source words by state (reviewed, machine draft,
memory draft, outdated, draft, untranslated), whether the version is published and why not, the
post-editing analysis (drafts accepted unchanged, post-edit distance) and the clinical sign-off,
and every QA finding with its path:line (accepted ones with the reviewer's reason).
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from pipeline.config import Settings
from pipeline.drafts.provenance import MACHINE, MEMORY
from pipeline.jobs.manifests import LocalePage
from pipeline.review.publish import STATE_LABELS, STATES

if TYPE_CHECKING:
    from pipeline.jobs.manifests import SourcePage

COLOURS = {"reviewed": "#2e8540", MACHINE: "#d94848", MEMORY: "#e0b000", "outdated": "#7a4fd1",
           "draft": "#e07b00", "untranslated": "#9a9a9a"}


def status_data(settings: Settings, extract: dict[str, SourcePage],
                locales: dict[str, dict[str, LocalePage]]) -> dict[str, Any]:
    """What status.json holds (and status.html shows): every page in every locale, from the manifests."""
    not_started = LocalePage()
    pages = {}
    for name, entry in sorted(extract.items()):
        versions = {}
        for loc in settings.locales:
            info = locales.get(loc.gettext, {}).get(name) or not_started
            versions[loc.gettext] = {
                "lang": loc.bcp47,
                "published": info.published,
                "slug": info.slug,
                "reasons": list(info.reasons),
                "messages": {s: info.counts.messages.get(s, 0) for s in STATES},
                "words": {s: info.counts.words.get(s, 0) for s in STATES},
                "findings": [f.as_report() for f in info.findings],
                "error": info.error.located() if info.error is not None else None,
                "postedit": info.postedit.as_dict() if info.postedit is not None else None,
                "signoff": _signoff(info),
            }
        source_error = entry.error.located() if entry.error is not None else None
        pages[name] = {"source_error": source_error, "slug": entry.slug, "locales": versions}
    return {
        "source_locale": settings.source_locale.bcp47,
        "locales": [{"code": loc.gettext, "lang": loc.bcp47, "name": loc.english_name} for loc in settings.locales],
        "states": list(STATES),
        "pages": pages,
    }


def _signoff(info: LocalePage) -> dict[str, str] | None:
    """Who signed the version off, and when (the fingerprint of what they signed stays in the catalog)."""
    signed = info.signoff
    return {"name": signed.name, "email": signed.email, "date": signed.date} if signed is not None else None


def status_json(data: dict[str, Any]) -> str:
    # Compact: json's C encoder serves only indent=None, and indenting cost the site job 0.1 s on
    # 100 pages. `python -m json.tool output/reports/status.json` shows it indented.
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def status_html(data: dict[str, Any]) -> str:
    from markupsafe import Markup

    from pipeline.site.pages import environment

    rows = []
    findings = []
    for name, page in data["pages"].items():
        rows.append(Markup(_row_html(name, page, data["locales"])))  # noqa: S704 - rendered with autoescape
        for loc in data["locales"]:
            findings += [{"page": name, "locale": loc["code"], "href": "../../" + f["where"].rpartition(":")[0], **f}
                         for f in page["locales"][loc["code"]]["findings"]]
    legend = [{"state": s, "label": STATE_LABELS[s], "colour": COLOURS[s]} for s in STATES]
    return environment().get_template("status.html.j2").render(
        locales=data["locales"], rows=rows, findings=findings, legend=legend)


def _row_html(name: str, page: dict[str, Any], locales: list[dict[str, str]]) -> str:
    return _row(json.dumps([name, page, locales], ensure_ascii=False, sort_keys=True, separators=(",", ":")))


@lru_cache(maxsize=20_000)  # a page's row, by what it shows: `serve` renders the report at every save
def _row(shown: str) -> str:
    """The row of the page in `shown` (JSON of its name, status data and the locales): rendered once."""
    from pipeline.site.pages import environment

    name, page, locales = json.loads(shown)
    cells = []
    for loc in locales:
        version = page["locales"][loc["code"]]
        total = sum(version["words"].values()) or 1
        bars = [{"state": s, "label": STATE_LABELS[s], "words": version["words"][s],
                 "percent": round(100 * version["words"][s] / total, 2), "colour": COLOURS[s]}
                for s in STATES if version["words"][s]]
        preview = f"../preview/{loc['lang'].lower()}/{page['slug']}/index.html" if page["slug"] else None
        cells.append({"version": version, "bars": bars, "code": loc["code"], "name": loc["name"],
                      "lang": loc["lang"], "preview": preview})
    row = {"name": name, "page": page, "cells": cells}
    html: str = environment().get_template("status_row.html.j2").render(row=row).removesuffix("\n")
    return html
