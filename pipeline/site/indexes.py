"""The pages around the treatment pages: each locale's home and index pages, the language chooser at
the root, and 404.html; and the sitemap's clusters of every page.

Index pages exist for the source locale always, and for a target locale when its interface catalog
(site.po) is published; each lists that locale's published pages under it (see navigation.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from pipeline.site.interface import NAME, Interface
from pipeline.site.navigation import IndexPage, Path, index_href, index_pages
from pipeline.site.sitemap import Cluster, Entry

if TYPE_CHECKING:
    from pipeline.config import Settings
    from pipeline.copydeck.model import Link
    from pipeline.jobs.manifests import LocalePage, SourcePage
    from pipeline.locales import SiteLocale

    Extract = dict[str, SourcePage]  # the extract manifest's pages
    States = dict[str, dict[str, LocalePage]]  # each locale manifest's pages

DESCRIPTION_LIMIT = 155


@dataclass(frozen=True, slots=True)
class Version:
    """A page of the site in one language, as the language switcher lists it."""

    locale: SiteLocale
    href: str


@dataclass
class Site:
    """What the site job writes besides the treatment pages: files (web-root path -> HTML) and the
    sitemap's clusters (the treatment pages' and these pages')."""

    files: dict[str, str]
    clusters: list[Cluster]


def build(settings: Settings, extract: Extract, states: States,
          versions: dict[str, list[Link]], interfaces: Callable[[SiteLocale], Interface | None]) -> Site:
    source = settings.source_locale
    clusters = [_page_cluster(name, links, extract, states) for name, links in versions.items()]
    uis = {loc: ui for loc in settings.all_locales if (ui := interfaces(loc)) is not None}
    trees = {loc: _tree(loc, source, versions, extract, states) for loc in uis}
    files: dict[str, str] = {}
    root_url = f"{settings.base_url}/"
    home_lastmods: dict[SiteLocale, str | None] = {}
    for path in trees[source]:
        have = [loc for loc in uis if path in trees[loc]]
        hrefs = {loc: index_href(settings.base_url, loc.url_segment, path) for loc in have}
        x_default = hrefs[source]
        lastmods = {loc: _lastmod(trees[loc][path], loc, extract, states) for loc in have}
        for loc in have:
            files[_file(loc, path)] = _index_html(settings, loc, uis[loc], trees[loc], path, hrefs, x_default,
                                                  versions, extract, states)
        clusters.append(Cluster(tuple(Entry(loc.bcp47, hrefs[loc], lastmods[loc]) for loc in have), x_default))
        if not path:  # the chooser at / changes when a home page does
            home_lastmods = lastmods
    homes = [Version(loc, index_href(settings.base_url, loc.url_segment, ())) for loc in uis]
    # The chooser at / is a page of its own, outside the home pages' hreflang cluster: a cluster's x-default
    # is its source-language version (as for every page), because SEO auditors require each page of a
    # cluster to name itself under a language, which a page of no language cannot. Its links carry
    # hreflang attributes; the sitemap lists it without alternates.
    files["index.html"] = _chooser(settings, homes, uis[source], "root.html.j2", canonical=root_url, root="")
    clusters.append(Cluster((Entry(source.bcp47, root_url, max(filter(None, home_lastmods.values()), default=None)),),
                            None))
    files["404.html"] = _chooser(settings, homes, uis[source], "404.html.j2", canonical=None,
                                 root=urlsplit(settings.base_url).path + "/")
    return Site(files, clusters)


def _page_cluster(name: str, links: list[Link], extract: Extract, states: States) -> Cluster:
    def lastmod(link: Link) -> str | None:
        if link.locale == links[0].locale:
            return extract[name].lastmod
        entry = states[link.locale.gettext].get(name)
        return entry.lastmod if entry is not None else None

    return Cluster(tuple(Entry(v.locale.bcp47, v.href, lastmod(v)) for v in links), links[0].href)


def _tree(locale: SiteLocale, source: SiteLocale, versions: dict[str, list[Link]], extract: Extract,
          states: States) -> dict[Path, IndexPage]:
    crumbs: dict[str, list[str]] = {}
    names: dict[str, dict[str, str]] = {}
    for name, links in versions.items():
        if any(link.locale == locale for link in links):
            crumbs[name] = list(extract[name].crumbs)
            names[name] = {} if locale == source else states[locale.gettext][name].crumbs
    return index_pages(crumbs, names)


def _lastmod(node: IndexPage, locale: SiteLocale, extract: Extract, states: States
             ) -> str | None:
    """The last change of what an index page shows: of the pages it lists, or of the interface strings."""
    own: dict[str, SourcePage] | dict[str, LocalePage] = states.get(locale.gettext, extract)
    dates = [entry.lastmod for name in (*node.pages, NAME) if (entry := own.get(name)) is not None]
    return max(filter(None, dates), default=None)


def _file(locale: SiteLocale, path: Path) -> str:
    return f"{locale.url_segment}/" + "".join(f"{slug}/" for slug in path) + "index.html"


def _index_html(settings: Settings, locale: SiteLocale, ui: Interface, tree: dict[Path, IndexPage], path: Path,
                hrefs: dict[SiteLocale, str], x_default: str, versions: dict[str, list[Link]],
                extract: Extract, states: States) -> str:
    from pipeline.site.furniture import publisher
    from pipeline.site.pages import chrome, environment, json_ld, switcher

    node = tree[path]
    here = hrefs[locale]
    home = index_href(settings.base_url, locale.url_segment, ())
    heading = settings.site_name if not path else node.name
    listed = sorted((_listed(name, locale, versions, extract, states) for name in node.pages),
                    key=lambda item: item["title"].casefold())
    children = [{"href": index_href(settings.base_url, locale.url_segment, c), "name": tree[c].name}
                for c in node.children]
    trail = [{"text": tree[path[:i]].name, "href": index_href(settings.base_url, locale.url_segment, path[:i]),
              "lang": None} for i in range(len(path) + 1)]
    description = _description(heading, [item["title"] for item in listed])
    clinic = publisher(settings)
    # A list of a clinic's treatments is medical content too: a CollectionPage and a MedicalWebPage.
    # A home page is the top of the trail: it has no breadcrumb (a one-item BreadcrumbList says nothing).
    if not path:
        trail = []
    webpage: dict[str, Any] = {
        "@type": ["CollectionPage", "MedicalWebPage"], "@id": f"{here}#webpage", "url": here, "name": heading,
        "description": description, "inLanguage": locale.bcp47,
        "isPartOf": {"@type": "WebSite", "name": settings.site_name, "url": f"{settings.base_url}/"},
        "publisher": {"@id": clinic["@id"]},
        "mainEntity": {"@type": "ItemList", "itemListElement": [
            {"@type": "ListItem", "position": i, "url": item["href"], "name": item["title"]}
            for i, item in enumerate(listed, start=1)]}}
    graph: list[dict[str, Any]] = [webpage, clinic]
    if trail:
        webpage["breadcrumb"] = {"@id": f"{here}#breadcrumb"}
        graph.insert(1, {"@type": "BreadcrumbList", "@id": f"{here}#breadcrumb", "itemListElement": [
            {"@type": "ListItem", "position": i, "name": str(crumb["text"]), "item": crumb["href"]}
            for i, crumb in enumerate(trail, start=1)]})
    others = [Version(loc, href) for loc, href in hrefs.items()]
    context = {
        **chrome(settings, locale, ui, "../" * (1 + len(path)), home),
        "title": heading if not path else f"{heading} | {settings.site_name}",
        "description": description, "canonical": here,
        "alternates": [{"hreflang": v.locale.bcp47, "href": v.href} for v in others]
        + [{"hreflang": "x-default", "href": x_default}],
        "og_alternates": [v.locale.open_graph for v in others if v.locale != locale],
        "json_ld": json_ld({"@context": "https://schema.org", "@graph": graph}),
        "switcher": switcher(others, locale),
        "crumbs": trail, "heading": heading, "children": children, "listed": listed,
    }
    return environment().get_template("index.html.j2").render(context)


def _listed(name: str, locale: SiteLocale, versions: dict[str, list[Link]], extract: Extract,
            states: States) -> dict[str, str]:
    link = next(v for v in versions[name] if v.locale == locale)
    entry = extract[name] if link.locale == versions[name][0].locale else states[locale.gettext][name]
    return {"href": link.href, "title": entry.title or name, "description": entry.description or ""}


def _description(heading: str, titles: list[str]) -> str:
    """`heading: title, title, …`, cut at a word before DESCRIPTION_LIMIT characters."""
    text = f"{heading}: {', '.join(titles)}" if titles else heading
    if len(text) <= DESCRIPTION_LIMIT:
        return text
    return text[:DESCRIPTION_LIMIT - 1].rsplit(" ", 1)[0].rstrip(",;: ") + "…"


def _chooser(settings: Settings, homes: list[Version], ui: Interface, template: str, canonical: str | None,
             root: str) -> str:
    """The language chooser at the root (/) or the 404 page: a link to every locale's home page."""
    from pipeline.site.furniture import publisher
    from pipeline.site.pages import chrome, environment, json_ld

    source = settings.source_locale
    choices = [{"href": h.href, "lang": h.locale.bcp47, "dir": h.locale.direction,
                "name": h.locale.native_name} for h in homes]
    names = " · ".join(c["name"] for c in choices)
    context = {
        **chrome(settings, source, ui, root, f"{settings.base_url}/"),
        "title": settings.site_name if canonical else f"Page not found | {settings.site_name}",
        "heading": settings.site_name if canonical else "Page not found",
        "message": "The page you asked for is not here. Choose your language to find our treatments:",
        "description": f"{settings.site_name}: {names}",
        "canonical": canonical, "choices": choices,
        "robots": None if canonical else "noindex",
        "alternates": [], "og_alternates": [],  # see build: no translation of its own
    }
    if canonical:
        clinic = publisher(settings)
        # A medical clinic's entry page: a MedicalWebPage (what SEO auditors expect of every page of a
        # medical site), about the clinic rather than a therapy.
        context["json_ld"] = json_ld({"@context": "https://schema.org", "@graph": [
            {"@type": "MedicalWebPage", "@id": f"{canonical}#webpage", "about": {"@id": clinic["@id"]},
             "url": canonical, "name": settings.site_name,
             "inLanguage": source.bcp47, "publisher": {"@id": clinic["@id"]},
             "isPartOf": {"@type": "WebSite", "name": settings.site_name, "url": canonical}}, clinic]})
    return environment().get_template(template).render(context)
