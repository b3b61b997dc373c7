"""The built web root as a web team ships it: index pages, breadcrumbs, furniture, review metadata,
sitemap, JSON-LD vocabulary, and the browser and markup checks (axe-core in headless Chromium, the
Nu HTML checker, the sitemaps.org XSD). Every test reads the one project `built_site` builds."""

from __future__ import annotations

import functools
import json
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import pytest
from conftest import ARTIFACTS, ROOT, node_package, snakemake
from lxml import etree, html

from pipeline.site.audit import check_site

BASE = "https://clinic.example"
DATA = Path(__file__).parent / "data"


def site(root: Path) -> Path:
    return root / "output" / "site"


def doc(path: Path):
    return html.document_fromstring(path.read_bytes())


def graph(page) -> dict[str, dict]:
    data = json.loads(page.xpath("//script[@type='application/ld+json']/text()")[0])
    nodes = data["@graph"]
    return {kind: node for node in nodes for kind in ([node["@type"]] if isinstance(node["@type"], str)
                                                      else node["@type"])}


def local(href: str, root: Path) -> Path:
    """The file of output/site/ an absolute URL of the site names."""
    assert href.startswith(BASE + "/"), href
    path = unquote(urlsplit(href).path).lstrip("/")
    return site(root) / path / "index.html" if not path or path.endswith("/") else site(root) / path


def test_site_index_pages_exist_per_locale_whose_interface_catalog_is_reviewed(built_site: Path):
    out = site(built_site)
    for lang in ("en-gb", "es", "ar"):  # English always; es and ar: site.po reviewed
        for index in ("", "all-treatments/", "all-treatments/depression/"):
            assert (out / lang / index / "index.html").is_file(), f"{lang}/{index}"
    assert (out / "es" / "all-treatments" / "chronic-depression" / "index.html").is_file()
    assert not (out / "ar" / "all-treatments" / "chronic-depression").exists()  # no published ar page there
    assert not (out / "fr" / "index.html").exists()  # fr's interface catalog is not reviewed
    assert (out / "fr" / "therapie-smt" / "index.html").is_file()
    assert (out / "index.html").is_file() and (out / "404.html").is_file()


def test_site_a_locale_without_reviewed_interface_falls_back_to_english_chrome_and_index_pages(built_site: Path):
    page = doc(site(built_site) / "fr" / "therapie-smt" / "index.html")
    skip = page.xpath("//a[@class='skip-link']")[0]
    assert (skip.text, skip.get("lang")) == ("Skip to main content", "en-GB")
    crumbs = page.xpath("//nav[@class='breadcrumb']//a")
    assert [a.get("href") for a in crumbs[:-1]] == [f"{BASE}/en-gb/", f"{BASE}/en-gb/all-treatments/",
                                                    f"{BASE}/en-gb/all-treatments/depression/"]
    assert {a.get("hreflang") for a in crumbs[:-1]} == {"en-GB"}
    es = doc(site(built_site) / "es" / "terapia-emt" / "index.html")
    assert es.xpath("//a[@class='skip-link']/text()") == ["ES Skip to main content"]
    assert es.xpath("//nav[@class='breadcrumb']/@aria-label") == ["ES Breadcrumb"]
    assert es.xpath("//nav[@class='languages']/@aria-label") == ["ES Languages"]


def test_site_every_breadcrumb_item_links_to_a_page_of_the_site_and_json_ld_names_it(built_site: Path):
    pages = [p for p in site(built_site).rglob("index.html") if p.parent != site(built_site)]
    assert len(pages) >= 15
    for path in pages:
        page = doc(path)
        links = page.xpath("//nav[@class='breadcrumb']//li")
        if path.parent.parent == site(built_site):  # a locale's home page: the top of the trail
            assert not links and "BreadcrumbList" not in graph(page), path
            continue
        hrefs = [li.xpath("./a/@href")[0] for li in links]  # every item is a link
        assert all(local(href, built_site).is_file() for href in hrefs), path
        nodes = graph(page)
        items = nodes["BreadcrumbList"]["itemListElement"]
        assert [item["item"] for item in items] == hrefs, path
        assert hrefs[-1] == page.xpath("//link[@rel='canonical']/@href")[0]


def test_site_index_pages_list_the_locales_published_pages_with_translated_names(built_site: Path):
    home = doc(site(built_site) / "es" / "index.html")
    assert home.xpath("//main/ul[@class='page-list']/li/a/@href") == [
        f"{BASE}/es/infusion-de-ketamina-iv/", f"{BASE}/es/terapia-emt/"]
    condition = doc(site(built_site) / "es" / "all-treatments" / "depression" / "index.html")
    assert condition.xpath("//h1/text()") == ["ES Depression"]
    listed = condition.xpath("//main/ul[@class='page-list']/li/a/text()")
    assert listed == ["ES Transcranial Magnetic Stimulation (TMS)"]
    assert graph(condition)["CollectionPage"]["inLanguage"] == "es"
    ar = doc(site(built_site) / "ar" / "all-treatments" / "index.html")
    assert ar.get("dir") == "rtl" and ar.xpath("//main/ul[@class='page-list']/li/a/@href") == [
        f"{BASE}/ar/العلاج-بالتحفيز-المغناطيسي/"]


def test_site_root_is_a_static_language_chooser_outside_the_home_pages_hreflang_cluster(built_site: Path):
    root = doc(site(built_site) / "index.html")
    assert root.xpath("//link[@rel='canonical']/@href") == [f"{BASE}/"]
    assert root.xpath("//link[@hreflang]") == []  # no language of its own: no cluster to name itself in
    choices = root.xpath("//ul[@class='choices']//a")
    assert [(a.get("hreflang"), a.get("href")) for a in choices] == [
        ("en-GB", f"{BASE}/en-gb/"), ("es", f"{BASE}/es/"), ("ar", f"{BASE}/ar/")]
    assert graph(root)["MedicalWebPage"]["url"] == f"{BASE}/"
    home = doc(site(built_site) / "es" / "index.html")
    alternates = dict(zip(home.xpath("//link[@hreflang]/@hreflang"), home.xpath("//link[@hreflang]/@href"),
                          strict=True))
    assert alternates == {"en-GB": f"{BASE}/en-gb/", "es": f"{BASE}/es/", "ar": f"{BASE}/ar/",
                          "x-default": f"{BASE}/en-gb/"}
    sitemap = (site(built_site) / "sitemap.xml").read_text("utf-8")
    assert f"<url>\n<loc>{BASE}/</loc>" in sitemap and f'hreflang="x-default" href="{BASE}/"' not in sitemap
    assert not root.xpath("//script[not(@type='application/ld+json')]")
    missing = doc(site(built_site) / "404.html")
    assert missing.xpath("//meta[@name='robots']/@content") == ["noindex"]
    assert missing.xpath("//link[@rel='stylesheet']/@href") == ["/assets/site.css"]  # from any depth


def test_site_clinic_furniture_in_footer_head_and_json_ld(built_site: Path):
    page = doc(site(built_site) / "en-gb" / "tms-therapy" / "index.html")
    footer = page.xpath("//footer")[0]
    assert footer.xpath(".//a[starts-with(@href, 'tel:')]/@href") == ["tel:+442079460958"]
    assert footer.xpath(".//a[starts-with(@href, 'mailto:')]/@href") == ["mailto:hello@clinic.example"]
    assert footer.xpath(".//a[@class='booking']/@href") == ["https://clinic.example/book/"]
    assert "1 Harley Street" in footer.text_content()
    meta = {m.get("property") or m.get("name"): m.get("content") for m in page.xpath("//head/meta")}
    assert meta["og:image"] == f"{BASE}/assets/social.png"
    assert (meta["og:image:width"], meta["og:image:height"], meta["og:image:alt"]) == ("1200", "630", "Clinic Example")
    assert meta["twitter:card"] == "summary_large_image"
    assert (site(built_site) / "favicon.ico").read_bytes()[:4] == b"\0\0\1\0"
    assert local(f"{BASE}/assets/social.png", built_site).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    clinic = graph(page)["MedicalClinic"]
    assert (clinic["name"], clinic["telephone"], clinic["email"]) == ("Clinic Example", "020 7946 0958",
                                                                      "hello@clinic.example")
    assert graph(page)["MedicalWebPage"]["publisher"] == {"@id": clinic["@id"]}


def test_site_medical_review_line_and_json_ld_with_translation_review_date(built_site: Path):
    english = doc(site(built_site) / "en-gb" / "tms-therapy" / "index.html")
    assert english.xpath("normalize-space(//p[@class='review'])") == (
        "Medically reviewed by Dr Ana Ruiz, Consultant Psychiatrist Last reviewed: 1 March 2026")
    webpage = graph(english)["MedicalWebPage"]
    assert webpage["reviewedBy"] == {"@type": "Person", "name": "Dr Ana Ruiz, Consultant Psychiatrist"}
    assert webpage["lastReviewed"] == "2026-03-01"
    spanish = doc(site(built_site) / "es" / "terapia-emt" / "index.html")
    dates = spanish.xpath("//p[@class='review']//time")
    assert [(t.get("datetime"), t.text) for t in dates] == [("2026-03-01", "1 de marzo de 2026"),
                                                            ("2026-01-01", "1 de enero de 2026")]
    unreviewed = doc(site(built_site) / "es" / "infusion-de-ketamina-iv" / "index.html")  # no review headers
    assert unreviewed.xpath("//p[@class='review']/span/text()") == ["ES Translation reviewed: "]
    assert "reviewedBy" not in graph(unreviewed)["MedicalWebPage"]
    assert not doc(site(built_site) / "en-gb" / "iv-ketamine-infusion" / "index.html").xpath("//p[@class='review']")


def test_site_check_finds_no_problem(built_site: Path):
    assert check_site(site(built_site), BASE) == []


def test_sitemap_validates_against_the_sitemaps_org_xsd_with_escaped_urls_and_lastmod(built_site: Path):
    schema = etree.XMLSchema(etree.parse(str(DATA / "sitemaps" / "xhtml-link.xsd")))  # imports sitemap.xsd
    sitemap = etree.parse(str(site(built_site) / "sitemap.xml"))
    assert schema.validate(sitemap), schema.error_log
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = sitemap.xpath("//s:loc/text()", namespaces=ns)
    assert all(loc.isascii() for loc in locs)
    assert f"{BASE}/ar/{quote('العلاج-بالتحفيز-المغناطيسي')}/" in locs
    assert len(sitemap.xpath("//s:lastmod", namespaces=ns)) == len(locs)
    broken = etree.fromstring(etree.tostring(sitemap).replace(b"<lastmod>", b"<lastmod>x", 1))
    assert not schema.validate(broken)  # the schema can fail


def test_sitemap_is_the_same_bytes_after_a_cold_rebuild(built_site: Path, tmp_path: Path):
    copy = tmp_path / "copy"
    shutil.copytree(built_site, copy, ignore=shutil.ignore_patterns("output", ".snakemake"))
    snakemake(copy, "all")
    assert (site(copy) / "sitemap.xml").read_bytes() == (site(built_site) / "sitemap.xml").read_bytes()


def test_json_ld_uses_only_schema_org_types_and_properties(built_site: Path):
    vocabulary = json.loads((DATA / "schemaorg" / "vocabulary.json").read_text("utf-8"))

    def ancestors(kind: str) -> set[str]:
        assert kind in vocabulary["types"], f"unknown schema.org type {kind}"
        return {kind}.union(*(ancestors(parent) for parent in vocabulary["types"][kind]))

    def walk(node: object, where: str) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item, where)
        if not isinstance(node, dict):
            return
        types = node.get("@type")
        kinds = set().union(*(ancestors(k) for k in ([types] if isinstance(types, str) else types))) \
            if types is not None else None
        for key, value in node.items():
            if key.startswith("@"):
                continue
            assert key in vocabulary["properties"], f"{where}: unknown schema.org property {key}"
            if kinds is not None:
                assert kinds & set(vocabulary["properties"][key]), f"{where}: {key} is no property of {node['@type']}"
            walk(value, where)

    files = sorted(site(built_site).rglob("*.html"))
    checked = 0
    for path in files:
        for block in doc(path).xpath("//script[@type='application/ld+json']/text()"):
            walk(json.loads(block)["@graph"], str(path.relative_to(built_site)))
            checked += 1
    assert checked == len(files) - 1  # every page but 404.html


def test_status_report_has_main_and_links_cells_to_previews_and_findings_to_their_files(built_site: Path):
    reports = built_site / "output" / "reports"
    report = doc(reports / "status.html")
    assert len(report.xpath("//main")) == 1
    previews = report.xpath("//table[@id='status']//a/@href")
    assert len(previews) == 6 and all((reports / href).is_file() for href in previews)  # 2 pages x 3 locales
    assert "../preview/ar/tms-therapy/index.html" in previews
    findings = report.xpath("//table[@id='findings']//a")
    assert findings, "the fixture's double space gives a [whitespace] warning"
    for link in findings:
        assert (reports / link.get("href")).is_file()
        assert re.fullmatch(r"locales/es/LC_MESSAGES/iv-ketamine-infusion\.po:\d+", link.text_content())


def test_interface_catalog_is_drafted_by_machine_translation_like_a_page(project: Path):
    from conftest import need

    need("apertium")
    config = project / "config" / "config.yaml"
    text = config.read_text().replace("locales: [es, fr, de, it, pt_BR, pl, ar]", "locales: [es]")
    config.write_text(text.replace("{provider: none}", "{provider: apertium}"))
    snakemake(project, "all")
    site_po = (project / "locales" / "es" / "LC_MESSAGES" / "site.po").read_text("utf-8")
    assert '#: pipeline/site/templates/layout.html.j2' in site_po and 'msgid "Skip to main content"' in site_po
    assert site_po.count("# machine translation: apertium") >= 8 and "#, fuzzy" in site_po
    assert not (site(project) / "es" / "index.html").exists()  # drafts publish nothing


# --- browser and markup checks -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def served(built_site: Path) -> Iterator[str]:
    """output/ served over real HTTP on 127.0.0.1 (site, previews, reports)."""
    handler = functools.partial(QuietHandler, directory=str(built_site / "output"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


SHOTS = {  # screenshot name -> page under output/, at 1280 and 390 px
    "treatment-en-GB": "site/en-gb/tms-therapy/", "treatment-ar": "site/ar/العلاج-بالتحفيز-المغناطيسي/",
    "index-en-GB": "site/en-gb/all-treatments/", "index-ar": "site/ar/all-treatments/",
    "report": "reports/status.html",
}


@pytest.mark.long
def test_axe_core_finds_no_violation_and_nothing_overflows_at_390px(built_site: Path, served: str):
    node = shutil.which("node") or pytest.skip("node is not installed (make test installs nodejs)")
    chromium = shutil.which("chromium") or pytest.skip("chromium is not installed (make test installs it)")
    axe = node_package("axe-core/axe.min.js")
    node_package("puppeteer-core/package.json")
    output = built_site / "output"
    pages = [p.relative_to(output).as_posix() for p in sorted((output / "site").rglob("*.html"))]
    pages += [p.relative_to(output).as_posix() for p in sorted((output / "preview").rglob("index.html"))]
    pages.append("reports/status.html")
    shots = {path: name for name, path in SHOTS.items()}
    items = []
    for page in pages:
        key = page.removesuffix("index.html")
        items.append({"name": shots.get(key, re.sub(r"[^\w.-]+", "_", page)), "url": f"{served}/{quote(page)}",
                      "widths": [1280, 390] if key in shots else []})
    assert len([i for i in items if i["widths"]]) == len(SHOTS)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    spec = ARTIFACTS / "audit-spec.json"
    spec.write_text(json.dumps({"chromium": chromium, "axe": str(axe), "out": str(ARTIFACTS), "pages": items}))
    run = subprocess.run([node, str(ROOT / "tests" / "browser" / "audit.mjs"), str(spec)], capture_output=True,
                         text=True, timeout=600, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    results = json.loads(run.stdout)
    assert len(results) == len(items) and all(r["status"] == 200 for r in results)
    violations = {r["url"]: r["violations"] for r in results if r["violations"]}
    assert violations == {}
    overflowing = {r["name"]: r["overflow"]["390"] for r in results if r["overflow"].get("390", 0) > 0}
    assert overflowing == {}
    for name in SHOTS:
        for width in (1280, 390):
            assert (ARTIFACTS / f"{name}-{width}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_nu_html_checker_reports_no_error_on_any_html_under_output(built_site: Path):
    java = shutil.which("java") or pytest.skip("java is not installed (make test installs default-jre-headless)")
    vnu = node_package("vnu-jar/build/dist/vnu.jar")
    output = built_site / "output"
    files = sorted(str(p) for p in output.rglob("*.html"))
    assert len(files) >= 25
    run = subprocess.run([java, "-jar", str(vnu), "--errors-only", "--format", "json", *files],
                         capture_output=True, text=True, timeout=600)
    messages = json.loads(run.stderr or '{"messages": []}')["messages"]
    errors = [f"{m.get('url', '')}:{m.get('lastLine', '')}: {m['message']}" for m in messages
              if m.get("type") == "error" or m.get("subType") == "fatal"]
    assert errors == []
    assert run.returncode == 0
