"""Stage 4b: output/site/sitemap.xml — every published URL with its hreflang alternates.

The alternates of each <url> are exactly the page's own hreflang set (every published version
of the page plus x-default), so the sitemap and the pages can never disagree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline.copydeck.model import Link

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"


def sitemap_xml(clusters: list[list[Link]], source_locale_code: str) -> str:
    """`clusters`: for each page, its published versions (the source-language one included)."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             f'<urlset xmlns="{SITEMAP_NS}" xmlns:xhtml="{XHTML_NS}">']
    for versions in clusters:
        default = next((v for v in versions if v.locale.gettext == source_locale_code), None)
        if default is None:
            continue
        alternates = [(v.locale.bcp47, v.href) for v in versions] + [("x-default", default.href)]
        for version in versions:
            lines.append("<url>")
            lines.append(f"<loc>{_text(version.href)}</loc>")
            lines.extend(
                f'<xhtml:link rel="alternate" hreflang="{_attr(code)}" href="{_attr(href)}"/>'
                for code, href in alternates
            )
            lines.append("</url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


# XML escaping by hand: xml.sax.saxutils imports urllib.request, http.client and ssl (25 ms a job).
def _text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(value: str) -> str:
    """For a double-quoted attribute; whitespace other than space would be normalised by parsers."""
    return _text(value).replace('"', "&quot;").replace("\t", "&#9;").replace("\n", "&#10;").replace("\r", "&#13;")
