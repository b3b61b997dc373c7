"""Stage 4: a localised page -> HTML (Jinja2, autoescaped: a translation is text, never markup).

Every published version of a page lists every published version (itself included) as
``hreflang`` alternates, plus ``x-default`` -> the source-language page; Open Graph and JSON-LD
say the same. Unpublished versions appear nowhere.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlsplit

from markupsafe import Markup, escape

from pipeline.config import Settings
from pipeline.copydeck.model import Anchor, Block, Link, OrderedList, Page, Paragraph, Section, Text
from pipeline.locales import SiteLocale
from pipeline.site.interface import Interface
from pipeline.site.links import link_target

if TYPE_CHECKING:
    from jinja2 import Environment

    from pipeline.review.findings import Finding

STYLESHEET_PATH = "assets/site.css"


TEMPLATES = Path(__file__).parent / "templates"


@cache
def environment() -> Environment:
    from jinja2 import Environment, PackageLoader, StrictUndefined  # imported by the jobs that render

    # auto_reload off: the templates are the package's code, fixed for a process's life as its modules are
    # (Jinja2 would otherwise stat each template file on every page it renders: 26,000 stats in a render
    # job of 1,000 pages × 8 locales).
    env = Environment(loader=PackageLoader("pipeline.site", "templates"), autoescape=True,
                      undefined=StrictUndefined, keep_trailing_newline=True, auto_reload=False)
    return env


def cache_compiled_templates(folder: Path) -> None:
    """Keep the compiled templates in `folder`: every job is a new process, and compiling them
    again costs each one tens of milliseconds. (Jinja2 checks each against its template's source.)
    Written through fsio like every other file, so the temporary file of a job killed while writing
    one is swept by the next run (Jinja2's own temporaries have names the sweep does not know)."""
    env = environment()
    if env.bytecode_cache is not None:  # once a process
        return
    from jinja2 import FileSystemBytecodeCache
    from jinja2.bccache import Bucket

    from pipeline import fsio

    class AtomicBytecodeCache(FileSystemBytecodeCache):
        def load_bytecode(self, bucket: Bucket) -> None:  # never blocks on a FIFO planted in its folder
            data = fsio.read_own(self.file(bucket))
            if data is not None:
                bucket.bytecode_from_string(data)

        def dump_bytecode(self, bucket: Bucket) -> None:
            fsio.write_atomic(self.file(bucket), bucket.bytecode_to_string())

        def file(self, bucket: Bucket) -> Path:
            return Path(self.directory) / (self.pattern % (bucket.key,))

    folder.mkdir(parents=True, exist_ok=True)
    env.bytecode_cache = AtomicBytecodeCache(str(folder))


def stylesheet() -> str:
    return (TEMPLATES / "site.css").read_text("utf-8")


def json_ld(data: object) -> Markup:
    """JSON for a <script> element: '<', '>' and '&' escaped so no string can close the element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(text)  # noqa: S704 - every character that could end the script is escaped above


def plain(text: Text) -> Markup:
    return escape(text.text)


@dataclass(frozen=True, slots=True)
class Crumb:
    """A breadcrumb item's link: an index page (`lang` when it is in another language) or the page."""

    href: str
    lang: str | None = None


@dataclass(frozen=True, slots=True)
class Review:
    """Who reviewed the page's medical content and when (copy-deck headers), and when its translation
    was reviewed (the catalog's sign-off, else its PO-Revision-Date): ISO dates."""

    by: str | None = None
    on: str | None = None
    translated_on: str | None = None


def render_page(page: Page, settings: Settings, here: Link, versions: list[Link],
                mark: Callable[[Text], Markup] = plain, preview_banner: Markup | None = None,
                ui: Interface | None = None, crumbs: list[Crumb] | None = None, review: Review | None = None) -> str:
    """HTML of `page` (already localised) published at `here`; `versions` are all published ones.

    With `preview_banner` the page is a reviewer preview: noindex, no canonical or hreflang.
    `ui`: the interface strings (default: the source language's); `crumbs`: a link for each
    breadcrumb item (None: the items are text, as in previews).
    """
    source = next(v for v in versions if v.locale == settings.source_locale) if versions else here
    ui = ui or Interface(settings.source_locale)
    canonical = None if preview_banner else here.href
    alternates = [] if preview_banner else (
        [{"hreflang": v.locale.bcp47, "href": v.href} for v in versions]
        + [{"hreflang": "x-default", "href": source.href}]
    )
    linked = linking(mark, page.anchors, settings)
    trail = [{"text": linked(item), "href": crumbs[i].href if crumbs else None,
              "lang": crumbs[i].lang if crumbs else None} for i, item in enumerate(page.breadcrumb)]
    context = {
        **chrome(settings, here.locale, ui, "../../", crumbs[0].href if crumbs else f"{settings.base_url}/"),
        "page": page,
        "title": page.meta_title.text,
        "description": page.meta_description.text,
        "canonical": canonical,
        "alternates": alternates,
        "robots": "noindex, nofollow" if preview_banner else None,
        "og_alternates": [] if preview_banner else [v.locale.open_graph for v in versions if v.locale != here.locale],
        "json_ld": None if preview_banner else json_ld(structured_data(page, here, settings, crumbs, review)),
        "switcher": [] if preview_banner else switcher(versions, here.locale),
        "crumbs": trail,
        "review": _review_context(review, ui) if review else None,
        "mark": linked,
        "block_html": block_renderer(linked),
        "banner": preview_banner,
    }
    return environment().get_template("page.html.j2").render(context)


def block_renderer(mark: Callable[[Text], Markup]) -> Callable[[Block, str], Markup]:
    """The HTML of a paragraph, or of a list with its introducing paragraph, each text through `mark`
    (which escapes it); `cls` is the paragraphs' class. In Python rather than a template macro: a page
    has dozens of blocks, and a Jinja2 macro call costs more than the rest of the block's rendering."""

    def render(block: Block, cls: str) -> Markup:
        attrs = f' class="{escape(cls)}"' if cls else ""
        if isinstance(block, Paragraph):
            return Markup(f"<p{attrs}>{mark(block.text)}</p>")  # noqa: S704 - mark escapes the text
        tag = "ol" if isinstance(block, OrderedList) else "ul"
        intro = f"<p{attrs}>{mark(block.intro)}</p>\n" if block.intro else ""
        items = "".join(f"\n<li>{mark(item)}</li>" for item in block.items)
        return Markup(f"{intro}<{tag}>{items}\n</{tag}>")  # noqa: S704 - mark escapes every text

    return render


def chrome(settings: Settings, locale: SiteLocale, ui: Interface, root: str, home: str) -> dict[str, Any]:
    """What every template of the site needs (layout.html.j2): language, furniture, interface strings.
    `root`: the relative path to the web root from the page; `home`: the href of the logo's link."""
    from pipeline.site.furniture import furniture

    other = ui.lang != locale.bcp47  # the interface falls back to the source language: say so
    return {
        "lang": locale.bcp47, "dir": locale.direction, "og_locale": locale.open_graph,
        "site_name": settings.site_name, "stylesheet": STYLESHEET_PATH, "root": root, "home_href": home,
        "furniture": furniture(settings), "_": ui.gettext,
        "ui_attrs": Markup(f' lang="{escape(ui.lang)}" dir="{ui.dir}"') if other else "",  # noqa: S704 - escaped
        "crumbs": [], "banner": None, "robots": None, "json_ld": None, "switcher": [],
    }


class Versioned(Protocol):
    """A page in one language: a published version (`Link`) or an index page's."""

    @property
    def locale(self) -> SiteLocale: ...

    @property
    def href(self) -> str: ...


def switcher(versions: Sequence[Versioned], current: SiteLocale) -> list[dict[str, Any]]:
    languages = [v.locale.babel.language for v in versions]
    return [{"name": v.locale.native_name if languages.count(v.locale.babel.language) == 1
             else v.locale.native_name_with_region,
             "href": v.href, "lang": v.locale.bcp47, "current": v.locale == current} for v in versions]


def _review_context(review: Review, ui: Interface) -> dict[str, str | None] | None:
    if not (review.by or review.on or review.translated_on):
        return None
    return {"by": review.by, "on": review.on, "on_text": long_date(review.on, ui.locale),
            "translated_on": review.translated_on, "translated_on_text": long_date(review.translated_on, ui.locale)}


def long_date(iso: str | None, locale: SiteLocale) -> str | None:
    """``2026-03-01`` -> ``1 March 2026`` in the interface's language (CLDR's long date format)."""
    if not iso:
        return None
    import datetime

    from babel.dates import format_date  # only pages with a review date pay for its import

    return format_date(datetime.date.fromisoformat(iso), "long", locale=locale.babel)


def structured_data(page: Page, here: Link, settings: Settings, crumbs: list[Crumb] | None = None,
                    review: Review | None = None) -> dict[str, object]:
    from pipeline.site.furniture import publisher

    url = here.href
    items = [
        {"@type": "ListItem", "position": i, "name": item.text, "item": crumbs[i - 1].href if crumbs else url}
        for i, item in enumerate(page.breadcrumb, start=1)
    ]
    if not crumbs:  # without index pages, only the page itself can be named
        for item in items[:-1]:
            del item["item"]
    clinic = publisher(settings)
    webpage: dict[str, object] = {
        "@type": "MedicalWebPage",
        "@id": f"{url}#webpage",
        "url": url,
        "name": page.meta_title.text,
        "headline": page.title.text,
        "description": page.meta_description.text,
        "inLanguage": here.locale.bcp47,
        "isPartOf": {"@type": "WebSite", "name": settings.site_name, "url": f"{settings.base_url}/"},
        "about": {"@type": "MedicalTherapy", "name": page.title.text},
        "breadcrumb": {"@id": f"{url}#breadcrumb"},
        "publisher": {"@id": clinic["@id"]},
    }
    if review and review.by:
        webpage["reviewedBy"] = {"@type": "Person", "name": review.by}
    if review and review.on:
        webpage["lastReviewed"] = review.on
    return {
        "@context": "https://schema.org",
        "@graph": [
            webpage,
            {"@type": "BreadcrumbList", "@id": f"{url}#breadcrumb", "itemListElement": items},
            clinic,
            *faq_data(page, here),
        ],
    }


def faq_data(page: Page, here: Link) -> list[dict[str, object]]:
    """An `FAQPage` node for the page's FAQ questions (none when it has no FAQ)."""
    questions = [_question(sub) for section in page.sections if section.faq for sub in section.subsections
                 if sub.heading is not None and sub.blocks]
    if not questions:
        return []
    return [{"@type": "FAQPage", "@id": f"{here.href}#faq", "url": here.href, "inLanguage": here.locale.bcp47,
             "isPartOf": {"@id": f"{here.href}#webpage"}, "mainEntity": questions}]


def _question(section: Section) -> dict[str, object]:
    assert section.heading is not None
    texts = []
    for block in section.blocks:
        if isinstance(block, Paragraph):
            texts.append(block.text.text)
        else:
            texts += [t.text for t in ((block.intro,) if block.intro else ()) + block.items]
    return {"@type": "Question", "name": section.heading.text,
            "acceptedAnswer": {"@type": "Answer", "text": " ".join(texts)}}


def linking(mark: Callable[[Text], Markup], anchors: tuple[Anchor, ...],
            settings: Settings) -> Callable[[Text], Markup]:
    """`mark`, with the source's phone numbers, e-mail addresses and URLs made links wherever the
    (translated) text holds them unchanged. Targets come from the source's anchors, never from a
    translation; a text without anchors on its line is marked as before."""
    by_line: dict[int, dict[str, str]] = {}
    for anchor in anchors:
        opening = _opening_tag(anchor, settings)
        if opening:
            by_line.setdefault(anchor.line, {})[str(escape(anchor.text))] = opening
    if not by_line:
        return mark

    def linked(text: Text) -> Markup:
        html = mark(text)
        links = by_line.get(text.line)
        if not links:
            return html
        spans = re.compile("|".join(re.escape(s) for s in sorted(links, key=len, reverse=True)))
        return Markup(spans.sub(lambda m: f"{links[m.group(0)]}{m.group(0)}</a>", str(html)))  # noqa: S704

    return linked


def _opening_tag(anchor: Anchor, settings: Settings) -> str | None:
    href = link_target(anchor, settings.country)
    if href is None:
        return None
    external = anchor.kind == "url" and urlsplit(href).netloc != urlsplit(settings.base_url).netloc
    rel = ' rel="noopener"' if external else ""
    return f'<a href="{escape(href)}"{rel}>'


# A finding's kind in a preview, in the banner's order: (singular, plural).
FINDING_KINDS = {"error": ("blocking finding", "blocking findings"), "warning": ("warning", "warnings"),
                 "accepted": ("accepted finding", "accepted findings")}


def preview_banner(locale: SiteLocale, counts: dict[str, int], published: bool, reasons: list[str],
                   findings: list[Finding], source: SiteLocale | None = None) -> Markup:
    """The legend and per-page counts at the top of a reviewer preview; the QA findings one line per
    check and kind with a count (each one is shown in place, on its segment)."""
    from pipeline.review.publish import QA_REASON, STATE_LABELS, STATES

    states = [{"key": s, "label": STATE_LABELS[s], "count": counts.get(s, 0)} for s in STATES if s != "reviewed"]
    kinds = list(FINDING_KINDS)
    grouped = Counter((kinds.index(finding_kind(f)), f.code) for f in findings)
    lines = [f"[{code}] {n} {FINDING_KINDS[kinds[kind]][n > 1]}" for (kind, code), n in sorted(grouped.items())]
    html = environment().get_template("preview_banner.html.j2").render(
        locale_name=locale.english_name, lang=locale.bcp47, published=published, findings=lines,
        reasons=[r for r in reasons if not r.startswith(QA_REASON)],
        reviewed=counts.get("reviewed", 0), total=sum(counts.values()), states=states,
        source_name=source.english_name.split(" (")[0] if source else "source")
    return Markup(html)  # noqa: S704 - rendered by the autoescaping environment


def finding_kind(finding: Finding) -> str:
    """A key of FINDING_KINDS."""
    return "accepted" if finding.accepted else "error" if finding.blocking else "warning"


def finding_note(findings: list[Finding]) -> str:
    """What a segment's findings say, in place: ``[numbers] …; [length] …``."""
    return "; ".join(f"[{f.code}] {f.message}" + (f" (accepted: {f.accepted})" if f.accepted else "")
                     for f in findings)


def state_marker(states: dict[tuple[int, str], str], source: SiteLocale,
                 findings: dict[tuple[int, str], list[Finding]] | None = None,
                 sources: dict[tuple[int, str], str] | None = None) -> Callable[[Text], Markup]:
    """`mark` for previews: wraps each text that is not reviewed in a span naming its state; an
    untranslated one shows the source text, marked with the source language and direction. A text
    with QA findings is highlighted (`<mark>`, an error when one of them blocks) and followed by
    what they say. Every translated text carries its source (`sources`): in its tooltip, and under
    it when the reviewer ticks "Show the source" in the banner (side by side, no script)."""
    from pipeline.review.publish import STATE_LABELS

    in_source = f' lang="{escape(source.bcp47)}" dir="{source.direction}"'
    name = escape(source.native_name)

    def marked(text: Text) -> Markup:
        state = states.get((text.line, text.text), "reviewed")
        original = (sources or {}).get((text.line, text.text))
        if state == "untranslated":  # the text is the source
            return Markup(f'<span class="seg seg-untranslated" title="{escape(STATE_LABELS[state])}"{in_source}>'
                          f"{escape(text.text)}</span>")  # noqa: S704 - the text is escaped
        label = "" if state == "reviewed" else f"{STATE_LABELS[state]} — "
        title = f"{label}{name}: {original}" if original is not None else label.rstrip(" —")
        css = "seg-pair" if state == "reviewed" else f"seg seg-{state} seg-pair"
        if not title:
            return escape(text.text)
        shown = (f'<span class="seg-source"{in_source}>{escape(original)}</span>' if original is not None else "")
        return Markup(f'<span class="{css}" title="{escape(title)}">{escape(text.text)}{shown}</span>')  # noqa: S704

    def mark(text: Text) -> Markup:
        found = (findings or {}).get((text.line, text.text))
        if not found:
            return marked(text)
        severity = "error" if any(finding_kind(f) == "error" for f in found) else "warning"
        note = escape(finding_note(found))
        return Markup(f'<mark class="qa qa-{severity}" title="{note}">{marked(text)}</mark>'  # noqa: S704 - escaped
                      f'<small class="qa-note" lang="en" dir="ltr">{note}</small>')

    return mark
