"""Stage 4b: output/site/sitemap.xml — every published URL with its hreflang alternates and lastmod.

The alternates of each <url> are exactly the page's own hreflang set (every published version
of the page plus x-default), so the sitemap and the pages can never disagree. `<loc>` is the URL
percent-encoded (RFC 3986, as the sitemaps protocol requires: a translated slug's letters become
UTF-8 %XX); the alternates keep the IRIs the pages' own hreflang links use. `lastmod` is the date
of the version's content's last change as its files record it (see jobs/sitewide.py): never the time
of a build, so the same inputs give the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
URL_SAFE = "!#$&'()*+,/:;=?@[]~%-._"  # RFC 3986 reserved and unreserved characters, and existing escapes


@dataclass(frozen=True, slots=True)
class Entry:
    """One URL of the site: its language (BCP 47), address (an IRI) and last content change (YYYY-MM-DD)."""

    lang: str
    href: str
    lastmod: str | None = None


@dataclass(frozen=True, slots=True)
class Cluster:
    """The versions of one page (or index page) in every language, and the x-default among them."""

    entries: tuple[Entry, ...]
    x_default: str | None  # one of the entries; None: a page with no hreflang alternates (the chooser at /)


def uri(iri: str) -> str:
    """An IRI as a URI: every character outside ASCII's URL characters percent-encoded as UTF-8."""
    return quote(iri, safe=URL_SAFE)


def sitemap_xml(clusters: list[Cluster]) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             f'<urlset xmlns="{SITEMAP_NS}" xmlns:xhtml="{XHTML_NS}">']
    for cluster in clusters:
        alternates = [(e.lang, e.href) for e in cluster.entries] + [("x-default", cluster.x_default)] \
            if cluster.x_default is not None else []
        for entry in cluster.entries:
            lines.append("<url>")
            lines.append(f"<loc>{_text(uri(entry.href))}</loc>")
            if entry.lastmod:
                lines.append(f"<lastmod>{_text(entry.lastmod)}</lastmod>")
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
