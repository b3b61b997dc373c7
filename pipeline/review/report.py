"""Stage 5: the translation status report — output/reports/status.html for people, status.json for tools.

Pages x locales; each cell is a stacked bar of source words by state (reviewed, machine draft,
memory draft, outdated, draft, untranslated), whether the version is published and why not, the
post-editing analysis (drafts accepted unchanged, post-edit distance) and the clinical sign-off,
and every QA finding with its path:line (accepted ones with the reviewer's reason).
"""

from __future__ import annotations

import json
from typing import Any

from pipeline.config import Settings
from pipeline.review.publish import STATE_LABELS, STATES

COLOURS = {"reviewed": "#2e8540", "machine": "#d94848", "memory": "#e0b000", "outdated": "#7a4fd1",
           "draft": "#e07b00", "untranslated": "#9a9a9a"}


def status_data(settings: Settings, extract: dict[str, Any], locales: dict[str, dict[str, Any]]) -> dict[str, Any]:
    pages = {}
    for name, entry in sorted(extract.items()):
        versions = {}
        for loc in settings.locales:
            info = locales.get(loc.gettext, {}).get(name, {})
            counts = info.get("counts", {})
            versions[loc.gettext] = {
                "lang": loc.bcp47,
                "published": bool(info.get("published")),
                "slug": info.get("slug"),
                "reasons": info.get("reasons", []),
                "messages": {s: counts.get("messages", {}).get(s, 0) for s in STATES},
                "words": {s: counts.get("words", {}).get(s, 0) for s in STATES},
                "findings": info.get("findings", []),
                "error": info.get("error"),
                "postedit": info.get("postedit"),
                "signoff": info.get("signoff"),
            }
        pages[name] = {"source_error": entry.get("error"), "slug": entry.get("slug"), "locales": versions}
    return {
        "source_locale": settings.source_locale.bcp47,
        "locales": [{"code": loc.gettext, "lang": loc.bcp47, "name": loc.english_name} for loc in settings.locales],
        "states": list(STATES),
        "pages": pages,
    }


def status_json(data: dict[str, Any]) -> str:
    # Compact: json's C encoder serves only indent=None, and indenting cost the site job 0.1 s on
    # 100 pages. `python -m json.tool output/reports/status.json` shows it indented.
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def status_html(data: dict[str, Any]) -> str:
    from pipeline.site.pages import environment

    rows = []
    findings = []
    for name, page in data["pages"].items():
        cells = []
        for loc in data["locales"]:
            version = page["locales"][loc["code"]]
            total = sum(version["words"].values()) or 1
            bars = [{"state": s, "label": STATE_LABELS[s], "words": version["words"][s],
                     "percent": round(100 * version["words"][s] / total, 2), "colour": COLOURS[s]}
                    for s in STATES if version["words"][s]]
            preview = f"../preview/{loc['lang'].lower()}/{page['slug']}/index.html" if page["slug"] else None
            cells.append({"version": version, "bars": bars, "code": loc["code"], "name": loc["name"],
                          "lang": loc["lang"], "preview": preview})
            findings += [{"page": name, "locale": loc["code"], "href": "../../" + f["where"].rpartition(":")[0], **f}
                         for f in version["findings"]]
        rows.append({"name": name, "page": page, "cells": cells})
    legend = [{"state": s, "label": STATE_LABELS[s], "colour": COLOURS[s]} for s in STATES]
    return environment().get_template("status.html.j2").render(
        locales=data["locales"], rows=rows, findings=findings, legend=legend)
