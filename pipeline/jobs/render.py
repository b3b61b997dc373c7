"""Job `render` (per shard of pages): the published pages (output/site/) and a reviewer preview of
every page in every locale (output/preview/); manifest output/.state/render/shard-<n>.json."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from pipeline import fsio
from pipeline.copydeck.model import URL_SLUG
from pipeline.errors import CatalogChanged, PipelineError, Problem
from pipeline.jobs import manifests
from pipeline.jobs.ledger import Recorder
from pipeline.jobs.ledger import load as load_ledger
from pipeline.jobs.manifests import LocaleManifest, LocalePage, RenderedPage, RenderManifest
from pipeline.jobs.progress import Progress
from pipeline.jobs.state import (
    code_and_config_digest,
    fingerprint,
    load_states,
    log_problem,
    previous,
    published_versions,
    save,
)
from pipeline.paths import INTERFACE, Project, shard_of
from pipeline.review.findings import Finding

log = logging.getLogger("clinic_l10n")

if TYPE_CHECKING:
    from pathlib import Path

    from pipeline.config import Settings
    from pipeline.copydeck.model import Link, Segment
    from pipeline.locales import SiteLocale
    from pipeline.po.catalog import Key, Message
    from pipeline.site.interface import Interface
    from pipeline.site.pages import Crumb


def is_current(project: Project, shard: int) -> bool:
    """True when nothing the shard's pages depend on changed since its last run and its files are all
    there. Checked before the configuration, Babel or Jinja2 are loaded: a shard with no edited page
    costs little more than its interpreter start (in a rebuild after one edit, all shards but one)."""
    manifest = manifests.read(project.render_manifest(shard), RenderManifest)
    return manifest is not None and manifest.shard_inputs == _inputs(project, shard, manifest.shards) \
        and all((project.root / f).is_file() for f in manifest.files)


def _inputs(project: Project, shard: int, shards: int) -> str:
    """Names everything the shard's pages are rendered from: the code and configuration, every source
    page's digest and slug (the extract manifest), and each locale's state of the shard's pages
    (their catalogs' digests, publication, reasons, counts)."""
    extract = fsio.digest(fsio.read_bytes(project.extract_manifest) or b"")
    states = [(path.name, _shard_state(path, shard, shards)) for path in project.locale_manifests()]
    return fingerprint(code_and_config_digest(project), extract, states)


def _shard_state(path: Path, shard: int, shards: int) -> str:
    """Names what the locale manifest at `path` says about the shard's pages (and the interface). The
    same bytes give the same answer without decoding them again (`serve` asks at every save)."""
    raw = fsio.read_own(path) or b""
    key = (str(path), shard, shards)
    hit = _shard_states.get(key)
    if hit is not None and hit[0] == raw:
        return hit[1]
    pages = manifests.stored_pages(path, LocaleManifest)
    named = fingerprint(sorted((n, e) for n, e in pages.items() if n == INTERFACE or shard_of(n, shards) == shard))
    _shard_states[key] = (raw, named)
    return named


_shard_states: dict[tuple[str, int, int], tuple[bytes, str]] = {}


def run_render(project: Project, settings: Settings, shard: int) -> list[Problem]:
    """Write the published pages of this shard's pages (output/site/) and a reviewer preview of every
    page in every configured locale (output/preview/). Returns the pages that could not be written
    (logged, and printed by the job itself: no manifest keeps them): the job fails, and runs again."""
    path = project.render_manifest(shard)
    inputs = _inputs(project, shard, settings.render_shards)  # before reading them: a later change reruns it
    last = previous(path, RenderManifest)
    old = last.pages if last is not None else {}
    extract, states = load_states(project, settings)
    versions = published_versions(settings, extract, states)
    current = code_and_config_digest(project)
    record = Recorder(project, previous=load_ledger(project.ledger(f"render-{shard}")))
    interfaces = Interfaces(project, settings, _interface_states(settings, states))
    pages: dict[str, RenderedPage] = {}
    errors: list[Problem] = []
    complete = True
    rendered = 0  # files
    # Every page of a locale shows its interface strings and links its breadcrumb to its index pages
    # when the locale's interface catalog (site.po) is published.
    ui_key = {code: (s.inputs, s.published) if s is not None else None
              for code, s in _interface_states(settings, states).items()}
    mine = {name: links for name, links in versions.items() if shard_of(name, settings.render_shards) == shard}
    root = str(project.root)  # paths joined as strings below: a shard checks thousands of files
    progress = Progress(f"render shard {shard}", len(mine), "pages", "rendering")
    for name, links in progress.each(list(mine.items())):
        # A page is rendered again when its source, its published versions, or one of its catalogs
        # (as the update job recorded it: `inputs` names the catalog's bytes) or their state changed.
        # A locale whose catalog could not be read has no preview (the update job reported it).
        status = {loc.gettext: states[loc.gettext][name] for loc in settings.locales
                  if name in states[loc.gettext] and states[loc.gettext][name].error is None}
        source_digest = extract[name].source_digest or ""
        key = fingerprint(current, source_digest, [(v.locale.gettext, v.slug) for v in links],
                          {code: (s.inputs, s.published, list(s.reasons)) for code, s in status.items()}, ui_key)
        prev = old.get(name)
        # The same key names the same files (their paths come from the same versions and locales).
        if prev is not None and prev.inputs == key and all(os.path.isfile(f"{root}/{f}") for f in prev.files):
            pages[name] = prev
            record.kept_names(prev.files)
            continue
        files = [project.relative(project.page_file(v.locale.url_segment, v.slug)) for v in links]
        files += [project.relative(project.preview_file(loc.url_segment, links[0].slug)) for loc in settings.locales
                  if loc.gettext in status]
        # Only the files whose own inputs changed: a saved catalog re-renders that locale's published
        # page and preview, not the page in every locale.
        parts = _parts(project, settings, current, source_digest, links, status, ui_key)
        done_parts = prev.parts if prev is not None else {}
        redo = {f for f, part in parts.items() if done_parts.get(f) != part or not (project.root / f).is_file()}
        try:
            _render_page(project, settings, name, source_digest, links, status, interfaces, redo)
            pages[name] = RenderedPage(key, tuple(files), parts)
            rendered += len(redo)
            record.wrote(*(project.root / f for f in files if f in redo))
            record.kept(project.root / f for f in files if f not in redo)
        except CatalogChanged as err:  # saved during this run: rendered from the checked bytes next run
            log.info("%s", err)
            complete = False
            if prev is not None:  # some of its files may be new: all are rendered again next run
                pages[name] = RenderedPage(None, prev.files)
                record.kept(project.root / f for f in prev.files)
        except PipelineError as err:  # not in a manifest: the job prints it, and fails (see cli)
            log_problem(err.problem, printed=True)
            errors.append(err.problem)
            if prev is not None:  # its last build stays online until it can be written again, then in full
                pages[name] = RenderedPage(prev.inputs, prev.files)
                record.kept(project.root / f for f in prev.files)
    _remove_stale(project, old, pages)
    # After an error (a full disk, say) the next run takes the full path again: no inputs to match.
    done = complete and not errors
    save(path, RenderManifest(pages, inputs if done else None, settings.render_shards))
    record.save(project.ledger(f"render-{shard}"))
    total = sum(len(page.files) for page in pages.values())
    progress.finish(f"{len(mine):,} pages, {rendered:,} of their {total:,} files rendered, "
                    f"{len(errors):,} with a problem")
    return errors


def _parts(project: Project, settings: Settings, current: str, source_digest: str, links: list[Link],
           status: dict[str, LocalePage], ui_key: Mapping[str, object]) -> dict[str, str]:
    """Each file of a page -> what it is rendered from. A published page: the code and configuration, the
    source, the page's published versions (its language switcher and hreflang links), its own catalog's
    state and its locale's interface. A preview: the same but the versions (it links to none), with the
    whole state of its locale's catalog (the counts and findings its banner and notes show)."""
    versions = [(v.locale.gettext, v.slug) for v in links]
    parts: dict[str, str] = {}
    for v in links:
        state = status.get(v.locale.gettext)
        own = (state.inputs, state.published, list(state.reasons), state.reviewed_on) if state is not None else None
        parts[project.relative(project.page_file(v.locale.url_segment, v.slug))] = fingerprint(
            current, source_digest, versions, own, ui_key.get(v.locale.gettext))
    for code, state in status.items():
        locale = settings.locale(code)
        parts[project.relative(project.preview_file(locale.url_segment, links[0].slug))] = fingerprint(
            current, source_digest, links[0].slug, state.to_json(), ui_key.get(code))
    return parts


def _interface_states(settings: Settings, states: dict[str, dict[str, LocalePage]]) -> dict[str, LocalePage | None]:
    """Each locale's state of its interface catalog (site.po), None before it has one."""
    return {loc.gettext: states[loc.gettext].get(INTERFACE) for loc in settings.locales}


class Interfaces:
    """Each locale's interface strings, read once a job from the catalog QA checked (published ones only)."""

    def __init__(self, project: Project, settings: Settings, states: dict[str, LocalePage | None]) -> None:
        self.project, self.settings, self.states = project, settings, states
        self.loaded: dict[str, Interface] = {}

    def published(self, locale: SiteLocale) -> bool:
        state = self.states.get(locale.gettext)
        return locale == self.settings.source_locale or (state is not None and state.published)

    def of(self, locale: SiteLocale) -> Interface:
        """`locale`'s interface when published, else the source language's."""
        from pipeline.site import interface

        if not self.published(locale) or locale == self.settings.source_locale:
            return interface.Interface(self.settings.source_locale)
        if locale.gettext not in self.loaded:
            from pipeline.catalogs import catalogcache

            path = self.project.catalog(locale.gettext, INTERFACE)
            state = self.states[locale.gettext]
            catalog = catalogcache.load_checked(self.project, path, (state.catalog_digest if state else None) or "")
            self.loaded[locale.gettext] = interface.interface_of(locale, catalog)
        return self.loaded[locale.gettext]

    def crumbs(self, english: list[str], here: Link) -> list[Crumb]:
        """Links for a page's breadcrumb: the index pages of its locale (of the source locale while the
        locale's interface is not published: they exist only then), the last item the page itself."""
        from pipeline.site.navigation import crumb_paths, index_href
        from pipeline.site.pages import Crumb

        home = here.locale if self.published(here.locale) else self.settings.source_locale
        lang = None if home == here.locale else home.bcp47
        return [Crumb(here.href) if path is None else Crumb(index_href(here.base_url, home.url_segment, path), lang)
                for path in crumb_paths(english)]


def _render_page(project: Project, settings: Settings, name: str, source_digest: str, links: list[Link],
                 status: dict[str, LocalePage], interfaces: Interfaces, redo: set[str]) -> None:
    """Render from exactly what was checked: the source page whose digest the extract job recorded and
    each catalog in the version the update job decided on (CatalogChanged if either changed since).
    Writes the files named in `redo` (project-relative) only."""
    from pipeline.catalogs import catalogcache
    from pipeline.copydeck.model import Link
    from pipeline.copydeck.parse import parse_page
    from pipeline.copydeck.segments import walk
    from pipeline.site.pages import Review, cache_compiled_templates, preview_banner, render_page, state_marker

    cache_compiled_templates(project.compiled_templates)

    source = project.source(name)
    data = fsio.read_bytes(source, within=project.root)
    if data is None or fsio.digest(data)[:24] != source_digest:
        raise CatalogChanged("changed since its template was made; the next run builds it", project.relative(source))
    page = parse_page(data, project.relative(source), name)
    site = {link.locale.gettext for link in links
            if project.relative(project.page_file(link.locale.url_segment, link.slug)) in redo}
    previews = {code for code in status
                if project.relative(project.preview_file(settings.locale(code).url_segment, links[0].slug)) in redo}
    parsed = {code: catalogcache.load_checked(project, project.catalog(code, name), info.catalog_digest or "").by_key()
              for code, info in status.items() if code in site | previews}
    english = [item.text for item in page.breadcrumb]
    for link in links:
        if link.locale.gettext not in site:
            continue
        localised = page
        translated_on = None
        if link.locale != settings.source_locale:
            where = project.relative(project.catalog(link.locale.gettext, name))
            localised = walk(page, _translator(parsed[link.locale.gettext], where))
            translated_on = status[link.locale.gettext].reviewed_on
        review = Review(page.reviewed_by.text if page.reviewed_by else None,
                        page.last_reviewed.text if page.last_reviewed else None, translated_on)
        html = render_page(localised, settings, link, links, ui=interfaces.of(link.locale),
                           crumbs=interfaces.crumbs(english, link), review=review)
        fsio.write_text(project.page_file(link.locale.url_segment, link.slug), html)
    for locale in settings.locales:
        translations = parsed.get(locale.gettext)
        if translations is None or locale.gettext not in previews:
            continue
        info = status[locale.gettext]
        marks: Shown = {}
        noted: Noted = {}
        sources: Sources = {}
        localised = walk(page, _drafts_shown(translations, _findings_by_key(translations, info), marks, noted,
                                             sources))
        banner = preview_banner(locale, info.counts.messages, info.published, list(info.reasons),
                                list(info.findings), settings.source_locale)
        here = Link(locale, links[0].slug, settings.base_url)
        mark = state_marker(marks, settings.source_locale, noted, sources)
        html = render_page(localised, settings, here, [], mark=mark, preview_banner=banner,
                           ui=interfaces.of(locale))
        fsio.write_text(project.preview_file(locale.url_segment, links[0].slug), html)


Shown = dict[tuple[int, str], str]  # (line, text) of a segment as a preview shows it -> its review state
Noted = dict[tuple[int, str], list[Finding]]  # ... -> the QA findings on it
Sources = dict[tuple[int, str], str]  # ... -> its source text


def _drafts_shown(translations: dict[Key, Message], found: dict[Key, list[Finding]], marks: Shown,
                  noted: Noted, sources: Sources) -> Callable[[Segment], str]:
    """For a preview: each segment's translation or draft (its source text when it has none), noting
    its review state in `marks`, its findings in `noted` and its source text in `sources`."""
    from pipeline.review.publish import state_of

    def draft(segment: Segment) -> str:
        message = translations.get(segment.key)
        text = message.msgstr if message is not None and message.translated else segment.text
        marks[(segment.line, text)] = state_of(message)
        sources[(segment.line, text)] = segment.text
        if segment.key in found:
            noted[(segment.line, text)] = found[segment.key]
        return text

    return draft


def _findings_by_key(translations: dict[Key, Message], info: LocalePage) -> dict[Key, list[Finding]]:
    """The update job's findings by the key of their entry (a finding names the line where its entry starts
    in the catalog it checked: the one rendered here)."""
    at_line = {message.line: key for key, message in translations.items()}
    by_key: dict[Key, list[Finding]] = {}
    for finding in info.findings:
        key = at_line.get(finding.line)
        if key is not None:
            by_key.setdefault(key, []).append(finding)
    return by_key


def _translator(translations: dict[Key, Message], where: str) -> Callable[[Segment], str]:
    def translate(segment: Segment) -> str:
        message = translations.get(segment.key)
        if message is None or not message.reviewed or message.msgid_plural is not None:  # a segment is singular
            raise PipelineError(f"no reviewed translation for {segment.text[:60]!r}", where)
        return message.msgstr.strip() if segment.role == URL_SLUG else str(message.msgstr)

    return translate


def _remove_stale(project: Project, old: dict[str, RenderedPage], new: dict[str, RenderedPage]) -> None:
    keep = {f for entry in new.values() for f in entry.files}
    for entry in old.values():
        for file in entry.files:
            if file not in keep:
                path = project.root / file
                fsio.remove(path, project.site if project.site in path.parents else project.preview)
