"""Check a built web root the way search engines and SEO auditors do; one line per problem.

Web teams run it in their CI: ``clinic-l10n check-site output/site`` (or ``snakemake check``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from babel import Locale, UnknownLocaleError
from lxml import etree, html
from lxml.html import HtmlElement

from pipeline.errors import Problem
from pipeline.site.sitemap import SITEMAP_NS, XHTML_NS

OG_LOCALE = re.compile(r"[a-z]{2,3}_[A-Z]{2}")
ALLOWED_SCRIPT_TYPES = {"application/ld+json"}


@dataclass
class PageInfo:
    file: str
    url_path: str
    lang: str = ""
    canonical: str | None = None
    alternates: dict[str, str] = field(default_factory=dict)


@dataclass
class Problems:
    found: list[Problem] = field(default_factory=list)

    def add(self, where: str, what: str) -> None:
        """A problem with the file `where` (relative to the web root): each one fails the check."""
        self.found.append(Problem(where, None, "error", what))


def valid_language_tag(tag: str) -> bool:
    if tag == "x-default":
        return True
    if not re.fullmatch(r"[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?", tag):
        return False
    try:
        Locale.parse(tag, sep="-")
    except (UnknownLocaleError, ValueError):
        return False
    return True


def check_site(site: Path, base_url: str | None = None) -> list[Problem]:
    """Every problem of the web root `site`, each naming its file (relative to `site`)."""
    problems = Problems()
    files = sorted(site.rglob("index.html"))
    if not files:
        return [Problem(str(site), None, "error", "no pages (index.html) found")]
    pages = [_check_page(site, f, problems, base_url) for f in files]
    _check_clusters(pages, problems)
    _check_sitemap(site, pages, problems)
    return problems.found


def _check_page(site: Path, file: Path, bad: Problems, base_url: str | None) -> PageInfo:
    where = file.relative_to(site).as_posix()
    info = PageInfo(where, "/" + where.removesuffix("index.html"))
    raw = file.read_bytes()
    try:
        doc = html.document_fromstring(raw)
    except (etree.ParserError, ValueError) as exc:
        bad.add(where, f"does not parse as HTML: {exc}")
        return info
    head = doc.find("head")
    first = head[0] if head is not None and len(head) else None
    if first is None or first.tag != "meta" or (first.get("charset") or "").lower() != "utf-8":
        bad.add(where, '<meta charset="utf-8"> must be the first element of <head>')
    info.lang = doc.get("lang", "")
    if not valid_language_tag(info.lang) or info.lang == "x-default":
        bad.add(where, f"<html lang={info.lang!r}> is not a valid BCP 47 language tag")
    else:
        expected = "rtl" if Locale.parse(info.lang, sep="-").text_direction == "rtl" else "ltr"
        if doc.get("dir") != expected:
            bad.add(where, f"<html dir={doc.get('dir')!r}>, expected {expected!r} for {info.lang}")
    for what, xpath in (("<title>", "//head/title/text()"),
                        ("meta description", "//head/meta[@name='description']/@content")):
        values = [v for v in doc.xpath(xpath) if str(v).strip()]
        if len(values) != 1:
            bad.add(where, f"needs exactly one non-empty {what}")
    _check_canonical(doc, info, bad, base_url)
    _check_hreflang(doc, info, bad)
    _check_open_graph(doc, info, bad)
    _check_json_ld(doc, info, bad)
    _check_active_content(doc, where, bad)
    return info


def _check_canonical(doc: HtmlElement, info: PageInfo, bad: Problems, base_url: str | None) -> None:
    canon = doc.xpath("//link[@rel='canonical']/@href")
    if len(canon) != 1:
        bad.add(info.file, f"needs exactly one canonical link, found {len(canon)}")
        return
    info.canonical = str(canon[0])
    parts = urlsplit(info.canonical)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        bad.add(info.file, f"canonical {info.canonical!r} is not an absolute URL")
    elif base_url and not info.canonical.startswith(base_url.rstrip("/") + "/"):
        bad.add(info.file, f"canonical {info.canonical} is not under {base_url}")
    elif not parts.path.endswith(info.url_path):
        bad.add(info.file, f"canonical path {parts.path!r} is not this file's path {info.url_path!r}")


def _check_hreflang(doc: HtmlElement, info: PageInfo, bad: Problems) -> None:
    for link in doc.xpath("//link[@rel='alternate'][@hreflang]"):
        value, href = link.get("hreflang"), link.get("href", "")
        if not valid_language_tag(value):
            bad.add(info.file, f"invalid hreflang value {value!r}")
        if value in info.alternates:
            bad.add(info.file, f"hreflang {value!r} appears twice")
        if not urlsplit(href).scheme.startswith("http"):
            bad.add(info.file, f"hreflang {value!r} href {href!r} is not absolute")
        info.alternates[value] = href
    if not info.alternates:
        return
    if "x-default" not in info.alternates:
        bad.add(info.file, "hreflang set has no x-default")
    if info.canonical not in (info.alternates.get(info.lang), info.alternates.get("x-default")):
        bad.add(info.file, f"hreflang set has no self link ({info.lang} or x-default -> the canonical URL)")


def _check_open_graph(doc: HtmlElement, info: PageInfo, bad: Problems) -> None:
    def og(prop: str) -> list[str]:
        return [str(v) for v in doc.xpath(f"//head/meta[@property='{prop}']/@content")]

    for prop in ("og:title", "og:type", "og:url", "og:locale", "og:site_name", "og:image", "og:image:width",
                 "og:image:height", "og:image:alt"):
        if len(og(prop)) != 1:
            bad.add(info.file, f"needs exactly one {prop}")
    if og("og:image") and not og("og:image")[0].startswith(("http://", "https://")):
        bad.add(info.file, "og:image is not an absolute URL")
    if len(doc.xpath("//head/meta[@name='twitter:card']")) != 1:
        bad.add(info.file, "needs exactly one twitter:card")
    if og("og:url") and og("og:url")[0] != info.canonical:
        bad.add(info.file, "og:url differs from the canonical URL")
    locale = og("og:locale")
    if locale and (not OG_LOCALE.fullmatch(locale[0]) or locale[0].split("_")[0] != info.lang.split("-")[0]):
        bad.add(info.file, f"og:locale {locale[0]!r} does not match lang {info.lang!r} as ll_CC")
    alternates = og("og:locale:alternate")
    if len(alternates) != len(set(alternates)) or (locale and locale[0] in alternates):
        bad.add(info.file, "og:locale:alternate repeats a locale")
    expected = max(len(info.alternates) - 2, 0)  # hreflang minus self and x-default
    if len(alternates) != expected:
        bad.add(info.file, f"{len(alternates)} og:locale:alternate, but {expected} other published versions")


WEB_PAGES = ("MedicalWebPage", "CollectionPage", "WebPage")  # a page's main node, one of these


def _check_json_ld(doc: HtmlElement, info: PageInfo, bad: Problems) -> None:
    kinds: dict[str, dict[str, Any]] = {}
    for block in doc.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(block.text or "")
        except ValueError as exc:
            bad.add(info.file, f"JSON-LD does not parse: {exc}")
            continue
        nodes = data.get("@graph", [data]) if isinstance(data, dict) else []
        for node in nodes:
            types = node.get("@type") if isinstance(node, dict) else None
            for name in [types] if isinstance(types, str) else types if isinstance(types, list) else []:
                kinds.setdefault(str(name), node)
    # An index page is a CollectionPage (and a MedicalWebPage: a list of treatments is medical content).
    kind = "CollectionPage" if "CollectionPage" in kinds else next((k for k in WEB_PAGES if k in kinds), None)
    if kind is None:
        bad.add(info.file, f"no JSON-LD {' or '.join(WEB_PAGES)}")
        return
    page = kinds[kind]
    if page.get("inLanguage") != info.lang:
        bad.add(info.file, f"{kind} inLanguage {page.get('inLanguage')!r} != lang {info.lang!r}")
    if page.get("url") != info.canonical:
        bad.add(info.file, f"{kind} url differs from the canonical URL")
    if info.url_path == "/":
        return  # the language chooser at the root: about the clinic, no breadcrumb
    if kind == "MedicalWebPage" and (not isinstance(page.get("about"), dict)
                                     or page["about"].get("@type") != "MedicalTherapy"):
        bad.add(info.file, "MedicalWebPage has no 'about' MedicalTherapy")
    if kind == "WebPage":
        return
    crumbs = kinds.get("BreadcrumbList")
    if crumbs is None and kind == "CollectionPage" and info.url_path.count("/") == 2 and "breadcrumb" not in page:
        return  # a locale's home page (/<lang>/): the top of the trail, no breadcrumb
    items = crumbs.get("itemListElement") if crumbs else None
    least = 2
    if not isinstance(items, list) or len(items) < least:
        bad.add(info.file, f"no JSON-LD BreadcrumbList with at least {least} item(s)")
        return
    for position, item in enumerate(items, start=1):
        if not isinstance(item, dict) or item.get("position") != position or not item.get("name"):
            bad.add(info.file, f"BreadcrumbList item {position} needs position {position} and a name")
        elif not isinstance(item.get("item"), str) or not item["item"].startswith(("http://", "https://")):
            bad.add(info.file, f"BreadcrumbList item {position} has no absolute URL ('item')")
    if isinstance(items[-1], dict) and items[-1].get("item") != info.canonical:
        bad.add(info.file, "the last BreadcrumbList item is not the page's canonical URL")


def _check_active_content(doc: HtmlElement, where: str, bad: Problems) -> None:
    for script in doc.iter("script"):
        if script.get("type") not in ALLOWED_SCRIPT_TYPES or script.get("src"):
            bad.add(where, "a <script> that is not the page's JSON-LD")
    for element in doc.iter():
        if not isinstance(element.tag, str):
            continue
        for name, value in element.attrib.items():
            if name.lower().startswith("on"):
                bad.add(where, f"event handler attribute {name!r} on <{element.tag}>")
            if name in ("href", "src", "action") and value.strip().lower().startswith(("javascript:", "data:")):
                bad.add(where, f"{name}={value[:30]!r} on <{element.tag}>")
        if element.tag in ("iframe", "object", "embed", "svg", "math", "form", "base", "style"):
            bad.add(where, f"unexpected <{element.tag}> element")


def _check_clusters(pages: list[PageInfo], bad: Problems) -> None:
    by_url = {p.canonical: p for p in pages if p.canonical}
    for page in pages:
        for value, href in page.alternates.items():
            target = by_url.get(href)
            if target is None:
                bad.add(page.file, f"hreflang {value!r} points to {href}, which is no page of this site")
            elif target.alternates != page.alternates:
                bad.add(page.file, f"hreflang set differs from that of {target.file} (missing return links)")
            elif value != "x-default" and target.lang != value:
                bad.add(page.file, f"hreflang {value!r} points to a page in {target.lang!r}")


def _check_sitemap(site: Path, pages: list[PageInfo], bad: Problems) -> None:
    path = site / "sitemap.xml"
    if not path.is_file():
        bad.add("sitemap.xml", "missing")
        return
    try:
        root = etree.fromstring(path.read_bytes(), etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        bad.add("sitemap.xml", f"not well-formed XML: {exc}")
        return
    if root.tag != f"{{{SITEMAP_NS}}}urlset" or root.nsmap.get("xhtml") != XHTML_NS:
        bad.add("sitemap.xml", "root must be sitemaps.org <urlset> declaring xmlns:xhtml=" + XHTML_NS)
    by_url = {p.canonical: p for p in pages if p.canonical}
    seen: set[str] = set()
    for url in root.iterfind(f"{{{SITEMAP_NS}}}url"):
        loc = (url.findtext(f"{{{SITEMAP_NS}}}loc") or "").strip()
        if not loc.isascii() or any(c in loc for c in ' "<>\\^`{|}'):
            bad.add("sitemap.xml", f"{loc} is not percent-encoded (the sitemaps protocol requires escaped URLs)")
        loc = unquote(loc)
        if loc in seen:
            bad.add("sitemap.xml", f"{loc} listed twice")
        seen.add(loc)
        page = by_url.get(loc)
        if page is None:
            bad.add("sitemap.xml", f"{loc} is no page of this site")
            continue
        alternates = {link.get("hreflang"): link.get("href") for link in url.iterfind(f"{{{XHTML_NS}}}link")}
        if alternates != page.alternates:
            bad.add("sitemap.xml", f"alternates of {loc} differ from the page's hreflang set")
    for page in pages:
        if page.canonical and page.canonical not in seen:
            bad.add("sitemap.xml", f"page {page.file} is not listed")
