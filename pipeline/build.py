"""The jobs Snakemake runs. Each reads its inputs through `paths.Project`, calls the pure stage
modules, writes changed files atomically and records a manifest (output/.state/) that the next
rule depends on.

Jobs are incremental inside: a page whose inputs (and the code and configuration) have not
changed since the last run is not processed again, so one job per locale or per shard of pages
stays cheap on a rerun. Problems with one page are recorded in the manifest and reported, and
every other page still builds; `verdict` fails the run at the end while any problem remains.
"""

from __future__ import annotations

import json
import logging
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import catalogcache, fsio, machine, prefill
from .catalog import Catalog, Key
from .config import Settings
from .copydeck import parse_page
from .errors import PipelineError
from .extract import creation_date, same_but_date, template_for
from .locales import SiteLocale
from .memory import Memory
from .mtcache import Cache
from .paths import PAGE_NAME, Project, shard_of
from .pofile import format_po, write_po
from .protect import protected_pattern
from .publish import decide
from .qa import Checker, read_glossary
from .update import check_header, updated

if TYPE_CHECKING:
    from .render import Link
    from .segments import Segment

log = logging.getLogger("clinic_l10n")
SLUG_KEY = ("URL slug", "")  # msgctxt of the slug entry; msgid filled per page


# ----------------------------------------------------------------------------------------- state


def load_manifest(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text("utf-8"))
    except (FileNotFoundError, ValueError):
        return {}


def save_manifest(path: Path, data: dict[str, Any]) -> None:
    fsio.write_text(path, json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1) + "\n")


@cache
def code_digest() -> str:
    """Changes whenever the package's code or templates change, so outputs are rebuilt."""
    package = Path(__file__).parent
    parts = [p.read_bytes() for p in sorted(package.rglob("*")) if p.suffix in (".py", ".j2", ".css", ".json")]
    return fsio.digest(b"\0".join(parts))[:16]


def stamp(project: Project) -> str:
    config = fsio.read_bytes(project.config_file) or b""
    return fsio.digest(code_digest().encode() + config)[:16]


def key_of(*parts: object) -> str:
    return fsio.digest(json.dumps(parts, sort_keys=True, ensure_ascii=False).encode("utf-8"))[:24]


def report(problem: PipelineError | str, errors: list[str]) -> None:
    text = str(problem)
    log.error("%s", text if ": error: " in text else text.replace(": ", ": error: ", 1))
    errors.append(text)


# ----------------------------------------------------------------------------------- stage jobs


def run_extract(project: Project, settings: Settings) -> list[str]:
    """source/*.txt -> locales/templates/*.pot; manifest: output/.state/extract.json."""
    old = load_manifest(project.extract_manifest).get("pages", {})
    current = stamp(project)
    pages: dict[str, Any] = {}
    errors: list[str] = []
    for name in project.pages():
        if not PAGE_NAME.fullmatch(name):
            problem = (f"{project.relative(project.source(name))}: the file name must be lowercase letters, digits"
                       " and hyphens (at most 151 characters), as it names the page's catalogs and folders")
            report(problem, errors)
            pages[name] = {"error": problem}
            continue
        data = project.source(name).read_bytes()
        entry = {"source": fsio.digest(data)[:24], "stamp": current}
        prev = old.get(name, {})
        pot_now = fsio.read_bytes(project.template(name))
        if all(prev.get(k) == v for k, v in entry.items()) and pot_now is not None \
                and fsio.digest(pot_now)[:24] == prev.get("pot") and not prev.get("error"):
            pages[name] = prev
            continue
        try:
            page = parse_page(data, project.relative(project.source(name)), name)
        except PipelineError as err:
            report(err, errors)
            pages[name] = {**prev, **entry, "error": str(err)}
            continue
        template = template_for(page, settings, creation_date())
        if pot_now is None or not same_but_date(template, catalogcache.load(project, project.template(name), pot_now)):
            text = write_po(template)
            fsio.write_text(project.template(name), text)
            pot_now = text.encode("utf-8")
            catalogcache.store(project, project.template(name), pot_now, template)
        pages[name] = {**entry, "pot": fsio.digest(pot_now)[:24], "slug": page.slug.text}
    _check_source_slugs(project, pages, errors)
    for stale in sorted(set(old) - set(pages)):
        fsio.remove(project.template(stale), project.root)
    save_manifest(project.extract_manifest, {"pages": pages})
    return errors


def _check_source_slugs(project: Project, pages: dict[str, Any], errors: list[str]) -> None:
    from .publish import slug_problem

    owners: dict[str, list[str]] = {}
    for name, entry in pages.items():
        slug = entry.get("slug")
        if slug is None or entry.get("error"):
            continue
        problem = slug_problem(slug)
        if problem:
            entry["error"] = f"{project.relative(project.source(name))}: invalid URL Slug {slug!r}: {problem}"
            report(entry["error"], errors)
        owners.setdefault(slug, []).append(name)
    for slug, names in owners.items():
        if len(names) > 1:
            for name in names:
                pages[name]["error"] = (f"{project.relative(project.source(name))}: URL Slug {slug!r} is also used by"
                                        f" {', '.join(n for n in names if n != name)}")
                report(pages[name]["error"], errors)


def run_update_group(project: Project, settings: Settings, group: int) -> list[str]:
    """Update the catalogs of every locale in one group (one job, one interpreter start)."""
    locales = settings.locale_groups()[group]
    errors: list[str] = []
    for locale in locales:
        errors += run_update(project, settings, locale.gettext)
    digests = {loc.gettext: fsio.digest(fsio.read_bytes(project.locale_manifest(loc.gettext)) or b"")[:24]
               for loc in locales}
    save_manifest(project.group_manifest(group), {"locales": digests})
    return errors


def run_update(project: Project, settings: Settings, code: str) -> list[str]:
    """Merge every page's template into locales/<locale>/LC_MESSAGES/<page>.po, pre-fill drafts for
    the empty entries (memory, then one machine-translation batch), and decide publication.

    A page is processed again when its template or catalog changed, or when it still has empty
    entries and the translation memory (the reviewed entries of all pages) changed since."""
    locale = settings.locale(code)
    path = project.locale_manifest(locale.gettext)
    old = load_manifest(path).get("pages", {})
    extract = load_manifest(project.extract_manifest).get("pages", {})
    current = stamp(project)
    pots = {name: fsio.read_bytes(project.template(name)) for name in sorted(extract)}
    pos = {name: fsio.read_bytes(project.catalog(locale.gettext, name)) for name in pots}
    pages: dict[str, Any] = {}
    errors: list[str] = []
    work: dict[str, tuple[Catalog, Catalog]] = {}  # page -> (template, merged catalog)
    existing: dict[str, Catalog | None] = {}  # page -> the catalog as read (parsed once per job)

    def take(name: str) -> None:
        try:
            template, existing[name], merged = _merged(project, locale, name, pots[name] or b"", pos[name])
            work[name] = (template, merged)
        except PipelineError as err:
            report(err, errors)
            pages[name] = _failed(err, old.get(name, {}))

    own = {n: key_of(current, fsio.digest(b), fsio.digest(pos[n] or b"")) for n, b in pots.items() if b is not None}
    for name in own:
        prev = old.get(name, {})
        if prev.get("own") == own[name] and not prev.get("error"):
            pages[name] = prev
        else:
            take(name)
    memory_key = key_of(sorted((n, _reviewed_digest(work[n][1]) if n in work else pages.get(n, {}).get("reviewed"))
                               for n in own))
    for name, prev in list(pages.items()):
        if prev.get("counts", {}).get("messages", {}).get("untranslated", 0) and prev.get("memory") != memory_key:
            take(name)  # empty entries, and the memory changed: it may draft them now
    drafted = _prefill(project, settings, locale, work, pos)
    checker = _checker(project, settings, locale, errors)
    for name, (template, catalog) in work.items():
        try:
            written, lines = _write_catalog(project, locale, name, catalog, pos[name], existing[name])
        except PipelineError as err:
            report(err, errors)
            pages[name] = _failed(err, old.get(name, {}))
            continue
        status = _status(project, name, locale, template, catalog, checker, lines)
        status["own"] = key_of(current, fsio.digest(pots[name] or b""), fsio.digest(written))
        status["reviewed"] = _reviewed_digest(catalog)
        status["memory"] = memory_key
        pages[name] = status
    if drafted:
        log.info("%s: %s", locale.gettext, drafted)
    _unique_slugs(pages, project, locale)
    save_manifest(path, {"locale": locale.gettext, "pages": pages})
    return errors


def _reviewed_digest(catalog: Catalog) -> str:
    """What this catalog contributes to the translation memory."""
    return key_of(sorted([m.msgctxt or "", m.msgid, m.msgstr] for m in catalog.live if m.reviewed))


def _failed(err: PipelineError, prev: dict[str, Any]) -> dict[str, Any]:
    return {"own": None, "error": str(err), "published": False, "publishable": False,
            "reasons": [f"catalog error: {err}"], "slug": None, "counts": prev.get("counts", {})}


def _merged(project: Project, locale: SiteLocale, name: str, pot_bytes: bytes,
            po_bytes: bytes | None) -> tuple[Catalog, Catalog | None, Catalog]:
    """(template, the catalog as it is on disk or None, the catalog merged with the template)."""
    template = catalogcache.load(project, project.template(name), pot_bytes)
    existing = None
    if po_bytes is not None:
        where = project.relative(project.catalog(locale.gettext, name))
        existing = catalogcache.load(project, project.catalog(locale.gettext, name), po_bytes)
        check_header(existing, locale, where)
    return template, existing, updated(template, existing, locale)


def _prefill(project: Project, settings: Settings, locale: SiteLocale, work: dict[str, tuple[Catalog, Catalog]],
             pos: dict[str, bytes | None]) -> str:
    """Fill empty entries in place in `work`; returns a summary for the log."""
    if not any(not m.translated for _, c in work.values() for m in c.live):
        return ""
    outcome = prefill.Outcome()
    memory = _memory(project, locale, work, pos)
    for name, (template, catalog) in list(work.items()):
        work[name] = (template, prefill.fill_from_memory(name, catalog, memory, settings.tm_min_similarity, outcome))
    engine = machine.engine_for(settings.machine_translation, settings.source_locale, locale)
    if engine is not None and any(not m.translated for _, c in work.values() for m in c.live):
        cache = Cache(project.root / settings.machine_translation.cache, engine.provider, engine.engine,
                      settings.source_locale.gettext, locale.gettext)
        try:
            filled = prefill.fill_from_machine({n: c for n, (_, c) in work.items()}, engine, cache,
                                               protected_pattern(settings.do_not_translate), outcome)
        finally:
            cache.close()
        work.update({n: (work[n][0], c) for n, c in filled.items()})
    if outcome.failed:
        log.warning("warning: machine translation for %s failed, its empty entries stay empty and the build goes"
                    " on: %s", locale.gettext, outcome.failed)
    if outcome.masks_lost:
        log.warning("warning: %s: %d machine drafts dropped because protected text (numbers, contacts, terms)"
                    " did not come back intact", locale.gettext, outcome.masks_lost)
    if not outcome.memory and not outcome.machine:
        return ""
    return f"drafted {outcome.memory} entries from translation memory, {outcome.machine} by machine translation"


def _memory(project: Project, locale: SiteLocale, work: dict[str, tuple[Catalog, Catalog]],
            pos: dict[str, bytes | None]) -> Memory:
    memory = Memory()
    for name, data in pos.items():
        if name in work:
            memory.add(name, work[name][1])
        elif data is not None:
            try:
                memory.add(name, catalogcache.load(project, project.catalog(locale.gettext, name), data))
            except PipelineError:
                continue  # reported by that page's own update
    return memory


def _write_catalog(project: Project, locale: SiteLocale, name: str, catalog: Catalog, po_bytes: bytes | None,
                   existing: Catalog | None) -> tuple[bytes, dict[Key, int]]:
    """Write the catalog unless it equals what is on disk; refuse if the file changed since it was read.
    Returns the file's bytes and the line where each entry starts (for messages that name a line)."""
    po_path = project.catalog(locale.gettext, name)
    if po_bytes is not None and existing is not None and same_but_date(catalog, existing):
        return po_bytes, {m.key: m.line for m in existing.live}
    text, lines = format_po(catalog)
    fsio.write_text(po_path, text, expect=po_bytes, durable=True)
    catalogcache.store(project, po_path, text.encode("utf-8"), catalog)
    return text.encode("utf-8"), lines


def _checker(project: Project, settings: Settings, locale: SiteLocale, errors: list[str]) -> Checker:
    path = project.glossary(locale.gettext)
    try:
        glossary = read_glossary(path, project.relative(path))
    except PipelineError as err:
        report(err, errors)
        glossary = ()
    return Checker(settings.source_locale, locale, glossary, settings.do_not_translate)


def _status(project: Project, name: str, locale: SiteLocale, template: Catalog, catalog: Catalog,
            checker: Checker, lines: dict[Key, int]) -> dict[str, Any]:
    where = project.relative(project.catalog(locale.gettext, name))
    findings = checker.catalog(template, catalog, lines)
    for finding in findings:
        log.warning("%s", finding.render(where))
    blocking = tuple(f"QA: {finding.render(where)}" for finding in findings if finding.blocking)
    slug_entry = next((m for m in template.messages if m.msgctxt == SLUG_KEY[0]), None)
    slug_key = slug_entry.key if slug_entry else SLUG_KEY
    version = decide(name, locale.gettext, template, catalog, slug_key, blocking)
    return {
        "findings": [{"where": f"{where}:{f.line}", "check": f.check, "message": f.message, "blocking": f.blocking}
                     for f in findings],
        "slug": version.slug,
        "publishable": version.published,
        "published": version.published,
        "reasons": list(version.reasons),
        "counts": version.counts.as_dict(),
    }


def _unique_slugs(pages: dict[str, Any], project: Project, locale: SiteLocale) -> None:
    owners: dict[str, list[str]] = {}
    for name, entry in pages.items():
        entry["published"] = entry.get("publishable", False)
        entry["reasons"] = [r for r in entry.get("reasons", []) if not r.startswith("URL slug ")]
        if entry.get("slug") and entry["publishable"]:
            owners.setdefault(entry["slug"], []).append(name)
    for slug, names in owners.items():
        if len(names) < 2:
            continue
        for name in names:
            others = ", ".join(n for n in names if n != name)
            pages[name]["published"] = False
            pages[name]["reasons"].append(f"URL slug {slug!r} is also the slug of {others} in {locale.gettext}")
            log.warning("%s: warning: URL slug %r is also used by %s; not published",
                        project.relative(project.catalog(locale.gettext, name)), slug, others)


def load_states(project: Project, settings: Settings) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The extract manifest's pages, and each locale manifest's pages: what downstream jobs read."""
    extract = load_manifest(project.extract_manifest).get("pages", {})
    states = {loc.gettext: load_manifest(project.locale_manifest(loc.gettext)).get("pages", {})
              for loc in settings.locales}
    return extract, states


def published_versions(settings: Settings, extract: dict[str, Any],
                       states: dict[str, dict[str, Any]]) -> dict[str, list[Link]]:
    """For every page whose source parses: its published versions, source language first."""
    from .render import Link

    result: dict[str, list[Link]] = {}
    for name, entry in sorted(extract.items()):
        if not entry.get("slug"):
            continue  # never parsed; a page that parsed before and is broken now keeps its last build
        links = [Link(settings.source_locale, entry["slug"], settings.base_url)]
        for loc in settings.locales:
            state = states[loc.gettext].get(name, {})
            if state.get("published") and state.get("slug"):
                links.append(Link(loc, state["slug"], settings.base_url))
        result[name] = links
    return result


def run_render(project: Project, settings: Settings, shard: int) -> list[str]:
    """Write the published pages of this shard's pages (output/site/) and a reviewer preview of every
    page in every configured locale (output/preview/)."""
    path = project.render_manifest(shard)
    old = load_manifest(path).get("pages", {})
    extract, states = load_states(project, settings)
    versions = published_versions(settings, extract, states)
    current = stamp(project)
    pages: dict[str, Any] = {}
    errors: list[str] = []
    for name, links in versions.items():
        if shard_of(name, settings.render_shards) != shard:
            continue
        catalogs = {loc.gettext: fsio.read_bytes(project.catalog(loc.gettext, name)) for loc in settings.locales}
        status = {code: states[code].get(name, {}) for code in catalogs}
        key = key_of(current, extract[name]["source"], [(v.locale.gettext, v.slug) for v in links],
                     {code: fsio.digest(data or b"") for code, data in catalogs.items()},
                     {code: (s.get("published"), s.get("reasons")) for code, s in status.items()})
        files = [project.relative(project.page_file(v.locale.url_segment, v.slug)) for v in links]
        files += [project.relative(project.preview_file(loc.url_segment, links[0].slug)) for loc in settings.locales
                  if catalogs[loc.gettext] is not None]
        prev = old.get(name, {})
        unchanged = prev.get("key") == key and all((project.root / f).is_file() for f in files)
        if unchanged or (extract[name].get("error") and prev):
            pages[name] = prev  # a source page with an error keeps its last good build
            continue
        try:
            _render_page(project, settings, name, links, catalogs, status)
            pages[name] = {"key": key, "files": files}
        except PipelineError as err:
            report(err, errors)
    _remove_stale(project, old, pages)
    save_manifest(path, {"pages": pages})
    return errors


def _render_page(project: Project, settings: Settings, name: str, links: list[Link],
                 catalogs: dict[str, bytes | None], status: dict[str, dict[str, Any]]) -> None:
    from .publish import state_of
    from .render import Link, preview_banner, render_page, state_marker
    from .segments import walk

    page = parse_page(project.source(name).read_bytes(), project.relative(project.source(name)), name)
    parsed = {code: catalogcache.load(project, project.catalog(code, name), data).by_key()
              for code, data in catalogs.items() if data is not None}
    for link in links:
        localised = page
        if link.locale != settings.source_locale:
            where = project.relative(project.catalog(link.locale.gettext, name))
            localised = walk(page, _translator(parsed[link.locale.gettext], where))
        html = render_page(localised, settings, link, links)
        fsio.write_text(project.page_file(link.locale.url_segment, link.slug), html)
    for locale in settings.locales:
        translations = parsed.get(locale.gettext)
        if translations is None:
            continue
        marks: dict[tuple[int, str], str] = {}

        def draft(segment: Segment, translations: dict = translations, marks: dict = marks) -> str:
            message = translations.get(segment.key)
            text = message.msgstr if message is not None and message.translated else segment.text
            marks[(segment.line, text)] = state_of(message)
            return text

        localised = walk(page, draft)
        info = status.get(locale.gettext, {})
        counts = info.get("counts", {}).get("messages", {})
        banner = preview_banner(locale, counts, bool(info.get("published")), info.get("reasons", []))
        here = Link(locale, links[0].slug, settings.base_url)
        html = render_page(localised, settings, here, [], mark=state_marker(marks, settings.source_locale),
                           preview_banner=banner)
        fsio.write_text(project.preview_file(locale.url_segment, links[0].slug), html)


def _translator(translations: dict, where: str):
    def translate(segment: Segment) -> str:
        message = translations.get(segment.key)
        if message is None or not message.reviewed:
            raise PipelineError(f"no reviewed translation for {segment.text[:60]!r}", where)
        return message.msgstr.strip() if segment.role == "URL slug" else message.msgstr

    return translate


def _remove_stale(project: Project, old: dict[str, Any], new: dict[str, Any]) -> None:
    keep = {f for entry in new.values() for f in entry.get("files", [])}
    for entry in old.values():
        for file in entry.get("files", []):
            if file not in keep:
                path = project.root / file
                fsio.remove(path, project.site if project.site in path.parents else project.preview)


def run_sitemap(project: Project, settings: Settings) -> list[str]:
    """output/site/sitemap.xml, robots.txt and the stylesheet."""
    from .render import stylesheet
    from .sitemap import sitemap_xml

    clusters = list(published_versions(settings, *load_states(project, settings)).values())
    fsio.write_text(project.sitemap, sitemap_xml(clusters, settings.source_locale.gettext))
    robots = f"User-agent: *\nAllow: /\n\nSitemap: {settings.base_url}/sitemap.xml\n"
    fsio.write_text(project.site / "robots.txt", robots)
    fsio.write_text(project.stylesheet, stylesheet())
    fsio.write_text(project.preview / "assets" / "site.css", stylesheet())
    return []


def run_site(project: Project, settings: Settings) -> list[str]:
    """The site-wide files in one job: sitemap, robots.txt, stylesheets, status report, and the list
    of problems the run recorded (output/.state/problems.txt, which `verdict` reads)."""
    run_sitemap(project, settings)
    run_report(project, settings)
    problems = recorded_problems(project, settings)
    text = "".join(p.replace(": ", ": error: ", 1) + "\n" if ": error: " not in p else p + "\n" for p in problems)
    if problems:
        text += f"{len(problems)} problem(s): the pages above were not (re)built; fix them and run again\n"
    fsio.write_text(project.problems, text)
    return problems


def run_report(project: Project, settings: Settings) -> list[str]:
    """output/reports/status.json and status.html."""
    from .report import status_data, status_html, status_json

    data = status_data(settings, *load_states(project, settings))
    fsio.write_text(project.status_json, status_json(data))
    fsio.write_text(project.status_html, status_html(data))
    return []


def recorded_problems(project: Project, settings: Settings) -> list[str]:
    """Every error the last run recorded in a manifest: what `verdict` reports."""
    found: list[str] = []
    manifests = [project.extract_manifest] + [project.locale_manifest(loc.gettext) for loc in settings.locales]
    for manifest in manifests:
        for entry in load_manifest(manifest).get("pages", {}).values():
            if entry.get("error"):
                found.append(entry["error"])
    return found
